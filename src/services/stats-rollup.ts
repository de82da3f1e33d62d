/**
 * The statistics rollups: `call_stats_daily`, one row per (participant, call type, UTC day of the
 * call's creation), and `call_stats_monthly`, the same by UTC month (keyed by the month's first
 * day), each with rows under participant `*` (every call once) and type `*` (every type), so any
 * scope the API offers is a range scan of the primary key (the column is named provider_id because
 * providers and admins read it). A trigger queues each call as it reaches a final status, a second
 * once its quality summary is written, and the timers fold the queue into both. Everything is
 * sums and counts, so rows merge by addition; durations are also counted in the buckets below,
 * from which long-range medians and p90s are interpolated.
 *
 * Why two: a scope's daily rows are written a day at a time beside every other scope's, so each
 * lies on a page of its own, and all time for one scope read ~1100 pages of the daily table.
 * Whole months come from the monthly one (36 rows for three years), the days around them from the
 * daily one.
 *
 * The bucket bounds are part of the stored data: changing them needs a migration that rebuilds
 * the rollup (`SELECT call_stats_rebuild()`).
 */

/** Upper bounds (exclusive) of the duration buckets, in seconds; the last bucket is open-ended. */
export const DURATION_BUCKET_BOUNDS_S = [30, 60, 120, 180, 300, 420, 600, 900, 1200, 1500, 1800, 2400, 3000, 3600, 4500, 5400, 7200, 10800, 14400];
/** `d00` .. `d19`: calls that ENDED with a duration in each bucket. */
export const DURATION_BUCKET_COLUMNS = Array.from({ length: DURATION_BUCKET_BOUNDS_S.length + 1 }, (_, i) => `d${String(i).padStart(2, '0')}`);

export const FINAL_STATUSES = ['ENDED', 'CANCELLED', 'MISSED', 'DECLINED', 'FAILED'] as const;
const finalList = FINAL_STATUSES.map((s) => `'${s}'`).join(', ');
const boundsMs = `ARRAY[${DURATION_BUCKET_BOUNDS_S.map((s) => s * 1000).join(', ')}]::bigint[]`;
/** The bucket of a call's duration (0 .. n-1), as an expression over the call alias `c`. */
export const durationBucket = (c = 'c') => `width_bucket(${c}.duration_ms, ${boundsMs})`;

/**
 * The additive columns of a set of calls `c`, as select expressions; the same for the rollup and
 * for the raw queries, so both agree. Quality comes from the call's own `quality_mos` (its
 * summary's average, copied there when the summary is written) and `connection_type`, so no
 * statement needs to join the summaries.
 */
export function additiveColumns(c = 'c', bucket = durationBucket(c)): string[] {
  const summarized = `${c}.quality_mos IS NOT NULL`;
  const endedWithDuration = `${c}.status = 'ENDED' AND ${c}.duration_ms IS NOT NULL`;
  return [
    `count(*) AS total`,
    `count(*) FILTER (WHERE ${c}.status = 'ENDED') AS ended`,
    `count(*) FILTER (WHERE ${c}.status = 'CANCELLED') AS cancelled`,
    `count(*) FILTER (WHERE ${c}.status = 'MISSED') AS missed`,
    `count(*) FILTER (WHERE ${c}.status = 'DECLINED') AS declined`,
    `count(*) FILTER (WHERE ${c}.status = 'FAILED') AS failed`,
    `coalesce(sum(${c}.duration_ms) FILTER (WHERE ${endedWithDuration}), 0) AS duration_sum_ms`,
    `count(*) FILTER (WHERE ${endedWithDuration}) AS duration_count`,
    ...DURATION_BUCKET_COLUMNS.map((col, i) => `count(*) FILTER (WHERE ${endedWithDuration} AND ${bucket} = ${i}) AS ${col}`),
    `coalesce(sum(${c}.time_to_answer_ms), 0) AS answer_sum_ms`,
    `count(${c}.time_to_answer_ms) AS answer_count`,
    `coalesce(sum(${c}.quality_mos::double precision), 0) AS mos_sum`,
    `count(${c}.quality_mos) AS mos_count`,
    `count(*) FILTER (WHERE ${summarized} AND ${c}.connection_type = 'RELAY') AS relay_count`,
    `count(${c}.connection_type) FILTER (WHERE ${summarized}) AS connection_count`,
  ];
}

/** Every additive column name, in the order of {@link additiveColumns}. */
export const ADDITIVE = [
  'total', 'ended', 'cancelled', 'missed', 'declined', 'failed', 'duration_sum_ms', 'duration_count', ...DURATION_BUCKET_COLUMNS,
  'answer_sum_ms', 'answer_count', 'mos_sum', 'mos_count', 'relay_count', 'connection_count',
];
const COUNT_COLUMNS = ADDITIVE.filter((col) => !['mos_sum', 'mos_count', 'relay_count', 'connection_count'].includes(col));
const QUALITY_COLUMNS = ['mos_sum', 'mos_count', 'relay_count', 'connection_count'];

