import { Migration } from '@mikro-orm/migrations';

/**
 * audit_append reads the chain's last hash through the primary key's index, however its plan was
 * made. PL/pgSQL plans that read once per connection and keeps the plan. A connection whose first
 * append came while audit_events was nearly empty kept a sequential scan and a sort of the whole
 * table for every later append: right after a fresh start, an append cost 1-3 ms and grew with
 * the table (bench/README.md, "Statistics and history, eleventh session"). With sequential scans
 * off inside the function, its one read of audit_events is always the index's last entry.
 */
export class Migration20261125010000_audit_append_index extends Migration {
  override name = 'Migration20261125010000_audit_append_index';

  private readonly signature = `audit_append(timestamptz, varchar, varchar, varchar, varchar, varchar, uuid, varchar, varchar, varchar, varchar, jsonb, text)`;

  override up(): void {
    this.addSql(`ALTER FUNCTION ${this.signature} SET enable_seqscan = off`);
  }

  override down(): void {
    this.addSql(`ALTER FUNCTION ${this.signature} RESET enable_seqscan`);
  }
}
