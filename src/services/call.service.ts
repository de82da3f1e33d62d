import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import type { Viewer } from '../auth/viewer.js';
import { bindableDeviceId, requireViewer, type Context } from '../context.js';
import { CallParticipant } from '../entities/call-participant.entity.js';
import { Call } from '../entities/call.entity.js';
import {
  CallEndReason, CallFailureCode, CallStatus, CallType, ParticipantRole, ParticipantStatus, Role,
} from '../entities/enums.js';
import { AppError, conflict, forbidden } from '../errors.js';
import { topics, type PubSub } from '../pubsub/pubsub.js';
import type { AuditService } from './audit.service.js';
import { participantEvent, type IncomingCallEvent, type IncomingCallPayload } from './call-events.js';
import { CallChanger, closeParticipants, type Publication } from './call-change.js';
import { validateInitiateInput, type InitiateCallInput } from './call-input.js';
import { CallAction, transition } from './call-state-machine.js';
import { text } from './validation.js';
import type { UserService } from './user.service.js';

export interface CallServiceDeps {
  pubsub: PubSub;
  changer: CallChanger;
  audit: AuditService;
  users: UserService;
  /** Asks the timers to look again at `at` (a hint; the periodic poll is the guarantee). */
  wakeTimersAt: (at: Date) => void;
  ringTimeoutMs: number;
}

export interface CallerInfo {
  id: string;
  name: string | null;
  role: Role | null;
}

/** Builds an incomingCall payload: `event` about `call`, caused on `deviceId` when it is *_ELSEWHERE. */
export function incoming(call: Call, caller: CallerInfo, event: IncomingCallEvent = 'RINGING', deviceId: string | null = null): IncomingCallPayload {
  return {
    event,
    deviceId,
    callId: call.id,
    type: call.type,
    callerId: caller.id,
    callerName: caller.name,
    callerRole: caller.role,
    appointmentId: call.appointmentId ?? null,
    ringStartedAt: (call.ringStartedAt ?? call.createdAt).toISOString(),
    ringDeadlineAt: (call.ringDeadlineAt ?? call.createdAt).toISOString(),
  };
}

/**
 * Tells the devices of every invitee still ringing (INVITED) that the ringing stopped, and why.
 * Call before the participants are closed.
 */
export async function stopRinging(em: EntityManager, call: Call, participants: CallParticipant[], event: IncomingCallEvent): Promise<Publication[]> {
  const ringing = participants.filter((p) => p.role === ParticipantRole.INVITEE && p.status === ParticipantStatus.INVITED);
  if (ringing.length === 0) return [];
  const payload = incoming(call, await callerOf(em, participants), event);
  return ringing.map((p) => [topics.incomingCall(p.user.id), payload]);
}

export async function callerOf(em: EntityManager, participants: CallParticipant[]): Promise<CallerInfo> {
  const caller = participants.find((p) => p.role === ParticipantRole.CALLER)!;
  await em.populate(caller, ['user']);
  const user = caller.user.unwrap();
  return { id: user.id, name: user.name ?? null, role: user.role ?? null };
}

/**
 * The call lifecycle. Every method: loads, authorizes, validates against the state machine,
 * persists with its audit row in one transaction (the call row locked, so racing requests queue
 * and exactly one wins), then publishes once committed.
 */
export class CallService {
  constructor(private readonly deps: CallServiceDeps) {}

  /**
   * Places a call now (RINGING) or for later (SCHEDULED). The same `idempotencyKey` from the same
   * caller returns the call it created the first time.
   */
  async initiate(ctx: Context, raw: InitiateCallInput): Promise<Call> {
    const viewer = requireViewer(ctx);
    try {
      return await this.place(ctx, viewer, raw);
    } catch (error) {
      if (error instanceof AppError) {
        await this.deps.audit.recordNow(ctx.em, {
          actor: viewer, action: 'call.initiate', targetType: 'call', request: ctx.request, outcome: 'DENIED', errorCode: error.code,
        });
      }
      throw error;
    }
  }

