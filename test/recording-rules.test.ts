import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Keyring } from '../src/recording/keyring.js';
import { masterKeyId } from '../src/recording/recording-crypto.js';
import { rewrapDataKeys } from '../src/recording/rewrap.js';
import { createObjectStorage } from '../src/recording/storage-factory.js';
import type { ObjectStorage } from '../src/recording/object-storage.js';
import {
  AnswerCallDocument, AuditEventsDocument, CallConsentsDocument, DeclineCallDocument, InitiateCallDocument, JoinCallDocument, ListCallsDocument,
  RecordingDownloadLinkDocument, RecordingsDocument, CallEventsDocument, EndCallDocument, RecordingDocument, RecordingTranscriptDocument,
  SetRecordingConsentDocument, SetRecordingLegalHoldDocument, StartRecordingDocument, StopRecordingDocument, AttachTranscriptDocument,
} from './generated/graphql.js';
import { startApp, type TestApp } from './helpers/app.js';
import { connected, execute, executeError, subscribe, wsClient } from './helpers/client.js';
import { activeCall, finalized, getMedia, media, putChunk, record, startConsentedRecording, stopAndFinalize } from './helpers/recording.js';
import { waitFor } from './helpers/wait.js';

const MASTER_KEY = Buffer.alloc(32, 3);
const MAX_CHUNK = 1024;

let app: TestApp;
let storage: ObjectStorage;
let db: pg.Client;
let ada: string; // provider
let bob: string; // provider
let pat: string; // patient
let root: string; // admin
let eve: string; // patient in no call here
let sam: string; // patient
let svc: string; // transcription service

beforeAll(async () => {
  app = await startApp({
    RECORDING_MAX_CHUNK_BYTES: String(MAX_CHUNK), RECORDING_MAX_CHUNKS: '100', RECORDING_RETENTION_DAYS: '30',
    RECORDING_MASTER_KEY: MASTER_KEY.toString('base64'),
  });
  storage = await createObjectStorage(app.config.recording.storage);
  db = new pg.Client({ connectionString: app.databaseUrl });
  await db.connect();
  ({ ada, bob, pat, root, eve, svc, sam } = (await app.signIn([
    ['ada', 'provider'], ['bob', 'provider'], ['pat', 'patient'], ['root', 'admin'], ['eve', 'patient'], ['svc', 'service'], ['sam', 'patient'],
  ])) as Record<'ada' | 'bob' | 'pat' | 'root' | 'eve' | 'svc' | 'sam', string>);
});
afterAll(async () => {
  await db?.end();
  await storage?.close();
  await app?.close();
});

/** The objects a recording has in storage, and the keys its chunk and transcript rows name: always the same set. */
async function objectsMatchRows(recordingId: string) {
  const keys = await storage.list(`recordings/${recordingId}/`);
  const rows = await db.query<{ object_key: string }>(
    `SELECT object_key FROM recording_chunks WHERE recording_id = $1 UNION ALL SELECT object_key FROM recording_transcripts WHERE recording_id = $1`,
    [recordingId],
  );
  expect(keys.sort()).toEqual(rows.rows.map((r) => r.object_key).sort());
  return keys.length;
}

