import { Migration } from '@mikro-orm/migrations';

/** Users, calls, participants and the hash-chained, append-only audit trail. */
export class Migration20261123000000_spine extends Migration {
  override name = 'Migration20261123000000_spine';

  override up(): void {
    this.addSql(`
      CREATE TABLE users (
        id varchar(128) PRIMARY KEY,
        role text CHECK (role IN ('PATIENT', 'PROVIDER', 'ADMIN')),
        name varchar(200),
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz
      )`);
    this.addSql(`
      CREATE TABLE calls (
        id uuid PRIMARY KEY,
        type text NOT NULL CHECK (type IN ('VIDEO', 'AUDIO', 'SCREEN_SHARE')),
        status text NOT NULL CHECK (status IN ('SCHEDULED', 'RINGING', 'ACTIVE', 'ENDED', 'CANCELLED', 'MISSED', 'DECLINED', 'FAILED')),
        created_by_id varchar(128) NOT NULL REFERENCES users (id),
        appointment_id varchar(128),
        clinical_note_id varchar(128),
        scheduled_at timestamptz,
        ring_started_at timestamptz,
        ring_deadline_at timestamptz,
        answered_at timestamptz,
        answered_by varchar(128),
        ended_at timestamptz,
        ended_by varchar(128),
        end_reason text CHECK (end_reason IN ('HANGUP', 'TECHNICAL_ISSUE', 'NO_ANSWER', 'DECLINED', 'CANCELLED', 'FAILED', 'PEER_LOST')),
        failure_code text CHECK (failure_code IN ('MEDIA_PERMISSION_DENIED', 'DEVICE_ERROR', 'ICE_FAILED', 'SIGNALING_FAILED', 'NETWORK_ERROR', 'UNSUPPORTED_CLIENT', 'OTHER')),
        failure_message varchar(500),
        duration_ms integer,
        time_to_answer_ms integer,
        idempotency_key varchar(128),
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    // Timers claim due rows through these partial indexes; they stay small because only live calls are in them.
    this.addSql(`CREATE INDEX calls_ringing_deadline_idx ON calls (ring_deadline_at) WHERE status = 'RINGING'`);
    this.addSql(`CREATE INDEX calls_scheduled_at_idx ON calls (scheduled_at) WHERE status = 'SCHEDULED'`);
    this.addSql(`CREATE INDEX calls_created_idx ON calls (created_at DESC, id DESC)`);
    this.addSql(`CREATE INDEX calls_status_created_idx ON calls (status, created_at DESC, id DESC)`);
    this.addSql(`CREATE INDEX calls_appointment_idx ON calls (appointment_id) WHERE appointment_id IS NOT NULL`);
    this.addSql(`CREATE UNIQUE INDEX calls_idempotency_idx ON calls (created_by_id, idempotency_key) WHERE idempotency_key IS NOT NULL`);
    this.addSql(`
      CREATE TABLE call_participants (
        id uuid PRIMARY KEY,
        call_id uuid NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
        user_id varchar(128) NOT NULL REFERENCES users (id),
        role text NOT NULL CHECK (role IN ('CALLER', 'INVITEE')),
        status text NOT NULL CHECK (status IN ('INVITED', 'JOINED', 'DECLINED', 'LEFT', 'ABSENT')),
        invited_at timestamptz NOT NULL,
        joined_at timestamptz,
        left_at timestamptz,
        call_created_at timestamptz NOT NULL,
        UNIQUE (call_id, user_id)
      )`);
    // A user's history, newest first, is one range scan of this index.
    this.addSql(`CREATE INDEX call_participants_history_idx ON call_participants (user_id, call_created_at DESC, call_id DESC)`);
    this.addSql(`
      CREATE TABLE audit_events (
        id bigserial PRIMARY KEY,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        actor_id varchar(128),
        actor_role varchar(16) NOT NULL,
        action varchar(64) NOT NULL,
        target_type varchar(32) NOT NULL,
        target_id varchar(128),
        call_id uuid,
        outcome varchar(16) NOT NULL,
        error_code varchar(32),
        ip varchar(64),
        request_id varchar(64),
        details jsonb,
        prev_hash char(64) NOT NULL,
        hash char(64) NOT NULL UNIQUE
      )`);
    this.addSql(`CREATE INDEX audit_events_call_idx ON audit_events (call_id, id) WHERE call_id IS NOT NULL`);
    this.addSql(`CREATE INDEX audit_events_actor_idx ON audit_events (actor_id, id)`);
    this.addSql(`
      CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'insufficient_privilege';
      END $$`);
    this.addSql(`
      CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
      FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()`);
    this.addSql(`
      CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
      FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()`);
  }

  override down(): void {
    this.addSql('DROP TABLE audit_events');
    this.addSql('DROP FUNCTION audit_events_append_only');
    this.addSql('DROP TABLE call_participants');
    this.addSql('DROP TABLE calls');
    this.addSql('DROP TABLE users');
  }
}
