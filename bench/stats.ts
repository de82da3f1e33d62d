/**
 * npm run bench:stats: seeds a database with a million calls and times callStats and a deep
 * history page three ways in the same run: the service in process (its StatsService /
 * CallQueryService on its ORM, audit row included), the service over HTTP (the whole GraphQL
 * request), and the same SQL statements run directly with pg. See bench/README.md.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { SignJWT } from 'jose';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type * as OrmModule from '../src/db/orm.js';
import type * as StatsModule from '../src/services/stats.service.js';
import type * as AuditModule from '../src/services/audit.service.js';
import type * as QueryModule from '../src/services/call-query.service.js';
import type * as LoadersModule from '../src/services/loaders.js';
import type * as CursorModule from '../src/services/cursor.js';
import type { Context } from '../src/context.js';
import { Role } from '../src/entities/enums.js';
import { buildService, importBuilt } from './lib/build.js';
import { spawnServer, killAllChildren } from './lib/child.js';
import { createDatabase, dropAllDatabases, existingDatabase } from './lib/database.js';
import { cpuMicros } from './lib/proc.js';
import { tempDir, removeAllTempDirs } from './lib/temp-dirs.js';
import { seed } from './stats/seed.js';
import { timeTogether, type Timing } from './lib/timing.js';
import { BENCH_JWT_SECRET } from './targets/service-calls.js';

const { values: args } = parseArgs({
  options: {
    calls: { type: 'string', default: '1000000' },
    providers: { type: 'string', default: '200' },
    patients: { type: 'string', default: '20000' },
    days: { type: 'string', default: '1095' },
    iterations: { type: 'string', default: '200' },
    warmup: { type: 'string', default: '100' },
    'database-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
    keep: { type: 'boolean', default: false },
    seeded: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(`npm run bench:stats -- [options]
  --calls 1000000       calls to seed (with two participants each)
  --providers 200       providers; --patients 20000 patients
  --days 1095           spread over this many days back from now
  --iterations 200      timed runs of each case; the admin 30-day case runs a fifth as many
  --warmup 100          untimed rounds before them (a fifth as many for the admin 30-day case), so
                        that both processes' JavaScript is compiled before it is timed
  --database-url URL    PostgreSQL where a bench_<random> database is created and dropped
  --keep                keep the seeded database (its name is printed) to look at its plans afterwards
  --seeded NAME         time against a database an earlier run kept (--keep), on the server of
                        --database-url, instead of seeding a new one (it is not dropped)`);
  process.exit(0);
}
const num = (name: keyof typeof args) => Number(args[name]);
if (!(num('iterations') >= 1) || !(num('warmup') >= 0)) {
  console.error('--iterations must be at least 1 and --warmup at least 0');
  process.exit(2);
}
const log = (line: string) => console.log(line);
let cleaning = false;
const cleanup = async () => {
  if (cleaning) return;
  cleaning = true;
  killAllChildren();
  if (!args.keep) await dropAllDatabases();
  await removeAllTempDirs();
};
process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));

const DAY = 86_400_000;

/** {@link timeTogether} of one way. */
async function time(iterations: number, run: () => Promise<unknown>): Promise<Timing> {
  return (await timeTogether(iterations, [run], num('warmup')))[0]!;
}

