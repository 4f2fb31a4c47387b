/** What every handler shares: the database, blobs, the signing key, the workers, the limits. */
import type { AttemptLimiter } from './auth/rate-limit.js';
import type { RegistryConfig } from './config.js';
import type { Sql } from './db/sql.js';
import type { RegistryKey } from './pipeline/keys.js';
import type { BlobStore } from './store/blobs.js';
import type { TusUploads } from './upload/tus.js';

export interface App {
  config: RegistryConfig;
  sql: Sql;
  blobs: BlobStore;
  key: RegistryKey;
  uploads: TusUploads;
  loginLimiter: AttemptLimiter;
}