  private async place(ctx: Context, viewer: Viewer, raw: InitiateCallInput): Promise<Call> {
    const now = new Date();
    const input = validateInitiateInput(raw, viewer, now);
    await this.deps.users.sync(ctx.em, viewer);
    if (input.idempotencyKey) {
      const existing = await this.findByIdempotencyKey(ctx.em, viewer, input.idempotencyKey);
      if (existing) return this.sameRequest(existing, input.type, input.inviteeIds);
    }
    if (viewer.role === Role.PATIENT) {
      const roles = await this.deps.users.roles(ctx.em, input.inviteeIds);
      const notProvider = input.inviteeIds.findIndex((id) => roles.get(id) !== Role.PROVIDER);
      if (notProvider >= 0) {
        throw forbidden(`a patient may only call providers; inviteeIds[${notProvider}] is not a known provider`);
      }
    }
    const scheduled = input.scheduledAt !== null;
    const callId = randomUUID();
    let call: Call;
    try {
      call = await ctx.em.transactional(async (em) => {
        await this.deps.users.ensureExist(em, input.inviteeIds);
        const created = em.create(Call, {
          id: callId,
          type: input.type,
          status: scheduled ? CallStatus.SCHEDULED : CallStatus.RINGING,
          createdBy: viewer.id,
          appointmentId: input.appointmentId,
          clinicalNoteId: input.clinicalNoteId,
          scheduledAt: input.scheduledAt,
          ringStartedAt: scheduled ? null : now,
          ringDeadlineAt: scheduled ? null : new Date(now.getTime() + this.deps.ringTimeoutMs),
          idempotencyKey: input.idempotencyKey,
          createdAt: now,
          updatedAt: now,
        });
        const participant = (userId: string, role: ParticipantRole, position: number) =>
          em.create(CallParticipant, {
            id: randomUUID(), call: created, user: userId, role, position, invitedAt: now, callCreatedAt: now,
            status: role === ParticipantRole.CALLER && !scheduled ? ParticipantStatus.JOINED : ParticipantStatus.INVITED,
            joinedAt: role === ParticipantRole.CALLER && !scheduled ? now : null,
            deviceId: role === ParticipantRole.CALLER ? bindableDeviceId(ctx.deviceId) : null,
          });
        participant(viewer.id, ParticipantRole.CALLER, 0);
        input.inviteeIds.forEach((id, i) => participant(id, ParticipantRole.INVITEE, i + 1));
        await em.flush();
        await this.deps.audit.record(em, {
          actor: viewer, action: 'call.initiate', targetType: 'call', targetId: callId, callId, outcome: 'SUCCESS',
          request: ctx.request, details: { type: input.type, invitees: input.inviteeIds.length, scheduled },
        });
        return created;
      });
    } catch (error) {
      // Two requests with the same idempotency key raced; the other one created the call.
      if (error instanceof UniqueConstraintViolationException && input.idempotencyKey) {
        const existing = await this.findByIdempotencyKey(ctx.em.fork(), viewer, input.idempotencyKey);
        if (existing) return this.sameRequest(existing, input.type, input.inviteeIds);
      }
      throw error;
    }
    if (!scheduled) {
      const payload = incoming(call, viewer);
      await this.publish(input.inviteeIds.map((id): Publication => [topics.incomingCall(id), payload]));
      this.deps.wakeTimersAt(call.ringDeadlineAt!);
    } else {
      this.deps.wakeTimersAt(call.scheduledAt!);
    }
    return call;
  }

  /**
   * An invitee picks up on one of their devices: the call becomes ACTIVE and is bound to that
   * device; their other devices hear ANSWERED_ELSEWHERE, other invitees STARTED.
   */
  answer(ctx: Context, callId: string): Promise<Call> {
    return this.deps.changer.run(ctx, callId, 'call.answer', async ({ em, call, me, participants, now, viewer, deviceId }) => {
      if (me.role !== ParticipantRole.INVITEE) throw forbidden('only an invitee can answer a call');
      call.status = transition(call.status, CallAction.ANSWER);
      call.answeredAt = now;
      call.answeredBy = viewer.id;
      call.timeToAnswerMs = now.getTime() - call.ringStartedAt!.getTime();
      const caller = await callerOf(em, participants);
      me.status = ParticipantStatus.JOINED;
      me.joinedAt = now;
      me.deviceId = bindableDeviceId(deviceId);
      const others = await stopRinging(em, call, participants, 'STARTED');
      return [[topics.incomingCall(viewer.id), incoming(call, caller, 'ANSWERED_ELSEWHERE', deviceId)], ...others];
    });
  }

