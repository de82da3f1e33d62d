import { LockMode } from '@mikro-orm/core';
import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { isAdmin, type Viewer } from '../auth/viewer.js';
import { requireViewer, type Context } from '../context.js';
import { CallParticipant } from '../entities/call-participant.entity.js';
import { Call } from '../entities/call.entity.js';
import {
  CallEndReason, CallFailureCode, CallStatus, CallType, ParticipantRole, ParticipantStatus, Role,
} from '../entities/enums.js';
import { AppError, conflict, forbidden, notFound } from '../errors.js';
import { topics, type PubSub } from '../pubsub/pubsub.js';
import type { AuditService } from './audit.service.js';
import { statusChanged, type CallEventPayload, type IncomingCallPayload } from './call-events.js';
import { validateInitiateInput, type InitiateCallInput } from './call-input.js';
import { CallAction, transition } from './call-state-machine.js';
import { text, uuid } from './validation.js';
import type { UserService } from './user.service.js';

export interface CallServiceDeps {
  em: () => EntityManager;
  pubsub: PubSub;
  audit: AuditService;
  users: UserService;
  /** Asks the timers to look again at `at` (a hint; the periodic poll is the guarantee). */
  wakeTimersAt: (at: Date) => void;
  ringTimeoutMs: number;
}

type Publication = [topic: string, payload: CallEventPayload | IncomingCallPayload];

interface Change {
  em: EntityManager;
  call: Call;
  participants: CallParticipant[];
  me: CallParticipant;
  viewer: Viewer;
  now: Date;
}

/** Ends every participant's presence in a call that has just ended. */
export function closeParticipants(participants: CallParticipant[], now: Date): void {
  for (const p of participants) {
    if (p.status === ParticipantStatus.JOINED) {
      p.status = ParticipantStatus.LEFT;
      p.leftAt = now;
    } else if (p.status === ParticipantStatus.INVITED) {
      p.status = ParticipantStatus.ABSENT;
    }
  }
}