describe('consent', () => {
  it('keeps each answer with its time and device, and only providers in the call may start', async () => {
    const callId = await activeCall(app, ada, 'pat', pat);
    const before = Date.now();
    const consent = await execute(app.url, SetRecordingConsentDocument, { callId, granted: true }, pat, { 'x-device-id': 'pat-phone' });
    expect(consent.setRecordingConsent).toMatchObject({ callId, participantId: 'pat', granted: true });
    expect(Date.parse(consent.setRecordingConsent.at)).toBeGreaterThanOrEqual(before - 5);
    const row = await db.query(`SELECT recording_consent, recording_consent_device_id FROM call_participants WHERE call_id = $1 AND user_id = 'pat'`, [callId]);
    expect(row.rows[0]).toEqual({ recording_consent: true, recording_consent_device_id: 'pat-phone' });
    expect((await execute(app.url, CallConsentsDocument, { id: callId }, ada)).call.participants).toEqual([
      { user: { id: 'ada' }, recordingConsent: null }, { user: { id: 'pat' }, recordingConsent: true },
    ]);

    expect((await executeError(app.url, StartRecordingDocument, { callId }, pat)).extensions?.code).toBe('FORBIDDEN');
    expect((await executeError(app.url, StartRecordingDocument, { callId }, root)).extensions?.code).toBe('FORBIDDEN');
    expect((await executeError(app.url, StartRecordingDocument, { callId }, eve)).extensions?.code).toBe('NOT_FOUND');
    expect((await executeError(app.url, StartRecordingDocument, { callId, mimeType: 'text/html' }, ada)).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'mimeType' });
    expect((await executeError(app.url, SetRecordingConsentDocument, { callId, granted: true }, eve)).extensions?.code).toBe('NOT_FOUND');

    const started = (await execute(app.url, StartRecordingDocument, { callId }, ada)).startRecording;
    expect(started.status).toBe('RECORDING');
    const second = await executeError(app.url, StartRecordingDocument, { callId }, ada);
    expect(second.extensions).toMatchObject({ code: 'CONFLICT', reason: 'ALREADY_RECORDING', recordingId: started.id });
    expect((await db.query(`SELECT count(*)::int AS n FROM recordings WHERE call_id = $1`, [callId])).rows[0].n).toBe(1);
  });

  it('stops a running recording at once when consent is withdrawn, and the patient hears it', async () => {
    const callId = await activeCall(app, ada, 'pat', pat);
    const recordingId = await startConsentedRecording(app, callId, ada, pat);
    expect((await putChunk(app, ada, recordingId, 0, media(500))).status).toBe(201);
    const socket = wsClient(app.wsUrl, pat);
    await connected(socket);
    const events = subscribe(socket, CallEventsDocument, { callId });
    try {
      expect((await events.next()).data?.callEvents.kind).toBe('CURRENT_STATUS');
      await execute(app.url, SetRecordingConsentDocument, { callId, granted: false }, pat);
      expect((await events.next()).data?.callEvents).toMatchObject({ kind: 'RECORDING_CONSENT_CHANGED', recordingConsent: false });
      expect((await events.next()).data?.callEvents).toMatchObject({ kind: 'RECORDING_STOPPED', recordingId, reason: 'CONSENT_WITHDRAWN', actorId: 'pat' });
    } finally {
      events.dispose();
      await socket.dispose();
    }
    // Stopped at once: the recorder's next chunk is refused (what it recorded after the withdrawal is not kept).
    const late = await putChunk(app, ada, recordingId, 1, media(10));
    expect(late.status).toBe(409);
    expect(late.body.errors?.[0]?.extensions.code).toBe('CONFLICT');
    const stopped = await finalized(app, ada, recordingId);
    expect(stopped).toMatchObject({ status: 'AVAILABLE', stopReason: 'CONSENT_WITHDRAWN', chunkCount: 1, byteSize: 500 });
    // Without her consent again, nothing records.
    const refused = await executeError(app.url, StartRecordingDocument, { callId }, ada);
    expect(refused.extensions).toMatchObject({ reason: 'CONSENT_REQUIRED', missingConsent: ['pat'] });
    expect(await objectsMatchRows(recordingId)).toBe(1);
  });

  it('stops the recording when the call ends, by the database-driven job', async () => {
    const callId = await activeCall(app, ada, 'pat', pat);
    const recordingId = await startConsentedRecording(app, callId, ada, pat);
    expect((await putChunk(app, ada, recordingId, 0, media(100))).status).toBe(201);
    await execute(app.url, EndCallDocument, { callId }, pat);
    const done = await waitFor(async () => {
      const r = (await execute(app.url, RecordingDocument, { id: recordingId }, ada)).recording;
      return r.status === 'AVAILABLE' ? r : undefined;
    }, 'the recording to be stopped and finalized');
    expect(done).toMatchObject({ stopReason: 'CALL_ENDED', chunkCount: 1, byteSize: 100 });
    expect((await putChunk(app, ada, recordingId, 1, media(100))).status).toBe(409);
  });
});

