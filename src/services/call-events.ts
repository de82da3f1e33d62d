import type { Call } from '../entities/call.entity.js';
import type { CallStatus, CallType, Role } from '../entities/enums.js';

/** What `callEvents` subscribers receive, published on `topics.callEvents(callId)`. */
export interface CallEventPayload {
  kind: 'CURRENT_STATUS' | 'STATUS_CHANGED' | 'PARTICIPANT_DECLINED';
  callId: string;
  status: CallStatus;
  previousStatus: CallStatus | null;
  /** The user whose action caused it; null for the service's own timers. */
  actorId: string | null;
  /** End reason or failure code, when the event ends the call. */
  reason: string | null;
  /** ISO-8601 time of the change. */
  at: string;
}

/** What `incomingCall` subscribers receive, published on `topics.incomingCall(userId)`. */
export interface IncomingCallPayload {
  callId: string;
  type: CallType;
  callerId: string;
  callerName: string | null;
  callerRole: Role | null;
  appointmentId: string | null;
  ringStartedAt: string;
  ringDeadlineAt: string;
}

export function statusChanged(call: Call, previousStatus: CallStatus, actorId: string | null): CallEventPayload {
  return {
    kind: 'STATUS_CHANGED',
    callId: call.id,
    status: call.status,
    previousStatus,
    actorId,
    reason: call.failureCode ?? call.endReason ?? null,
    at: (call.updatedAt ?? new Date()).toISOString(),
  };
}
