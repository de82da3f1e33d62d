import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createObjectStorage } from '../src/recording/storage-factory.js';
import type { ObjectStorage } from '../src/recording/object-storage.js';
import {
  AttachTranscriptDocument, AuditEventsDocument, CallEventsDocument, RecordingDownloadLinkDocument, RecordingTranscriptDocument,
  RecordingsDocument, StartRecordingDocument,
} from './generated/graphql.js';
import { startApp, type TestApp } from './helpers/app.js';
import { connected, execute, executeError, subscribe, wsClient } from './helpers/client.js';
import {
  PLAINTEXT_MARKER, activeCall, getMedia, media, putChunk, record, sha256, startConsentedRecording, stopAndFinalize,
} from './helpers/recording.js';
import { startS3rver } from './helpers/s3rver.js';

const BUCKET = 'vw-recordings';
const CHUNK = 64 * 1024;
const KiB = 1024;

let s3dir: string;
let s3: Awaited<ReturnType<typeof startS3rver>>;

beforeAll(async () => {
  s3dir = await mkdtemp(path.join(os.tmpdir(), 'vw-rec-s3-'));
  s3 = await startS3rver(s3dir, BUCKET);
  // The S3 client finds credentials through the SDK's default chain, as in production.
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'S3RVER');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'S3RVER');
});
afterAll(async () => {
  await s3?.close();
  vi.unstubAllEnvs();
  await rm(s3dir, { recursive: true, force: true });
});

const backends = [
  ['on the local disk', () => ({})],
  ['on S3 (s3rver, path-style, through @aws-sdk/client-s3)', () => ({
    S3_BUCKET: BUCKET, S3_REGION: 'us-east-1', S3_ENDPOINT: `http://127.0.0.1:${s3.port}`, S3_FORCE_PATH_STYLE: 'true',
  })],
] as const;

