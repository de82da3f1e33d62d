import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { auditStatement } from '../src/services/audit.service.js';
import {
  AnswerCallDocument, AuditChainDocument, AuditEventsDocument, CancelCallDocument, DeclineCallDocument, EndCallDocument,
  GetCallDocument, IncomingCallDocument, InitiateCallDocument, ListCallsDocument, MarkCallFailedDocument,
  MarkCallMissedDocument, MeDocument, type AuditEventFilter, type AuditEventsQuery,
} from './generated/graphql.js';
import { startApp, type TestApp } from './helpers/app.js';
import { execute, executeError, post, subscribe, wsClient } from './helpers/client.js';

type AuditRow = AuditEventsQuery['auditEvents']['edges'][number]['node'];

/** What a patient's token says about them: it must never reach the audit trail or the log. */
const PATIENT_NAME = 'Patricia Q Patient';
/** A provider's technical note that mentions the patient: stored on the call, never audited or logged. */
const FAILURE_MESSAGE = 'Patricia Q Patient lost video while describing chest pain (BP 150/95)';

/** A request id of our own, sent as x-request-id, so each request's audit row can be found. */
const requestId = (what: string) => `${what}-${randomUUID().slice(0, 8)}`;
const withId = (id: string) => ({ 'x-request-id': id });

async function withDatabase<T>(url: string, use: (db: pg.Client) => Promise<T>): Promise<T> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    return await use(db);
  } finally {
    await db.end();
  }
}

