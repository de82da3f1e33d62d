import { randomUUID } from 'node:crypto';
import { print } from 'graphql';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AnswerCallDocument, AtDepthLimitDocument, CancelCallDocument, EndCallDocument, GetCallDocument, InitiateCallDocument,
  ListCallsDocument, MarkCallFailedDocument, MeDocument, PastDepthLimitDocument,
  type CallFailureCode, type CallType, type InitiateCallInput,
} from './generated/graphql.js';
import { startApp, type TestApp } from './helpers/app.js';
import { connected, execute, executeError, subscribe, wsClient, type GraphQLErrorBody } from './helpers/client.js';

let app: TestApp;
let ada: string; // provider
let bob: string; // provider
let pat: string; // patient
let sam: string; // patient
/** Every call this file places on purpose; the database must hold these and no others. */
const placedOnPurpose: string[] = [];
/** A RINGING call from ada to pat that the refusals below aim at. */
let target: string;

beforeAll(async () => {
  app = await startApp();
  // Everyone signs in once, so roles are known.
  ({ ada, bob, pat, sam } = (await app.signIn([
    ['ada', 'provider', 'Dr Ada'], ['bob', 'provider', 'Dr Bob'], ['pat', 'patient', 'Pat'], ['sam', 'patient', 'Sam'],
  ])) as Record<'ada' | 'bob' | 'pat' | 'sam', string>);
  target = await place(ada, { inviteeIds: ['pat'] });
});
afterAll(() => app?.close());

async function place(token: string, input: Partial<InitiateCallInput>): Promise<string> {
  const { initiateCall } = await execute(app.url, InitiateCallDocument, { input: { type: 'VIDEO', inviteeIds: [], ...input } }, token);
  placedOnPurpose.push(initiateCall.id);
  return initiateCall.id;
}

const initiate = (token: string, input: Partial<InitiateCallInput>) =>
  executeError(app.url, InitiateCallDocument, { input: { type: 'VIDEO', inviteeIds: ['pat'], ...input } }, token);

/** Nothing a client sees may name the code, the database or the machine. */
function expectNoInternals(body: unknown): void {
  const text = JSON.stringify(body);
  expect(text).not.toMatch(/stacktrace|node_modules|\/work\/|\.ts:\d|\bat [\w.<>]+ \(|SELECT |INSERT |postgres|mikro/i);
}

/** Posts raw bytes to /graphql, for requests the typed helpers cannot express. */
async function postRaw(url: string, body: RequestInit['body'], headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const response = await fetch(url, { method: 'POST', headers, body, duplex: 'half' });
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get('content-type'), body: JSON.parse(text) as { data?: unknown; errors?: GraphQLErrorBody[] } };
}

describe('call ids', () => {
  it('answers NOT_FOUND for a well-formed call id that does not exist, to reads and lifecycle mutations alike', async () => {
    const unknown = randomUUID();
    for (const error of [
      await executeError(app.url, GetCallDocument, { id: unknown }, ada),
      await executeError(app.url, AnswerCallDocument, { callId: unknown }, pat),
      await executeError(app.url, CancelCallDocument, { callId: unknown }, ada),
    ]) {
      expect(error).toMatchObject({ message: 'call not found', extensions: { code: 'NOT_FOUND' } });
    }
  });

  it('answers BAD_USER_INPUT naming the argument for a call id that is not a UUID', async () => {
    const read = await executeError(app.url, GetCallDocument, { id: 'abc' }, ada);
    expect(read.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'id' });
    expect(read.message).toBe('id must be a UUID, got "abc"');
    for (const error of [
      await executeError(app.url, AnswerCallDocument, { callId: 'abc' }, pat),
      await executeError(app.url, CancelCallDocument, { callId: 'abc' }, ada),
    ]) {
      expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'callId' });
      expect(error.message).toBe('callId must be a UUID, got "abc"');
    }
  });
});