try {
  log(`building src with tsc (the service runs from that build)`);
  const build = await buildService();
  const database = args.seeded ? existingDatabase(args['database-url']!, args.seeded) : await createDatabase(args['database-url']!);
  const { openOrm } = await importBuilt<typeof OrmModule>(build.dir, 'db/orm.js');
  const orm = await openOrm(database.url);
  const db = new pg.Client({ connectionString: database.url });
  await db.connect();
  if (args.seeded) {
    log(`timing against ${database.name}, seeded by an earlier run`);
  } else {
    log(`seeding ${num('calls')} calls over ${num('days')} days, ${num('providers')} providers, ${num('patients')} patients into ${database.name}`);
    const seeded = performance.now();
    await seed(db, { calls: num('calls'), providers: num('providers'), patients: num('patients'), days: num('days') }, log);
    log(`  seeded in ${((performance.now() - seeded) / 1000).toFixed(0)} s`);
  }
  const [{ rows: [counts] }, { rows: [rollup] }] = await Promise.all([
    db.query(`SELECT (SELECT count(*) FROM calls) AS calls, (SELECT count(*) FROM call_participants) AS participants, (SELECT count(*) FROM call_quality_summaries) AS summaries`),
    db.query(`SELECT (SELECT count(*) FROM call_stats_daily) AS daily, (SELECT count(*) FROM call_stats_monthly) AS monthly`),
  ]);
  log(`  ${counts.calls} calls, ${counts.participants} participants, ${counts.summaries} quality summaries, ${rollup.daily} daily and ${rollup.monthly} monthly rollup rows`);

  const { StatsService, planStats, planStatement, resultsOf, combine } = await importBuilt<typeof StatsModule>(build.dir, 'services/stats.service.js');
  const { AuditService, auditStatement } = await importBuilt<typeof AuditModule>(build.dir, 'services/audit.service.js');
  const { CallQueryService, historyStatement } = await importBuilt<typeof QueryModule>(build.dir, 'services/call-query.service.js');
  const { createLoaders } = await importBuilt<typeof LoadersModule>(build.dir, 'services/loaders.js');
  const { encodeCursor } = await importBuilt<typeof CursorModule>(build.dir, 'services/cursor.js');
  const audit = new AuditService();
  const stats = new StatsService({ audit, rollupAfterDays: 31 });
  const queries = new CallQueryService(audit);
  // "direct pg" runs on the pg pool under the ORM: the same PostgreSQL backends as the service in
  // process, so a difference between backends (this machine shows some that answer the same
  // statement 1.5 ms slower for their whole life) is not counted for or against either side.
  const pool = await (orm.em.getConnection() as unknown as { getNativeClient(): Promise<pg.Pool> }).getNativeClient();

  // The busiest provider, so "a provider's stats" is the worst case, not an average one.
  const { rows: [busiest] } = await db.query(`SELECT user_id, count(*) AS n FROM call_participants WHERE user_id LIKE 'prov-%' GROUP BY 1 ORDER BY 2 DESC LIMIT 1`);
  const provider = { id: busiest.user_id as string, role: Role.PROVIDER, name: null };
  const admin = { id: 'admin-1', role: Role.ADMIN, name: null };
  log(`  busiest provider ${provider.id}: ${busiest.n} calls`);
  // The text the service sends for a statement: MikroORM inlines the parameters as literals and
  // sends one simple query, so direct pg sends that same text (with $n parameters PostgreSQL may
  // pick another plan: the 365-day series took 8.4 ms that way against 2.8 ms as sent).
  const asSent = (sql: string, params: unknown[]) => orm.em.getPlatform().formatQuery(sql, params);
  const context = (viewer: typeof admin): Context => {
    const em = orm.em.fork() as Context['em'];
    return { em, viewer, deviceId: null, request: { ip: '127.0.0.1', requestId: randomUUID() }, loaders: createLoaders(em) } as unknown as Context;
  };

  // The service over HTTP, from the same build, on the seeded database.
  const data = await tempDir('bench-stats-');
  const server = await spawnServer('service.server.ts', {
    args: [build.dir],
    // e.g. BENCH_STATS_SERVER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/stats-profile' for a CPU profile of the HTTP side.
    nodeArgs: process.env.BENCH_STATS_SERVER_NODE_ARGS?.split(' ').filter(Boolean),
    env: {
      NODE_ENV: 'production', FORCE_RELAY: 'none', DATABASE_URL: database.url, DATA_DIR: data.dir, JWT_SECRET: BENCH_JWT_SECRET, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn',
      RECORDING_MASTER_KEY: Buffer.alloc(32, 1).toString('base64'), TIMER_POLL_INTERVAL_MS: '60000',
    },
  });
  const httpUrl = server.url.replace(/^ws/, 'http');
  /** The server process's CPU time so far (user + system, from /proc; 10 ms ticks). */
  const serverCpuMs = async () => (await cpuMicros(server.pid)) / 1000;
  /** {@link timeTogether}, and the server's CPU time per timed round (ms). */
  const timeWithServerCpu = async (iterations: number, ways: (() => Promise<unknown>)[], warmup: number) => {
    let before = 0;
    const timings = await timeTogether(iterations, ways, warmup, async () => (before = await serverCpuMs()));
    return { timings, cpuMs: ((await serverCpuMs()) - before) / iterations };
  };
  const token = (viewer: typeof admin) => new SignJWT({ role: viewer.role.toLowerCase() }).setProtectedHeader({ alg: 'HS256' }).setSubject(viewer.id)
    .setExpirationTime('2h').sign(new TextEncoder().encode(BENCH_JWT_SECRET));
  const tokens = new Map([[provider.id, await token(provider)], [admin.id, await token(admin)]]);
  // node:http with one kept-alive connection, not fetch: undici's fetch costs the bench's own process
  // about 0.8 ms of CPU per request here, against 0.23 ms for node:http (bench/README.md), and
  // that is the client's cost, not the service's.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const graphql = (viewer: typeof admin, query: string, variables: unknown) => new Promise<unknown>((resolve, reject) => {
    const body = JSON.stringify({ query, variables });
    const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${tokens.get(viewer.id)}` };
    const request = http.request(httpUrl, { method: 'POST', agent, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        try {
          const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { errors?: unknown[] };
          if (parsed.errors) throw new Error(JSON.stringify(parsed.errors));
          resolve(parsed);
        } catch (error) {
          reject(error);
        }
      });
    });
    request.on('error', reject);
    request.end(body);
  });
  const STATS = `query ($filter: CallStatsFilter) { callStats(filter: $filter) { source total live completed successRate failureRate missedRate
    averageDurationMs medianDurationMs p90DurationMs averageTimeToAnswerMs averageQualityScore relayShare byStatus { status count }
    series { periodStart total completed } } }`;
  const HISTORY = `query ($after: String) { calls(first: 50, after: $after) { edges { cursor node { id status type createdAt durationMs
    participants { user { id role } role status } } } pageInfo { endCursor hasNextPage } } }`;

  /** `audit`: the row the service writes beside the read (its `direct` way runs the read alone). */
  type Case = {
    name: string; target: string; iterations: number; warmup: number; audit: AuditModule.AuditEntry;
    service: () => Promise<unknown>; http: () => Promise<unknown>; direct: () => Promise<unknown>;
  };
  const request = { ip: '127.0.0.1', requestId: randomUUID() };
  const now = new Date();
  const statsCase = (name: string, target: string, viewer: typeof admin, filter: StatsModule.CallStatsFilter, iterations: number, warmup = num('warmup')): Case => ({
    name, target, iterations, warmup,
    audit: {
      actor: viewer, action: 'stats.read', targetType: 'calls', targetId: viewer.role === Role.ADMIN ? null : viewer.id, request,
      outcome: 'SUCCESS', details: { source: planStats(viewer, filter, 31).source },
    },
    service: () => stats.callStats(context(viewer), filter),
    http: () => graphql(viewer, STATS, { filter: { ...filter, from: filter.from?.toISOString() } }),
    direct: async () => {
      // As the service reads them: the plan's parts as one statement (planStatement).
      const plan = planStats(viewer, filter, 31);
      const { sql, params } = planStatement(plan);
      combine(plan, resultsOf(plan, (await pool.query(asSent(sql, params))).rows));
    },
  });

  // A deep page: the cursor of the call 90% of the way down the admin's history.
  const { rows: [deep] } = await db.query(`SELECT created_at, id FROM calls ORDER BY created_at DESC, id DESC OFFSET $1 LIMIT 1`, [Math.floor(Number(counts.calls) * 0.9)]);
  const deepCursor = encodeCursor({ at: deep.created_at, id: deep.id });
  const historyCase: Case = {
    name: 'history page 50 at 90% depth (admin)', target: 'a few ms', iterations: num('iterations'), warmup: num('warmup'),
    audit: { actor: admin, action: 'calls.list', targetType: 'calls', targetId: null, request, outcome: 'SUCCESS', details: { first: 50, scope: 'all' } },
    service: async () => {
      const ctx = context(admin);
      const page = await queries.list(ctx, {}, 50, deepCursor);
      await Promise.all(page.edges.map((e) => ctx.loaders.participantsByCall.load(e.node.id)));
    },
    http: () => graphql(admin, HISTORY, { after: deepCursor }),
    direct: async () => {
      // The service's own statement: the page and each call's participants, in one round trip.
      const { sql, params } = historyStatement(admin, {}, 50, deepCursor);
      await pool.query(asSent(sql, params));
    },
  };
  const iterations = num('iterations');
  const cases: Case[] = [
    statsCase(`provider, 30 days (${provider.id})`, 'a few ms', provider, { from: new Date(now.getTime() - 30 * DAY) }, iterations),
    statsCase('admin, 30 days', '< 150 ms', admin, { from: new Date(now.getTime() - 30 * DAY) }, Math.max(20, Math.floor(iterations / 5)), Math.max(10, Math.floor(num('warmup') / 5))),
    statsCase('admin, all time (rollup)', '< 10 ms', admin, {}, iterations),
    statsCase(`provider, all time (rollup)`, '(not set)', provider, {}, iterations),
    statsCase('admin, 365 days by week (rollup + edge days)', '(not set)', admin, { from: new Date(now.getTime() - 365 * DAY), groupBy: 'WEEK' }, iterations),
    historyCase,
  ];

  log('');
  log(`${'case'.padEnd(48)} ${'target'.padEnd(10)} ${'direct pg p50/p95'.padStart(18)} ${'pg + audit p50/p95'.padStart(18)} ${'service p50/p95'.padStart(18)} ${'HTTP p50/p95'.padStart(18)} ${'svc/pg'.padStart(7)} ${'svc/(pg+audit)'.padStart(14)} ${'http/pg'.padStart(8)} ${'server CPU'.padStart(10)}`);
  const fmt = (t: Timing) => `${t.p50.toFixed(2)} / ${t.p95.toFixed(2)}`.padStart(18);
  for (const c of cases) {
    // The read and the audit row the service writes beside it, both straight through pg, at once as the service runs them.
    const audited = () => {
      const { sql, params } = auditStatement(c.audit);
      return Promise.all([c.direct(), pool.query(asSent(sql, params))]);
    };
    const { timings, cpuMs: cpu } = await timeWithServerCpu(c.iterations, [c.direct, audited, c.service, c.http], c.warmup);
    const [direct, withAudit, service, http] = timings as [Timing, Timing, Timing, Timing];
    log(`${c.name.padEnd(48)} ${c.target.padEnd(10)} ${fmt(direct)} ${fmt(withAudit)} ${fmt(service)} ${fmt(http)} ${(service.p50 / direct.p50).toFixed(2).padStart(6)}x ${(service.p50 / withAudit.p50).toFixed(2).padStart(13)}x ${(http.p50 / direct.p50).toFixed(2).padStart(7)}x ${cpu.toFixed(2).padStart(7)} ms`);
  }
  // What any request over HTTP costs, with no statement of the stats or history: the token check,
  // the context, Apollo and one primary-key read of the viewer.
  const { timings: [floor], cpuMs: floorCpu } = await timeWithServerCpu(iterations, [() => graphql(provider, `{ me { id role } }`, {})], num('warmup'));
  log(`${'HTTP floor: { me { id role } } (provider)'.padEnd(48)} ${'–'.padEnd(10)} ${''.padStart(18)} ${''.padStart(18)} ${''.padStart(18)} ${fmt(floor!)} ${''.padStart(7)} ${''.padStart(14)} ${''.padStart(8)} ${floorCpu.toFixed(2).padStart(7)} ms`);
  const auditOnly = await time(iterations, () => audit.recordNow(orm.em.fork() as Context['em'], { actor: admin, action: 'bench.audit', targetType: 'calls', outcome: 'SUCCESS' }));
  const pageOnly = await time(iterations, async () => {
    const { sql, params } = historyStatement(admin, {}, 50, deepCursor);
    await (orm.em.fork() as Context['em']).execute(sql, params);
  });
  log(`\nparts of the service's cost: one audit row (recordNow) p50 ${auditOnly.p50.toFixed(2)} ms; the history page statement (with participants) through the ORM p50 ${pageOnly.p50.toFixed(2)} ms`);
  log('\n(ms; ratios of medians. "direct pg": the read\'s statement alone; "pg + audit": it and the audit row\'s statement (auditStatement) at once, both through pg; "service": StatsService / CallQueryService in this process on the ORM, with the audit row each read writes; "HTTP": the whole GraphQL request to the built service; "server CPU": the service process\'s CPU time per HTTP request of the timed rounds, from /proc in 10 ms ticks.)');

  agent.destroy();
  await server.stop();
  await db.end();
  await orm.close(true);
  await build.remove();
} finally {
  await cleanup();
}
