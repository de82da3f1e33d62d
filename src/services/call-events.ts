import type { Call } from '../entities/call.entity.js';
import type { CallStatus, CallType, Role } from '../entities/enums.js';

export type CallEventKind =
  | 'CURRENT_STATUS' | 'STATUS_CHANGED' | 'PARTICIPANT_DECLINED' | 'PARTICIPANT_JOINED' | 'PARTICIPANT_LEFT'
  | 'PARTICIPANT_DISCONNECTED' | 'PARTICIPANT_RECONNECTED' | 'PARTICIPANT_LOST' | 'PARTICIPANT_MEDIA_CHANGED'
  | 'RECORDING_CONSENT_CHANGED' | 'RECORDING_STARTED' | 'RECORDING_STOPPED';

/** What `callEvents` subscribers receive, published on `topics.callEvents(callId)`. */
export interface CallEventPayload {
  kind: CallEventKind;
  callId: string;
  status: CallStatus;
  previousStatus: CallStatus | null;
  /** The user whose action caused it; null for the service's own timers. */
  actorId: string | null;
  /** End reason or failure code, when the event ends the call. */
  reason: string | null;
  /** ISO-8601 time of the change. */
  at: string;
  /** The participant (user id) a PARTICIPANT_* event is about. */
  participantId?: string | null;
  /** Their media state, on PARTICIPANT_MEDIA_CHANGED and PARTICIPANT_JOINED. */
  media?: { audio: boolean; video: boolean; screen: boolean } | null;
  /** The recording a RECORDING_STARTED or RECORDING_STOPPED event is about. */
  recordingId?: string | null;
  /** The participant's consent, on RECORDING_CONSENT_CHANGED. */
  recordingConsent?: boolean | null;
}

/**
 * Published on `topics.callEvents(callId)` beside the events, for the instances only: a
 * participant's device was bound to the call without a call event (by opening `signals` on a call
 * answered with no device). Every instance watching the call reads its view again; `callEvents`
 * subscribers never see it.
 */
export interface DeviceBoundNotice {
  kind: 'DEVICE_BOUND';
  callId: string;
}

export const deviceBound = (callId: string): DeviceBoundNotice => ({ kind: 'DEVICE_BOUND', callId });

/** Whether a payload of a call's topic is a {@link DeviceBoundNotice}, not an event for subscribers. */
export const isInstanceNotice = (payload: CallEventPayload | DeviceBoundNotice): payload is DeviceBoundNotice => payload.kind === 'DEVICE_BOUND';

/** What a device hears about a call ringing for its user: it starts, or it stops and why. */
export type IncomingCallEvent =
  | 'RINGING' | 'ANSWERED_ELSEWHERE' | 'DECLINED_ELSEWHERE' | 'STARTED' | 'CANCELLED' | 'MISSED' | 'FAILED';

/** What `incomingCall` subscribers receive, published on `topics.incomingCall(userId)`. */
export interface IncomingCallPayload {
  event: IncomingCallEvent;
  /** The device that answered or declined, for *_ELSEWHERE: that device itself is not told. */
  deviceId: string | null;
  callId: string;
  type: CallType;
  callerId: string;
  callerName: string | null;
  callerRole: Role | null;
  appointmentId: string | null;
  ringStartedAt: string;
  ringDeadlineAt: string;
}

/** A PARTICIPANT_* event about `participantId`. */
export function participantEvent(
  kind: CallEventKind, call: Call, participantId: string, at: Date,
  media: CallEventPayload['media'] = null,
): CallEventPayload {
  return { kind, callId: call.id, status: call.status, previousStatus: null, actorId: participantId, reason: null, at: at.toISOString(), participantId, media };
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

/** A RECORDING_* event. `reason` carries the stop reason on RECORDING_STOPPED. */
export function recordingEvent(
  kind: 'RECORDING_STARTED' | 'RECORDING_STOPPED',
  call: { id: string; status: CallStatus },
  recordingId: string,
  actorId: string | null,
  at: Date,
  reason: string | null = null,
): CallEventPayload {
  return { kind, callId: call.id, status: call.status, previousStatus: null, actorId, reason, at: at.toISOString(), recordingId };
}
