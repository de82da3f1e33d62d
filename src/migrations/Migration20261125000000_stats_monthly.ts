import { Migration } from '@mikro-orm/migrations';
import { DAILY, MONTHLY, foldFunction, rebuildFunction, rollupTableSql, summedFromDaily } from '../services/stats-rollup.js';

/**
 * The monthly statistics rollup beside the daily one: long ranges by month read whole months
 * from it (see src/services/stats-rollup.ts). The fold and rebuild functions now keep both; the
 * monthly table is filled here from the daily one.
 */
export class Migration20261125000000_stats_monthly extends Migration {
  override name = 'Migration20261125000000_stats_monthly';

  override up(): void {
    this.addSql(rollupTableSql(MONTHLY.table, MONTHLY.key));
    this.addSql(foldFunction([DAILY, MONTHLY]));
    this.addSql(rebuildFunction([DAILY, MONTHLY]));
    // Folds wait for this to commit: one that ran before is in what is summed here, one after runs the new function.
    this.addSql(`LOCK TABLE call_stats_daily IN SHARE MODE`);
    this.addSql(summedFromDaily(MONTHLY));
  }

  override down(): void {
    this.addSql(foldFunction([DAILY]));
    this.addSql(rebuildFunction([DAILY]));
    this.addSql(`DROP TABLE ${MONTHLY.table}`);
  }
}
