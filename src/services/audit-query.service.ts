import { requireViewer, type Context } from '../context.js';
import { Role } from '../entities/enums.js';
import { badInput, forbidden } from '../errors.js';
import type { AuditService } from './audit.service.js';
import { decodeCursor, encodeCursor, pageSize } from './cursor.js';
import { userId, uuid } from './validation.js';

export interface AuditFilter {
  callId?: string | null;
  actorId?: string | null;
  action?: string | null;
  from?: Date | null;
  to?: Date | null;
}

export interface AuditRow {
  id: string;
  occurredAt: Date;
  actorId: string | null;
  actorRole: string;
  action: string;
  targetType: string;
  targetId: string | null;
  callId: string | null;
  outcome: string;
  errorCode: string | null;
  ip: string | null;
  requestId: string | null;
  hash: string;
}

/** Admin-only reads of the audit trail; reading it is itself audited. */
export class AuditQueryService {
  constructor(private readonly audit: AuditService) {}

  async list(ctx: Context, filter: AuditFilter, first?: number | null, after?: string | null) {
    const viewer = requireViewer(ctx);
    if (viewer.role !== Role.ADMIN) throw forbidden('only admins can read the audit trail');
    const limit = pageSize(first, 200, 50);
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.callId) where.push('call_id = ?') && params.push(uuid(filter.callId, 'filter.callId'));
    if (filter.actorId) where.push('actor_id = ?') && params.push(userId(filter.actorId, 'filter.actorId'));
    if (filter.action) {
      if (!/^[a-z.]{1,64}$/.test(filter.action)) throw badInput('filter.action must be an action name like call.read', 'filter.action');
      where.push('action = ?') && params.push(filter.action);
    }
    if (filter.from) where.push('occurred_at >= ?') && params.push(filter.from);
    if (filter.to) where.push('occurred_at < ?') && params.push(filter.to);
    if (after) {
      const cursor = decodeCursor(after);
      if (!/^\d+$/.test(cursor.id)) throw badInput('after is not a cursor of this list', 'after');
      where.push('id < ?::bigint') && params.push(cursor.id);
    }
    // Ordered by the qualified a.id: a bare `id` would name the output column id::text and sort
    // '10' before '9'.
    const rows = await ctx.em.execute<Record<string, any>[]>(
      `SELECT id::text, occurred_at, actor_id, actor_role, action, target_type, target_id, call_id::text, outcome,
              error_code, ip, request_id, hash
         FROM audit_events a ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY a.id DESC LIMIT ${limit + 1}`,
      params,
    );
    await this.audit.recordNow(ctx.em, {
      actor: viewer, action: 'audit.list', targetType: 'audit', outcome: 'SUCCESS', request: ctx.request,
      details: { returned: Math.min(rows.length, limit) },
    });
    const edges = rows.slice(0, limit).map((r): { cursor: string; node: AuditRow } => ({
      cursor: encodeCursor({ at: new Date(r.occurred_at), id: r.id }),
      node: {
        id: r.id, occurredAt: new Date(r.occurred_at), actorId: r.actor_id, actorRole: r.actor_role, action: r.action,
        targetType: r.target_type, targetId: r.target_id, callId: r.call_id, outcome: r.outcome,
        errorCode: r.error_code, ip: r.ip, requestId: r.request_id, hash: r.hash,
      },
    }));
    return { edges, pageInfo: { hasNextPage: rows.length > limit, endCursor: edges.at(-1)?.cursor ?? null } };
  }

  /** Recomputes the whole chain (admins only). */
  async verify(ctx: Context) {
    const viewer = requireViewer(ctx);
    if (viewer.role !== Role.ADMIN) throw forbidden('only admins can verify the audit trail');
    const { checked, firstBrokenId } = await this.audit.verifyChain(ctx.em);
    return { intact: firstBrokenId === null, checked, firstBrokenId };
  }
}
