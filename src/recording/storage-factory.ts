import { DiskStorage } from './disk-storage.js';
import type { ObjectStorage } from './object-storage.js';
import type { S3StorageOptions } from './s3-storage.js';

/** Which store holds recording chunks: a directory on this machine, or an S3 bucket. */
export type ObjectStorageOptions =
  | { kind: 'disk'; /** Directory that holds the objects; created on first write. */ rootDir: string }
  | ({ kind: 's3' } & S3StorageOptions);

/**
 * Builds the store described by `options`; nothing is contacted until the first call. The S3
 * client is loaded only for an S3 store: with recordings on disk it would be 4.4 MiB of the
 * service's heap for nothing, and every full collection goes through the whole heap.
 */
export async function createObjectStorage(options: ObjectStorageOptions): Promise<ObjectStorage> {
  switch (options.kind) {
    case 'disk':
      return new DiskStorage(options.rootDir);
    case 's3': {
      const { S3Storage } = await import('./s3-storage.js');
      return new S3Storage({
        bucket: options.bucket, region: options.region, endpoint: options.endpoint, forcePathStyle: options.forcePathStyle,
      });
    }
  }
}