describe.each(backends)('recording %s', (_name, env) => {
  let app: TestApp;
  let storage: ObjectStorage;
  let ada: string; // provider
  let pat: string; // patient
  let root: string; // admin
  let eve: string; // another patient, in no call here
  let svc: string; // the transcription service

  beforeAll(async () => {
    app = await startApp({ ...env(), RECORDING_MAX_CHUNK_BYTES: String(CHUNK) });
    // The test's own view of the same store, to look at (and tamper with) what the service wrote.
    storage = await createObjectStorage(app.config.recording.storage);
    ({ ada, pat, root, eve, svc } = (await app.signIn([
      ['ada', 'provider', 'Dr Ada'], ['pat', 'patient', 'Pat'], ['root', 'admin'], ['eve', 'patient'], ['svc', 'service'],
    ])) as Record<'ada' | 'pat' | 'root' | 'eve' | 'svc', string>);
  });
  afterAll(async () => {
    await storage?.close();
    await app?.close();
  });

  /** Every stored object of a recording, read raw. */
  const stored = async (recordingId: string) => {
    const keys = await storage.list(`recordings/${recordingId}/`);
    return Promise.all(keys.map(async (key) => ({ key, bytes: await storage.get(key) })));
  };

  it('records only with consent, tells the patient, and brings every size back byte for byte', async () => {
    const callId = await activeCall(app, ada, 'pat', pat);
    const patSocket = wsClient(app.wsUrl, pat);
    await connected(patSocket);
    const events = subscribe(patSocket, CallEventsDocument, { callId });
    try {
      expect((await events.next()).data?.callEvents.kind).toBe('CURRENT_STATUS');

      const refused = await executeError(app.url, StartRecordingDocument, { callId }, ada);
      expect(refused.extensions).toMatchObject({ code: 'CONFLICT', reason: 'CONSENT_REQUIRED', missingConsent: ['pat'] });
      expect(refused.message).not.toContain('Pat');
      expect((await execute(app.url, RecordingsDocument, { callId }, ada)).recordings).toEqual([]);

      const sizes = [0, 1, CHUNK, CHUNK + 1, 3 * 1024 * KiB + 17];
      for (const [i, size] of sizes.entries()) {
        const bytes = media(size, i + 1);
        const recording = await record(app, callId, ada, pat, bytes, CHUNK);
        expect(recording).toMatchObject({
          status: 'AVAILABLE', chunkCount: Math.max(1, Math.ceil(size / CHUNK)), byteSize: size, sha256: sha256(bytes),
          stopReason: 'STOPPED', startedBy: { id: 'ada', role: 'PROVIDER' }, mimeType: 'video/webm', downloadPath: `/recordings/${recording.id}/media`,
        });
        expect(Date.parse(recording.expiresAt!)).toBeGreaterThan(Date.now() + 2_000 * 86_400_000);

        const whole = await getMedia(app, ada, recording.id);
        expect(whole.status).toBe(200);
        expect(whole.bytes.equals(bytes)).toBe(true);
        expect(whole.headers.get('accept-ranges')).toBe('bytes');
        // The patient has the right of access to the recording of her own visit.
        expect((await getMedia(app, pat, recording.id)).bytes.equals(bytes)).toBe(true);

        // What the store holds is sealed: no marker of the plaintext anywhere in it.
        for (const object of await stored(recording.id)) expect(object.bytes.includes(PLAINTEXT_MARKER)).toBe(false);

        // Her consent (given again before each recording by the helper), then start and stop, reach the patient.
        expect((await events.next()).data?.callEvents).toMatchObject({ kind: 'RECORDING_CONSENT_CHANGED', participantId: 'pat', recordingConsent: true });
        expect((await events.next()).data?.callEvents).toMatchObject({ kind: 'RECORDING_STARTED', recordingId: recording.id, actorId: 'ada' });
        expect((await events.next()).data?.callEvents).toMatchObject({ kind: 'RECORDING_STOPPED', recordingId: recording.id, reason: 'STOPPED' });
      }

      const listed = (await execute(app.url, RecordingsDocument, { callId }, pat)).recordings;
      expect(listed.map((r) => r.byteSize)).toEqual(sizes);
      // Metadata only: nothing about where or how it is stored.
      expect(JSON.stringify(listed)).not.toMatch(/wrapped|storage|object_?key|recordings\/[0-9a-f-]+\/chunk/i);
    } finally {
      events.dispose();
      await patSocket.dispose();
    }
  });

  it('serves byte ranges, and signed links for players that cannot send headers', async () => {
    const callId = await activeCall(app, ada, 'pat', pat);
    const bytes = media(3 * CHUNK + 100, 9);
    const { id } = await record(app, callId, ada, pat, bytes, CHUNK);

    const across = await getMedia(app, ada, id, `bytes=${CHUNK - 10}-${2 * CHUNK + 9}`);
    expect(across.status).toBe(206);
    expect(across.headers.get('content-range')).toBe(`bytes ${CHUNK - 10}-${2 * CHUNK + 9}/${bytes.length}`);
    expect(across.bytes.equals(bytes.subarray(CHUNK - 10, 2 * CHUNK + 10))).toBe(true);
    expect((await getMedia(app, ada, id, 'bytes=-50')).bytes.equals(bytes.subarray(bytes.length - 50))).toBe(true);
    expect((await getMedia(app, ada, id, `bytes=${3 * CHUNK}-`)).bytes.equals(bytes.subarray(3 * CHUNK))).toBe(true);
    const past = await getMedia(app, ada, id, `bytes=${bytes.length}-`);
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${bytes.length}`);

    const link = (await execute(app.url, RecordingDownloadLinkDocument, { recordingId: id }, pat)).recordingDownloadLink;
    expect(Date.parse(link.expiresAt) - Date.now()).toBeLessThanOrEqual(300_000);
    const viaLink = await getMedia(app, null, link.path, 'bytes=0-99');
    expect(viaLink.status).toBe(206);
    expect(viaLink.bytes.equals(bytes.subarray(0, 100))).toBe(true);
    // One character of the signature changed (the 10th from the end: all six of its bits count).
    const at = link.path.length - 10;
    const forged = await getMedia(app, null, `${link.path.slice(0, at)}${link.path[at] === 'A' ? 'B' : 'A'}${link.path.slice(at + 1)}`);
    expect(forged.status).toBe(401);
    expect(forged.error?.extensions.code).toBe('UNAUTHENTICATED');

    // Outsiders learn nothing, with a token or without one.
    const outsider = await getMedia(app, eve, id);
    expect(outsider.status).toBe(404);
    expect(outsider.error?.extensions.code).toBe('NOT_FOUND');
    expect((await getMedia(app, eve, '00000000-0000-4000-8000-000000000000')).error).toEqual(outsider.error);
    expect((await getMedia(app, null, id)).status).toBe(401);
    expect((await executeError(app.url, RecordingDownloadLinkDocument, { recordingId: id }, eve)).extensions?.code).toBe('NOT_FOUND');
  });

  it('fails with INTEGRITY_FAILED and releases nothing when stored chunks are flipped, swapped, dropped or foreign, or the master key is wrong', async () => {
    const callId = await activeCall(app, ada, 'pat', pat);
    const a = media(3 * CHUNK, 21);
    const b = media(CHUNK, 22);
    const recA = await record(app, callId, ada, pat, a, CHUNK);
    const recB = await record(app, callId, ada, pat, b, CHUNK);
    const objects = async (id: string) => (await stored(id)).sort((x, y) => x.key.localeCompare(y.key));
    const [a0, a1, a2] = await objects(recA.id);
    const [b0] = await objects(recB.id);
    const chunkRange = (i: number) => `bytes=${i * CHUNK}-${i * CHUNK + 9}`;
    const expectIntegrityError = async (range: string, reason: string) => {
      const result = await getMedia(app, ada, recA.id, range);
      expect(result.status).toBe(500);
      expect(result.error?.extensions).toMatchObject({ code: 'INTEGRITY_FAILED', reason });
      expect(result.bytes.includes(PLAINTEXT_MARKER)).toBe(false);
    };

    // A flipped byte in the middle chunk: that chunk fails; a whole download stops before it.
    const flipped = Buffer.from(a1!.bytes);
    flipped[flipped.length - 1]! ^= 0x01;
    await storage.put(a1!.key, flipped);
    await expectIntegrityError(chunkRange(1), 'CHUNK_AUTH_FAILED');
    expect((await getMedia(app, ada, recA.id, chunkRange(0))).status).toBe(206);
    await expect(getMedia(app, ada, recA.id)).rejects.toThrow();
    await storage.put(a1!.key, a1!.bytes);
    expect((await getMedia(app, ada, recA.id)).bytes.equals(a)).toBe(true);

    // Two chunks swapped.
    await storage.put(a0!.key, a1!.bytes);
    await storage.put(a1!.key, a0!.bytes);
    await expectIntegrityError(chunkRange(0), 'CHUNK_AUTH_FAILED');
    await storage.put(a0!.key, a0!.bytes);
    await storage.put(a1!.key, a1!.bytes);

    // A chunk of another recording in its place.
    await storage.put(a0!.key, b0!.bytes);
    await expectIntegrityError(chunkRange(0), 'CHUNK_AUTH_FAILED');
    await storage.put(a0!.key, a0!.bytes);

    // The last chunk dropped (row and object), the rest passed off as the whole: the new last
    // chunk was not sealed as last, so it fails.
    const db = new pg.Client({ connectionString: app.databaseUrl });
    await db.connect();
    try {
      await db.query(`DELETE FROM recording_chunks WHERE recording_id = $1 AND chunk_index = 2`, [recA.id]);
      await db.query(`UPDATE recordings SET byte_size = $2, chunk_count = 2 WHERE id = $1`, [recA.id, 2 * CHUNK]);
      await storage.delete(a2!.key);
      await expectIntegrityError(chunkRange(1), 'CHUNK_AUTH_FAILED');
    } finally {
      await db.end();
    }

    // Another master key cannot unwrap the data key: same database and store, different key.
    const other = await startApp({ ...env(), RECORDING_MASTER_KEY: Buffer.alloc(32, 9).toString('base64') }, { databaseUrl: app.databaseUrl });
    try {
      const result = await getMedia(other, ada, recB.id);
      expect(result.status).toBe(500);
      expect(result.error?.extensions).toMatchObject({ code: 'INTEGRITY_FAILED', reason: 'KEY_UNWRAP_FAILED' });
      expect(result.bytes.includes(PLAINTEXT_MARKER)).toBe(false);
    } finally {
      await other.close();
    }
    expect((await getMedia(app, ada, recB.id)).bytes.equals(b)).toBe(true);
  });

  it('attaches transcripts sealed like the media, for the service role or admins, read under the media rules', async () => {
    const callId = await activeCall(app, ada, 'pat', pat);
    const { id } = await record(app, callId, ada, pat, media(1000), CHUNK);
    const text = `Patient reports ${PLAINTEXT_MARKER} headaches since Tuesday.`;
    expect((await executeError(app.url, AttachTranscriptDocument, { recordingId: id, text }, ada)).extensions?.code).toBe('FORBIDDEN');
    expect((await execute(app.url, AttachTranscriptDocument, { recordingId: id, text, language: 'en-US' }, svc)).attachTranscript).toMatchObject({ text, language: 'en-US' });
    expect((await execute(app.url, RecordingTranscriptDocument, { recordingId: id }, pat)).recordingTranscript?.text).toBe(text);
    expect((await execute(app.url, RecordingTranscriptDocument, { recordingId: id }, root)).recordingTranscript?.text).toBe(text);
    expect((await executeError(app.url, RecordingTranscriptDocument, { recordingId: id }, eve)).extensions?.code).toBe('NOT_FOUND');
    expect((await execute(app.url, RecordingsDocument, { callId }, ada)).recordings[0]?.hasTranscript).toBe(true);
    const objects = await stored(id);
    expect(objects.some((o) => o.key.includes('transcript'))).toBe(true);
    for (const object of objects) expect(object.bytes.includes(PLAINTEXT_MARKER)).toBe(false);
  });

  it('writes an audit row for every start, stop, download and refused download', async () => {
    const callId = await activeCall(app, ada, 'pat', pat);
    const recordingId = await startConsentedRecording(app, callId, ada, pat);
    expect((await putChunk(app, ada, recordingId, 0, media(10))).status).toBe(201);
    await stopAndFinalize(app, ada, recordingId);
    await getMedia(app, ada, recordingId);
    await getMedia(app, pat, recordingId, 'bytes=0-3');
    await getMedia(app, eve, recordingId);
    const rows = (await execute(app.url, AuditEventsDocument, { filter: { callId }, first: 100 }, root)).auditEvents.edges.map((e) => e.node);
    const of = (action: string) => rows.filter((r) => r.action === action).map((r) => [r.actorId, r.outcome, r.errorCode]);
    expect(of('recording.start')).toEqual([['ada', 'SUCCESS', null]]);
    expect(of('recording.stop')).toEqual([['ada', 'SUCCESS', null]]);
    expect(of('recording.finalize')).toEqual([[null, 'SUCCESS', null]]);
    expect(of('recording.download').sort()).toEqual([['ada', 'SUCCESS', null], ['pat', 'SUCCESS', null]]);
    const refused = (await execute(app.url, AuditEventsDocument, { filter: { actorId: 'eve', action: 'recording.download' }, first: 100 }, root)).auditEvents.edges.map((e) => e.node);
    expect(refused.filter((r) => r.targetId === recordingId).map((r) => [r.outcome, r.errorCode])).toEqual([['DENIED', 'NOT_FOUND']]);
  });
});
