import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { CallEventsDocument, GetCallDocument, IncomingCallDocument, InitiateCallDocument } from './generated/graphql.js';
import { createDatabase, startApp, type TestApp } from './helpers/app.js';
import { execute, subscribe, wsClient } from './helpers/client.js';
import { waitFor } from './helpers/wait.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { createLogger } from '../src/logger.js';
import { MemoryPubSub } from '../src/pubsub/memory-pubsub.js';
import { AuditService } from '../src/services/audit.service.js';
import { CallTimers } from '../src/services/call-timers.service.js';
import type { DueJob } from '../src/services/when-due.js';

const apps: TestApp[] = [];
const databases: { drop(): Promise<void> }[] = [];
afterAll(async () => {
  for (const app of apps) await app.close();
  for (const db of databases) await db.drop();
});

async function start(env: Record<string, string>, databaseUrl?: string) {
  const app = await startApp(env, databaseUrl ? { databaseUrl } : {});
  apps.push(app);
  return app;
}

const statusOf = async (app: TestApp, token: string, id: string) =>
  (await execute(app.url, GetCallDocument, { id }, token)).call;

/** Timers of `app`'s database running only `jobs` (besides their own ring and miss), for the tests of the round itself. */
const timersWith = (app: TestApp, pollIntervalMs: number, jobs: DueJob[], lines: string[] = []) => new CallTimers({
  em: () => app.orm.em.fork() as EntityManager,
  pubsub: new MemoryPubSub(),
  audit: new AuditService(),
  logger: createLogger('error', (line) => lines.push(line)),
  ringTimeoutMs: 30_000,
  pollIntervalMs,
  jobs,
});

