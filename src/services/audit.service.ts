import type { EntityManager } from '@mikro-orm/postgresql';
import { createHash } from 'node:crypto';
import type { Viewer } from '../auth/viewer.js';

export type AuditOutcome = 'SUCCESS' | 'DENIED' | 'FAILED';

/** Where a request came from; travels in the request context. */
export interface RequestMeta {
  ip: string | null;
  requestId: string;
}

/** One thing to write down. Ids and codes only: never names, notes, SDP or addresses of peers. */
export interface AuditEntry {
  /** Who did it; null for the service itself (timers, jobs). */
  actor: Viewer | null;
  action: string;
  targetType: 'call' | 'calls' | 'user' | 'audit' | 'recording';
  targetId?: string | null;
  callId?: string | null;
  outcome: AuditOutcome;
  errorCode?: string | null;
  details?: Record<string, string | number | boolean | null>;
  request?: RequestMeta | null;
}

export const GENESIS_HASH = '0'.repeat(64);
/** Serializes appends so that each row's `prev_hash` is the hash of the row before it (audit_append uses it). */
export const CHAIN_LOCK_KEY = 0x61756469; // 'audi', 1635083369

/**
 * The append-only, tamper-evident audit trail. Each row's hash covers its content and the previous
 * row's hash, so editing or deleting any past row breaks the chain from there on; the table's
 * triggers refuse UPDATE, DELETE and TRUNCATE besides.
 */
export class AuditService {
  /**
   * Appends `entry` inside the transaction of `em`, so an action and its audit row commit or roll
   * back together. Holds a transaction-scoped advisory lock until that commit.
   */
  async record(em: EntityManager, entry: AuditEntry): Promise<void> {
    const { sql, params } = auditStatement(entry);
    await em.execute(sql, params);
  }

  /**
   * Appends `entry` in a transaction of its own (for reads, which have none): one statement, whose
   * implicit transaction holds the chain lock only for the append itself.
   */
  async recordNow(em: EntityManager, entry: AuditEntry): Promise<void> {
    await this.record(em.fork(), entry);
  }

  /**
   * Recomputes the chain from the first row. Returns how many rows were checked and the id of the
   * first row whose content or link does not match, if any.
   */
  async verifyChain(em: EntityManager): Promise<{ checked: number; firstBrokenId: string | null }> {
    let prevHash = GENESIS_HASH;
    let checked = 0;
    let afterId = '0';
    for (;;) {
      // a.id, not id: a bare `id` in ORDER BY names the output column id::text, which sorts '10' before '2'.
      const rows = await em.execute<Record<string, any>[]>(
        `SELECT id::text, occurred_at, actor_id, actor_role, action, target_type, target_id, call_id::text, outcome,
                error_code, ip, request_id, details, prev_hash, hash
           FROM audit_events a WHERE a.id > ?::bigint ORDER BY a.id LIMIT 1000`,
        [afterId],
      );
      if (rows.length === 0) return { checked, firstBrokenId: null };
      for (const r of rows) {
        const expected = chainHash(prevHash, {
          occurredAt: new Date(r.occurred_at), actorId: r.actor_id, actorRole: r.actor_role, action: r.action,
          targetType: r.target_type, targetId: r.target_id, callId: r.call_id, outcome: r.outcome,
          errorCode: r.error_code, ip: r.ip, requestId: r.request_id, details: r.details,
        });
        if (r.prev_hash !== prevHash || r.hash !== expected) return { checked, firstBrokenId: r.id };
        prevHash = r.hash;
        checked++;
        afterId = r.id;
      }
    }
  }
}

/**
 * The statement that appends `entry` (`?` placeholders). audit_append takes the chain lock
 * (CHAIN_LOCK_KEY), reads the last hash and inserts the row linked to it as
 * sha256(prev_hash || canonical), in one statement: see verifyChain. The benchmark runs the same
 * statement through pg.
 */
export function auditStatement(entry: AuditEntry): { sql: string; params: unknown[] } {
  const row = {
    occurredAt: new Date(),
    actorId: entry.actor?.id ?? null,
    actorRole: entry.actor?.role ?? 'SYSTEM',
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId ?? null,
    callId: entry.callId ?? null,
    outcome: entry.outcome,
    errorCode: entry.errorCode ?? null,
    ip: entry.request?.ip ?? null,
    requestId: entry.request?.requestId ?? null,
    details: entry.details ?? null,
  };
  return {
    sql: `SELECT audit_append(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    params: [
      row.occurredAt, row.actorId, row.actorRole, row.action, row.targetType, row.targetId, row.callId, row.outcome,
      row.errorCode, row.ip, row.requestId, row.details === null ? null : JSON.stringify(row.details), canonical(row),
    ],
  };
}

function chainHash(prevHash: string, row: Record<string, unknown>): string {
  return createHash('sha256').update(prevHash).update(canonical(row)).digest('hex');
}

/** JSON with object keys sorted, so jsonb's reordering of `details` does not change the hash. */
function canonical(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