describe('who takes part', () => {
  it('makes someone who declined consent before joining a call being recorded, and shows them nothing until they took part', async () => {
    const callId = (await execute(app.url, InitiateCallDocument, { input: { type: 'VIDEO', inviteeIds: ['pat', 'sam'] } }, ada)).initiateCall.id;
    await execute(app.url, DeclineCallDocument, { callId }, sam);
    await execute(app.url, AnswerCallDocument, { callId }, pat);
    // Sam declined: not taking part, so not asked; the recording starts with Pat's consent.
    const recordingId = await startConsentedRecording(app, callId, ada, pat);
    expect((await executeError(app.url, RecordingsDocument, { callId }, sam)).extensions?.code).toBe('NOT_FOUND');
    expect((await getMedia(app, sam, recordingId)).status).toBe(404);

    const refused = await executeError(app.url, JoinCallDocument, { callId }, sam);
    expect(refused.extensions).toMatchObject({ code: 'CONFLICT', reason: 'CONSENT_REQUIRED', recordingId });
    await execute(app.url, SetRecordingConsentDocument, { callId, granted: true }, sam);
    await execute(app.url, JoinCallDocument, { callId }, sam);
    expect((await execute(app.url, RecordingsDocument, { callId }, sam)).recordings.map((r) => r.id)).toEqual([recordingId]);
  });

  it('lets a service token fetch media by link and attach transcripts, and nothing else', async () => {
    const callId = await activeCall(app, ada, 'pat', pat);
    const { id } = await record(app, callId, ada, pat, media(700, 3), MAX_CHUNK);
    for (const refused of [
      await executeError(app.url, InitiateCallDocument, { input: { type: 'VIDEO', inviteeIds: ['pat'] } }, svc),
      await executeError(app.url, ListCallsDocument, {}, svc),
      await executeError(app.url, RecordingsDocument, { callId }, svc),
    ]) expect(refused.extensions?.code).toBe('FORBIDDEN');
    const link = (await execute(app.url, RecordingDownloadLinkDocument, { recordingId: id }, svc)).recordingDownloadLink;
    expect((await getMedia(app, null, link.path)).bytes.equals(media(700, 3))).toBe(true);
    // A forged signature, even one that is not base64, is a 401, never a crash.
    for (const forged of [link.path.replace(/\.[^.]+$/, '.%C3%A9%C3%A9'), `${link.path}.x`, link.path.replace(/token=[^.]+/, 'token=e30')]) {
      expect((await getMedia(app, null, forged)).status).toBe(401);
    }
  });
});

describe('chunks', () => {
  it('refuses bad chunks with coded errors, keeps what was stored, and leaves no object without a row', async () => {
    const callId = await activeCall(app, ada, 'pat', pat);
    const recordingId = await startConsentedRecording(app, callId, ada, pat);
    const first = media(MAX_CHUNK, 5);
    expect(await putChunk(app, ada, recordingId, 0, first)).toMatchObject({ status: 201, body: { created: true, size: MAX_CHUNK } });
    // The same chunk again: accepted, nothing new written.
    expect(await putChunk(app, ada, recordingId, 0, first)).toMatchObject({ status: 200, body: { created: false } });
    const changed = await putChunk(app, ada, recordingId, 0, media(MAX_CHUNK, 6));
    expect(changed.status).toBe(409);
    expect(changed.body.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'CHUNK_EXISTS', index: 0 });

    const cases: [string, string | null, number | string, Buffer, number, string][] = [
      ['too large', ada, 1, media(MAX_CHUNK + 1), 413, 'BAD_USER_INPUT'],
      ['index past RECORDING_MAX_CHUNKS', ada, 100, media(10), 400, 'BAD_USER_INPUT'],
      ['negative index', ada, '-1', media(10), 400, 'BAD_USER_INPUT'],
      ['index not a number', ada, 'one', media(10), 400, 'BAD_USER_INPUT'],
      ['no token', null, 1, media(10), 401, 'UNAUTHENTICATED'],
      ['a participant who did not start it', pat, 1, media(10), 403, 'FORBIDDEN'],
      ['a non-participant', eve, 1, media(10), 404, 'NOT_FOUND'],
      ['an admin outside the call', root, 1, media(10), 404, 'NOT_FOUND'],
    ];
    for (const [what, token, index, body, status, code] of cases) {
      const result = await putChunk(app, token, recordingId, index, body);
      expect([what, result.status, result.body.errors?.[0]?.extensions.code]).toEqual([what, status, code]);
    }
    expect((await putChunk(app, eve, '00000000-0000-4000-8000-000000000000', 1, media(10))).body).toEqual(
      (await putChunk(app, eve, recordingId, 1, media(10))).body,
    );
    expect(await objectsMatchRows(recordingId)).toBe(1);

    // Concurrent uploads of one index with different bytes: exactly one is kept, no object left over.
    const racing = await Promise.all([media(300, 7), media(300, 8), media(300, 9)].map((b) => putChunk(app, ada, recordingId, 1, b)));
    expect(racing.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    expect(await objectsMatchRows(recordingId)).toBe(2);

    await stopAndFinalize(app, pat, recordingId);
    const after = await putChunk(app, ada, recordingId, 2, media(10));
    expect(after.status).toBe(409);
    expect(await objectsMatchRows(recordingId)).toBe(2);
    expect((await executeError(app.url, StopRecordingDocument, { recordingId }, ada)).extensions).toMatchObject({ code: 'CONFLICT', currentStatus: 'AVAILABLE' });
  });

  it('finalizes as FAILED, naming why, when chunks are missing or none came', async () => {
    const callId = await activeCall(app, ada, 'pat', pat);
    const gap = await startConsentedRecording(app, callId, ada, pat);
    for (const index of [0, 1, 3]) expect((await putChunk(app, ada, gap, index, media(100))).status).toBe(201);
    const failed = await stopAndFinalize(app, ada, gap);
    expect(failed).toMatchObject({ status: 'FAILED', chunkCount: 3, downloadPath: null });
    expect(failed.failureReason).toMatch(/^MISSING_CHUNKS: 1 of chunks 0\.\.3/);
    expect((await getMedia(app, ada, gap)).error?.extensions).toMatchObject({ code: 'CONFLICT', currentStatus: 'FAILED' });

    const empty = await startConsentedRecording(app, callId, ada, pat);
    expect(await stopAndFinalize(app, ada, empty)).toMatchObject({ status: 'FAILED', failureReason: expect.stringMatching(/^NO_CHUNKS/), chunkCount: 0 });

    // The recorder says it sent 3; only 2 (0 and 1) arrived: FAILED, not silently short.
    const short = await startConsentedRecording(app, callId, ada, pat);
    for (const index of [0, 1]) expect((await putChunk(app, ada, short, index, media(100))).status).toBe(201);
    expect(await stopAndFinalize(app, ada, short, 3)).toMatchObject({ status: 'FAILED', failureReason: expect.stringMatching(/^MISSING_CHUNKS: 1 of chunks 0\.\.2/) });
  });
});

