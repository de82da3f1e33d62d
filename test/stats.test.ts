import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallStatsDocument } from './generated/graphql.js';
import { startApp, type TestApp } from './helpers/app.js';
import { Role } from '../src/entities/enums.js';
import { planStats } from '../src/services/stats.service.js';
import { execute, executeError } from './helpers/client.js';

let app: TestApp;
let db: pg.Client;
let tokens: Record<'ada' | 'bob' | 'pat' | 'sam' | 'root', string>;
const DAY = 86_400_000;
const MIN = 60_000;
const now = Date.now();

interface Seed {
  status: 'ENDED' | 'MISSED' | 'DECLINED' | 'FAILED' | 'CANCELLED' | 'ACTIVE';
  type?: 'VIDEO' | 'AUDIO';
  ago: number;
  users: [caller: string, callee: string];
  durationMs?: number;
  answerMs?: number;
  mos?: number;
  connection?: 'P2P' | 'RELAY';
}

/**
 * Writes a call as the service would: placed (RINGING, so not yet counted), then moved to its
 * final status by an UPDATE, which is what fires the rollup trigger; its quality summary is
 * inserted after, which fires the other one.
 */
async function seed(call: Seed): Promise<void> {
  const id = randomUUID();
  const created = new Date(now - call.ago);
  await db.query(
    `INSERT INTO calls (id, type, status, created_by_id, created_at, updated_at, version) VALUES ($1, $2, 'RINGING', $3, $4, $4, 1)`,
    [id, call.type ?? 'VIDEO', call.users[0], created],
  );
  for (const [i, user] of call.users.entries()) {
    await db.query(
      `INSERT INTO call_participants (id, call_id, user_id, role, status, invited_at, call_created_at, position) VALUES ($1, $2, $3, $4, 'INVITED', $5, $5, $6)`,
      [randomUUID(), id, user, i === 0 ? 'CALLER' : 'INVITEE', created, i],
    );
  }
  await db.query(`UPDATE calls SET status = $2, duration_ms = $3, time_to_answer_ms = $4, connection_type = $5 WHERE id = $1`,
    [id, call.status, call.durationMs ?? null, call.answerMs ?? null, call.connection ?? null]);
  if (call.mos !== undefined) {
    await db.query(
      `INSERT INTO call_quality_summaries (call_id, samples, avg_mos, min_mos, worst_level, p95_rtt_ms, max_packet_loss, connection_type, audio_only_ms, computed_at)
       VALUES ($1, 3, $2, $2, 'GOOD', 80, 0.01, $3, 0, now())`,
      [id, call.mos, call.connection ?? null],
    );
  }
}

/** The seeded calls: the figures below are worked out from this list. */
const calls: Seed[] = [
  { status: 'ENDED', ago: 1 * DAY, users: ['ada', 'pat'], durationMs: 10 * MIN, answerMs: 5_000, mos: 4.2, connection: 'P2P' },
  { status: 'ENDED', ago: 1 * DAY + 1_000, users: ['pat', 'ada'], durationMs: 20 * MIN, answerMs: 15_000, mos: 3.8, connection: 'RELAY' },
  { status: 'MISSED', type: 'AUDIO', ago: 2 * DAY, users: ['ada', 'pat'] },
  { status: 'DECLINED', ago: 2 * DAY + 1_000, users: ['ada', 'pat'] },
  { status: 'FAILED', ago: 3 * DAY, users: ['ada', 'pat'] },
  { status: 'CANCELLED', ago: 3 * DAY + 1_000, users: ['ada', 'pat'] },
  { status: 'ENDED', type: 'AUDIO', ago: 3 * DAY + 2_000, users: ['ada', 'pat'], durationMs: 5 * MIN, answerMs: 3_000 },
  { status: 'ENDED', ago: 2 * DAY + 2_000, users: ['bob', 'sam'], durationMs: 30 * MIN, answerMs: 10_000, mos: 4.4, connection: 'RELAY' },
  { status: 'ENDED', ago: 40 * DAY, users: ['ada', 'pat'], durationMs: 60 * MIN, answerMs: 2_000, mos: 4.0, connection: 'P2P' },
  { status: 'ACTIVE', ago: 3_600_000, users: ['ada', 'pat'] },
  { status: 'ENDED', ago: 100 * DAY, users: ['ada', 'sam'], durationMs: 2 * MIN, answerMs: 1_000 },
];

