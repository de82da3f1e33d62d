import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * One job of the timers' round (src/services/call-timers.service.ts): a condition that says it
 * has work, read without a lock or a transaction, and the work itself, which claims what is due
 * (`FOR UPDATE SKIP LOCKED`, so instances never take the same rows) and says how much it handled.
 */
export interface DueJob {
  /** Names the job in logs. */
  readonly name: string;
  /**
   * A row source (`SELECT 1 FROM ... WHERE ...`) and its parameters: any row means there is work
   * now. It is put in one statement with the other jobs' probes, so it may hold no `?` but its
   * placeholders (one per parameter: an array is one, for `IN (?)`) and no `--` comment.
   */
  probe(): { sql: string; params?: unknown[] };
  /** Claims and handles what is due; resolves with how many items it handled (0: nothing was left). */
  run(): Promise<number>;
  /**
   * At most how often the once-a-second round asks this probe, for work that can wait (purges
   * measured in days, requests due after 15 s of silence): unset, every round. A job that found
   * work is asked again at once, until it has none.
   */
  readonly everyMs?: number;
}

/**
 * Which of `jobs` have work, asked in one statement (`SELECT EXISTS (...) AS d0, EXISTS (...) AS
 * d1, ...`). The timers poll every second on every instance, and most rounds find nothing: such a
 * round then costs this one statement, not a statement (or a transaction) per job. What becomes
 * due just after the probe is found by the next round, as it would have been anyway.
 */
export async function dueOf(em: EntityManager, jobs: readonly DueJob[]): Promise<DueJob[]> {
  if (jobs.length === 0) return [];
  const probes = jobs.map((job) => {
    const probe = job.probe();
    // A stray `?` would shift every later probe's parameters, a comment would swallow the rest of the statement.
    if (probe.sql.split('?').length - 1 !== (probe.params?.length ?? 0) || probe.sql.includes('--')) {
      throw new Error(`the probe of ${job.name} must have one ? per parameter and no -- comment`);
    }
    return probe;
  });
  const [row] = await em.execute<Record<string, unknown>[]>(
    `SELECT ${probes.map((probe, i) => `EXISTS (${probe.sql}) AS d${i}`).join(', ')}`,
    probes.flatMap((probe) => probe.params ?? []),
  );
  return jobs.filter((_, i) => row?.[`d${i}`] === true);
}