  /** An invitee turns the call down; when every invitee has, the call is DECLINED. */
  decline(ctx: Context, callId: string): Promise<Call> {
    return this.deps.changer.run(ctx, callId, 'call.decline', async ({ em, call, me, participants, now, viewer, deviceId }) => {
      if (me.role !== ParticipantRole.INVITEE) throw forbidden('only an invitee can decline a call; the caller cancels');
      if (call.status !== CallStatus.RINGING) transition(call.status, CallAction.DECLINE);
      if (me.status !== ParticipantStatus.INVITED) throw conflict(`this participant has already ${me.status === ParticipantStatus.DECLINED ? 'declined' : 'answered'}`);
      me.status = ParticipantStatus.DECLINED;
      const publications: Publication[] = [
        [topics.incomingCall(viewer.id), incoming(call, await callerOf(em, participants), 'DECLINED_ELSEWHERE', deviceId)],
      ];
      const stillInvited = participants.some((p) => p.role === ParticipantRole.INVITEE && p.status === ParticipantStatus.INVITED);
      if (stillInvited) {
        publications.push([topics.callEvents(call.id), participantEvent('PARTICIPANT_DECLINED', call, viewer.id, now)]);
        return publications;
      }
      call.status = transition(call.status, CallAction.DECLINE);
      this.end(call, participants, now, CallEndReason.DECLINED, viewer.id);
      return publications;
    });
  }

  /** The caller withdraws a call that is scheduled or still ringing. */
  cancel(ctx: Context, callId: string): Promise<Call> {
    return this.deps.changer.run(ctx, callId, 'call.cancel', async ({ em, call, me, participants, now, viewer }) => {
      if (me.role !== ParticipantRole.CALLER) throw forbidden('only the caller can cancel a call; an invitee declines');
      const wasRinging = call.status === CallStatus.RINGING;
      call.status = transition(call.status, CallAction.CANCEL);
      const stops = wasRinging ? await stopRinging(em, call, participants, 'CANCELLED') : [];
      this.end(call, participants, now, CallEndReason.CANCELLED, viewer.id);
      return stops;
    });
  }

  /** Any participant in the call hangs up; the call is ENDED for everyone. */
  endCall(ctx: Context, callId: string, reason: CallEndReason): Promise<Call> {
    return this.deps.changer.run(ctx, callId, 'call.end', async ({ em, call, me, participants, now, viewer }) => {
      const next = transition(call.status, CallAction.END);
      if (me.status !== ParticipantStatus.JOINED) throw forbidden('only a participant who is in the call can end it');
      call.status = next;
      const stops = await stopRinging(em, call, participants, 'CANCELLED');
      this.end(call, participants, now, reason, viewer.id);
      return stops;
    });
  }

  /** The caller's client gives up ringing before the server's own ring timeout does. */
  markMissed(ctx: Context, callId: string): Promise<Call> {
    return this.deps.changer.run(ctx, callId, 'call.miss', async ({ em, call, me, participants, now, viewer }) => {
      if (me.role !== ParticipantRole.CALLER) throw forbidden('only the caller can mark a call missed');
      call.status = transition(call.status, CallAction.MISS);
      const stops = await stopRinging(em, call, participants, 'MISSED');
      this.end(call, participants, now, CallEndReason.NO_ANSWER, viewer.id);
      return stops;
    });
  }

  /** A provider in the call records that it failed, with a code and technical details. */
  markFailed(ctx: Context, callId: string, code: CallFailureCode, message: string | null | undefined): Promise<Call> {
    return this.deps.changer.run(ctx, callId, 'call.fail', async ({ em, call, participants, now, viewer }) => {
      if (viewer.role === Role.PATIENT) throw forbidden('patients cannot mark a call failed');
      const details = text(message, 'message', 500);
      call.status = transition(call.status, CallAction.FAIL);
      call.failureCode = code;
      call.failureMessage = details;
      const stops = await stopRinging(em, call, participants, 'FAILED');
      this.end(call, participants, now, CallEndReason.FAILED, viewer.id);
      return stops;
    });
  }

  private end(call: Call, participants: CallParticipant[], now: Date, reason: CallEndReason, by: string | null): void {
    call.endedAt = now;
    call.endReason = reason;
    call.endedBy = by;
    if (call.answeredAt) call.durationMs = now.getTime() - call.answeredAt.getTime();
    closeParticipants(participants, now);
  }

  private async publish(publications: Publication[]): Promise<void> {
    await this.deps.changer.publish(publications);
  }

  private findByIdempotencyKey(em: EntityManager, viewer: Viewer, key: string): Promise<Call | null> {
    return em.findOne(Call, { createdBy: viewer.id, idempotencyKey: key }, { populate: ['participants'] });
  }

  /** A repeated idempotency key must describe the same call; reusing it for another one is a conflict. */
  private sameRequest(existing: Call, type: CallType, inviteeIds: string[]): Call {
    const invitees = existing.participants.getItems()
      .filter((p) => p.role === ParticipantRole.INVITEE).map((p) => p.user.id).sort();
    if (existing.type !== type || invitees.join('\n') !== [...inviteeIds].sort().join('\n')) {
      throw conflict('idempotencyKey was already used for a different call by this user');
    }
    return existing;
  }
}
