import type pg from 'pg';

export interface SeedOptions {
  calls: number;
  providers: number;
  patients: number;
  days: number;
}

/**
 * Fills a migrated database with `calls` calls spread over the last `days` days, between
 * `providers` providers and `patients` patients, inserted in time order as a live system writes
 * them, each with its two participants, 60% of the
 * completed ones with a quality summary, and 100 live calls from the last hour; then builds the
 * rollup once (the per-row triggers are off during the load, as for any bulk load), analyzes and checkpoints.
 * Mix: 70% ENDED (durations exponential around 15 min), 10% MISSED, 5% DECLINED, 5% FAILED,
 * 10% CANCELLED; 70% VIDEO, 25% AUDIO, 5% SCREEN_SHARE; 30% of summarized calls RELAY.
 */
export async function seed(db: pg.Client, o: SeedOptions, log: (line: string) => void): Promise<void> {
  const step = async (what: string, sql: string, params: unknown[] = []) => {
    const started = performance.now();
    await db.query(sql, params);
    log(`  ${what} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  };
  await db.query(`SET synchronous_commit = off`);
  await step('users', `
    INSERT INTO users (id, role, name, created_at)
    SELECT 'prov-' || i, 'PROVIDER', NULL, now() FROM generate_series(1, $1) i
    UNION ALL SELECT 'pat-' || i, 'PATIENT', NULL, now() FROM generate_series(1, $2) i
    UNION ALL SELECT 'admin-1', 'ADMIN', NULL, now()`, [o.providers, o.patients]);
  await db.query(`ALTER TABLE calls DISABLE TRIGGER calls_stats_rollup`);
  await db.query(`ALTER TABLE call_quality_summaries DISABLE TRIGGER call_quality_summaries_stats_rollup`);
  await step('seed plan (temp table)', `
    CREATE TEMP TABLE seed_calls AS
    SELECT g.id, g.created, s.status, t.type, 'prov-' || g.prov AS provider, 'pat-' || g.pat AS patient, g.rcaller < 0.6 AS provider_called,
           CASE WHEN s.status = 'ENDED' THEN least(14400000, 60000 + floor(-ln(1 - g.rdur) * 900000))::int END AS duration_ms,
           CASE WHEN s.status = 'ENDED' THEN (2000 + g.rtta * 28000)::int END AS tta_ms,
           s.status = 'ENDED' AND g.rq < 0.6 AS summarized, g.rq < 0.18 AS relay, g.rmos
      FROM (
        SELECT gen_random_uuid() AS id, now() - interval '2 hours' - random() * make_interval(days => $2) AS created,
               random() AS rs, random() AS rt, 1 + floor(random() * $3)::int AS prov, 1 + floor(random() * $4)::int AS pat,
               random() AS rdur, random() AS rtta, random() AS rq, random() AS rmos, random() AS rcaller
          FROM generate_series(1, $1)
      ) g
      CROSS JOIN LATERAL (SELECT CASE WHEN g.rs < 0.70 THEN 'ENDED' WHEN g.rs < 0.80 THEN 'MISSED' WHEN g.rs < 0.85 THEN 'DECLINED'
                                      WHEN g.rs < 0.90 THEN 'FAILED' ELSE 'CANCELLED' END AS status) s
      CROSS JOIN LATERAL (SELECT CASE WHEN g.rt < 0.70 THEN 'VIDEO' WHEN g.rt < 0.95 THEN 'AUDIO' ELSE 'SCREEN_SHARE' END AS type) t`,
  [o.calls, o.days, o.providers, o.patients]);
  await step('live calls (100, last hour)', `
    INSERT INTO seed_calls (id, created, status, type, provider, patient, provider_called, summarized, relay, rmos)
    SELECT gen_random_uuid(), now() - random() * interval '1 hour', 'ACTIVE', 'VIDEO', 'prov-' || (1 + i % $1), 'pat-' || (1 + i % $2), true, false, false, 0.5
      FROM generate_series(1, 100) i`, [o.providers, o.patients]);
  await step('calls', `
    INSERT INTO calls (id, type, status, created_by_id, created_at, updated_at, answered_at, ended_at, end_reason, duration_ms, time_to_answer_ms,
                       connection_type, quality_mos, version)
    SELECT id, type, status, CASE WHEN provider_called THEN provider ELSE patient END, created, created,
           CASE WHEN tta_ms IS NOT NULL THEN created + make_interval(secs => tta_ms / 1000.0) END,
           CASE WHEN status <> 'ACTIVE' THEN created + make_interval(secs => coalesce(tta_ms + duration_ms, 30000) / 1000.0) END,
           CASE status WHEN 'ENDED' THEN 'HANGUP' WHEN 'MISSED' THEN 'NO_ANSWER' WHEN 'DECLINED' THEN 'DECLINED' WHEN 'FAILED' THEN 'FAILED'
                       WHEN 'CANCELLED' THEN 'CANCELLED' END,
           duration_ms, tta_ms, CASE WHEN summarized THEN CASE WHEN relay THEN 'RELAY' ELSE 'P2P' END END,
           CASE WHEN summarized THEN 3.4 + rmos END, 1
      FROM seed_calls ORDER BY created`);
  await step('participants', `
    INSERT INTO call_participants (id, call_id, user_id, role, status, invited_at, joined_at, left_at, call_created_at, position)
    SELECT gen_random_uuid(), id, u.user_id, u.role,
           CASE WHEN status = 'ACTIVE' THEN 'JOINED' WHEN status = 'ENDED' THEN 'LEFT' WHEN u.role = 'CALLER' THEN 'LEFT'
                WHEN status = 'DECLINED' THEN 'DECLINED' ELSE 'ABSENT' END,
           created, CASE WHEN status IN ('ENDED', 'ACTIVE') OR u.role = 'CALLER' THEN created END,
           CASE WHEN status NOT IN ('ACTIVE') AND (status = 'ENDED' OR u.role = 'CALLER') THEN created END,
           created, u.position
      FROM seed_calls
      CROSS JOIN LATERAL (VALUES
        (CASE WHEN provider_called THEN provider ELSE patient END, 'CALLER', 0),
        (CASE WHEN provider_called THEN patient ELSE provider END, 'INVITEE', 1)) AS u(user_id, role, position)
     ORDER BY created`);
  await step('quality summaries', `
    INSERT INTO call_quality_summaries (call_id, samples, avg_mos, min_mos, worst_level, p95_rtt_ms, max_packet_loss, connection_type, audio_only_ms, computed_at)
    SELECT id, 40, 3.4 + rmos, 3.0 + rmos * 0.8, 'FAIR', 60 + rmos * 200, rmos * 0.05, CASE WHEN relay THEN 'RELAY' ELSE 'P2P' END, 0, created
      FROM seed_calls WHERE summarized ORDER BY created`);
  await step('rollup (call_stats_rebuild)', `SELECT call_stats_rebuild()`);
  await db.query(`ALTER TABLE calls ENABLE TRIGGER calls_stats_rollup`);
  await db.query(`ALTER TABLE call_quality_summaries ENABLE TRIGGER call_quality_summaries_stats_rollup`);
  await db.query(`DROP TABLE seed_calls`);
  await step('VACUUM ANALYZE', `VACUUM ANALYZE`);
  // The load's dirty pages are written out now, not by a checkpoint during the first timed case.
  await step('CHECKPOINT', `CHECKPOINT`);
}
