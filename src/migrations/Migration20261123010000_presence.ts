import { Migration } from '@mikro-orm/migrations';

/** Devices, presence (sessions, leases, reconnect deadlines) and media state of call participants. */
export class Migration20261123010000_presence extends Migration {
  override name = 'Migration20261123010000_presence';

  override up(): void {
    this.addSql(`
      ALTER TABLE call_participants
        ADD COLUMN device_id varchar(64),
        ADD COLUMN connection text CHECK (connection IN ('CONNECTED', 'DISCONNECTED', 'LOST')),
        ADD COLUMN session_id uuid,
        ADD COLUMN session_closed_at timestamptz,
        ADD COLUMN lease_until timestamptz,
        ADD COLUMN disconnected_at timestamptz,
        ADD COLUMN reconnect_deadline_at timestamptz,
        ADD COLUMN audio boolean NOT NULL DEFAULT true,
        ADD COLUMN video boolean NOT NULL DEFAULT true,
        ADD COLUMN screen boolean NOT NULL DEFAULT false`);
    // The presence timers claim through these; only participants with live presence are in them.
    this.addSql(`CREATE INDEX call_participants_connected_idx ON call_participants (lease_until) WHERE connection = 'CONNECTED'`);
    this.addSql(`CREATE INDEX call_participants_disconnected_idx ON call_participants (reconnect_deadline_at) WHERE connection = 'DISCONNECTED'`);
  }

  override down(): void {
    this.addSql('DROP INDEX call_participants_disconnected_idx');
    this.addSql('DROP INDEX call_participants_connected_idx');
    this.addSql(`
      ALTER TABLE call_participants
        DROP COLUMN device_id, DROP COLUMN connection, DROP COLUMN session_id, DROP COLUMN session_closed_at,
        DROP COLUMN lease_until, DROP COLUMN disconnected_at, DROP COLUMN reconnect_deadline_at,
        DROP COLUMN audio, DROP COLUMN video, DROP COLUMN screen`);
  }
}
