import type { EntityManager } from '@mikro-orm/postgresql';
import { isAdmin, type Viewer } from '../auth/viewer.js';
import { requireViewer, type Context } from '../context.js';
import { CallType, Role } from '../entities/enums.js';
import { badInput, forbidden } from '../errors.js';
import type { AuditService } from './audit.service.js';
import { ADDITIVE, DAILY, DURATION_BUCKET_BOUNDS_S, DURATION_BUCKET_COLUMNS, FINAL_STATUSES, MONTHLY, additiveColumns, durationBucket, type RollupGrain } from './stats-rollup.js';
import { userId } from './validation.js';
import type { DueJob } from './when-due.js';

export type StatsPeriod = 'DAY' | 'WEEK' | 'MONTH';

export interface CallStatsFilter {
  /** Calls created at or after (default: all time). */
  from?: Date | null;
  /** Calls created before (default: now). */
  to?: Date | null;
  /** Admins: one provider's calls. Providers may name only themselves. */
  providerId?: string | null;
  type?: CallType | null;
  groupBy?: StatsPeriod | null;
}

/** Sums and counts: what rollup rows and raw aggregates share, so parts of a range merge by addition. */
type Sums = Record<
  'total' | 'ended' | 'cancelled' | 'missed' | 'declined' | 'failed' | 'duration_sum_ms' | 'duration_count' | 'answer_sum_ms' | 'answer_count'
  | 'mos_sum' | 'mos_count' | 'relay_count' | 'connection_count', number
> & Record<string, number>;

export interface StatsPoint {
  periodStart: Date;
  sums: Sums;
}

export interface CallStatsResult {
  from: Date | null;
  to: Date;
  /** RAW: computed from the calls; ROLLUP: from the daily and monthly rollups (plus the calls of partial days at the edges and live calls). */
  source: 'RAW' | 'ROLLUP';
  sums: Sums;
  /** Calls not yet final (scheduled, ringing, active) in the range. */
  live: number;
  /** Exact on RAW; interpolated from the duration buckets on ROLLUP. */
  medianDurationMs: number | null;
  p90DurationMs: number | null;
  series: StatsPoint[];
}

const DAY_MS = 86_400_000;
const ZERO = Object.freeze(Object.fromEntries(ADDITIVE.map((c) => [c, 0])) as Sums);
/** A fresh set of sums at 0 (a copy of one template: a series makes one per period). */
const zero = (): Sums => ({ ...ZERO });
const add = (a: Sums, b: Partial<Record<string, unknown>>): Sums => {
  for (const c of ADDITIVE) a[c] = (a[c] ?? 0) + Number(b[c] ?? 0);
  return a;
};

/**
 * `callStats`: counts, rates, durations, answer times, quality and relay share over a range, in
 * SQL. Short ranges (up to `rollupAfterDays`) aggregate the calls themselves; longer ones and all
 * time read the rollups kept by triggers (`stats-rollup.ts`) for the whole days inside the range
 * (whole months from the monthly one when the series is by month), the calls themselves for the
 * partial days at its edges, and live calls (not yet in the rollups). Scope: a provider sees the calls they took part in, a patient theirs, an admin all (or
 * one provider's with `providerId`).
 */
export class StatsService {
  constructor(private readonly deps: { audit: AuditService; rollupAfterDays: number; em?: () => EntityManager }) {}

  /**
   * Folds calls queued by the rollup triggers (ended, or newly summarized) into
   * `call_stats_daily` and `call_stats_monthly` (timers job; safe on several instances). Returns how many it took.
   */
  async fold(batch = 500): Promise<number> {
    const [row] = await this.deps.em!().execute<{ n: number }[]>(`SELECT call_stats_fold(?) AS n`, [batch]);
    return Number(row?.n ?? 0);
  }

  /** {@link fold} as a job of the timers' round, probed by the queue having anything in it. */
  readonly foldJob: DueJob = { name: 'stats.fold', probe: () => ({ sql: 'SELECT 1 FROM call_stats_pending' }), run: () => this.fold() };

  async callStats(ctx: Context, filter: CallStatsFilter): Promise<CallStatsResult> {
    const viewer = requireViewer(ctx);
    let plan: StatsPlan;
    try {
      plan = planStats(viewer, filter, this.deps.rollupAfterDays);
    } catch (error) {
      await this.deps.audit.recordNow(ctx.em, {
        actor: viewer, action: 'stats.read', targetType: 'calls', request: ctx.request, outcome: 'DENIED', errorCode: (error as { code?: string }).code ?? null,
      });
      throw error;
    }
    // The read is authorized by now: its audit row is written while the statements run, not after.
    const [results] = await Promise.all([
      readPlan(ctx.em, plan),
      this.deps.audit.recordNow(ctx.em, {
        actor: viewer, action: 'stats.read', targetType: 'calls', targetId: plan.scope.user, request: ctx.request, outcome: 'SUCCESS',
        details: { source: plan.source },
      }),
    ]);
    const result = combine(plan, results);
    return result;
  }
}

