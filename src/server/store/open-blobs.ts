/** Opens the configured blob store; the AWS SDK is loaded only for S3. */
import { join } from 'node:path';
import type { RegistryConfig } from '../config.js';
import { LocalBlobStore, type BlobStore } from './blobs.js';

export async function openBlobStore(config: RegistryConfig): Promise<BlobStore> {
  if (config.blobs.kind === 'local') return new LocalBlobStore(join(config.dataDir, 'blobs'));
  const { S3BlobStore } = await import('./s3-blobs.js');
  return S3BlobStore.open(config.blobs);
}