describe('retention', () => {
  it('purges expired recordings (objects and key), spares held ones, and can run again without harm', async () => {
    const callId = await activeCall(app, bob, 'pat', pat);
    const held = await record(app, callId, bob, pat, media(2000, 1), MAX_CHUNK);
    const expiring = await record(app, callId, bob, pat, media(2000, 2), MAX_CHUNK);
    await execute(app.url, AttachTranscriptDocument, { recordingId: expiring.id, text: 'transcript' }, svc);
    expect(Date.parse(expiring.expiresAt!) - Date.parse(expiring.stoppedAt!)).toBe(30 * 86_400_000);

    expect((await executeError(app.url, SetRecordingLegalHoldDocument, { recordingId: held.id, hold: true }, bob)).extensions?.code).toBe('FORBIDDEN');
    expect((await execute(app.url, SetRecordingLegalHoldDocument, { recordingId: held.id, hold: true }, root)).setRecordingLegalHold).toMatchObject({ legalHold: true });
    await db.query(`UPDATE recordings SET expires_at = now() - interval '1 minute' WHERE id = ANY($1)`, [[held.id, expiring.id]]);

    await app.timers.tick();
    await app.timers.tick();
    const purged = (await execute(app.url, RecordingDocument, { id: expiring.id }, bob)).recording;
    expect(purged).toMatchObject({ status: 'PURGED', downloadPath: null, hasTranscript: false });
    expect(purged.purgedAt).toBeTruthy();
    expect(await storage.list(`recordings/${expiring.id}/`)).toEqual([]);
    const row = await db.query(`SELECT wrapped_key, master_key_id FROM recordings WHERE id = $1`, [expiring.id]);
    expect(row.rows[0]).toEqual({ wrapped_key: null, master_key_id: null });
    const gone = await getMedia(app, bob, expiring.id);
    expect([gone.status, gone.error?.extensions.code, gone.error?.extensions.currentStatus]).toEqual([410, 'CONFLICT', 'PURGED']);
    expect((await executeError(app.url, RecordingTranscriptDocument, { recordingId: expiring.id }, bob)).extensions?.currentStatus).toBe('PURGED');

    // The held one is untouched, and downloads as before.
    expect((await getMedia(app, bob, held.id)).bytes.equals(media(2000, 1))).toBe(true);
    expect(await objectsMatchRows(held.id)).toBe(2);

    const purges = async () => (await execute(app.url, AuditEventsDocument, { filter: { action: 'recording.purge', callId }, first: 50 }, root)).auditEvents.edges.map((e) => e.node.targetId);
    expect(await purges()).toEqual([expiring.id]);

    // Lifting the hold lets it go at the next round.
    await execute(app.url, SetRecordingLegalHoldDocument, { recordingId: held.id, hold: false }, root);
    await app.timers.tick();
    expect((await execute(app.url, RecordingDocument, { id: held.id }, bob)).recording.status).toBe('PURGED');
    expect((await purges()).sort()).toEqual([expiring.id, held.id].sort());
    expect((await executeError(app.url, SetRecordingLegalHoldDocument, { recordingId: held.id, hold: true }, root)).extensions?.code).toBe('CONFLICT');
  });
});