describe('initiateCall input', () => {
  const aMinuteAgo = () => new Date(Date.now() - 60_000).toISOString();
  const cases: { what: string; input: Partial<InitiateCallInput>; field: string; says: RegExp }[] = [
    { what: 'an empty invitee list', input: { inviteeIds: [] }, field: 'inviteeIds', says: /at least one user.*got an empty list/ },
    { what: 'a repeated invitee', input: { inviteeIds: ['pat', 'bob', 'pat'] }, field: 'inviteeIds', says: /must not repeat.*inviteeIds\[2\]/ },
    { what: 'the caller among the invitees', input: { inviteeIds: ['pat', 'ada'] }, field: 'inviteeIds', says: /must not include the caller.*inviteeIds\[1\]/ },
    { what: 'more than 8 invitees', input: { inviteeIds: Array.from({ length: 9 }, (_, i) => `user-${i}`) }, field: 'inviteeIds', says: /at most 8 users, got 9/ },
    { what: 'an invitee id with spaces', input: { inviteeIds: ['pat', 'dr who'] }, field: 'inviteeIds[1]', says: /user id of 1-128 letters.*got "dr who"/ },
    { what: 'an invitee id of 129 characters', input: { inviteeIds: ['u'.repeat(129)] }, field: 'inviteeIds[0]', says: /got a string of 129 characters/ },
    { what: 'a scheduledAt in the past', input: { scheduledAt: aMinuteAgo() }, field: 'scheduledAt', says: /must be in the future, got \d{4}-/ },
    { what: 'a scheduledAt more than 366 days ahead', input: { scheduledAt: new Date(Date.now() + 400 * 86_400_000).toISOString() }, field: 'scheduledAt', says: /at most 366 days/ },
    { what: 'an appointmentId of 129 characters', input: { appointmentId: 'a'.repeat(129) }, field: 'appointmentId', says: /1-128 letters.*got a string of 129 characters/ },
    { what: 'a clinicalNoteId with spaces', input: { clinicalNoteId: 'note 9' }, field: 'clinicalNoteId', says: /1-128 letters.*got "note 9"/ },
    { what: 'an idempotencyKey with bad characters', input: { idempotencyKey: 'retry #1 ✓' }, field: 'idempotencyKey', says: /1-128 letters, digits and \._:-/ },
    { what: 'an empty idempotencyKey', input: { idempotencyKey: '' }, field: 'idempotencyKey', says: /1-128 letters/ },
  ];
  it.each(cases)('refuses $what with BAD_USER_INPUT naming $field', async ({ input, field, says }) => {
    const error = await initiate(ada, input);
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', field });
    expect(error.message).toMatch(says);
  });

  it('refuses an unknown call type and a scheduledAt that is not a date-time with BAD_USER_INPUT', async () => {
    const type = await initiate(ada, { type: 'HOLOGRAM' as CallType });
    expect(type.extensions?.code).toBe('BAD_USER_INPUT');
    expect(type.message).toMatch(/"HOLOGRAM".*CallType/);
    const date = await initiate(ada, { scheduledAt: 'next tuesday' });
    expect(date.extensions?.code).toBe('BAD_USER_INPUT');
    expect(date.message).toMatch(/scheduledAt/);
    for (const error of [type, date]) expectNoInternals(error);
  });
});

describe('whom a patient may call', () => {
  it('lets a patient call a known provider', async () => {
    const id = await place(pat, { inviteeIds: ['bob'] });
    expect((await execute(app.url, GetCallDocument, { id }, bob)).call.status).toBe('RINGING');
  });

  it('forbids a patient to call another patient', async () => {
    const error = await initiate(pat, { inviteeIds: ['bob', 'sam'] });
    expect(error.extensions?.code).toBe('FORBIDDEN');
    expect(error.message).toMatch(/inviteeIds\[1\] is not a known provider/);
  });

  it('forbids a patient to call a user the service has never seen', async () => {
    const error = await initiate(pat, { inviteeIds: ['stranger-77'] });
    expect(error.extensions?.code).toBe('FORBIDDEN');
    expect(error.message).toMatch(/inviteeIds\[0\] is not a known provider/);
  });
});

describe('lifecycle mutations refused on an existing call', () => {
  it('hides the call from someone outside it, and keeps each participant to their own moves', async () => {
    expect((await executeError(app.url, AnswerCallDocument, { callId: target }, sam)).extensions?.code).toBe('NOT_FOUND');
    expect((await executeError(app.url, CancelCallDocument, { callId: target }, sam)).extensions?.code).toBe('NOT_FOUND');
    expect((await executeError(app.url, AnswerCallDocument, { callId: target }, ada)).extensions?.code).toBe('FORBIDDEN');
    expect((await executeError(app.url, CancelCallDocument, { callId: target }, pat)).extensions?.code).toBe('FORBIDDEN');
    expect((await executeError(app.url, MarkCallFailedDocument, { callId: target, code: 'OTHER' }, pat)).extensions?.code).toBe('FORBIDDEN');
    const end = await executeError(app.url, EndCallDocument, { callId: target }, ada);
    expect(end.extensions).toMatchObject({ code: 'CONFLICT', currentStatus: 'RINGING' });
  });

  it('refuses a markCallFailed message over 500 characters, giving its length without echoing it', async () => {
    const message = `ICE failed for Jane Roe, DOB 1970-01-01; ${'x'.repeat(460)}`.padEnd(501, 'y');
    expect(message).toHaveLength(501);
    const error = await executeError(app.url, MarkCallFailedDocument, { callId: target, code: 'ICE_FAILED', message }, ada);
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'message' });
    expect(error.message).toBe('message must be at most 500 characters, got 501');
    expect(JSON.stringify(error)).not.toContain('Jane Roe');
  });

  it('refuses an unknown failure code with BAD_USER_INPUT', async () => {
    const error = await executeError(app.url, MarkCallFailedDocument, { callId: target, code: 'GREMLINS' as CallFailureCode }, ada);
    expect(error.extensions?.code).toBe('BAD_USER_INPUT');
    expect(error.message).toMatch(/"GREMLINS".*CallFailureCode/);
  });

  it('leaves the call exactly as it was', async () => {
    const { call } = await execute(app.url, GetCallDocument, { id: target }, ada);
    expect(call).toMatchObject({ status: 'RINGING', endedAt: null, endReason: null, failureCode: null, failureMessage: null, answeredAt: null });
    expect(call.participants.map((p) => [p.user.id, p.status])).toEqual([['ada', 'JOINED'], ['pat', 'INVITED']]);
  });
});

