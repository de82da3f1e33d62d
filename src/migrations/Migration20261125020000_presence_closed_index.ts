import { Migration } from '@mikro-orm/migrations';

/**
 * The presence sweep's condition (src/services/presence.service.ts, SWEEP_DUE) finds a CONNECTED
 * participant whose session closed before the grace cutoff or whose lease ran out. Only the lease
 * had an index, so the OR of the two could not be served by ranges: every round read the whole
 * index of connected participants, once per active call when the plan looped over the calls. With
 * this index both halves are range scans, and the timers' idle round no longer grows with the
 * number of people in calls (bench/README.md, "Timers").
 */
export class Migration20261125020000_presence_closed_index extends Migration {
  override name = 'Migration20261125020000_presence_closed_index';

  override up(): void {
    this.addSql(`CREATE INDEX call_participants_closed_idx ON call_participants (session_closed_at) WHERE connection = 'CONNECTED'`);
  }

  override down(): void {
    this.addSql(`DROP INDEX call_participants_closed_idx`);
  }
}
