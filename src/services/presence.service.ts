import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { bindableDeviceId } from '../context.js';
import { CallParticipant } from '../entities/call-participant.entity.js';
import { Call } from '../entities/call.entity.js';
import { CallEndReason, CallStatus, ConnectionState, ParticipantStatus } from '../entities/enums.js';
import { describe } from '../errors.js';
import type { Logger } from '../logger.js';
import { topics } from '../pubsub/pubsub.js';
import type { AuditService } from './audit.service.js';
import { closeParticipants, type CallChanger, type Publication } from './call-change.js';
import { participantEvent, statusChanged } from './call-events.js';
import { CallAction, transition } from './call-state-machine.js';
import type { DueJob } from './when-due.js';

export interface PresenceDeps {
  em: () => EntityManager;
  changer: CallChanger;
  audit: AuditService;
  logger: Logger;
  graceMs: number;
  reconnectWindowMs: number;
  leaseMs: number;
}

/**
 * Who is connected to a call's media session (docs/SIGNALING.md section 6). A participant is
 * CONNECTED while one of their `signals` subscriptions is open; the subscription is the session.
 * All state is in PostgreSQL, so any instance can take over: each instance renews a lease on the
 * sessions it holds, and the sweep (run by the timers) turns closed or unrenewed sessions into
 * DISCONNECTED after the grace period, and DISCONNECTED into LOST after the reconnect window.
 */
export class PresenceService {
  private readonly held = new Set<string>();
  /** Writes in flight, so that stop() can wait for them before the database closes. */
  private readonly inFlight = new Set<Promise<unknown>>();
  private renewer?: NodeJS.Timeout;

  constructor(private readonly deps: PresenceDeps) {}

  start(): void {
    this.renewer = setInterval(() => void this.renew(), Math.max(100, Math.floor(this.deps.leaseMs / 3)));
  }

  async stop(): Promise<void> {
    clearInterval(this.renewer);
    // Sessions this instance holds end with it; close them so the others see it within the grace period.
    await Promise.all([...this.held].map((id) => this.close(id)));
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    return work.finally(() => this.inFlight.delete(work));
  }

  /**
   * Opens a session for a joined participant on the socket's `deviceId`, binding the call to that
   * device when it was bound to none (an answer sent without a device id) and the id is the
   * client's own ({@link bindableDeviceId}: a made-up one binds nothing). Returns the session's id, or why
   * there is none: the participant is not in the call (`NOT_JOINED`), or the call is bound to
   * another of their devices (`ELSEWHERE`). A participant who was DISCONNECTED is CONNECTED
   * again, and the others are told.
   */
  async open(callId: string, userId: string, deviceId: string | null): Promise<string | 'NOT_JOINED' | 'ELSEWHERE'> {
    const sessionId = randomUUID();
    const now = new Date();
    // One statement: the call's row shared-locked (a change to the call, joinCall's binding
    // included, holds it for update, so the two cannot both bind), the participant's row locked,
    // then opened only if the device may have it.
    const rows = await this.track(this.deps.em().execute<{ opened: boolean; previous: string | null }[]>(
      `WITH call AS (
         SELECT id FROM calls WHERE id = ? FOR SHARE
       ), previous AS (
         SELECT p.id, p.connection, p.device_id FROM call_participants p JOIN call ON call.id = p.call_id
          WHERE p.user_id = ? AND p.status = 'JOINED' FOR UPDATE OF p
       ), opened AS (
         UPDATE call_participants p SET connection = 'CONNECTED', session_id = ?, session_closed_at = NULL, lease_until = ?,
                disconnected_at = NULL, reconnect_deadline_at = NULL, device_id = coalesce(previous.device_id, ?::text)
           FROM previous WHERE p.id = previous.id AND (previous.device_id IS NULL OR previous.device_id = ?::text)
         RETURNING p.id
       )
       SELECT EXISTS (SELECT 1 FROM opened) AS opened, previous.connection AS previous FROM previous`,
      [callId, userId, sessionId, new Date(now.getTime() + this.deps.leaseMs), bindableDeviceId(deviceId), deviceId],
    ));
    if (rows.length === 0) return 'NOT_JOINED';
    if (!rows[0]!.opened) return 'ELSEWHERE';
    this.held.add(sessionId);
    if (rows[0]!.previous === ConnectionState.DISCONNECTED) {
      try {
        const call = await this.deps.em().findOneOrFail(Call, callId);
        await this.deps.changer.publish([[topics.callEvents(callId), participantEvent('PARTICIPANT_RECONNECTED', call, userId, now)]]);
      } catch (error) {
        // The caller gets no session to close: close it here, or its lease would be renewed for good.
        await this.close(sessionId).catch(() => undefined);
        throw error;
      }
    }
    return sessionId;
  }

