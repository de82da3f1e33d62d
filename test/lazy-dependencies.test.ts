import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const module = (file: string) => JSON.stringify(fileURLToPath(new URL(`../src/${file}`, import.meta.url)));

describe('clients loaded only when configured', () => {
  it('leaves ioredis and the S3 client unloaded with no REDIS_URL and recordings on disk, and loads each once it is used', { timeout: 30_000 }, async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'vw-lazy-'));
    // A fresh process: the test's own has loaded both for other tests. Both packages are CommonJS,
    // so whatever imports them shows in require's cache.
    const script = `import { createRequire } from 'node:module';
      const cache = createRequire(import.meta.url).cache;
      const loaded = () => ['ioredis', '@aws-sdk/client-s3'].map((name) => Object.keys(cache).some((file) => file.includes('/node_modules/' + name + '/')));
      // The whole service's module graph, as main.ts loads it: a static import of either anywhere in it would show.
      await import('reflect-metadata');
      await import(${module('bootstrap.ts')});
      const { openBackplane } = await import(${module('pubsub/backplane.ts')});
      const { createObjectStorage } = await import(${module('recording/storage-factory.ts')});
      const quiet = { debug() {}, info() {}, warn() {}, error() {} };
      const { pubsub, signalLog } = await openBackplane({ redisUrl: undefined, reconnectWindowMs: 30000 }, quiet);
      const disk = await createObjectStorage({ kind: 'disk', rootDir: ${JSON.stringify(dir)} });
      console.log(JSON.stringify(loaded()));
      await createObjectStorage({ kind: 's3', bucket: 'b', region: 'us-east-1', endpoint: 'http://127.0.0.1:9', forcePathStyle: true });
      await import(${module('pubsub/redis-connection.ts')});
      console.log(JSON.stringify(loaded()));
      await Promise.all([pubsub.close(), signalLog.close(), disk.close()]);
      process.exit(0);`;
    try {
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script]);
      expect(stdout.trim().split('\n').map((line) => JSON.parse(line))).toEqual([[false, false], [true, true]]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
