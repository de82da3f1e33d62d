import { Migration } from '@mikro-orm/migrations';

/** Closing and renewing presence look participants up by session: index it, for live sessions only. */
export class Migration20261124000000_presence_session_index extends Migration {
  override name = 'Migration20261124000000_presence_session_index';

  override up(): void {
    this.addSql(`CREATE INDEX call_participants_session_idx ON call_participants (session_id) WHERE session_id IS NOT NULL`);
  }

  override down(): void {
    this.addSql('DROP INDEX call_participants_session_idx');
  }
}
