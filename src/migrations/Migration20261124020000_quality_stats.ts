import { Migration } from '@mikro-orm/migrations';
import { rollupSql, rollupTableSql } from '../services/stats-rollup.js';

/**
 * Call quality (raw samples kept for a bounded time, per-participant live state, per-call
 * summaries, connection types) and the daily statistics rollup, kept up to date by a trigger as
 * calls end and backfilled here from the calls already stored.
 */
export class Migration20261124020000_quality_stats extends Migration {
  override name = 'Migration20261124020000_quality_stats';

  override up(): void {
    this.addSql(`ALTER TABLE calls ADD COLUMN connection_type text CHECK (connection_type IN ('P2P', 'RELAY')), ADD COLUMN quality_pending boolean NOT NULL DEFAULT false,
      ADD COLUMN quality_mos real`);
    this.addSql(`ALTER TABLE call_participants ADD COLUMN connection_type text CHECK (connection_type IN ('P2P', 'RELAY'))`);
    this.addSql(`CREATE INDEX calls_quality_pending_idx ON calls (id) WHERE quality_pending`);
    this.addSql(`
      CREATE TABLE quality_samples (
        id bigserial PRIMARY KEY,
        call_id uuid NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
        user_id varchar(128) NOT NULL,
        reported_at timestamptz NOT NULL,
        interval_ms integer NOT NULL,
        rtt_ms real NOT NULL,
        jitter_ms real NOT NULL,
        packet_loss real NOT NULL,
        inbound_kbps real,
        outbound_kbps real,
        available_outgoing_kbps real,
        frame_rate real,
        frame_width integer,
        frame_height integer,
        local_candidate_type text,
        remote_candidate_type text,
        mos real NOT NULL,
        level text NOT NULL,
        audio_only boolean NOT NULL
      )`);
    this.addSql(`CREATE INDEX quality_samples_call_idx ON quality_samples (call_id, reported_at)`);
    this.addSql(`CREATE INDEX quality_samples_age_idx ON quality_samples (reported_at)`);
    this.addSql(`
      CREATE TABLE participant_quality (
        call_id uuid NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
        user_id varchar(128) NOT NULL,
        last_report_at timestamptz,
        state text NOT NULL DEFAULT 'OK' CHECK (state IN ('OK', 'DEGRADED')),
        bad_streak integer NOT NULL DEFAULT 0,
        good_streak integer NOT NULL DEFAULT 0,
        recommendation text NOT NULL DEFAULT 'NONE',
        stats_requested_at timestamptz,
        PRIMARY KEY (call_id, user_id)
      )`);
    this.addSql(`
      CREATE TABLE call_quality_summaries (
        call_id uuid PRIMARY KEY REFERENCES calls (id) ON DELETE CASCADE,
        samples integer NOT NULL,
        avg_mos real NOT NULL,
        min_mos real NOT NULL,
        worst_level text NOT NULL,
        p95_rtt_ms real NOT NULL,
        max_packet_loss real NOT NULL,
        connection_type text,
        audio_only_ms bigint NOT NULL,
        computed_at timestamptz NOT NULL
      )`);
    this.addSql(rollupTableSql('call_stats_daily', 'day'));
    for (const statement of rollupSql.up) this.addSql(statement);
  }

  override down(): void {
    for (const statement of rollupSql.down) this.addSql(statement);
    this.addSql('DROP TABLE call_stats_daily');
    this.addSql('DROP TABLE call_quality_summaries');
    this.addSql('DROP TABLE participant_quality');
    this.addSql('DROP TABLE quality_samples');
    this.addSql('ALTER TABLE call_participants DROP COLUMN connection_type');
    this.addSql('ALTER TABLE calls DROP COLUMN connection_type, DROP COLUMN quality_pending, DROP COLUMN quality_mos');
  }
}