beforeAll(async () => {
  app = await startApp({ STATS_ROLLUP_AFTER_DAYS: '31' });
  db = new pg.Client({ connectionString: app.databaseUrl });
  await db.connect();
  tokens = (await app.signIn([['ada', 'provider'], ['bob', 'provider'], ['pat', 'patient'], ['sam', 'patient'], ['root', 'admin']])) as typeof tokens;
  for (const call of calls) await seed(call);
  // The triggers queued every call; the timers fold the queue into the rollup.
  await app.timers.tick();
  expect(Number((await db.query(`SELECT count(*) FROM call_stats_pending`)).rows[0].count)).toBe(0);
});
afterAll(async () => {
  await db?.end();
  await app?.close();
});

const stats = (token: string, filter: Record<string, unknown> = {}) => execute(app.url, CallStatsDocument, { filter }, token).then((d) => d.callStats);
const last30 = { from: new Date(now - 30 * DAY).toISOString() };
const byStatus = (s: { byStatus: { status: string; count: number }[] }) => Object.fromEntries(s.byStatus.map((b) => [b.status, b.count]));

const mean = (values: number[]) => (values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length);

/** Counts of a group of final calls, by hand: the completed ones, those of one status, those that should have connected. */
function tally(final: Seed[]) {
  const ended = final.filter((c) => c.status === 'ENDED');
  const count = (status: Seed['status']) => final.filter((c) => c.status === status).length;
  return { ended, count, shouldHaveConnected: final.length - count('CANCELLED') };
}

/** The totals, rates and averages of the seeded calls `counted` keeps, worked out one by one. */
function figuresByHand(counted: (call: Seed) => boolean) {
  const kept = calls.filter(counted);
  const final = kept.filter((c) => c.status !== 'ACTIVE');
  const { ended, count, shouldHaveConnected } = tally(final);
  const scored = ended.filter((c) => c.mos !== undefined);
  const close = (value: number | null) => (value === null ? null : expect.closeTo(value, 5));
  return {
    total: final.length, live: kept.length - final.length, completed: ended.length, shouldHaveConnected,
    successRate: close(ended.length / shouldHaveConnected), failureRate: close(count('FAILED') / shouldHaveConnected),
    missedRate: close(count('MISSED') / shouldHaveConnected),
    averageDurationMs: close(mean(ended.map((c) => c.durationMs!))), averageTimeToAnswerMs: close(mean(ended.map((c) => c.answerMs!))),
    averageQualityScore: close(mean(scored.map((c) => c.mos!))),
    relayShare: close(scored.length === 0 ? null : scored.filter((c) => c.connection === 'RELAY').length / scored.length),
  };
}

const dayOf = (at: number) => Math.floor(at / DAY) * DAY;
// ISO weeks start on Monday (getUTCDay() 1).
const weekOf = (at: number) => dayOf(at) - ((new Date(at).getUTCDay() + 6) % 7) * DAY;
/** The points of the final calls `counted` keeps, by the period `periodOf` puts them in. */
const byHand = (counted: (call: Seed) => boolean, periodOf: (at: number) => number) => {
  const points = new Map<number, Seed[]>();
  for (const call of calls.filter((c) => c.status !== 'ACTIVE' && counted(c))) {
    const period = periodOf(now - call.ago);
    points.set(period, [...(points.get(period) ?? []), call]);
  }
  return [...points].sort(([a], [b]) => a - b).map(([period, group]) => {
    const { ended, count, shouldHaveConnected } = tally(group);
    return {
      periodStart: new Date(period).toISOString(), total: group.length, completed: ended.length, missed: count('MISSED'),
      declined: count('DECLINED'), failed: count('FAILED'), cancelled: count('CANCELLED'),
      successRate: shouldHaveConnected === 0 ? null : ended.length / shouldHaveConnected,
      averageDurationMs: mean(ended.map((c) => c.durationMs!)),
    };
  });
};
// Periods with no final call may be listed too; they must then be all zeros.
const listed = (series: { total: number; completed: number; missed: number; declined: number; failed: number; cancelled: number }[]) => {
  for (const empty of series.filter((p) => p.total === 0)) expect(empty).toMatchObject({ completed: 0, missed: 0, declined: 0, failed: 0, cancelled: 0 });
  return series.filter((p) => p.total > 0);
};

