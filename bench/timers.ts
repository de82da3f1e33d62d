/**
 * npm run bench:timers: the timers' once-a-second round when nothing is due, as every instance
 * runs it, on a database with many people in calls. The service is started in this process from
 * a tsc build (bootstrap, with its own CallTimers and jobs), on a database seeded with live calls
 * whose participants hold fresh presence leases and with ended calls, so no job has work. Timed in
 * the same run, taking turns:
 * - the round (`timers.tick()`): one statement asking every job's probe at once;
 * - the same probes one statement each, as the round asked them before the thirteenth session;
 * - each probe alone;
 * - then, in a phase of its own, the presence probe without `call_participants_closed_idx` (the
 *   schema before that session).
 * See bench/README.md, "Timers".
 */
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type * as Bootstrap from '../src/bootstrap.js';
import type * as Config from '../src/config.js';
import type * as WhenDue from '../src/services/when-due.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { buildService, importBuilt } from './lib/build.js';
import { createDatabase, dropAllDatabases } from './lib/database.js';
import { removeAllTempDirs, tempDir } from './lib/temp-dirs.js';
import { timeTogether, type Timing } from './lib/timing.js';
import { BENCH_JWT_SECRET } from './targets/service-calls.js';

const { values: args } = parseArgs({
  options: {
    live: { type: 'string', default: '10000' },
    ended: { type: 'string', default: '50000' },
    iterations: { type: 'string', default: '200' },
    warmup: { type: 'string', default: '50' },
    'database-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(`npm run bench:timers -- [options]
  --live 10000          live (ACTIVE) calls, two CONNECTED participants each, leases fresh
  --ended 50000         ended calls, two participants each
  --iterations 200      timed rounds of each way (they take turns)
  --warmup 50           untimed rounds first
  --database-url URL    PostgreSQL where a database is created and dropped`);
  process.exit(0);
}
const num = (name: 'live' | 'ended' | 'iterations' | 'warmup') => {
  const value = Number(args[name]);
  const least = name === 'iterations' ? 1 : 0;
  if (!Number.isInteger(value) || value < least) throw new Error(`--${name} must be a whole number of at least ${least}, got ${args[name]}`);
  return value;
};

const cleanup = async () => {
  await dropAllDatabases();
  await removeAllTempDirs();
};
process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));

const build = await buildService();
const database = await createDatabase(args['database-url']!);
const data = await tempDir('bench-timers-');
try {
  const { bootstrap } = await importBuilt<typeof Bootstrap>(build.dir, 'bootstrap.js');
  const { loadConfig } = await importBuilt<typeof Config>(build.dir, 'config.js');
  const { dueOf } = await importBuilt<typeof WhenDue>(build.dir, 'services/when-due.js');
  // Polls once a minute: the only rounds are the timed ones.
  const app = await bootstrap(loadConfig({
    NODE_ENV: 'production', FORCE_RELAY: 'none', DATABASE_URL: database.url, DATA_DIR: data.dir, JWT_SECRET: BENCH_JWT_SECRET, PORT: '0', HOST: '127.0.0.1',
    LOG_LEVEL: 'warn', TIMER_POLL_INTERVAL_MS: '60000', RECORDING_MASTER_KEY: Buffer.alloc(32, 1).toString('base64'),
  }));
  const db = new pg.Client({ connectionString: database.url });
  try {
    await db.connect();
    const live = num('live');
    console.log(`seeding ${live} live calls (${2 * live} connected participants) and ${num('ended')} ended ones into ${database.name}`);
    await db.query(`INSERT INTO users (id) SELECT 'bench-user-' || g FROM generate_series(1, greatest(2, 2 * $1::int)) g`, [live]);
    await db.query(
      `INSERT INTO calls (id, type, status, created_by_id, created_at, updated_at, answered_at, ended_at)
       SELECT gen_random_uuid(), 'VIDEO', CASE WHEN g <= $1 THEN 'ACTIVE' ELSE 'ENDED' END, 'bench-user-' || (1 + g % greatest(2, 2 * $1::int)),
              now() - interval '1 hour', now(), now() - interval '1 hour', CASE WHEN g > $1 THEN now() - interval '30 minutes' END
         FROM generate_series(1, $1::int + $2::int) g`,
      [live, num('ended')],
    );
    // Live calls' participants are CONNECTED with leases renewed just now; ended calls' are LEFT.
    await db.query(
      `INSERT INTO call_participants (id, call_id, user_id, role, status, invited_at, call_created_at, joined_at, connection, session_id, lease_until, left_at)
       SELECT gen_random_uuid(), c.id, 'bench-user-' || (1 + (2 * c.n + k) % greatest(2, 2 * $1::int)), CASE WHEN k = 0 THEN 'CALLER' ELSE 'INVITEE' END,
              CASE WHEN c.live THEN 'JOINED' ELSE 'LEFT' END, c.created_at, c.created_at, c.created_at,
              CASE WHEN c.live THEN 'CONNECTED' END, CASE WHEN c.live THEN gen_random_uuid() END,
              CASE WHEN c.live THEN now() + interval '1 day' END, CASE WHEN NOT c.live THEN c.ended_at END
         FROM (SELECT id, created_at, ended_at, status = 'ACTIVE' AS live, row_number() OVER () AS n FROM calls) c, generate_series(0, 1) k`,
      [live],
    );
    // Asked for quality stats just now, so that job has nothing to do either.
    await db.query(`INSERT INTO participant_quality (call_id, user_id, stats_requested_at) SELECT call_id, user_id, now() + interval '1 day' FROM call_participants WHERE connection = 'CONNECTED'`);
    // Vacuumed and analyzed now, so autovacuum does not start on the new rows while rounds are timed.
    await db.query('VACUUM ANALYZE');

    const em = () => app.orm.em.fork() as EntityManager;
    const jobs = app.timers.jobs;
    const due = await dueOf(em(), jobs);
    if (due.length > 0) throw new Error(`the seed left work for ${due.map((job) => job.name).join(', ')}: the round would not be idle`);
    const iterations = num('iterations');
    const warmup = num('warmup');
    const fmt = ({ p50, p95 }: Timing) => `${p50.toFixed(2)} / ${p95.toFixed(2)} ms`;

    const everySecond = jobs.filter((job) => !job.everyMs);
    const [round, between, oneByOne] = await timeTogether(iterations, [
      // tick() asks every job in one statement (the poll does once a minute, and with the
      // quality request every 5 s).
      () => app.timers.tick(),
      // The poll most seconds: the jobs with an `everyMs` left out.
      () => dueOf(em(), everySecond),
      async () => {
        for (const job of jobs) await dueOf(em(), [job]);
      },
    ], warmup);
    console.log(`\nthe idle round, p50 / p95 (${iterations} rounds each, taking turns):`);
    console.log(`  one statement, every job (the round):             ${fmt(round!)}`);
    console.log(`  one statement, the ${everySecond.length} jobs asked every second:    ${fmt(between!)}   (${(between!.p50 / round!.p50).toFixed(2)}x)`);
    console.log(`  a statement per job (${jobs.length}), as before:            ${fmt(oneByOne!)}   (${(oneByOne!.p50 / round!.p50).toFixed(2)}x)`);
    for (const job of jobs.filter((j) => j.everyMs)) console.log(`  (${job.name} is asked every ${job.everyMs! / 1000} s)`);

    const alone = await timeTogether(iterations, jobs.map((job) => () => dueOf(em(), [job])), warmup);
    console.log('\neach probe alone, p50 / p95:');
    jobs.forEach((job, i) => console.log(`  ${job.name.padEnd(22)} ${fmt(alone[i]!)}`));

    // The presence probe without the index on session_closed_at (the schema before the thirteenth
    // session): timed after the others, in a phase of its own, since the index is dropped for it.
    const presence = jobs.find((job) => job.name === 'presence')!;
    await db.query('DROP INDEX call_participants_closed_idx');
    await db.query('ANALYZE call_participants');
    const [withoutIndex] = await timeTogether(iterations, [() => dueOf(em(), [presence])], warmup);
    console.log(`  presence, without call_participants_closed_idx: ${fmt(withoutIndex!)}   (${(withoutIndex!.p50 / alone[jobs.indexOf(presence)]!.p50).toFixed(2)}x)`);
  } finally {
    await db.end();
    await app.close();
  }
} finally {
  await cleanup();
  await build.remove();
}