/**
 * Runs a plan's statements as one statement (see {@link planStatement}): one round trip, and
 * one snapshot, so a call that ends meanwhile is counted exactly once, live or final.
 */
async function readPlan(em: EntityManager, plan: StatsPlan): Promise<Record<string, unknown>[][]> {
  const { sql, params } = planStatement(plan);
  const rows = await em.execute<Record<string, unknown>[]>(sql, params);
  return resultsOf(plan, rows);
}

/**
 * The plan as one statement with `?` placeholders. A plan of several parts (rollup, live calls,
 * edge days) becomes one SELECT of one JSON array per part: one statement is one snapshot in
 * PostgreSQL, without a transaction around several, and the parts travel in one round trip.
 */
export function planStatement(plan: StatsPlan): { sql: string; params: unknown[] } {
  if (plan.queries.length === 1) return { sql: plan.queries[0]!.sql, params: plan.queries[0]!.params };
  const columns = plan.queries.map((q, i) => `(SELECT coalesce(json_agg(part), '[]'::json) FROM (${q.sql}) part) AS part${i}`);
  return { sql: `SELECT ${columns.join(',\n       ')}`, params: plan.queries.flatMap((q) => q.params) };
}

/** What {@link planStatement}'s statement returned, as the rows of each part of the plan. */
export function resultsOf(plan: StatsPlan, rows: Record<string, unknown>[]): Record<string, unknown>[][] {
  if (plan.queries.length === 1) return [rows];
  // pg parses json columns.
  return plan.queries.map((_, i) => rows[0]![`part${i}`] as Record<string, unknown>[]);
}

interface Scope {
  user: string | null;
  type: CallType | null;
  period: StatsPeriod;
}

/** One statement of a stats request: `raw` and `rollup` rows are per period plus a total row (period null); `live` is one count. */
export interface StatsQuery {
  part: 'raw' | 'rollup' | 'live';
  sql: string;
  params: unknown[];
}

export interface StatsPlan {
  source: 'RAW' | 'ROLLUP';
  from: Date | null;
  to: Date;
  scope: Scope;
  queries: StatsQuery[];
}

/**
 * The statements a stats request runs (with `?` placeholders), after its scope is checked. The
 * service runs them through the ORM; the benchmark runs the same ones through pg.
 */
export function planStats(viewer: Viewer, filter: CallStatsFilter, rollupAfterDays: number, now = new Date()): StatsPlan {
  const to = filter.to ?? now;
  const from = filter.from ?? null;
  if (from && from.getTime() >= to.getTime()) throw badInput('from must be before to', 'from');
  let user: string | null = null;
  if (isAdmin(viewer)) user = filter.providerId ? userId(filter.providerId, 'providerId') : null;
  else if (viewer.role === Role.PROVIDER || viewer.role === Role.PATIENT) {
    if (filter.providerId && filter.providerId !== viewer.id) throw forbidden('providerId may name only yourself; admins may name any provider');
    user = viewer.id;
  } else throw forbidden('statistics are for providers, patients and admins');
  if (filter.groupBy && !['DAY', 'WEEK', 'MONTH'].includes(filter.groupBy)) throw badInput('groupBy must be DAY, WEEK or MONTH', 'groupBy');
  const spanDays = from ? (to.getTime() - from.getTime()) / DAY_MS : Infinity;
  const scope: Scope = { user, type: filter.type ?? null, period: filter.groupBy ?? (spanDays <= 92 ? 'DAY' : spanDays <= 731 ? 'WEEK' : 'MONTH') };

  const longRange = spanDays > rollupAfterDays;
  // Patients have no rollup of their own: their calls are few, so they are always read raw.
  if (!longRange || viewer.role === Role.PATIENT) {
    return { source: 'RAW', from, to, scope, queries: [rawQuery(scope, from, to, true)] };
  }
  // Whole UTC days inside [from, to) from the rollups; the partial days at the edges raw; calls
  // not yet final (not in the rollups) counted apart. A range that runs to now takes today from
  // the rollups too: today's calls so far are all in them once final, as every earlier day's are
  // (within a fold: a poll interval), so today is not read call by call.
  const firstDay = from ? startOfUtcDay(new Date(from.getTime() + DAY_MS - 1)) : null;
  const current = to.getTime() >= now.getTime();
  const lastDay = current ? new Date(startOfUtcDay(now).getTime() + DAY_MS) : startOfUtcDay(to);
  const queries = [rollupQuery(scope, firstDay, lastDay), liveQuery(scope, firstDay, current ? to : lastDay)];
  if (from && firstDay && from < firstDay) queries.push(rawQuery(scope, from, firstDay, false));
  if (!current && lastDay < to) queries.push(rawQuery(scope, lastDay, to, false));
  return { source: 'ROLLUP', from, to, scope, queries };
}