describe('database-driven timers', () => {
  it('turns an unanswered call MISSED at the ring timeout and tells the participants', async () => {
    const app = await start({ RING_TIMEOUT_MS: '300' });
    const ada = await app.token('ada', 'provider', 'Dr Ada');
    const placed = (await execute(app.url, InitiateCallDocument, { input: { type: 'AUDIO', inviteeIds: ['pat'] } }, ada)).initiateCall;
    expect(Date.parse(placed.ringDeadlineAt!) - Date.parse(placed.ringStartedAt!)).toBe(300);
    const socket = wsClient(app.wsUrl, ada);
    try {
      const events = subscribe(socket, CallEventsDocument, { callId: placed.id });
      expect((await events.next()).data?.callEvents.kind).toBe('CURRENT_STATUS');
      const missed = (await events.next(5_000)).data?.callEvents;
      expect(missed).toMatchObject({ kind: 'STATUS_CHANGED', previousStatus: 'RINGING', status: 'MISSED', actorId: null, reason: 'NO_ANSWER' });
      expect(Date.parse(missed!.at)).toBeGreaterThanOrEqual(Date.parse(placed.ringDeadlineAt!));
    } finally {
      await socket.dispose();
    }
    const call = await statusOf(app, ada, placed.id);
    expect(call.participants.map((p) => p.status)).toEqual(['LEFT', 'ABSENT']);
  });

  it('rings a scheduled call at its time, on the invitee\'s sockets', async () => {
    const app = await start({ RING_TIMEOUT_MS: '60000' });
    const ada = await app.token('ada', 'provider', 'Dr Ada');
    const socket = wsClient(app.wsUrl, await app.token('pat', 'patient'));
    try {
      const ring = subscribe(socket, IncomingCallDocument, {});
      const scheduledAt = new Date(Date.now() + 400).toISOString();
      const placed = (await execute(app.url, InitiateCallDocument, { input: { type: 'VIDEO', inviteeIds: ['pat'], scheduledAt } }, ada)).initiateCall;
      expect(placed.status).toBe('SCHEDULED');
      expect(placed.participants.map((p) => p.status)).toEqual(['INVITED', 'INVITED']);
      const { data } = await ring.next(5_000);
      expect(data?.incomingCall).toMatchObject({ callId: placed.id, caller: { id: 'ada', name: 'Dr Ada' } });
      expect(Date.parse(data!.incomingCall.ringStartedAt)).toBeGreaterThanOrEqual(Date.parse(scheduledAt));
      const call = await statusOf(app, ada, placed.id);
      expect(call.status).toBe('RINGING');
      expect(call.participants[0]!.status).toBe('JOINED');
    } finally {
      await socket.dispose();
    }
  });

  it('still rings and misses calls whose process stopped before their time', async () => {
    const db = await createDatabase();
    databases.push(db);
    const first = await start({ RING_TIMEOUT_MS: '300' }, db.url);
    const ada = await first.token('ada', 'provider', 'Dr Ada');
    const scheduledAt = new Date(Date.now() + 800).toISOString();
    const scheduled = (await execute(first.url, InitiateCallDocument, { input: { type: 'VIDEO', inviteeIds: ['pat'], scheduledAt } }, ada)).initiateCall;
    const ringing = (await execute(first.url, InitiateCallDocument, { input: { type: 'VIDEO', inviteeIds: ['pat'] } }, ada)).initiateCall;
    await first.close();

    const second = await start({ RING_TIMEOUT_MS: '300' }, db.url);
    const socket = wsClient(second.wsUrl, await second.token('pat', 'patient'));
    try {
      const ring = subscribe(socket, IncomingCallDocument, {});
      // The call placed before the restart may still ring (and then stop) first; wait for the scheduled one.
      let heard = (await ring.next(5_000)).data?.incomingCall;
      for (let i = 0; i < 3 && !(heard?.callId === scheduled.id && heard.event === 'RINGING'); i++) {
        heard = (await ring.next(5_000)).data?.incomingCall;
      }
      expect(heard).toMatchObject({ callId: scheduled.id, event: 'RINGING' });
    } finally {
      await socket.dispose();
    }
    for (const id of [scheduled.id, ringing.id]) {
      await waitFor(async () => ((await statusOf(second, ada, id)).status === 'MISSED' ? true : undefined), `call ${id} MISSED`);
    }
  });

  it('handles each due call exactly once when several instances share the database', async () => {
    const db = await createDatabase();
    databases.push(db);
    const env = { RING_TIMEOUT_MS: '200', TIMER_POLL_INTERVAL_MS: '20' };
    const [a, b, c] = [await start(env, db.url), await start(env, db.url), await start(env, db.url)];
    const ada = await a.token('ada', 'provider', 'Dr Ada');
    const scheduledAt = new Date(Date.now() + 2_000).toISOString();
    const ids = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        execute([a, b, c][i % 3]!.url, InitiateCallDocument, { input: { type: 'VIDEO', inviteeIds: [`p${i}`], scheduledAt } }, ada)
          .then((d) => d.initiateCall.id)),
    );
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await waitFor(async () => {
        const { rows } = await client.query(`SELECT count(*)::int AS n FROM calls WHERE status = 'MISSED'`);
        return rows[0].n === ids.length ? true : undefined;
      }, 'all calls MISSED');
      const { rows } = await client.query(
        `SELECT action, count(*)::int AS n, count(DISTINCT call_id)::int AS calls FROM audit_events
          WHERE action IN ('call.ring', 'call.miss') GROUP BY action ORDER BY action`,
      );
      expect(rows).toEqual([
        { action: 'call.miss', n: 30, calls: 30 },
        { action: 'call.ring', n: 30, calls: 30 },
      ]);
    } finally {
      await client.end();
    }
  });

  it('costs one statement and no transaction in a round that finds nothing due', async () => {
    const statements: string[] = [];
    let counting = false;
    // Polls once a minute: the only round while counting is the one asked for.
    const app = await startApp({ TIMER_POLL_INTERVAL_MS: '60000' }, { onQuery: (sql) => void (counting && statements.push(sql)) });
    apps.push(app);
    await app.timers.tick();
    counting = true;
    await app.timers.tick();
    counting = false;
    // One probe for every job: ring, miss, presence, recordings to stop, finalize and purge,
    // quality stats to ask for, summaries to write, old samples to delete, the rollup to fold.
    // Each used to cost a statement of its own every second (ten in all), five of them writes.
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/^SELECT EXISTS \(/);
    expect(statements[0]!.match(/\) AS d\d+/g)).toHaveLength(10);
    // No locking read and no write: a probe takes no lock and opens no transaction.
    expect(statements[0]).not.toMatch(/FOR UPDATE|DELETE|INSERT|UPDATE /);
  });

  it('asks a job with everyMs at most that often in its polls, until it finds work, and every job when asked to tick', async () => {
    const app = await start({ TIMER_POLL_INTERVAL_MS: '60000' });
    const ran: string[] = [];
    let backlog = 2;
    const timers = timersWith(app, 40, [
      { name: 'often', probe: () => ({ sql: 'SELECT 1' }), run: async () => (ran.push('often'), 0) },
      // Has work for three runs: handles 1, 1, then 0.
      { name: 'seldom', everyMs: 60_000, probe: () => ({ sql: 'SELECT 1' }), run: async () => (ran.push('seldom'), backlog > 0 ? (backlog--, 1) : 0) },
    ]);
    timers.start();
    await waitFor(async () => (ran.filter((name) => name === 'often').length >= 8 ? true : undefined), 'eight polls');
    await timers.stop();
    // The first poll asked both; the seldom job, which found work, was asked again in the same
    // tick until it had none, then not for the rest of its minute.
    expect(ran.filter((name) => name === 'seldom')).toHaveLength(3);
    expect(ran.slice(0, 6)).toEqual(['often', 'seldom', 'often', 'seldom', 'often', 'seldom']);
    // tick() asks every job, the minute notwithstanding.
    const again = timersWith(app, 60_000, [{ name: 'seldom', everyMs: 60_000, probe: () => ({ sql: 'SELECT 1' }), run: async () => (ran.push('ticked'), 0) }]);
    await again.tick();
    await again.tick();
    expect(ran.filter((name) => name === 'ticked')).toHaveLength(2);
    await again.stop();
  });

  it('holds neither a backlog nor a failure of a job with everyMs to its period', async () => {
    const app = await start({ TIMER_POLL_INTERVAL_MS: '60000' });
    let backlog = 45;
    let failures = 1;
    const flaky: string[] = [];
    const timers = timersWith(app, 30, [
      // More than one tick's 20 rounds of work: the next poll goes on with it, the minute notwithstanding.
      { name: 'backlog', everyMs: 60_000, probe: () => ({ sql: 'SELECT 1' }), run: async () => (backlog > 0 ? (backlog--, 1) : 0) },
      // Fails once: asked again at the next poll, then not for a minute.
      {
        name: 'flaky', everyMs: 60_000, probe: () => ({ sql: 'SELECT 1' }),
        run: async () => {
          flaky.push('run');
          if (failures-- > 0) throw new Error('storage unavailable');
          return 0;
        },
      },
    ]);
    timers.start();
    try {
      await waitFor(async () => (backlog === 0 ? true : undefined), 'the backlog to drain', 5_000);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(flaky).toEqual(['run', 'run']);
    } finally {
      await timers.stop();
    }
  });

  it('runs only the jobs whose probe found work, in order, and a failing job or probe holds up no other', async () => {
    const app = await start({ TIMER_POLL_INTERVAL_MS: '60000' });
    const lines: string[] = [];
    const ran: string[] = [];
    let failures = 1;
    let busy = 3;
    const job = (name: string, sql: string, params: unknown[], run: () => Promise<number>): DueJob => ({ name, probe: () => ({ sql, params }), run });
    const timers = timersWith(app, 60_000, [
      job('idle', 'SELECT 1 WHERE ? = 2', [1], async () => (ran.push('idle'), 1)),
      job('broken', 'SELECT 1 WHERE ? = 1', [1], async () => {
        ran.push('broken');
        if (failures-- > 0) throw new Error('storage unavailable');
        return 0;
      }),
      // Finds work three times: the round repeats while a job handles something.
      job('busy', `SELECT 1 WHERE ? = 'yes'`, ['yes'], async () => (ran.push('busy'), busy > 0 ? (busy--, 1) : 0)),
      job('unprobeable', 'SELECT 1 FROM no_such_table', [], async () => (ran.push('unprobeable'), 1)),
      job('malformed', 'SELECT 1 WHERE 1 = ?', [], async () => (ran.push('malformed'), 1)),
    ], lines);
    const logged = () => lines.map((line) => JSON.parse(line) as { msg: string; job: string });
    await timers.tick();
    // The idle job's probe found nothing. The combined probe failed (a missing table), so the jobs
    // were probed one by one: the two whose probe fails are left out, the rest still run. The job
    // that threw sits out the rest of the tick while the busy one goes round again.
    expect(ran).toEqual(['broken', 'busy', 'busy', 'busy', 'busy']);
    expect(logged()).toMatchObject([
      { msg: 'timer probe failed', job: 'unprobeable', error: { sqlState: '42P01' } },
      { msg: 'timer probe failed', job: 'malformed' },
      { msg: 'timer job failed', job: 'broken', error: { name: 'Error' } },
    ]);
    // Never a message, which can echo data (nor the SQL).
    expect(lines.join('')).not.toMatch(/storage unavailable|no_such_table/);
    ran.length = 0;
    lines.length = 0;
    await timers.tick();
    // A new tick tries everything again: the broken job has recovered.
    expect(ran).toEqual(['broken', 'busy']);
    expect(logged().map((l) => [l.msg, l.job])).toEqual([['timer probe failed', 'unprobeable'], ['timer probe failed', 'malformed']]);
    await timers.stop();
  });
});