describe('the audit trail', () => {
  let app: TestApp;
  const tokens: Record<string, string> = {};

  /** Every audit row matching `filter`, newest first, read as the admin. */
  const auditRows = async (filter: AuditEventFilter): Promise<AuditRow[]> => {
    const { auditEvents } = await execute(app.url, AuditEventsDocument, { filter, first: 200 }, tokens.root);
    expect(auditEvents.pageInfo.hasNextPage).toBe(false);
    return auditEvents.edges.map((e) => e.node);
  };
  /** Reads call lists until the trail has at least `count` rows, so ids of one and two digits are both in play. */
  const atLeastRows = async (count: number) => {
    const rows = await withDatabase(app.databaseUrl, async (db) => Number((await db.query('SELECT count(*) FROM audit_events')).rows[0].count));
    for (let i = rows; i < count; i++) await execute(app.url, ListCallsDocument, { first: 1 }, tokens.sam);
  };
  const placeCall = async (caller: string, invitees: string[], id = requestId('initiate'), extra: { scheduledAt?: string } = {}) =>
    (await execute(app.url, InitiateCallDocument, { input: { type: 'VIDEO', inviteeIds: invitees, ...extra } }, tokens[caller], withId(id)))
      .initiateCall.id;

  beforeAll(async () => {
    app = await startApp();
    for (const [id, role, name] of [
      ['ada', 'provider', 'Dr Ada'], ['pat', 'patient', PATIENT_NAME], ['sam', 'patient', 'Sam'], ['root', 'admin', 'Root'],
    ] as const) {
      tokens[id] = await app.token(id, role, name);
      await execute(app.url, MeDocument, {}, tokens[id]);
    }
  });
  afterAll(() => app?.close());

  it('writes one SUCCESS row for every lifecycle change, with actor, action, call, request id and address', async () => {
    // [request id, actor, action, call]
    const changes: [string, string, string, string][] = [];
    const change = async (actor: string, action: string, callId: string, run: (headers: Record<string, string>) => Promise<unknown>) => {
      const id = requestId(action.replace('.', '-'));
      await run(withId(id));
      changes.push([id, actor, action, callId]);
    };
    const initiate = async (caller: string, invitees: string[]) => {
      const id = requestId('call-initiate');
      const callId = await placeCall(caller, invitees, id);
      changes.push([id, caller, 'call.initiate', callId]);
      return callId;
    };

    const ended = await initiate('ada', ['pat']);
    await change('pat', 'call.answer', ended, (h) => execute(app.url, AnswerCallDocument, { callId: ended }, tokens.pat, h));
    await change('pat', 'call.end', ended, (h) => execute(app.url, EndCallDocument, { callId: ended }, tokens.pat, h));
    const cancelled = await initiate('ada', ['pat']);
    await change('ada', 'call.cancel', cancelled, (h) => execute(app.url, CancelCallDocument, { callId: cancelled }, tokens.ada, h));
    const declined = await initiate('pat', ['ada']);
    await change('ada', 'call.decline', declined, (h) => execute(app.url, DeclineCallDocument, { callId: declined }, tokens.ada, h));
    const missed = await initiate('ada', ['sam']);
    await change('ada', 'call.miss', missed, (h) => execute(app.url, MarkCallMissedDocument, { callId: missed }, tokens.ada, h));
    const failed = await initiate('ada', ['pat']);
    await change('pat', 'call.answer', failed, (h) => execute(app.url, AnswerCallDocument, { callId: failed }, tokens.pat, h));
    await change('ada', 'call.fail', failed, (h) =>
      execute(app.url, MarkCallFailedDocument, { callId: failed, code: 'ICE_FAILED', message: FAILURE_MESSAGE }, tokens.ada, h));

    for (const [id, actor, action, callId] of changes) {
      const rows = (await auditRows({ callId })).filter((r) => r.requestId === id);
      expect(rows, `${action} by ${actor}`).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        actorId: actor, actorRole: actor === 'pat' ? 'PATIENT' : 'PROVIDER', action, targetType: 'call', targetId: callId,
        callId, outcome: 'SUCCESS', errorCode: null, ip: '127.0.0.1', requestId: id,
      });
      expect(rows[0]!.hash).toMatch(/^[0-9a-f]{64}$/);
    }
    // Each call's trail is its changes, newest first, and nothing else.
    const trail = await auditRows({ callId: ended });
    expect(trail.map((r) => r.action)).toEqual(['call.end', 'call.answer', 'call.initiate']);
    expect(trail.map((r) => Number(r.id))).toEqual(trail.map((r) => Number(r.id)).sort((a, b) => b - a));
  });

  it('writes a SYSTEM row without actor or request when a timer rings a scheduled call', async () => {
    const phone = wsClient(app.wsUrl, tokens.sam);
    try {
      const ring = subscribe(phone, IncomingCallDocument, {});
      const callId = await placeCall('ada', ['sam'], requestId('schedule'), { scheduledAt: new Date(Date.now() + 300).toISOString() });
      expect((await ring.next()).data?.incomingCall.callId).toBe(callId);
      const [rung] = (await auditRows({ callId })).filter((r) => r.action === 'call.ring');
      expect(rung).toMatchObject({ actorId: null, actorRole: 'SYSTEM', outcome: 'SUCCESS', callId, requestId: null, ip: null });
      await execute(app.url, CancelCallDocument, { callId }, tokens.ada);
    } finally {
      await phone.dispose();
    }
  });

  it('writes a DENIED row with the error code for every refused change, and the call stays as it was', async () => {
    const callId = await placeCall('ada', ['pat']);
    // [request id, actor, action, code the client got]
    const refusals: [string, string, string, string | undefined][] = [];
    const refuse = async (actor: string, action: string, run: (headers: Record<string, string>) => Promise<{ extensions?: { code?: string } }>) => {
      const id = requestId(`denied-${action.replace('.', '-')}`);
      refusals.push([id, actor, action, (await run(withId(id))).extensions?.code]);
    };
    await refuse('pat', 'call.cancel', (h) => executeError(app.url, CancelCallDocument, { callId }, tokens.pat, h));
    await refuse('ada', 'call.answer', (h) => executeError(app.url, AnswerCallDocument, { callId }, tokens.ada, h));
    await refuse('pat', 'call.fail', (h) => executeError(app.url, MarkCallFailedDocument, { callId, code: 'OTHER' }, tokens.pat, h));
    await refuse('sam', 'call.answer', (h) => executeError(app.url, AnswerCallDocument, { callId }, tokens.sam, h));
    await refuse('root', 'call.decline', (h) => executeError(app.url, DeclineCallDocument, { callId }, tokens.root, h));
    await execute(app.url, DeclineCallDocument, { callId }, tokens.pat);
    await refuse('pat', 'call.answer', (h) => executeError(app.url, AnswerCallDocument, { callId }, tokens.pat, h));
    expect(refusals.map(([, , , code]) => code)).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'NOT_FOUND', 'FORBIDDEN', 'CONFLICT']);

    const trail = await auditRows({ callId });
    for (const [id, actor, action, code] of refusals) {
      const rows = trail.filter((r) => r.requestId === id);
      expect(rows, `${action} by ${actor}`).toHaveLength(1);
      expect(rows[0]).toMatchObject({ actorId: actor, action, callId, outcome: 'DENIED', errorCode: code, ip: '127.0.0.1' });
    }
    expect(trail.filter((r) => r.outcome === 'SUCCESS').map((r) => r.action)).toEqual(['call.decline', 'call.initiate']);
    expect((await execute(app.url, GetCallDocument, { id: callId }, tokens.ada)).call.status).toBe('DECLINED');
  });

  it('writes a DENIED row when a patient is refused a call to another patient', async () => {
    const id = requestId('denied-initiate');
    const refused = await executeError(app.url, InitiateCallDocument, { input: { type: 'VIDEO', inviteeIds: ['sam'] } }, tokens.pat, withId(id));
    expect(refused.extensions?.code).toBe('FORBIDDEN');
    const rows = (await auditRows({ actorId: 'pat', action: 'call.initiate' })).filter((r) => r.requestId === id);
    expect(rows).toEqual([expect.objectContaining({ outcome: 'DENIED', errorCode: 'FORBIDDEN', ip: '127.0.0.1' })]);
  });

  it('audits reads of one call and of call lists, and a refused read as NOT_FOUND', async () => {
    const callId = await placeCall('ada', ['pat']);
    const missing = randomUUID();
    const reads = {
      own: requestId('read-own'), outsider: requestId('read-outsider'), missing: requestId('read-missing'),
      admin: requestId('read-admin'), list: requestId('list'), shared: requestId('list-shared'),
    };
    await execute(app.url, GetCallDocument, { id: callId }, tokens.pat, withId(reads.own));
    expect((await executeError(app.url, GetCallDocument, { id: callId }, tokens.sam, withId(reads.outsider))).extensions?.code).toBe('NOT_FOUND');
    expect((await executeError(app.url, GetCallDocument, { id: missing }, tokens.sam, withId(reads.missing))).extensions?.code).toBe('NOT_FOUND');
    await execute(app.url, GetCallDocument, { id: callId }, tokens.root, withId(reads.admin));
    await execute(app.url, ListCallsDocument, { first: 5 }, tokens.pat, withId(reads.list));
    await execute(app.url, ListCallsDocument, { filter: { participantId: 'ada' } }, tokens.pat, withId(reads.shared));

    const byRequest = async (filter: AuditEventFilter, id: string) => {
      const rows = (await auditRows(filter)).filter((r) => r.requestId === id);
      expect(rows, id).toHaveLength(1);
      return rows[0];
    };
    const read = { action: 'call.read', targetType: 'call', ip: '127.0.0.1' };
    expect(await byRequest({ callId }, reads.own)).toMatchObject({ ...read, actorId: 'pat', callId, outcome: 'SUCCESS', errorCode: null });
    expect(await byRequest({ callId }, reads.outsider)).toMatchObject({ ...read, actorId: 'sam', callId, outcome: 'DENIED', errorCode: 'NOT_FOUND' });
    expect(await byRequest({ callId: missing }, reads.missing)).toMatchObject({ ...read, actorId: 'sam', outcome: 'DENIED', errorCode: 'NOT_FOUND' });
    expect(await byRequest({ callId }, reads.admin)).toMatchObject({ ...read, actorId: 'root', actorRole: 'ADMIN', outcome: 'SUCCESS' });
    const list = { action: 'calls.list', targetType: 'calls', callId: null, outcome: 'SUCCESS', actorId: 'pat' };
    expect(await byRequest({ action: 'calls.list', actorId: 'pat' }, reads.list)).toMatchObject({ ...list, targetId: null });
    expect(await byRequest({ action: 'calls.list', actorId: 'pat' }, reads.shared)).toMatchObject({ ...list, targetId: 'ada' });
  });

  it('lets only admins read the trail, narrowed by call, actor and action, page by page', async () => {
    for (const user of ['ada', 'pat']) {
      expect((await executeError(app.url, AuditEventsDocument, {}, tokens[user])).extensions?.code, user).toBe('FORBIDDEN');
      expect((await executeError(app.url, AuditChainDocument, {}, tokens[user])).extensions?.code, user).toBe('FORBIDDEN');
    }

    const callId = await placeCall('ada', ['pat']);
    await execute(app.url, AnswerCallDocument, { callId }, tokens.pat);
    await execute(app.url, EndCallDocument, { callId }, tokens.ada);
    const other = await placeCall('pat', ['ada']);
    await execute(app.url, DeclineCallDocument, { callId: other }, tokens.ada);
    await atLeastRows(12);

    const everything = await auditRows({});
    expect(everything.map((r) => Number(r.id))).toEqual(everything.map((r) => Number(r.id)).sort((a, b) => b - a));
    const cases: [AuditEventFilter, (r: AuditRow) => boolean][] = [
      [{ callId }, (r) => r.callId === callId],
      [{ actorId: 'pat' }, (r) => r.actorId === 'pat'],
      [{ action: 'call.answer' }, (r) => r.action === 'call.answer'],
      [{ callId, actorId: 'ada' }, (r) => r.callId === callId && r.actorId === 'ada'],
      [{ actorId: 'ada', action: 'call.initiate' }, (r) => r.actorId === 'ada' && r.action === 'call.initiate'],
    ];
    for (const [filter, keep] of cases) {
      const rows = await auditRows(filter);
      // Reads of the trail append audit.list rows after `everything` was taken: compare up to it.
      const last = Number(everything[0]!.id);
      const expected = everything.filter(keep);
      expect(rows.filter((r) => Number(r.id) <= last), JSON.stringify(filter)).toEqual(expected);
      expect(expected.length, JSON.stringify(filter)).toBeGreaterThan(0);
      expect(expected.length, JSON.stringify(filter)).toBeLessThan(everything.length);
    }
    expect((await auditRows({ callId, actorId: 'ada' })).map((r) => r.action)).toEqual(['call.end', 'call.initiate']);
    expect((await executeError(app.url, AuditEventsDocument, { filter: { action: 'DROP TABLE' } }, tokens.root)).extensions?.code)
      .toBe('BAD_USER_INPUT');

    // Pages of 2 over ada's rows: newest first, no duplicates or gaps, an empty page after the last.
    const whole = await auditRows({ actorId: 'ada' });
    expect(whole.length).toBeGreaterThan(2);
    const paged: AuditRow[] = [];
    let after: string | null = null;
    for (let more = true; more;) {
      const { auditEvents }: AuditEventsQuery = await execute(app.url, AuditEventsDocument, { filter: { actorId: 'ada' }, first: 2, after }, tokens.root);
      paged.push(...auditEvents.edges.map((e) => e.node));
      expect(auditEvents.pageInfo.endCursor).toBe(auditEvents.edges.at(-1)?.cursor ?? null);
      more = auditEvents.pageInfo.hasNextPage;
      if (more) expect(auditEvents.edges).toHaveLength(2);
      after = auditEvents.pageInfo.endCursor;
    }
    expect(paged).toEqual(whole);
    const beyond = await execute(app.url, AuditEventsDocument, { filter: { actorId: 'ada' }, first: 2, after }, tokens.root);
    expect(beyond.auditEvents).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });

  it('keeps patient names and failure notes out of every audit row', async () => {
    // The patient acts (their token carries their name) and a failure note about them is stored.
    const callId = await placeCall('pat', ['ada']);
    await execute(app.url, AnswerCallDocument, { callId }, tokens.ada);
    await execute(app.url, MarkCallFailedDocument, { callId, code: 'NETWORK_ERROR', message: FAILURE_MESSAGE }, tokens.ada);
    await execute(app.url, GetCallDocument, { id: callId }, tokens.pat);
    await execute(app.url, ListCallsDocument, {}, tokens.pat);

    await withDatabase(app.databaseUrl, async (db) => {
      // The data is in the database, so finding none in the audit trail means something.
      expect((await db.query('SELECT name FROM users WHERE id = $1', ['pat'])).rows).toEqual([{ name: PATIENT_NAME }]);
      expect((await db.query('SELECT failure_message FROM calls WHERE id = $1', [callId])).rows).toEqual([{ failure_message: FAILURE_MESSAGE }]);

      const { rows } = await db.query<{ row: string }>('SELECT a::text AS row FROM audit_events a ORDER BY id');
      expect(rows.length).toBeGreaterThanOrEqual(5);
      const dump = rows.map((r) => r.row).join('\n');
      expect(dump).toContain(callId);
      for (const secret of [PATIENT_NAME, 'Patricia', FAILURE_MESSAGE, 'chest pain']) expect(dump).not.toContain(secret);
    });
  });

  it('refuses UPDATE, DELETE and TRUNCATE of audit rows at the database', async () => {
    await placeCall('ada', ['pat']); // at least one row for the row triggers to fire on
    await withDatabase(app.databaseUrl, async (db) => {
      const before = (await db.query('SELECT id, action, hash FROM audit_events ORDER BY id')).rows;
      expect(before.length).toBeGreaterThan(0);
      for (const statement of [
        "UPDATE audit_events SET action = 'call.read' WHERE id = (SELECT min(id) FROM audit_events)",
        'DELETE FROM audit_events WHERE id = (SELECT max(id) FROM audit_events)',
        'TRUNCATE audit_events',
      ]) {
        await expect(db.query(statement), statement).rejects.toMatchObject({
          code: '42501', message: 'audit_events is append-only',
        });
      }
      expect((await db.query('SELECT id, action, hash FROM audit_events ORDER BY id')).rows).toEqual(before);
    });
  });

  it('reports an intact chain, then the first row edited behind the triggers', async () => {
    const callId = await placeCall('ada', ['pat']);
    await execute(app.url, AnswerCallDocument, { callId }, tokens.pat);
    await atLeastRows(12); // so walking in text order (1, 10, 11, ..., 2) instead of 1, 2, ..., 10 would show
    await withDatabase(app.databaseUrl, async (db) => {
      const count = Number((await db.query('SELECT count(*) FROM audit_events')).rows[0].count);
      expect((await execute(app.url, AuditChainDocument, {}, tokens.root)).auditChain).toEqual({ intact: true, checked: count, firstBrokenId: null });

      // A row in the middle of the chain: an answer that someone would rather have been a decline.
      const { rows: [victim] } = await db.query<{ id: string; action: string; before: number }>(
        `SELECT id::text, action, (SELECT count(*)::int FROM audit_events b WHERE b.id < a.id) AS before
           FROM audit_events a WHERE action = 'call.answer' ORDER BY id LIMIT 1`,
      );
      expect(victim!.before).toBeGreaterThan(0);
      const edit = async (action: string) => {
        // As the superuser, with the append-only triggers off for the moment.
        await db.query('BEGIN');
        await db.query('ALTER TABLE audit_events DISABLE TRIGGER USER');
        await db.query('UPDATE audit_events SET action = $1 WHERE id = $2', [action, victim!.id]);
        await db.query('ALTER TABLE audit_events ENABLE TRIGGER USER');
        await db.query('COMMIT');
      };
      await edit('call.decline');
      try {
        expect((await execute(app.url, AuditChainDocument, {}, tokens.root)).auditChain).toEqual({
          intact: false, checked: victim!.before, firstBrokenId: victim!.id,
        });
      } finally {
        await edit(victim!.action);
      }
      // Put back exactly as it was, the row hashes as before: the chain is whole again.
      expect((await execute(app.url, AuditChainDocument, {}, tokens.root)).auditChain).toMatchObject({ intact: true, firstBrokenId: null });
    });
  });
});

