/** The model registry service (issue 21): see docs/registry.md. */
export { createRegistry, openDatabase, type Registry } from './registry.js';
export { defaultConfig, databaseFrom, queueFrom, blobsFrom, type RegistryConfig, type S3BlobsConfig } from './config.js';
export { LocalBlobStore, type BlobStore, type ByteRange } from './store/blobs.js';
export { openBlobStore } from './store/open-blobs.js';
export { RegistryError, type RegistryErrorCode } from './errors.js';
export { ensureAdmin, seedExamples, examplesDir } from './seed.js';
export { createUser, newToken, ROLES, type Role } from './auth/users.js';
export { TUS_VERSION } from './upload/tus.js';