/** Merges what the plan's statements returned into one result. */
export function combine(plan: StatsPlan, results: Record<string, unknown>[][]): CallStatsResult {
  const sums = zero();
  let live = 0;
  let p50: number | null = null;
  let p90: number | null = null;
  const points: StatsPoint[] = [];
  plan.queries.forEach((query, i) => {
    const rows = results[i]!;
    if (query.part === 'live') {
      live += Number(rows[0]?.n ?? 0);
      return;
    }
    // ROLLUP (1): one row per period, and a last row (period NULL) for the whole range.
    const whole = rows.find((r) => r.period === null);
    add(sums, whole ?? {});
    live += Number(whole?.live ?? 0);
    if (plan.source === 'RAW') {
      p50 = whole?.p50 == null ? null : Math.round(Number(whole.p50));
      p90 = whole?.p90 == null ? null : Math.round(Number(whole.p90));
    }
    for (const row of rows) if (row.period !== null) points.push({ periodStart: asUtc(row.period), sums: add(zero(), row) });
  });
  if (plan.source === 'ROLLUP') {
    p50 = percentileFromBuckets(sums, 0.5);
    p90 = percentileFromBuckets(sums, 0.9);
  }
  return { from: plan.from, to: plan.to, source: plan.source, sums, live, medianDurationMs: p50, p90DurationMs: p90, series: mergeSeries(points) };
}

const FINAL_LIST = FINAL_STATUSES.map((s) => `'${s}'`).join(', ');

/** Aggregates the calls of [from, to) in scope: sums of final calls, live count, exact percentiles, per period. */
function rawQuery(scope: Scope, from: Date | null, to: Date, percentiles: boolean): StatsQuery {
  const params: unknown[] = [];
  // A user's calls are one range scan of the participants' history index.
  const source = scope.user
    ? (params.push(scope.user), `call_participants p JOIN calls c ON c.id = p.call_id WHERE p.user_id = ?`
      + (from ? (params.push(from), ` AND p.call_created_at >= ?`) : '') + (params.push(to), ` AND p.call_created_at < ?`))
    : `calls c WHERE true` + (from ? (params.push(from), ` AND c.created_at >= ?`) : '') + (params.push(to), ` AND c.created_at < ?`);
  const typed = scope.type ? (params.push(scope.type), ` AND c.type = ?`) : '';
  const trunc = scope.period.toLowerCase();
  // The bucket is worked out once per call in the CTE, not once per bucket column.
  const columns = additiveColumns('c', 'c.duration_bucket').map((e) => (e === 'count(*) AS total' ? `count(*) FILTER (WHERE c.status IN (${FINAL_LIST})) AS total` : e));
  const sql = `WITH scoped AS (SELECT c.*, ${durationBucket('c')} AS duration_bucket FROM ${source}${typed})
     SELECT date_trunc('${trunc}', c.created_at AT TIME ZONE 'UTC') AS period,
            ${columns.join(',\n            ')},
            count(*) FILTER (WHERE c.status NOT IN (${FINAL_LIST})) AS live
            ${percentiles ? `, percentile_cont(0.5) WITHIN GROUP (ORDER BY c.duration_ms) FILTER (WHERE c.status = 'ENDED') AS p50,
              percentile_cont(0.9) WITHIN GROUP (ORDER BY c.duration_ms) FILTER (WHERE c.status = 'ENDED') AS p90` : ''}
       FROM scoped c
      GROUP BY ROLLUP (1) ORDER BY 1 NULLS LAST`;
  return { part: 'raw', sql, params };
}

/**
 * Sums the rollup rows of the scope for days [firstDay, lastDay), per period and in total. By
 * month, whole months come from the monthly rollup and the days before and after them from the
 * daily one; by day or week, everything from the daily one.
 */