describe('callStats', () => {
  it("gives a provider their own last 30 days, computed from the calls, equal to the figures by hand", async () => {
    const s = await stats(tokens.ada, last30);
    expect(s.source).toBe('RAW');
    expect(byStatus(s)).toEqual({ ENDED: 3, MISSED: 1, DECLINED: 1, FAILED: 1, CANCELLED: 1 });
    expect(s).toMatchObject({ total: 7, live: 1, completed: 3, shouldHaveConnected: 6 });
    expect(s.successRate).toBeCloseTo(3 / 6, 10);
    expect(s.failureRate).toBeCloseTo(1 / 6, 10);
    expect(s.missedRate).toBeCloseTo(1 / 6, 10);
    expect(s.averageDurationMs).toBeCloseTo((10 + 20 + 5) * MIN / 3, 6);
    expect(s.medianDurationMs).toBe(10 * MIN);
    // percentile_cont(0.9) over 5, 10, 20 min: 10 + 0.8 * (20 - 10) minutes.
    expect(s.p90DurationMs).toBe(18 * MIN);
    expect(s.averageTimeToAnswerMs).toBeCloseTo((5_000 + 15_000 + 3_000) / 3, 6);
    expect(s.averageQualityScore).toBeCloseTo((4.2 + 3.8) / 2, 5);
    expect(s.relayShare).toBeCloseTo(1 / 2, 10);
    const audio = await stats(tokens.ada, { ...last30, type: 'AUDIO' });
    expect(byStatus(audio)).toEqual({ ENDED: 1, MISSED: 1, DECLINED: 0, FAILED: 0, CANCELLED: 0 });
  });

  it('gives an admin everyone, or one provider, and refuses a provider asking about another', async () => {
    const s = await stats(tokens.root, last30);
    expect(s).toMatchObject({ source: 'RAW', total: 8, completed: 4, shouldHaveConnected: 7, live: 1 });
    expect(s.averageDurationMs).toBeCloseTo((10 + 20 + 5 + 30) * MIN / 4, 6);
    expect(s.averageTimeToAnswerMs).toBeCloseTo((5_000 + 15_000 + 3_000 + 10_000) / 4, 6);
    expect(s.averageQualityScore).toBeCloseTo((4.2 + 3.8 + 4.4) / 3, 5);
    expect(s.relayShare).toBeCloseTo(2 / 3, 10);
    expect(await stats(tokens.root, { ...last30, providerId: 'bob' })).toMatchObject({ total: 1, completed: 1, relayShare: 1 });
    expect((await executeError(app.url, CallStatsDocument, { filter: { providerId: 'bob' } }, tokens.ada)).extensions?.code).toBe('FORBIDDEN');
    expect((await executeError(app.url, CallStatsDocument, { filter: { from: new Date(now).toISOString(), to: new Date(now - DAY).toISOString() } }, tokens.ada)).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'from' });
  });

  it('reads all time from the rollup with the same counts as by hand, and a patient only their own calls', async () => {
    const all = await stats(tokens.root);
    expect(all.source).toBe('ROLLUP');
    expect(byStatus(all)).toEqual({ ENDED: 6, MISSED: 1, DECLINED: 1, FAILED: 1, CANCELLED: 1 });
    expect(all).toMatchObject({ total: 10, live: 1, completed: 6, shouldHaveConnected: 9 });
    expect(all.averageDurationMs).toBeCloseTo((10 + 20 + 5 + 30 + 60 + 2) * MIN / 6, 6);
    expect(all.averageTimeToAnswerMs).toBeCloseTo((5_000 + 15_000 + 3_000 + 10_000 + 2_000 + 1_000) / 6, 6);
    expect(all.averageQualityScore).toBeCloseTo((4.2 + 3.8 + 4.4 + 4.0) / 4, 5);
    expect(all.relayShare).toBeCloseTo(2 / 4, 10);
    // From the duration buckets: [2, 5, 10, 20, 30, 60] min fall in buckets 120-180 s, 300-420 s,
    // 600-900 s, 1200-1500 s, 1800-2400 s and 3600-4500 s; the 3rd of 6 is the start of the
    // 600-900 s bucket plus all of it: 900 s. The 5.4th: 3600 s + 0.4 of 900 s.
    expect(all.medianDurationMs).toBe(900_000);
    expect(all.p90DurationMs).toBe(3_960_000);

    const ada = await stats(tokens.ada);
    expect(ada).toMatchObject({ source: 'ROLLUP', ...figuresByHand((c) => c.users.includes('ada')) });
    expect(ada).toMatchObject({ total: 9, completed: 5, live: 1 });
    const pat = await stats(tokens.pat);
    expect(pat).toMatchObject({ source: 'RAW', ...figuresByHand((c) => c.users.includes('pat')) });
    expect(pat).toMatchObject({ total: 8, completed: 4, live: 1 });
    const sam = await stats(tokens.sam);
    expect(sam).toMatchObject({ ...figuresByHand((c) => c.users.includes('sam')), total: 2, completed: 2, live: 0 });
  });

  it('keeps the rollup by triggers exactly as a rebuild from the calls computes it', async () => {
    // Sums of floating-point scores may differ in the last bits with the order of addition.
    const snapshot = async () => ({
      daily: (await db.query(`SELECT *, round(mos_sum::numeric, 6) AS mos_sum FROM call_stats_daily ORDER BY provider_id, type, day`)).rows,
      monthly: (await db.query(`SELECT *, round(mos_sum::numeric, 6) AS mos_sum FROM call_stats_monthly ORDER BY provider_id, type, month`)).rows,
    });
    const kept = await snapshot();
    expect(kept.daily.length).toBeGreaterThan(0);
    expect(kept.monthly.length).toBeGreaterThan(0);
    await db.query(`SELECT call_stats_rebuild()`);
    expect(await snapshot()).toEqual(kept);
  });

  it('gives a series by day and by week, each point as worked out by hand from the seeded calls', async () => {
    const days = await stats(tokens.ada, { ...last30, groupBy: 'DAY' });
    const since = now - 30 * DAY;
    expect(listed(days.series)).toEqual(byHand((c) => c.users.includes('ada') && now - c.ago >= since, dayOf));
    const weeks = await stats(tokens.root, { groupBy: 'WEEK' });
    expect(listed(weeks.series)).toEqual(byHand(() => true, weekOf));
    expect(weeks.series.reduce((n, p) => n + p.total, 0)).toBe(weeks.total);
  });

  it('reads whole months from the monthly rollup and the days around them from the daily one, each point as worked out by hand', async () => {
    // Runs last: it adds calls. A final call of today (a range that runs to now reads today from
    // the rollups too), and two in the middle of earlier months.
    const added: Seed[] = [
      { status: 'ENDED', ago: MIN, users: ['ada', 'sam'], durationMs: 4 * MIN, answerMs: 2_000, mos: 3.9, connection: 'P2P' },
      { status: 'MISSED', ago: 110 * DAY, users: ['bob', 'pat'] },
      { status: 'ENDED', ago: 125 * DAY, users: ['ada', 'pat'], durationMs: 8 * MIN, answerMs: 4_000 },
    ];
    for (const call of added) await seed(call);
    calls.push(...added);
    await app.timers.tick();
    const monthOf = (at: number) => Date.UTC(new Date(at).getUTCFullYear(), new Date(at).getUTCMonth(), 1);

    const all = await stats(tokens.root, { groupBy: 'MONTH' });
    expect(all).toMatchObject({ source: 'ROLLUP', ...figuresByHand(() => true) });
    expect(listed(all.series)).toEqual(byHand(() => true, monthOf));
    // Today came from the rollups, not from the calls: the plan reads no calls but the live ones.
    expect(planStats({ id: 'root', role: Role.ADMIN, name: null }, {}, 31).queries.map((q) => q.part)).toEqual(['rollup', 'live']);
    const ada = await stats(tokens.ada);
    expect(ada).toMatchObject({ source: 'ROLLUP', ...figuresByHand((c) => c.users.includes('ada')) });
    expect(listed(ada.series)).toEqual(byHand((c) => c.users.includes('ada'), monthOf));

    // Both ends inside a day and inside a month: edge hours from the calls, edge days from the
    // daily rollup, the months between from the monthly one.
    const from = now - 118 * DAY - 7 * 3_600_000;
    const to = now - DAY - 500;
    const within = (c: Seed) => c.users.includes('ada') && now - c.ago >= from && now - c.ago < to;
    const ranged = await stats(tokens.ada, { from: new Date(from).toISOString(), to: new Date(to).toISOString(), groupBy: 'MONTH' });
    expect(ranged).toMatchObject({ source: 'ROLLUP', ...figuresByHand(within) });
    expect(listed(ranged.series)).toEqual(byHand(within, monthOf));
  });
});