/** The keys a call is counted under: each participant (user id) and `*`, each by its type and `*`. */
const KEYS = `
  CROSS JOIN LATERAL (SELECT p.user_id AS provider_id FROM call_participants p WHERE p.call_id = c.id UNION ALL SELECT '*') pr
  CROSS JOIN LATERAL (VALUES (c.type), ('*')) AS t(type)`;

/** A rollup table and the date its rows are keyed by. */
export interface RollupGrain {
  table: string;
  /** The key column: a UTC day, or the first day of a UTC month. */
  key: 'day' | 'month';
  /** The key of a call `c`'s row, as an expression. */
  of: (c: string) => string;
}

export const DAILY: RollupGrain = { table: 'call_stats_daily', key: 'day', of: (c) => `(${c}.created_at AT TIME ZONE 'UTC')::date` };
export const MONTHLY: RollupGrain = { table: 'call_stats_monthly', key: 'month', of: (c) => `date_trunc('month', ${c}.created_at AT TIME ZONE 'UTC')::date` };

/**
 * Adds `columns` of the final calls in the array `ids` to a rollup, inserting missing rows, in
 * key order: two folds running at once lock the shared rows in the same order (and the tables in
 * the order of the grains), so they wait for each other instead of deadlocking.
 */
function applyStatement(grain: RollupGrain, columns: string[], ids: string): string {
  const exprs = additiveColumns().filter((_, i) => columns.includes(ADDITIVE[i]!));
  return `
      INSERT INTO ${grain.table} AS d (provider_id, ${grain.key}, type, ${columns.join(', ')})
      SELECT pr.provider_id, ${grain.of('c')}, t.type, ${exprs.join(', ')}
        FROM unnest(${ids}) AS picked(id) JOIN calls c ON c.id = picked.id
        ${KEYS.trim()}
       WHERE c.status IN (${finalList})
       GROUP BY 1, 2, 3
       ORDER BY 1, 3, 2
      ON CONFLICT (provider_id, type, ${grain.key}) DO UPDATE SET
        ${columns.map((col) => `${col} = d.${col} + EXCLUDED.${col}`).join(',\n        ')}`;
}

/**
 * `call_stats_fold(batch)`: folds up to `batch` queued calls into the rollups of `grains`; returns
 * how many it took. Safe to run on several instances at once (SKIP LOCKED, ordered upserts).
 */
export function foldFunction(grains: RollupGrain[]): string {
  const apply = (columns: string[], ids: string) => grains.map((grain) => `${applyStatement(grain, columns, ids)};`).join('');
  return `CREATE OR REPLACE FUNCTION call_stats_fold(batch integer) RETURNS integer LANGUAGE plpgsql AS $$
     DECLARE
       counted uuid[];
       scored uuid[];
       taken integer;
     BEGIN
       WITH picked AS (
         DELETE FROM call_stats_pending WHERE (call_id, kind) IN (
           SELECT call_id, kind FROM call_stats_pending ORDER BY call_id, kind LIMIT batch FOR UPDATE SKIP LOCKED)
         RETURNING call_id, kind
       )
       SELECT array_agg(call_id) FILTER (WHERE kind = 'counts'), array_agg(call_id) FILTER (WHERE kind = 'quality'), count(*)
         INTO counted, scored, taken FROM picked;
       IF counted IS NOT NULL THEN${apply(COUNT_COLUMNS, 'counted')}
       END IF;
       IF scored IS NOT NULL THEN${apply(QUALITY_COLUMNS, 'scored')}
       END IF;
       RETURN taken;
     END $$`;
}

/** Fills the rollup of a coarser `grain` (empty) from the daily one. */
export function summedFromDaily(grain: RollupGrain): string {
  return `INSERT INTO ${grain.table} (provider_id, ${grain.key}, type, ${ADDITIVE.join(', ')})
       SELECT provider_id, date_trunc('${grain.key}', day)::date, type, ${ADDITIVE.map((col) => `sum(${col})`).join(', ')}
         FROM call_stats_daily GROUP BY 1, 2, 3`;
}

/**
 * `call_stats_rebuild()`: recomputes the daily rollup from the calls, set-based (hash joins, not
 * a lookup per call), and every coarser grain from the daily one: for a backfill, or after a bulk
 * load. The lock holds off folds and queueing meanwhile.
 */