describe('the jobs a crashed instance leaves', () => {
  it('finalizes a recording left PROCESSING with no lease, and finishes a purge whose lease ran out, in the timers\' round', async () => {
    const callId = await activeCall(app, bob, 'sam', sam);
    const bytes = media(1500, 7);
    // Stopped by an instance that died before it finalized: PROCESSING, chunks stored, nobody's lease.
    const orphan = await startConsentedRecording(app, callId, bob, sam);
    for (const [index, chunk] of [bytes.subarray(0, MAX_CHUNK), bytes.subarray(MAX_CHUNK)].entries()) {
      expect((await putChunk(app, bob, orphan, index, chunk)).status).toBe(201);
    }
    await db.query(`UPDATE recordings SET status = 'PROCESSING', stopped_at = now(), stop_reason = 'STOPPED', lease_until = NULL WHERE id = $1`, [orphan]);
    // Purged by an instance that died half way: PURGING, its lease run out.
    const halfPurged = await record(app, callId, bob, sam, media(800, 8), MAX_CHUNK);
    await db.query(`UPDATE recordings SET status = 'PURGING', expires_at = now() - interval '1 day', lease_until = now() - interval '1 minute' WHERE id = $1`, [halfPurged.id]);

    await app.timers.tick();
    expect(await finalized(app, bob, orphan)).toMatchObject({ status: 'AVAILABLE', chunkCount: 2 });
    expect((await getMedia(app, bob, orphan)).bytes.equals(bytes)).toBe(true);
    expect((await execute(app.url, RecordingDocument, { id: halfPurged.id }, bob)).recording).toMatchObject({ status: 'PURGED' });
    expect(await storage.list(`recordings/${halfPurged.id}/`)).toEqual([]);
  });
});

describe('master key rotation', () => {
  it('moves every data key to a new master key without touching the media or stopping the service, and a second run changes nothing', async () => {
    const callId = await activeCall(app, ada, 'pat', pat);
    const bytes = media(3000, 4);
    const { id } = await record(app, callId, ada, pat, bytes, MAX_CHUNK);
    const objectsBefore = await Promise.all((await storage.list(`recordings/${id}/`)).map((k) => storage.get(k)));
    const newKey = Buffer.alloc(32, 4);
    const env = { RECORDING_MASTER_KEY: newKey.toString('base64'), RECORDING_PREVIOUS_MASTER_KEYS: MASTER_KEY.toString('base64'), DATA_DIR: app.config.dataDir };

    // An instance with the new key as current and the old one as previous reads old rows at once.
    const rotated = await startApp(env, { databaseUrl: app.databaseUrl });
    try {
      expect((await getMedia(rotated, ada, id)).bytes.equals(bytes)).toBe(true);
      const keyring = new Keyring(newKey, [MASTER_KEY]);
      const first = await rewrapDataKeys(app.orm.em.fork() as never, keyring, 2);
      expect(first).toMatchObject({ unknownKey: 0, skippedLocked: 0 });
      expect(first.rewrapped).toBeGreaterThanOrEqual(1);
      expect(await rewrapDataKeys(app.orm.em.fork() as never, keyring)).toMatchObject({ rewrapped: 0, alreadyCurrent: first.rewrapped + first.alreadyCurrent });
      const keyIds = await db.query(`SELECT DISTINCT master_key_id FROM recordings WHERE wrapped_key IS NOT NULL`);
      expect(keyIds.rows).toEqual([{ master_key_id: masterKeyId(newKey) }]);
      const objectsAfter = await Promise.all((await storage.list(`recordings/${id}/`)).map((k) => storage.get(k)));
      expect(objectsAfter).toEqual(objectsBefore);

      // Still readable where the new key is known; where only the old one is, a coded refusal.
      expect((await getMedia(rotated, ada, id)).bytes.equals(bytes)).toBe(true);
      expect((await getMedia(app, ada, id)).error?.extensions).toMatchObject({ code: 'INTEGRITY_FAILED', reason: 'KEY_UNWRAP_FAILED' });
      // A key the keyring does not hold is reported, not guessed at.
      expect(await rewrapDataKeys(app.orm.em.fork() as never, new Keyring(Buffer.alloc(32, 5)))).toMatchObject({ rewrapped: 0, unknownKey: Number((await db.query(`SELECT count(*)::int AS n FROM recordings WHERE wrapped_key IS NOT NULL`)).rows[0].n) });
    } finally {
      await rotated.close();
    }
  });
});
