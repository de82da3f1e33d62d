import { isAdmin, type Viewer } from '../auth/viewer.js';
import { requireViewer, type Context } from '../context.js';
import { Call } from '../entities/call.entity.js';
import type { CallStatus, CallType } from '../entities/enums.js';
import { badInput, notFound } from '../errors.js';
import type { AuditService } from './audit.service.js';
import { decodeCursor, encodeCursor, pageSize } from './cursor.js';
import { participantObject, participantsJson, type ParticipantRow } from './loaders.js';
import { reference, userId, uuid } from './validation.js';

export interface CallFilter {
  status?: CallStatus[] | null;
  type?: CallType | null;
  /** Calls created at or after this time. */
  from?: Date | null;
  /** Calls created before this time. */
  to?: Date | null;
  appointmentId?: string | null;
  /** Calls this user took part in (for a non-admin: calls shared with them). */
  participantId?: string | null;
}

/** A call as a history page shows it: its own columns, read straight from the row (no entity per row). */
export type CallView = Pick<Call, 'id' | 'type' | 'status' | 'createdAt' | 'updatedAt'> & {
  appointmentId: string | null; clinicalNoteId: string | null; scheduledAt: Date | null; ringStartedAt: Date | null; ringDeadlineAt: Date | null;
  answeredAt: Date | null; endedAt: Date | null; endReason: Call['endReason'] | null; failureCode: Call['failureCode'] | null;
  failureMessage: string | null; durationMs: number | null; timeToAnswerMs: number | null; connectionType: string | null;
};

export interface CallPage {
  edges: { cursor: string; node: CallView }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export const MAX_PAGE = 100;

/**
 * Reads of calls. A non-admin sees only calls they take part in; a call they are not part of is
 * NOT_FOUND, exactly like one that does not exist. Every read is audited.
 */
export class CallQueryService {
  constructor(private readonly audit: AuditService) {}

  /** One call, for a participant or an admin. */
  async get(ctx: Context, rawId: string): Promise<Call> {
    const viewer = requireViewer(ctx);
    const id = uuid(rawId, 'id');
    const call = await ctx.em.findOne(Call, id);
    const visible = call && (isAdmin(viewer) || (await ctx.loaders.participantsByCall.load(id)).some((p) => p.user.id === viewer.id));
    await this.audit.recordNow(ctx.em, {
      actor: viewer, action: 'call.read', targetType: 'call', targetId: id, callId: id, request: ctx.request,
      outcome: visible ? 'SUCCESS' : 'DENIED', errorCode: visible ? null : 'NOT_FOUND',
    });
    if (!call || !visible) throw notFound('call');
    return call;
  }

