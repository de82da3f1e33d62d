import type { EntityManager } from '@mikro-orm/postgresql';
import { isAdmin, type Viewer } from '../auth/viewer.js';
import { requireViewer, type Context } from '../context.js';
import { Call } from '../entities/call.entity.js';
import { CallParticipant } from '../entities/call-participant.entity.js';
import { notFound } from '../errors.js';
import { topics, type PubSub } from '../pubsub/pubsub.js';
import { replayThenLive, skipping } from '../pubsub/replay.js';
import type { AuditService } from './audit.service.js';
import { isInstanceNotice, type CallEventPayload, type DeviceBoundNotice, type IncomingCallPayload } from './call-events.js';
import { uuid } from './validation.js';

/** Opens the live streams behind the GraphQL subscriptions, after checking who may see them. */
export class LiveEventsService {
  constructor(
    private readonly pubsub: PubSub,
    private readonly audit: AuditService,
  ) {}

  /**
   * Calls ringing for the viewer, on this socket and every other one they have open. A socket
   * that connects while a call is already ringing for them hears it at once.
   */
  async incomingCalls(ctx: Context): Promise<AsyncIterableIterator<IncomingCallPayload>> {
    const viewer = requireViewer(ctx);
    const live = await this.pubsub.subscribe<IncomingCallPayload>(topics.incomingCall(viewer.id));
    const rows = await ctx.em.execute<Record<string, any>[]>(
      `SELECT c.id, c.type, c.appointment_id, c.ring_started_at, c.ring_deadline_at, u.id AS caller_id, u.name AS caller_name,
              u.role AS caller_role
         FROM call_participants me
         JOIN calls c ON c.id = me.call_id AND c.status = 'RINGING'
         JOIN call_participants cp ON cp.call_id = c.id AND cp.role = 'CALLER'
         JOIN users u ON u.id = cp.user_id
        WHERE me.user_id = ? AND me.status = 'INVITED'
        ORDER BY c.ring_started_at`,
      [viewer.id],
    );
    const ringing = rows.map((r): IncomingCallPayload => ({
      event: 'RINGING',
      deviceId: null,
      callId: r.id, type: r.type, callerId: r.caller_id, callerName: r.caller_name, callerRole: r.caller_role,
      appointmentId: r.appointment_id, ringStartedAt: new Date(r.ring_started_at).toISOString(),
      ringDeadlineAt: new Date(r.ring_deadline_at).toISOString(),
    }));
    // What this device did itself (answered, declined) it is not told about as *_ELSEWHERE.
    const own = (p: IncomingCallPayload) => p.deviceId !== null && p.deviceId === ctx.deviceId;
    return skipping(replayThenLive(ringing, live, (p) => `${p.event}:${p.callId}`), own);
  }

  /**
   * Events of one call, for its participants and admins; NOT_FOUND for anyone else. The first
   * event is always CURRENT_STATUS, so a client knows where the call stands from then on.
   */
  async callEvents(ctx: Context, rawCallId: string): Promise<AsyncIterableIterator<CallEventPayload>> {
    const viewer = requireViewer(ctx);
    const callId = uuid(rawCallId, 'callId');
    const allowed = await maySubscribe(ctx.em, viewer, callId);
    await this.audit.recordNow(ctx.em, {
      actor: viewer, action: 'call.subscribe', targetType: 'call', targetId: callId, callId, request: ctx.request,
      outcome: allowed ? 'SUCCESS' : 'DENIED', errorCode: allowed ? null : 'NOT_FOUND',
    });
    if (!allowed) throw notFound('call');
    const live = await this.pubsub.subscribe<CallEventPayload | DeviceBoundNotice>(topics.callEvents(callId));
    const call = await ctx.em.findOneOrFail(Call, callId, { refresh: true });
    const current: CallEventPayload = {
      kind: 'CURRENT_STATUS', callId, status: call.status, previousStatus: null, actorId: null,
      reason: call.failureCode ?? call.endReason ?? null, at: call.updatedAt.toISOString(),
    };
    // No key: every live event after this point is news, none repeats the snapshot.
    return skipping(replayThenLive<CallEventPayload | DeviceBoundNotice>([current], live), isInstanceNotice) as AsyncIterableIterator<CallEventPayload>;
  }
}

/** Whether `viewer` may follow a call's live streams: a participant of it, or an admin (of a call that exists). */
export async function maySubscribe(em: EntityManager, viewer: Viewer, callId: string): Promise<boolean> {
  return isAdmin(viewer)
    ? (await em.count(CallParticipant, { call: callId })) > 0
    : (await em.count(CallParticipant, { call: callId, user: viewer.id })) > 0;
}
