import { bindableDeviceId, type Context } from '../context.js';
import type { CallParticipant } from '../entities/call-participant.entity.js';
import type { Call } from '../entities/call.entity.js';
import { CallEndReason, CallStatus, ParticipantRole, ParticipantStatus } from '../entities/enums.js';
import { conflict } from '../errors.js';
import { topics } from '../pubsub/pubsub.js';
import { leavePresence, closeParticipants, type CallChanger, type Publication } from './call-change.js';
import { participantEvent } from './call-events.js';
import { CallAction, transition } from './call-state-machine.js';

/**
 * Whether `me` is the polite peer toward `other`: the one named later is (the caller, named
 * first, never is). Positions are distinct within a call, so exactly one of a pair is polite.
 */
export function politeToward(me: CallParticipant, other: CallParticipant): boolean {
  if (me.position !== other.position) return me.position > other.position;
  if (me.role !== other.role) return me.role === ParticipantRole.INVITEE;
  return me.user.id > other.user.id;
}

export interface JoinResult {
  call: Call;
  /** In a 1:1 call: whether you are the polite peer. With several peers: polite toward all of them. */
  polite: boolean;
  peers: { participantId: string; polite: boolean }[];
}

export interface MediaStateInput {
  callId: string;
  audio: boolean;
  video: boolean;
  screen: boolean;
}

/** Joining, leaving and media state: the room side of a call (docs/SIGNALING.md section 6). */
export class RoomService {
  constructor(private readonly changer: CallChanger) {}

  /**
   * Enters the media session of an ACTIVE call from this device, binding the call to it. An
   * invitee who has not answered a group call joins it late; one who left comes back.
   */
  async join(ctx: Context, callId: string): Promise<JoinResult> {
    let result: Omit<JoinResult, 'call'> = { polite: false, peers: [] };
    const call = await this.changer.run(ctx, callId, 'call.join', async ({ em, call, me, participants, now, deviceId }) => {
      if (call.status !== CallStatus.ACTIVE) {
        throw conflict(`only an ACTIVE call can be joined; this one is ${call.status}`, { currentStatus: call.status });
      }
      // Nobody is recorded without consent: someone who was not asked at the start (they had
      // declined) must consent before joining a call that is being recorded.
      if (me.status !== ParticipantStatus.JOINED && me.recordingConsent !== true) {
        const [running] = await em.execute<{ id: string }[]>(`SELECT id FROM recordings WHERE call_id = ? AND status = 'RECORDING'`, [call.id]);
        if (running) {
          throw conflict('this call is being recorded: give your consent (setRecordingConsent) before joining', { reason: 'CONSENT_REQUIRED', recordingId: running.id });
        }
      }
      bindDevice(me, deviceId);
      if (me.status !== ParticipantStatus.JOINED) {
        // A fresh start for quality warnings: whatever was degraded before they left is history.
        await em.execute(`DELETE FROM participant_quality WHERE call_id = ? AND user_id = ?`, [call.id, me.user.id]);
        me.status = ParticipantStatus.JOINED;
        me.joinedAt ??= now;
        me.leftAt = null;
      }
      const peers = participants.filter((p) => p !== me).map((p) => ({ participantId: p.user.id, polite: politeToward(me, p) }));
      result = { polite: peers.length > 0 && peers.every((p) => p.polite), peers };
      return [[topics.callEvents(call.id), participantEvent('PARTICIPANT_JOINED', call, me.user.id, now, media(me))]];
    });
    return { call, ...result };
  }

  /** Leaves on purpose: LEFT at once; the call ends when fewer than two remain in it. */
  async leave(ctx: Context, callId: string): Promise<Call> {
    return this.changer.run(ctx, callId, 'call.leave', async ({ call, me, participants, now, viewer }) => {
      if (call.status !== CallStatus.ACTIVE) {
        throw conflict(`only an ACTIVE call can be left (cancel or decline a ringing one); this one is ${call.status}`, { currentStatus: call.status });
      }
      if (me.status !== ParticipantStatus.JOINED) throw conflict('you are not in this call');
      const next = transition(call.status, CallAction.END);
      me.status = ParticipantStatus.LEFT;
      me.leftAt = now;
      leavePresence(me);
      const publications: Publication[] = [[topics.callEvents(call.id), participantEvent('PARTICIPANT_LEFT', call, viewer.id, now)]];
      if (participants.filter((p) => p.status === ParticipantStatus.JOINED).length < 2) {
        call.status = next;
        call.endedAt = now;
        call.endReason = CallEndReason.HANGUP;
        call.endedBy = viewer.id;
        if (call.answeredAt) call.durationMs = now.getTime() - call.answeredAt.getTime();
        closeParticipants(participants, now);
      }
      return publications;
    });
  }

  /** Records what the participant sends (microphone, camera, screen) and tells the others. */
  async updateMediaState(ctx: Context, input: MediaStateInput): Promise<Call> {
    return this.changer.run(ctx, input.callId, 'call.media', async ({ call, me, now, deviceId }) => {
      if (call.status !== CallStatus.ACTIVE || me.status !== ParticipantStatus.JOINED) {
        throw conflict(`media state can change only while you are in an ACTIVE call; this one is ${call.status}`, { currentStatus: call.status });
      }
      bindDevice(me, deviceId);
      me.audio = input.audio;
      me.video = input.video;
      me.screen = input.screen;
      return [[topics.callEvents(call.id), participantEvent('PARTICIPANT_MEDIA_CHANGED', call, me.user.id, now, media(me))]];
    });
  }
}

/** The refusal of a call's media or signals to a device other than the one the call is bound to. */
export const answeredElsewhere = () => conflict('this call is taken on another of your devices', { reason: 'ANSWERED_ELSEWHERE' });

const media = (p: CallParticipant) => ({ audio: p.audio, video: p.video, screen: p.screen });

/**
 * Binds the call to the participant's device on first use (a socket that named no device binds
 * nothing: {@link bindableDeviceId}); any other device of theirs is refused.
 */
export function bindDevice(me: CallParticipant, deviceId: string | null): void {
  if (!me.deviceId) {
    me.deviceId = bindableDeviceId(deviceId);
  } else if (deviceId !== me.deviceId) {
    throw answeredElsewhere();
  }
}