  /**
   * A page of the viewer's call history, newest first, by keyset on (created_at, id): a deep page
   * costs the same as the first. One statement for the page and its participants, which prime the
   * request's participants loader (a page shows who was in each call).
   */
  async list(ctx: Context, filter: CallFilter, first?: number | null, after?: string | null): Promise<CallPage> {
    const viewer = requireViewer(ctx);
    const limit = pageSize(first, MAX_PAGE, 20);
    const { sql, params } = historyStatement(viewer, filter, limit, after);
    const participantId = filter.participantId ?? null;
    // The read is authorized by now: its audit row is written while the page is read, not after.
    const [rows] = await Promise.all([
      ctx.em.execute<Record<string, unknown>[]>(sql, params),
      this.audit.recordNow(ctx.em, {
        actor: viewer, action: 'calls.list', targetType: 'calls', targetId: participantId, request: ctx.request,
        outcome: 'SUCCESS', details: { first: limit, scope: isAdmin(viewer) ? 'all' : 'own' },
      }),
    ]);
    const page = rows.slice(0, limit);
    // pg parses json columns.
    for (const row of page) ctx.loaders.participantsByCall.prime(row.id as string, (row.participants as ParticipantRow[]).map(participantObject));
    const edges = page.map(callView).map((node) => ({ cursor: encodeCursor({ at: node.createdAt, id: node.id }), node }));
    return { edges, pageInfo: { hasNextPage: rows.length > limit, endCursor: edges.at(-1)?.cursor ?? null } };
  }
}

/**
 * The statement of a history page (`?` placeholders): up to `limit + 1` calls, newest first, by
 * keyset on (created_at, id), each with its participants as JSON (`participants`), so the page
 * and who was in each call are one round trip and one snapshot. Throws BAD_USER_INPUT for a
 * malformed cursor or filter. The benchmark runs the same statement through pg.
 */
export function historyStatement(viewer: Viewer, filter: CallFilter, limit: number, after?: string | null): { sql: string; params: unknown[] } {
  const cursor = after ? decodeCursor(after) : null;
  if (cursor && !/^[0-9a-f-]{36}$/.test(cursor.id)) throw badInput('after is not a cursor of this list', 'after');
  if (filter.from && filter.to && filter.from >= filter.to) throw badInput('filter.from must be before filter.to', 'filter.from');
  const participantId = filter.participantId ? userId(filter.participantId, 'filter.participantId') : null;
  const appointmentId = reference(filter.appointmentId, 'filter.appointmentId');

  const admin = isAdmin(viewer);
  // Non-admins walk their own participation index; admins walk all calls.
  const [timeCol, idCol] = admin ? ['c.created_at', 'c.id'] : ['p.call_created_at', 'p.call_id'];
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, ...values: unknown[]) => {
    where.push(sql);
    params.push(...values);
  };
  if (!admin) add('p.user_id = ?', viewer.id);
  if (filter.status?.length) add('c.status IN (?)', filter.status);
  if (filter.type) add('c.type = ?', filter.type);
  if (filter.from) add(`${timeCol} >= ?`, filter.from);
  if (filter.to) add(`${timeCol} < ?`, filter.to);
  if (appointmentId) add('c.appointment_id = ?', appointmentId);
  if (participantId) add('EXISTS (SELECT 1 FROM call_participants q WHERE q.call_id = c.id AND q.user_id = ?)', participantId);
  if (cursor) add(`(${timeCol}, ${idCol}) < (?, ?::uuid)`, cursor.at, cursor.id);
  const from = admin ? 'calls c' : 'call_participants p JOIN calls c ON c.id = p.call_id';
  // The page keeps the order it was chosen in: by the keyset's own columns, carried out of the CTE.
  const sql = `WITH page AS (
       SELECT c.*, ${timeCol} AS page_at, ${idCol} AS page_id FROM ${from} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY ${timeCol} DESC, ${idCol} DESC LIMIT ${limit + 1})
     SELECT listed.*, ${participantsJson('listed')} AS participants
       FROM page listed ORDER BY listed.page_at DESC, listed.page_id DESC`;
  return { sql, params };
}

const at = (value: unknown): Date | null => (value === null || value === undefined ? null : new Date(value as string));

function callView(r: Record<string, unknown>): CallView {
  return {
    id: r.id as string, type: r.type as Call['type'], status: r.status as Call['status'],
    appointmentId: (r.appointment_id as string | null) ?? null, clinicalNoteId: (r.clinical_note_id as string | null) ?? null,
    scheduledAt: at(r.scheduled_at), ringStartedAt: at(r.ring_started_at), ringDeadlineAt: at(r.ring_deadline_at),
    answeredAt: at(r.answered_at), endedAt: at(r.ended_at), endReason: (r.end_reason as Call['endReason']) ?? null,
    failureCode: (r.failure_code as Call['failureCode']) ?? null, failureMessage: (r.failure_message as string | null) ?? null,
    durationMs: (r.duration_ms as number | null) ?? null, timeToAnswerMs: (r.time_to_answer_ms as number | null) ?? null,
    connectionType: (r.connection_type as string | null) ?? null, createdAt: at(r.created_at)!, updatedAt: at(r.updated_at)!,
  };
}