  /** Marks a session closed; its participant becomes DISCONNECTED after the grace period unless a new session replaces it. */
  async close(sessionId: string): Promise<void> {
    this.held.delete(sessionId);
    await this.track(this.deps.em().execute(
      `UPDATE call_participants SET session_closed_at = ? WHERE session_id = ? AND connection = 'CONNECTED' AND session_closed_at IS NULL`,
      [new Date(), sessionId],
    ));
  }

  /**
   * Extends the lease of every open session held here. A session whose lease had run out (this
   * instance stalled, or the database was away) while it stayed open is CONNECTED again, and
   * the others are told it reconnected.
   */
  private async renew(): Promise<void> {
    if (this.held.size === 0) return;
    try {
      const back = await this.track(this.deps.em().execute<{ call_id: string; user_id: string; status: CallStatus }[]>(
        `WITH renewed AS (
           SELECT p.id, p.connection AS previous FROM call_participants p
            WHERE p.session_id IN (?) AND p.session_closed_at IS NULL AND p.status = 'JOINED'
              AND p.connection IN ('CONNECTED', 'DISCONNECTED')
            ORDER BY p.id FOR UPDATE)
         UPDATE call_participants p SET lease_until = ?, connection = 'CONNECTED', disconnected_at = NULL, reconnect_deadline_at = NULL
           FROM renewed, calls c
          WHERE p.id = renewed.id AND c.id = p.call_id
         RETURNING p.call_id, p.user_id, c.status, renewed.previous`,
        [[...this.held], new Date(Date.now() + this.deps.leaseMs)],
      ));
      const now = new Date();
      await this.deps.changer.publish((back as (typeof back[number] & { previous: string })[])
        .filter((row) => row.previous === ConnectionState.DISCONNECTED)
        .map((row): Publication => [topics.callEvents(row.call_id), {
          kind: 'PARTICIPANT_RECONNECTED', callId: row.call_id, status: row.status, previousStatus: null, actorId: row.user_id,
          reason: null, at: now.toISOString(), participantId: row.user_id, media: null,
        }]));
    } catch (error) {
      this.deps.logger.warn('presence lease renewal failed', { error: describe(error) });
    }
  }