function rollupQuery(scope: Scope, firstDay: Date | null, lastDay: Date): StatsQuery {
  const params: unknown[] = [];
  /** The scope's rows of `grain` keyed within any of `ranges` ([start or unbounded, end)), keyed as `day`. */
  const rows = (grain: RollupGrain, ranges: [Date | null, Date][]) => {
    params.push(scope.user ?? '*', scope.type ?? '*');
    const within = ranges.map(([start, end]) => {
      const bounds = start ? [(params.push(dayOf(start)), `${grain.key} >= ?::date`)] : [];
      bounds.push((params.push(dayOf(end)), `${grain.key} < ?::date`));
      return bounds.join(' AND ');
    });
    return `SELECT ${grain.key} AS day, ${ADDITIVE.join(', ')} FROM ${grain.table}
        WHERE provider_id = ? AND type = ? AND (${within.join(' OR ')})`;
  };
  const firstMonth = firstDay && startOfUtcMonth(firstDay).getTime() !== firstDay.getTime() ? nextUtcMonth(firstDay) : firstDay;
  const lastMonth = startOfUtcMonth(lastDay);
  let source: string;
  if (scope.period === 'MONTH' && (!firstMonth || firstMonth < lastMonth)) {
    const days: [Date | null, Date][] = [];
    if (firstDay && firstMonth && firstDay < firstMonth) days.push([firstDay, firstMonth]);
    if (lastMonth < lastDay) days.push([lastMonth, lastDay]);
    source = rows(MONTHLY, [[firstMonth, lastMonth]]) + (days.length > 0 ? `\n      UNION ALL ${rows(DAILY, days)}` : '');
  } else {
    source = rows(DAILY, [[firstDay, lastDay]]);
  }
  const sql = `SELECT date_trunc('${scope.period.toLowerCase()}', day::timestamp) AS period, ${ADDITIVE.map((c) => `sum(${c}) AS ${c}`).join(', ')}
       FROM (${source}) r
      GROUP BY ROLLUP (1) ORDER BY 1 NULLS LAST`;
  return { part: 'rollup', sql, params };
}

/** Calls in scope created in [from, to) that are not final yet (the rollup holds final calls only). */
function liveQuery(scope: Scope, from: Date | null, to: Date): StatsQuery {
  const params: unknown[] = [];
  // A positive list, so the (status, created_at) index finds the few live calls.
  const where = [`c.status IN ('SCHEDULED', 'RINGING', 'ACTIVE')`];
  if (from) where.push((params.push(from), `c.created_at >= ?`));
  where.push((params.push(to), `c.created_at < ?`));
  if (scope.type) where.push((params.push(scope.type), `c.type = ?`));
  if (scope.user) where.push((params.push(scope.user), `EXISTS (SELECT 1 FROM call_participants p WHERE p.call_id = c.id AND p.user_id = ?)`));
  return { part: 'live', sql: `SELECT count(*) AS n FROM calls c WHERE ${where.join(' AND ')}`, params };
}

/** A UTC day as 'YYYY-MM-DD', so the date comparison never depends on the session time zone. */
function dayOf(at: Date): string {
  return at.toISOString().slice(0, 10);
}

function mergeSeries(points: StatsPoint[]): StatsPoint[] {
  const byStart = new Map<number, StatsPoint>();
  for (const point of points) {
    const key = point.periodStart.getTime();
    const existing = byStart.get(key);
    if (existing) add(existing.sums, point.sums);
    else byStart.set(key, { periodStart: point.periodStart, sums: add(zero(), point.sums) });
  }
  return [...byStart.values()].sort((a, b) => a.periodStart.getTime() - b.periodStart.getTime());
}

/** The q-quantile of ENDED durations from the bucket counts, interpolating linearly inside a bucket. */
export function percentileFromBuckets(sums: Sums, q: number): number | null {
  const counts = DURATION_BUCKET_COLUMNS.map((c) => sums[c] ?? 0);
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const target = q * total;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    const n = counts[i]!;
    if (n > 0 && seen + n >= target) {
      const low = i === 0 ? 0 : DURATION_BUCKET_BOUNDS_S[i - 1]! * 1000;
      // The open last bucket is taken as twice as wide as the one before it.
      const high = i < DURATION_BUCKET_BOUNDS_S.length ? DURATION_BUCKET_BOUNDS_S[i]! * 1000 : low * 2;
      return Math.round(low + ((target - seen) / n) * (high - low));
    }
    seen += n;
  }
  return null;
}

function startOfUtcDay(at: Date): Date {
  return new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS);
}

function startOfUtcMonth(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
}

function nextUtcMonth(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
}

/** `date_trunc` of a UTC wall time comes back as a timestamp without zone: read it as UTC. */
function asUtc(value: unknown): Date {
  if (value instanceof Date) return new Date(Date.UTC(value.getFullYear(), value.getMonth(), value.getDate(), value.getHours(), value.getMinutes()));
  return new Date(`${String(value).replace(' ', 'T')}Z`);
}