describe('call history paging', () => {
  it.each([0, 101, -1])('refuses first: %i with BAD_USER_INPUT naming first and the range', async (first) => {
    const error = await executeError(app.url, ListCallsDocument, { first }, ada);
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(error.message).toBe(`first must be from 1 to 100, got ${first}`);
  });

  it.each([
    ['plain garbage', 'not-a-cursor'],
    ['a cursor of another list (numeric id)', Buffer.from('1700000000000:42').toString('base64url')],
    ['an oversized cursor', 'x'.repeat(5_000)],
  ])('refuses %s as after with BAD_USER_INPUT naming after', async (_what, after) => {
    const error = await executeError(app.url, ListCallsDocument, { after }, ada);
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'after' });
    expect(error.message).toMatch(/^after (must be|is not) a cursor/);
  });

  // Forged cursors whose id only looks like a UUID must be refused before they reach PostgreSQL.
  it.each([
    ['a cursor whose id is 36 hyphens', Buffer.from(`1700000000000:${'-'.repeat(36)}`).toString('base64url')],
    ['a cursor whose id is 36 hex digits', Buffer.from(`1700000000000:${'a'.repeat(36)}`).toString('base64url')],
  ])('refuses %s as after with BAD_USER_INPUT naming after', async (_what, after) => {
    const error = await executeError(app.url, ListCallsDocument, { after }, ada);
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('masks the failure a forged cursor causes today, leaking nothing', async () => {
    const after = Buffer.from(`1700000000000:${'-'.repeat(36)}`).toString('base64url');
    const error = await executeError(app.url, ListCallsDocument, { after }, ada);
    expect(['BAD_USER_INPUT', 'INTERNAL_SERVER_ERROR']).toContain(error.extensions?.code);
    expectNoInternals(error);
  });

  it('still pages with a cursor the API handed out', async () => {
    const first = (await execute(app.url, ListCallsDocument, { first: 1 }, pat)).calls;
    expect(first.pageInfo.hasNextPage).toBe(true);
    const next = (await execute(app.url, ListCallsDocument, { first: 1, after: first.pageInfo.endCursor }, pat)).calls;
    expect(next.edges).toHaveLength(1);
    expect(next.edges[0]!.node.id).not.toBe(first.edges[0]!.node.id);
  });
});

// Runs after every refusal above (a file's tests run in order) and checks what they left in the database.
describe('what the refusals left behind', () => {
  let db: pg.Client;
  beforeAll(async () => {
    db = new pg.Client({ connectionString: app.databaseUrl });
    await db.connect();
  });
  afterAll(() => db?.end());

  it('holds only the calls placed on purpose, and no user that only a refused call named', async () => {
    const calls = await db.query<{ id: string }>('SELECT id FROM calls');
    expect(calls.rows.map((r) => r.id).sort()).toEqual([...placedOnPurpose].sort());
    const participants = await db.query<{ n: string }>('SELECT count(*) AS n FROM call_participants');
    expect(Number(participants.rows[0]!.n)).toBe(2 * placedOnPurpose.length);
    const users = await db.query<{ id: string }>('SELECT id FROM users ORDER BY id');
    expect(users.rows.map((r) => r.id)).toEqual(['ada', 'bob', 'pat', 'sam']);
  });

  it('audits each refused lifecycle mutation on an existing call as DENIED with its code', async () => {
    const denied = await db.query<{ actor_id: string; action: string; error_code: string }>(
      `SELECT actor_id, action, error_code FROM audit_events WHERE call_id = $1 AND outcome = 'DENIED' ORDER BY id`,
      [target],
    );
    expect(denied.rows).toEqual([
      { actor_id: 'sam', action: 'call.answer', error_code: 'NOT_FOUND' },
      { actor_id: 'sam', action: 'call.cancel', error_code: 'NOT_FOUND' },
      { actor_id: 'ada', action: 'call.answer', error_code: 'FORBIDDEN' },
      { actor_id: 'pat', action: 'call.cancel', error_code: 'FORBIDDEN' },
      { actor_id: 'pat', action: 'call.fail', error_code: 'FORBIDDEN' },
      { actor_id: 'ada', action: 'call.end', error_code: 'CONFLICT' },
      { actor_id: 'ada', action: 'call.fail', error_code: 'BAD_USER_INPUT' },
    ]);
    const succeeded = await db.query(`SELECT 1 FROM audit_events WHERE call_id = $1 AND outcome = 'SUCCESS' AND action <> 'call.read' AND action <> 'call.initiate'`, [target]);
    expect(succeeded.rowCount).toBe(0);
  });

  it('audits a markCallFailed refused for its message length as DENIED', async () => {
    const denied = await db.query(
      `SELECT 1 FROM audit_events WHERE call_id = $1 AND action = 'call.fail' AND actor_id = 'ada' AND outcome = 'DENIED' AND error_code = 'BAD_USER_INPUT'`,
      [target],
    );
    expect(denied.rowCount).toBe(1);
  });
});

