import { Migration } from '@mikro-orm/migrations';

/** Keeps the order in which participants were named (caller 0, invitees 1..n as listed). */
export class Migration20261123020000_participant_position extends Migration {
  override name = 'Migration20261123020000_participant_position';

  override up(): void {
    this.addSql(`ALTER TABLE call_participants ADD COLUMN position smallint NOT NULL DEFAULT 0`);
    // Rows from before: caller first, then invitees in the order they happen to have.
    this.addSql(`
      UPDATE call_participants p SET position = o.position FROM (
        SELECT id, row_number() OVER (PARTITION BY call_id ORDER BY role = 'INVITEE', invited_at, id) - 1 AS position
          FROM call_participants) o
       WHERE o.id = p.id`);
  }

  override down(): void {
    this.addSql('ALTER TABLE call_participants DROP COLUMN position');
  }
}