describe('the service log', () => {
  /**
   * Runs a patient's call through answer, an unexpected database failure while a provider marks it
   * failed, the failure marked for real, and reads; returns every log line written at debug level.
   * The failure is forced with a trigger whose error message repeats the stored note, as PostgreSQL's
   * own messages do for bad values ("invalid input syntax for type ...: \"<value>\"").
   */
  async function logOfALifecycle(errorMessageFormat: string): Promise<string[]> {
    const lines: string[] = [];
    const app = await startApp({}, { logger: createLogger('debug', (line) => lines.push(line)) });
    try {
      const [ada, pat] = [await app.token('ada', 'provider', 'Dr Ada'), await app.token('pat', 'patient', PATIENT_NAME)];
      for (const token of [ada, pat]) await execute(app.url, MeDocument, {}, token);
      const { initiateCall: { id: callId } } = await execute(app.url, InitiateCallDocument, { input: { type: 'VIDEO', inviteeIds: ['ada'] } }, pat);
      await execute(app.url, AnswerCallDocument, { callId }, ada);

      await withDatabase(app.databaseUrl, (db) => db.query(`
        CREATE FUNCTION refuse_failure_note() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION '${errorMessageFormat}', NEW.failure_message; END $$;
        CREATE TRIGGER refuse_failure_note BEFORE UPDATE ON calls
          FOR EACH ROW WHEN (NEW.failure_message IS NOT NULL) EXECUTE FUNCTION refuse_failure_note();`));
      const crash = await post(app.url, MarkCallFailedDocument, { callId, code: 'OTHER', message: FAILURE_MESSAGE }, ada);
      const error = crash.body.errors?.[0];
      expect(error?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      expect(JSON.stringify(crash.body)).not.toContain('Patricia');
      // The failure was logged, under the id the client was given.
      expect(lines.filter((l) => l.includes(String(error?.extensions?.correlationId)))).toHaveLength(1);
      await withDatabase(app.databaseUrl, (db) => db.query('DROP TRIGGER refuse_failure_note ON calls'));

      await execute(app.url, MarkCallFailedDocument, { callId, code: 'OTHER', message: FAILURE_MESSAGE }, ada);
      expect((await execute(app.url, GetCallDocument, { id: callId }, ada)).call.failureMessage).toBe(FAILURE_MESSAGE);
      await execute(app.url, ListCallsDocument, {}, pat);
      await executeError(app.url, GetCallDocument, { id: randomUUID() }, pat);
    } finally {
      await app.close();
    }
    return lines;
  }
  const leaks = (lines: string[]) =>
    lines.filter((line) => [PATIENT_NAME, 'Patricia', FAILURE_MESSAGE, 'chest pain'].some((secret) => line.includes(secret)));

  it('never carries patient names or failure notes, even when a database error repeats them', async () => {
    const lines = await logOfALifecycle('storage refused the note %');
    expect(lines.length).toBeGreaterThan(1);
    expect(leaks(lines)).toEqual([]);
  });

  // describe() once logged stack lines 1-5, into which a message of several lines ran on.
  it('never carries patient data from an error message of several lines', async () => {
    expect(leaks(await logOfALifecycle('storage refused the row:\n%'))).toEqual([]);
  });
});

describe("the audit chain's head", () => {
  it('is found through the index on a connection whose first append found the trail empty', async () => {
    const app = await startApp();
    try {
      await withDatabase(app.databaseUrl, async (db) => {
        // PL/pgSQL plans audit_append's read of audit_events at a connection's first append and
        // keeps the plan. Planned while the statistics say the trail is empty (it was analyzed
        // empty: a new deployment after a database-wide ANALYZE, or the bench's seed), it was a
        // sequential scan and a sort, kept for every later append however large the trail grew.
        expect(Number((await db.query('SELECT count(*) FROM audit_events')).rows[0].count)).toBe(0);
        await db.query('ANALYZE audit_events');
        const append = async () => {
          const { sql, params } = auditStatement({ actor: null, action: 'test.probe', targetType: 'calls', outcome: 'SUCCESS' });
          let n = 0;
          await db.query(sql.replace(/\?/g, () => `$${++n}`), params);
        };
        const scans = async () => {
          await db.query('SELECT pg_stat_force_next_flush()');
          await db.query('SELECT pg_stat_clear_snapshot()');
          const { rows: [row] } = await db.query(`SELECT seq_scan::int AS seq, idx_scan::int AS idx FROM pg_stat_user_tables WHERE relname = 'audit_events'`);
          return row as { seq: number; idx: number };
        };
        await append();
        const before = await scans();
        for (let i = 0; i < 5; i++) await append();
        const after = await scans();
        expect(after.seq - before.seq).toBe(0);
        expect(after.idx - before.idx).toBeGreaterThanOrEqual(5);
        // The rows it appended are a chain like any other.
        const { root } = await app.signIn([['root', 'admin']]);
        expect((await execute(app.url, AuditChainDocument, {}, root)).auditChain).toMatchObject({ intact: true, firstBrokenId: null });
      });
    } finally {
      await app.close();
    }
  });
});
