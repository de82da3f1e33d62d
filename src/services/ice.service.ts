import { createHmac } from 'node:crypto';
import type { Viewer } from '../auth/viewer.js';
import type { Config } from '../config.js';
import { requireViewer, type Context } from '../context.js';
import { CallStatus, ParticipantStatus, Role } from '../entities/enums.js';
import { conflict, notFound } from '../errors.js';
import { Call } from '../entities/call.entity.js';
import { uuid } from './validation.js';

export interface IceServer {
  urls: string[];
  username: string | null;
  credential: string | null;
}

export interface IceConfiguration {
  iceServers: IceServer[];
  /** RELAY when this participant must use TURN only, so their own addresses are never offered. */
  iceTransportPolicy: 'ALL' | 'RELAY';
  /** When the TURN credentials stop working; null without TURN. */
  expiresAt: Date | null;
}

/**
 * TURN credentials in coturn's REST scheme (`use-auth-secret`): username `<unix expiry>:<user>`,
 * password base64(HMAC-SHA1(secret, username)).
 */
export function turnCredentials(secret: string, user: string, expiresAtSeconds: number) {
  const username = `${expiresAtSeconds}:${user}`;
  return { username, credential: createHmac('sha1', secret).update(username).digest('base64') };
}

/** Hands participants of live calls the ICE servers to use (docs/SIGNALING.md section 7). */
export class IceService {
  constructor(private readonly ice: Config['ice']) {}

  async forCall(ctx: Context, rawCallId: string): Promise<IceConfiguration> {
    const viewer = requireViewer(ctx);
    const callId = uuid(rawCallId, 'callId');
    const call = await ctx.em.findOne(Call, callId);
    const participants = call ? await ctx.loaders.participantsByCall.load(callId) : [];
    const me = participants.find((p) => p.user.id === viewer.id);
    if (!call || !me) throw notFound('call');
    if (call.status !== CallStatus.RINGING && call.status !== CallStatus.ACTIVE) {
      throw conflict(`ICE servers are handed out only for RINGING or ACTIVE calls; this one is ${call.status}`, { currentStatus: call.status });
    }
    // Only someone who is, or may still be, in the call gets credentials: not who declined or left.
    if (me.status !== ParticipantStatus.INVITED && me.status !== ParticipantStatus.JOINED) {
      throw conflict(`ICE servers are handed out only to participants in the call; you are ${me.status}`);
    }
    const servers: IceServer[] = [];
    if (this.ice.stunUrls.length) servers.push({ urls: this.ice.stunUrls, username: null, credential: null });
    let expiresAt: Date | null = null;
    if (this.ice.turnSecret && this.ice.turnUrls.length > 0) {
      const expiry = Math.floor(Date.now() / 1000) + this.ice.turnCredentialTtlSeconds;
      servers.push({ urls: this.ice.turnUrls, ...turnCredentials(this.ice.turnSecret!, viewer.id, expiry) });
      expiresAt = new Date(expiry * 1000);
    }
    return { iceServers: servers, iceTransportPolicy: this.relayOnly(viewer) ? 'RELAY' : 'ALL', expiresAt };
  }

  /** Whether this user must use TURN only, so their own addresses never reach the other side. */
  relayOnly(viewer: Viewer): boolean {
    const turn = Boolean(this.ice.turnSecret) && this.ice.turnUrls.length > 0;
    return turn && (this.ice.forceRelay === 'all' || (this.ice.forceRelay === 'patients' && viewer.role === Role.PATIENT));
  }
}