/** Builds the incomingCall payload for a call that has just started ringing. */
export function ringing(call: Call, caller: { id: string; name: string | null; role: Role | null }): IncomingCallPayload {
  return {
    callId: call.id,
    type: call.type,
    callerId: caller.id,
    callerName: caller.name,
    callerRole: caller.role,
    appointmentId: call.appointmentId ?? null,
    ringStartedAt: call.ringStartedAt!.toISOString(),
    ringDeadlineAt: call.ringDeadlineAt!.toISOString(),
  };
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
        const participant = (userId: string, role: ParticipantRole) =>
          em.create(CallParticipant, {
            id: randomUUID(), call: created, user: userId, role, invitedAt: now, callCreatedAt: now,
            status: role === ParticipantRole.CALLER && !scheduled ? ParticipantStatus.JOINED : ParticipantStatus.INVITED,
            joinedAt: role === ParticipantRole.CALLER && !scheduled ? now : null,
          });
        participant(viewer.id, ParticipantRole.CALLER);
        for (const id of input.inviteeIds) participant(id, ParticipantRole.INVITEE);
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
      const payload = ringing(call, viewer);
      await this.publish(input.inviteeIds.map((id): Publication => [topics.incomingCall(id), payload]));
      this.deps.wakeTimersAt(call.ringDeadlineAt!);
    } else {
      this.deps.wakeTimersAt(call.scheduledAt!);
    }
    return call;
  }

  /** An invitee picks up: the call becomes ACTIVE and every other ringing device stops. */
  answer(ctx: Context, callId: string): Promise<Call> {
    return this.change(ctx, callId, 'call.answer', ({ call, me, now, viewer }) => {
      if (me.role !== ParticipantRole.INVITEE) throw forbidden('only an invitee can answer a call');
      call.status = transition(call.status, CallAction.ANSWER);
      call.answeredAt = now;
      call.answeredBy = viewer.id;
      call.timeToAnswerMs = now.getTime() - call.ringStartedAt!.getTime();
      me.status = ParticipantStatus.JOINED;
      me.joinedAt = now;
      return [];
    });
  }

  /** An invitee turns the call down; when every invitee has, the call is DECLINED. */
  decline(ctx: Context, callId: string): Promise<Call> {
    return this.change(ctx, callId, 'call.decline', ({ call, me, participants, now, viewer }) => {
      if (me.role !== ParticipantRole.INVITEE) throw forbidden('only an invitee can decline a call; the caller cancels');
      if (call.status !== CallStatus.RINGING) transition(call.status, CallAction.DECLINE);
      if (me.status !== ParticipantStatus.INVITED) throw conflict(`this participant has already ${me.status === ParticipantStatus.DECLINED ? 'declined' : 'answered'}`);
      me.status = ParticipantStatus.DECLINED;
      const stillInvited = participants.some((p) => p.role === ParticipantRole.INVITEE && p.status === ParticipantStatus.INVITED);
      if (stillInvited) {
        return [[topics.callEvents(call.id), {
          kind: 'PARTICIPANT_DECLINED', callId: call.id, status: call.status, previousStatus: call.status,
          actorId: viewer.id, reason: null, at: now.toISOString(),
        }]];
      }
      call.status = transition(call.status, CallAction.DECLINE);
      this.end(call, participants, now, CallEndReason.DECLINED, viewer.id);
      return [];
    });
  }

  /** The caller withdraws a call that is scheduled or still ringing. */
  cancel(ctx: Context, callId: string): Promise<Call> {
    return this.change(ctx, callId, 'call.cancel', ({ call, me, participants, now, viewer }) => {
      if (me.role !== ParticipantRole.CALLER) throw forbidden('only the caller can cancel a call; an invitee declines');
      call.status = transition(call.status, CallAction.CANCEL);
      this.end(call, participants, now, CallEndReason.CANCELLED, viewer.id);
      return [];
    });
  }

  /** Any participant in the call hangs up; the call is ENDED for everyone. */
  endCall(ctx: Context, callId: string, reason: CallEndReason): Promise<Call> {
    return this.change(ctx, callId, 'call.end', ({ call, me, participants, now, viewer }) => {
      const next = transition(call.status, CallAction.END);
      if (me.status !== ParticipantStatus.JOINED) throw forbidden('only a participant who is in the call can end it');
      call.status = next;
      this.end(call, participants, now, reason, viewer.id);
      return [];
    });
  }

  /** The caller's client gives up ringing before the server's own ring timeout does. */
  markMissed(ctx: Context, callId: string): Promise<Call> {
    return this.change(ctx, callId, 'call.miss', ({ call, me, participants, now, viewer }) => {
      if (me.role !== ParticipantRole.CALLER) throw forbidden('only the caller can mark a call missed');
      call.status = transition(call.status, CallAction.MISS);
      this.end(call, participants, now, CallEndReason.NO_ANSWER, viewer.id);
      return [];
    });
  }

  /** A provider in the call records that it failed, with a code and technical details. */
  markFailed(ctx: Context, callId: string, code: CallFailureCode, message: string | null | undefined): Promise<Call> {
    return this.change(ctx, callId, 'call.fail', ({ call, participants, now, viewer }) => {
      if (viewer.role === Role.PATIENT) throw forbidden('patients cannot mark a call failed');
      const details = text(message, 'message', 500);
      call.status = transition(call.status, CallAction.FAIL);
      call.failureCode = code;
      call.failureMessage = details;
      this.end(call, participants, now, CallEndReason.FAILED, viewer.id);
      return [];
    });
  }

  private end(call: Call, participants: CallParticipant[], now: Date, reason: CallEndReason, by: string | null): void {
    call.endedAt = now;
    call.endReason = reason;
    call.endedBy = by;
    if (call.answeredAt) call.durationMs = now.getTime() - call.answeredAt.getTime();
    closeParticipants(participants, now);
  }

  /**
   * Runs one lifecycle change: locks the call row, checks that the viewer takes part, applies
   * `apply`, writes the audit row, commits, then publishes the status change and `apply`'s extras.
   * A refusal is audited too, in a transaction of its own.
   */
  private async change(
    ctx: Context,
    rawCallId: string,
    action: string,
    apply: (change: Change) => Publication[],
  ): Promise<Call> {
    const viewer = requireViewer(ctx);
    const callId = uuid(rawCallId, 'callId');
    const publications: Publication[] = [];
    let call: Call;
    try {
      call = await ctx.em.transactional(async (em) => {
        const found = await em.findOne(Call, callId, { lockMode: LockMode.PESSIMISTIC_WRITE });
        const participants = found ? await em.find(CallParticipant, { call: callId }) : [];
        const me = participants.find((p) => p.user.id === viewer.id);
        if (!found || (!me && !isAdmin(viewer))) throw notFound('call');
        if (!me) throw forbidden('admins have read-only access to calls they are not part of');
        const previous = found.status;
        const now = new Date();
        publications.push(...apply({ em, call: found, participants, me, viewer, now }));
        if (found.status !== previous) {
          found.updatedAt = now;
          publications.push([topics.callEvents(callId), statusChanged(found, previous, viewer.id)]);
        }
        await em.flush();
        await this.deps.audit.record(em, {
          actor: viewer, action, targetType: 'call', targetId: callId, callId, outcome: 'SUCCESS', request: ctx.request,
          details: { from: previous, to: found.status },
        });
        return found;
      });
    } catch (error) {
      if (error instanceof AppError) {
        await this.deps.audit.recordNow(ctx.em, {
          actor: viewer, action, targetType: 'call', targetId: callId, callId, request: ctx.request,
          outcome: 'DENIED', errorCode: error.code,
        });
      }
      throw error;
    }
    ctx.loaders.clear();
    await this.publish(publications);
    return call;
  }

  private async publish(publications: Publication[]): Promise<void> {
    await Promise.all(publications.map(([topic, payload]) => this.deps.pubsub.publish(topic, payload)));
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