describe('refusals that must not leak internals', () => {
  it('refuses an operation nested deeper than MAX_QUERY_DEPTH with BAD_USER_INPUT, and runs one at the limit', async () => {
    expect((await execute(app.url, AtDepthLimitDocument, {}, ada)).__schema.types.length).toBeGreaterThan(0);
    const error = await executeError(app.url, PastDepthLimitDocument, {}, ada);
    expect(error.extensions?.code).toBe('BAD_USER_INPUT');
    expect(error.message).toBe('operation is 13 levels deep; at most 12 are allowed');
    expectNoInternals(error);
  });

  it('refuses the same too-deep operation over graphql-ws', async () => {
    const client = wsClient(app.wsUrl, ada);
    try {
      await connected(client);
      const result = await subscribe(client, PastDepthLimitDocument, {}).next();
      expect(result.data ?? null).toBeNull();
      expect(result.errors?.[0]).toMatchObject({
        message: 'operation is 13 levels deep; at most 12 are allowed',
        extensions: { code: 'BAD_USER_INPUT' },
      });
      expectNoInternals(result);
    } finally {
      await client.dispose();
    }
  });

  it('answers a syntax error with BAD_USER_INPUT and where it is, nothing more', async () => {
    const { status, body } = await postRaw(app.url, JSON.stringify({ query: '{ me { id }' }));
    expect(status).toBe(400);
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]).toMatchObject({ message: expect.stringMatching(/^Syntax Error: Expected Name, found <EOF>/), extensions: { code: 'BAD_USER_INPUT' } });
    expectNoInternals(body);
  });

  it('answers a body that is not JSON with HTTP 400 and a coded JSON error', async () => {
    const { status, contentType, body } = await postRaw(app.url, '{"query": "{ me { id } }"');
    expect(status).toBe(400);
    expect(contentType).toMatch(/^application\/json/);
    expect(body).toEqual({ errors: [{ message: 'request body must be valid JSON', extensions: { code: 'BAD_USER_INPUT' } }] });
  });

  describe('with MAX_REQUEST_BYTES=2048', () => {
    let small: TestApp;
    beforeAll(async () => {
      small = await startApp({ MAX_REQUEST_BYTES: '2048' });
    });
    afterAll(() => small?.close());

    const meWithPadding = (padding: number) =>
      JSON.stringify({ query: print(MeDocument), variables: { padding: 'p'.repeat(padding) } });

    it('runs a request just under the limit', async () => {
      const body = meWithPadding(1_900);
      expect(Buffer.byteLength(body)).toBeLessThanOrEqual(2048);
      const token = await small.token('ada', 'provider');
      const response = await postRaw(small.url, body, { 'content-type': 'application/json', authorization: `Bearer ${token}` });
      expect(response).toMatchObject({ status: 200, body: { data: { me: { id: 'ada' } } } });
    });

    it('refuses a larger body with HTTP 413 and a coded JSON error', async () => {
      const { status, contentType, body } = await postRaw(small.url, meWithPadding(3_000));
      expect(status).toBe(413);
      expect(contentType).toMatch(/^application\/json/);
      expect(body).toEqual({ errors: [{ message: 'request body exceeds 2048 bytes', extensions: { code: 'BAD_USER_INPUT' } }] });
    });

    it('refuses a larger body sent in chunks without a Content-Length the same way', async () => {
      const chunk = new TextEncoder().encode(meWithPadding(1_500));
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(chunk);
          controller.enqueue(chunk);
          controller.close();
        },
      });
      const { status, body } = await postRaw(small.url, stream);
      expect(status).toBe(413);
      expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    });
  });
});
