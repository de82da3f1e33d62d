import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Runs `claim`, a transaction that locks what is due (`SELECT ... FOR UPDATE SKIP LOCKED`), only
 * when `probe`, the same condition read without a lock or a transaction, finds something. The
 * timers poll every second on every instance, and most rounds find nothing: an idle round then
 * costs one statement instead of BEGIN, SELECT and COMMIT. What becomes due just after the probe
 * is claimed by the next round, as it would have been anyway.
 */
export async function whenDue<T>(em: EntityManager, probe: { sql: string; params?: unknown[] }, idle: T, claim: () => Promise<T>): Promise<T> {
  const [found] = await em.execute<unknown[]>(`SELECT EXISTS (${probe.sql}) AS due`, probe.params ?? []);
  return (found as { due?: boolean } | undefined)?.due ? claim() : idle;
}
