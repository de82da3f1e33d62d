import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Client } from 'graphql-ws';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnswerCallDocument, CallEventsDocument, GetCallDocument, InitiateCallDocument, SignalsDocument } from './generated/graphql.js';
import { startApp, TEST_JWT_SECRET, type TestApp } from './helpers/app.js';
import { connected, deviceClient, execute, request, subscribe, withDeadline } from './helpers/client.js';
import { waitFor } from './helpers/wait.js';

/**
 * docs/SIGNALING.md section 6: "An instance that dies takes its sockets with it: each instance
 * renews a lease on the presence it holds, and presence whose lease ran out counts as closed."
 * Instance A runs in this process; instance C is a child process on the same database, killed
 * with SIGKILL while it holds the callee's presence, so nothing of it closes the session. No
 * Redis: A sees the death in the database alone (its timers' sweep), and tells its own subscribers.
 */
const root = new URL('../', import.meta.url).pathname;
let a: TestApp;
let c: ChildProcess | undefined;
let dataDir: string | undefined;
const tokens: Record<string, string> = {};
const clients: Client[] = [];
let db: pg.Client;

beforeAll(async () => {
  a = await startApp({ PRESENCE_GRACE_MS: '200', RECONNECT_WINDOW_MS: '2000' });
  db = new pg.Client({ connectionString: a.databaseUrl });
  await db.connect();
  Object.assign(tokens, await a.signIn([['ada', 'provider', 'Dr Ada'], ['pat', 'patient', 'Pat']]));
});
afterAll(async () => {
  if (c && c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const client of clients) await client.dispose();
  await db?.end();
  await a?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Instance C: `src/main.ts` in a process of its own on A's database, renewing leases of 2 s. */
async function startInstanceC(): Promise<string> {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'vw-calls-crash-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env, NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, DATABASE_URL: a.databaseUrl,
    JWT_SECRET: TEST_JWT_SECRET, PRESENCE_LEASE_MS: '2000', TIMER_POLL_INTERVAL_MS: '60000', LOG_LEVEL: 'warn',
  };
  delete env.REDIS_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  c = child;
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  return withDeadline(new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', () => {
      const match = /graphql-ws at (ws:\/\/\S+\/graphql)/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`instance C exited with ${code}:\n${output}`)));
  }), 45_000, `instance C to be ready; output so far:\n${output}`);
}

describe('an instance that dies holding a participant\'s presence', () => {
  it('is found out by the others through its lease: DISCONNECTED, then LOST, and the 1:1 call ends PEER_LOST', { timeout: 60_000 }, async () => {
    const cWsUrl = await startInstanceC();
    const adaOnA = deviceClient(a.wsUrl, tokens.ada!, 'ada-desk-crash');
    clients.push(adaOnA);
    await connected(adaOnA);
    const callId = (await request(adaOnA, InitiateCallDocument, { input: { type: 'VIDEO', inviteeIds: ['pat'] } })).data!.initiateCall.id;
    expect((await execute(a.url, AnswerCallDocument, { callId }, tokens.pat)).answerCall.status).toBe('ACTIVE');
    const patOnC = deviceClient(cWsUrl, tokens.pat!, 'pat-tab-crash');
    clients.push(patOnC);
    await connected(patOnC);
    subscribe(patOnC, SignalsDocument, { callId, afterSeq: 0 });
    const connection = async () => {
      const { rows } = await db.query<{ connection: string | null }>(`SELECT connection FROM call_participants WHERE call_id = $1 AND user_id = 'pat'`, [callId]);
      return rows[0]?.connection;
    };
    await waitFor(async () => ((await connection()) === 'CONNECTED' ? true : undefined), "pat's presence held by C", 10_000);
    const events = subscribe(adaOnA, CallEventsDocument, { callId });
    expect((await events.next()).data?.callEvents.kind).toBe('CURRENT_STATUS');
    // Held by C and renewed there: still CONNECTED after more than one lease.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(await connection()).toBe('CONNECTED');

    c!.kill('SIGKILL');
    const killedAt = Date.now();
    const kinds: string[] = [];
    for (;;) {
      const event = (await events.next(10_000)).data?.callEvents;
      if (!event || event.kind === 'PARTICIPANT_JOINED') continue;
      kinds.push(`${event.kind}:${event.participantId ?? event.status}`);
      if (event.kind === 'STATUS_CHANGED') break;
    }
    expect(kinds).toEqual(['PARTICIPANT_DISCONNECTED:pat', 'PARTICIPANT_LOST:pat', 'STATUS_CHANGED:ENDED']);
    // The lease (2 s) and the reconnect window (2 s), with the sweeps' own delays: not much more.
    expect(Date.now() - killedAt).toBeLessThan(15_000);
    const call = (await execute(a.url, GetCallDocument, { id: callId }, tokens.ada)).call;
    expect(call).toMatchObject({ status: 'ENDED', endReason: 'PEER_LOST' });
  });
});