export function rebuildFunction(grains: RollupGrain[]): string {
  const [daily, ...coarser] = grains;
  if (daily !== DAILY) throw new Error('the daily rollup comes first: the others are summed from it');
  const tables = grains.map((g) => g.table).join(', ');
  const derived = coarser.map((g) => `
       ${summedFromDaily(g)};`).join('');
  return `CREATE OR REPLACE FUNCTION call_stats_rebuild() RETURNS void LANGUAGE sql SET work_mem = '256MB' AS $$
       LOCK TABLE ${tables}, call_stats_pending IN EXCLUSIVE MODE;
       DELETE FROM call_stats_pending;${grains.map((g) => `
       DELETE FROM ${g.table};`).join('')}
       INSERT INTO call_stats_daily (provider_id, day, type, ${ADDITIVE.join(', ')})
       SELECT k.provider_id, (c.created_at AT TIME ZONE 'UTC')::date, t.type, ${additiveColumns().join(', ')}
         FROM (SELECT p.call_id, p.user_id AS provider_id FROM call_participants p UNION ALL SELECT id, '*' FROM calls) k
         JOIN calls c ON c.id = k.call_id
         CROSS JOIN LATERAL (VALUES (c.type), ('*')) AS t(type)
        WHERE c.status IN (${finalList})
        GROUP BY 1, 2, 3;${derived}
     $$`;
}

/** The columns of a rollup table keyed by `key`. */
export function rollupTableSql(table: string, key: 'day' | 'month'): string {
  return `
      CREATE TABLE ${table} (
        provider_id varchar(128) NOT NULL,
        ${key} date NOT NULL,
        type text NOT NULL,
        total integer NOT NULL DEFAULT 0,
        ended integer NOT NULL DEFAULT 0,
        cancelled integer NOT NULL DEFAULT 0,
        missed integer NOT NULL DEFAULT 0,
        declined integer NOT NULL DEFAULT 0,
        failed integer NOT NULL DEFAULT 0,
        duration_sum_ms bigint NOT NULL DEFAULT 0,
        duration_count integer NOT NULL DEFAULT 0,
        ${DURATION_BUCKET_COLUMNS.map((c) => `${c} integer NOT NULL DEFAULT 0`).join(',\n        ')},
        answer_sum_ms bigint NOT NULL DEFAULT 0,
        answer_count integer NOT NULL DEFAULT 0,
        mos_sum double precision NOT NULL DEFAULT 0,
        mos_count integer NOT NULL DEFAULT 0,
        relay_count integer NOT NULL DEFAULT 0,
        connection_count integer NOT NULL DEFAULT 0,
        -- A scope (provider or *, type or *) is one range scan by ${key}.
        PRIMARY KEY (provider_id, type, ${key})
      )`;
}

/**
 * The first migration's statements (daily rollup only; see Migration20261125000000_stats_monthly
 * for the monthly one). The triggers do not touch the rollup themselves: they queue the
 * call in `call_stats_pending` (a row per call, so concurrent transactions never contend there,
 * and nothing is added to the lock order of the transactions that end calls); the timers fold
 * the queue into the rollup with `call_stats_fold`, a second or so later.
 */
export const rollupSql = {
  up: [
    `CREATE TABLE call_stats_pending (
       call_id uuid NOT NULL,
       kind text NOT NULL CHECK (kind IN ('counts', 'quality')),
       PRIMARY KEY (call_id, kind)
     )`,
    `CREATE FUNCTION call_stats_on_final() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       IF NEW.status IN (${finalList}) AND OLD.status NOT IN (${finalList}) THEN
         INSERT INTO call_stats_pending VALUES (NEW.id, 'counts') ON CONFLICT DO NOTHING;
       END IF;
       RETURN NULL;
     END $$`,
    `CREATE TRIGGER calls_stats_rollup AFTER UPDATE OF status ON calls FOR EACH ROW EXECUTE FUNCTION call_stats_on_final()`,
    `CREATE FUNCTION call_stats_on_summary() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       UPDATE calls SET quality_mos = NEW.avg_mos WHERE id = NEW.call_id;
       INSERT INTO call_stats_pending VALUES (NEW.call_id, 'quality') ON CONFLICT DO NOTHING;
       RETURN NULL;
     END $$`,
    `CREATE TRIGGER call_quality_summaries_stats_rollup AFTER INSERT ON call_quality_summaries FOR EACH ROW EXECUTE FUNCTION call_stats_on_summary()`,
    foldFunction([DAILY]),
    rebuildFunction([DAILY]),
    `SELECT call_stats_rebuild()`,
  ],
  down: [
    'DROP TRIGGER call_quality_summaries_stats_rollup ON call_quality_summaries',
    'DROP TRIGGER calls_stats_rollup ON calls',
    'DROP FUNCTION call_stats_rebuild',
    'DROP FUNCTION call_stats_fold',
    'DROP FUNCTION call_stats_on_summary',
    'DROP FUNCTION call_stats_on_final',
    'DROP TABLE call_stats_pending',
  ],
};