  /**
   * One round of the presence timers: claims active calls with a participant whose session
   * closed more than the grace period ago or whose lease ran out, or whose reconnect window
   * passed, and moves them on. Call rows are locked first (as every call change does), with
   * SKIP LOCKED, so instances never handle the same call twice or deadlock. Returns how many calls.
   */
  async sweep(): Promise<number> {
    const publications: Publication[] = [];
    const { now, graceCutoff, params } = this.sweepWindow();
    const claimed = await this.deps.em().transactional(async (em) => {
      const rows = await em.execute<Record<string, unknown>[]>(`SELECT c.* ${SWEEP_DUE} LIMIT 50 FOR UPDATE OF c SKIP LOCKED`, params);
      const calls = rows.map((row) => em.map(Call, row));
      if (calls.length === 0) return 0;
      // Locked, so a reconnect (presence.open) waits for this round instead of being overwritten by
      // it; in id order, as the lease renewal locks them, so the two never deadlock.
      const participants = await em.find(CallParticipant, { call: { $in: calls.map((c) => c.id) } }, { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { id: 'asc' } });
      for (const call of calls) {
        const own = participants.filter((p) => p.call.id === call.id);
        for (const p of own) {
          if (p.connection === ConnectionState.CONNECTED && ((p.sessionClosedAt && p.sessionClosedAt <= graceCutoff) || (p.leaseUntil && p.leaseUntil < now))) {
            p.connection = ConnectionState.DISCONNECTED;
            p.disconnectedAt = p.sessionClosedAt ?? p.leaseUntil;
            p.reconnectDeadlineAt = new Date(p.disconnectedAt!.getTime() + this.deps.reconnectWindowMs);
            publications.push([topics.callEvents(call.id), participantEvent('PARTICIPANT_DISCONNECTED', call, p.user.id, now)]);
            await this.deps.audit.record(em, { actor: null, action: 'participant.disconnect', targetType: 'user', targetId: p.user.id, callId: call.id, outcome: 'SUCCESS' });
          } else if (p.connection === ConnectionState.DISCONNECTED && p.reconnectDeadlineAt && p.reconnectDeadlineAt <= now) {
            p.connection = ConnectionState.LOST;
            p.status = ParticipantStatus.LEFT;
            p.leftAt = p.disconnectedAt;
            publications.push([topics.callEvents(call.id), participantEvent('PARTICIPANT_LOST', call, p.user.id, now)]);
            await this.deps.audit.record(em, { actor: null, action: 'participant.lost', targetType: 'user', targetId: p.user.id, callId: call.id, outcome: 'SUCCESS' });
          }
        }
        // A call with fewer than two people left in it is over: in a 1:1 call, the peer was lost.
        const remaining = own.filter((p) => p.status === ParticipantStatus.JOINED);
        if (remaining.length < 2 && own.some((p) => p.connection === ConnectionState.LOST)) {
          const previous = call.status;
          call.status = transition(call.status, CallAction.END);
          call.endedAt = now;
          call.endReason = CallEndReason.PEER_LOST;
          if (call.answeredAt) call.durationMs = now.getTime() - call.answeredAt.getTime();
          call.updatedAt = now;
          closeParticipants(own, now);
          publications.push([topics.callEvents(call.id), statusChanged(call, previous, null)]);
          await this.deps.audit.record(em, { actor: null, action: 'call.end', targetType: 'call', targetId: call.id, callId: call.id, outcome: 'SUCCESS', details: { from: previous, to: CallStatus.ENDED, reason: CallEndReason.PEER_LOST } });
        }
      }
      await em.flush();
      return calls.length;
    });
    await this.deps.changer.publish(publications);
    return claimed;
  }

  /** The sweep as a job of the timers' round: its probe is {@link SWEEP_DUE} read without a lock. */
  readonly sweepJob: DueJob = {
    name: 'presence',
    probe: () => ({ sql: `SELECT 1 ${SWEEP_DUE}`, params: this.sweepWindow().params }),
    run: () => this.sweep(),
  };

  /** The instants a sweep compares with, and {@link SWEEP_DUE}'s parameters. */
  private sweepWindow() {
    const now = new Date();
    const graceCutoff = new Date(now.getTime() - this.deps.graceMs);
    return { now, graceCutoff, params: [graceCutoff, now, now] };
  }
}

/**
 * Active calls with a participant whose session closed before the grace cutoff or whose lease
 * ran out (both CONNECTED), or whose reconnect window passed (DISCONNECTED). Parameters: the
 * grace cutoff, now, now.
 */
const SWEEP_DUE = `FROM calls c
          WHERE c.status = 'ACTIVE' AND c.id IN (
            SELECT call_id FROM call_participants
             WHERE (connection = 'CONNECTED' AND (session_closed_at <= ? OR lease_until < ?))
                OR (connection = 'DISCONNECTED' AND reconnect_deadline_at <= ?))`;
