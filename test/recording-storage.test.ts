import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DiskStorage } from '../src/recording/disk-storage.js';
import { InvalidObjectKeyError, ObjectNotFoundError, type ObjectStorage } from '../src/recording/object-storage.js';
import { S3Storage } from '../src/recording/s3-storage.js';
import { createObjectStorage } from '../src/recording/storage-factory.js';
import { startS3rver } from './helpers/s3rver.js';

const BUCKET = 'recordings';
const MiB = 1024 * 1024;

/** A backend under test: a working store, one of the same kind whose every I/O fails, and its teardown. */
interface Backend {
  storage: ObjectStorage;
  /** Every call that reaches its disk or server fails, to show that bad keys are refused before any I/O. */
  broken: ObjectStorage;
  close(): Promise<void>;
}

async function diskBackend(): Promise<Backend> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'vw-disk-storage-'));
  // A root beneath a regular file: every filesystem call under it fails with ENOTDIR.
  await writeFile(path.join(dir, 'not-a-dir'), '');
  const storage = await createObjectStorage({ kind: 'disk', rootDir: path.join(dir, 'objects') });
  const broken = new DiskStorage(path.join(dir, 'not-a-dir', 'objects'));
  return {
    storage, broken,
    close: async () => {
      await storage.close();
      await broken.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function s3Backend(): Promise<Backend> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'vw-s3rver-'));
  const server = await startS3rver(dir, BUCKET);
  // s3rver accepts its fixed S3RVER key pair; S3Storage takes no credentials and finds these
  // through the SDK's default chain, as it finds real ones in production.
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'S3RVER');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'S3RVER');
  const endpoint = `http://127.0.0.1:${server.port}`;
  const storage = await createObjectStorage({ kind: 's3', bucket: BUCKET, region: 'us-east-1', endpoint, forcePathStyle: true });
  // No such bucket on the server: every call that reaches it fails with NoSuchBucket.
  const broken = new S3Storage({ bucket: 'no-such-bucket', region: 'us-east-1', endpoint, forcePathStyle: true });
  return {
    storage, broken,
    close: async () => {
      await storage.close();
      await broken.close();
      await server.close();
      vi.unstubAllEnvs();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

describe.each([
  ['DiskStorage', 'disk', diskBackend],
  ['S3Storage on s3rver', 's3', s3Backend],
] as const)('%s', (_, kind, start) => {
  let backend: Backend;
  let storage: ObjectStorage;
  // Each test works under a recording of its own, so tests cannot see each other's objects.
  const recording = () => `recordings/${randomUUID()}`;

  beforeAll(async () => {
    backend = await start();
    storage = backend.storage;
  });
  afterAll(async () => {
    await backend?.close();
  });

  it('returns the exact bytes it stored, for 0 bytes, a few bytes and 3 MiB', async () => {
    const base = recording();
    const bodies = [Buffer.alloc(0), Buffer.from([0, 255, 10, 13]), randomBytes(3 * MiB + 5)];
    for (const [index, body] of bodies.entries()) await storage.put(`${base}/chunk-${index}`, body);
    for (const [index, body] of bodies.entries()) {
      const read = await storage.get(`${base}/chunk-${index}`);
      expect(read.length).toBe(body.length);
      expect(read.equals(body)).toBe(true);
    }
  });

  it('is the kind the factory was asked for', () => {
    expect(storage.kind).toBe(kind);
  });

  it('replaces an object whole when a key is written again', async () => {
    const key = `${recording()}/chunk-000001`;
    await storage.put(key, randomBytes(10_000));
    const second = Buffer.from('shorter');
    await storage.put(key, second);
    expect((await storage.get(key)).equals(second)).toBe(true);
    expect(await storage.list(key)).toEqual([key]);
  });

  it('throws ObjectNotFoundError for a key that holds nothing', async () => {
    const key = `${recording()}/chunk-000001`;
    const error = await storage.get(key).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ObjectNotFoundError);
    expect((error as ObjectNotFoundError).key).toBe(key);
  });

  it('deletes an object, and deleting it again or a key never written succeeds', async () => {
    const key = `${recording()}/chunk-000001`;
    await storage.put(key, Buffer.from('x'));
    await storage.delete(key);
    await expect(storage.get(key)).rejects.toBeInstanceOf(ObjectNotFoundError);
    await storage.delete(key);
    await storage.delete(`${recording()}/never-written`);
  });

  it('lists the keys under a prefix in order, and deletePrefix deletes exactly those', async () => {
    const mine = recording();
    const other = recording();
    const mineKeys = ['chunk-000003', 'chunk-000001', 'chunk-000002', 'meta/manifest.json'].map((k) => `${mine}/${k}`);
    const otherKeys = [`${other}/chunk-000001`, `${mine}-sibling/chunk-000001`];
    for (const key of [...mineKeys, ...otherKeys]) await storage.put(key, Buffer.from(key));

    expect(await storage.list(`${mine}/`)).toEqual([...mineKeys].sort());
    expect(await storage.list(`${mine}/chunk-`)).toEqual([`${mine}/chunk-000001`, `${mine}/chunk-000002`, `${mine}/chunk-000003`]);
    expect(await storage.list(mine)).toEqual([...mineKeys, `${mine}-sibling/chunk-000001`].sort());
    expect(await storage.list(`${recording()}/`)).toEqual([]);

    expect(await storage.deletePrefix(`${mine}/`)).toBe(4);
    expect(await storage.list(`${mine}/`)).toEqual([]);
    for (const key of otherKeys) expect((await storage.get(key)).toString()).toBe(key);
    expect(await storage.deletePrefix(`${mine}/`)).toBe(0);
  });

  it('lists and deletes more than 1 000 keys under a prefix (past one listing page and one delete batch)', async () => {
    const base = recording();
    const keys = Array.from({ length: 1_005 }, (_, i) => `${base}/chunk-${String(i).padStart(6, '0')}`);
    for (let i = 0; i < keys.length; i += 50) {
      await Promise.all(keys.slice(i, i + 50).map((key) => storage.put(key, Buffer.of(i & 0xff))));
    }
    expect(await storage.list(`${base}/`)).toEqual(keys);
    expect(await storage.deletePrefix(`${base}/`)).toBe(keys.length);
    expect(await storage.list(`${base}/`)).toEqual([]);
  });

  const badKeys = [
    '', '/recordings/x', '../escape', 'recordings/../../escape', 'recordings/./x', 'recordings//x', 'recordings\\x',
    'recordings/x y', 'recordings/é', 'recordings/x~tmp', 'recordings/x/', 'x'.repeat(1025),
  ];

  it.each(badKeys.map((key) => [JSON.stringify(key.length > 40 ? `${key.slice(0, 10)}…` : key), key]))(
    'refuses the key %s before any I/O',
    async (_, key) => {
      for (const store of [storage, backend.broken]) {
        await expect(store.put(key, Buffer.from('x'))).rejects.toBeInstanceOf(InvalidObjectKeyError);
        await expect(store.get(key)).rejects.toBeInstanceOf(InvalidObjectKeyError);
        await expect(store.delete(key)).rejects.toBeInstanceOf(InvalidObjectKeyError);
      }
    },
  );

  it.each(['', '/', '/recordings', '../', 'recordings/../', 'recordings//', 'recordings\\'])(
    'refuses the prefix %j before any I/O',
    async (prefix) => {
      for (const store of [storage, backend.broken]) {
        await expect(store.list(prefix)).rejects.toBeInstanceOf(InvalidObjectKeyError);
        await expect(store.deletePrefix(prefix)).rejects.toBeInstanceOf(InvalidObjectKeyError);
      }
    },
  );

  it('fails on the broken store for a valid key, so the refusals above came before I/O', async () => {
    const error = await backend.broken.put(`${recording()}/chunk-000001`, Buffer.from('x')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(InvalidObjectKeyError);
  });
});

describe('DiskStorage files', () => {
  let dir: string;
  let root: string;
  let storage: DiskStorage;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vw-disk-files-'));
    root = path.join(dir, 'objects');
    storage = new DiskStorage(root);
  });
  afterAll(async () => {
    await storage.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes nothing outside its root for a traversal key', async () => {
    await storage.put('recordings/a/chunk-000001', Buffer.from('x'));
    await expect(storage.put('../escaped', Buffer.from('x'))).rejects.toBeInstanceOf(InvalidObjectKeyError);
    await expect(storage.put('recordings/../../escaped', Buffer.from('x'))).rejects.toBeInstanceOf(InvalidObjectKeyError);
    expect(await readdir(dir)).toEqual(['objects']);
  });

  // S3 promises this too, but s3rver writes objects in place and cannot keep it, so only here.
  it('never shows a reader a mix of two writes racing on one key', async () => {
    const key = `recordings/${randomUUID()}/chunk-000001`;
    const [a, b] = [Buffer.alloc(MiB, 0xaa), Buffer.alloc(MiB + 7, 0xbb)];
    await storage.put(key, a);
    const reads: Buffer[] = [];
    await Promise.all(Array.from({ length: 16 }, (_, i) =>
      i % 2 === 0 ? storage.put(key, i % 4 === 0 ? b : a) : storage.get(key).then((read) => reads.push(read))));
    expect(reads).toHaveLength(8);
    for (const read of reads) expect(read.equals(a) || read.equals(b)).toBe(true);
  });

  it('keeps one file per key, leaves no temporary files, and removes directories a delete empties', async () => {
    const base = `recordings/${randomUUID()}`;
    await storage.put(`${base}/a/chunk-000001`, randomBytes(100));
    await storage.put(`${base}/a/chunk-000001`, randomBytes(100));
    await storage.put(`${base}/b/chunk-000001`, randomBytes(100));
    const recordingDir = path.join(root, ...base.split('/'));
    expect(await readdir(path.join(recordingDir, 'a'))).toEqual(['chunk-000001']);

    await storage.delete(`${base}/a/chunk-000001`);
    expect(await readdir(recordingDir)).toEqual(['b']);
    await storage.deletePrefix(`${base}/`);
    await expect(stat(recordingDir)).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await stat(root)).isDirectory()).toBe(true);
  });
});
