import type { Client } from 'graphql-ws';
import { RTCIceCandidate, RTCPeerConnection, type RTCDataChannel } from 'werift';
import {
  IceServersDocument, JoinCallDocument, SendSignalDocument, SignalsDocument, type SignalsSubscription,
} from '../generated/graphql.js';
import { request, subscribe, withDeadline } from './client.js';

type Signal = SignalsSubscription['signals'];
type HeldCandidate = ['ICE_CANDIDATE' | 'END_OF_CANDIDATES', string];

export interface PeerOptions {
  /** Use `iceServers(callId)` from the API (TURN credentials, relay policy) instead of host candidates only. */
  useApiIceServers?: boolean;
}

/**
 * A real WebRTC peer (werift) that negotiates only through the API: joins the call, learns
 * whether it is polite, listens to its `signals` inbox, and sends its offer, answer and
 * candidates with `sendSignal` over its graphql-ws socket. The impolite side opens the data
 * channel, so it makes the offer. Every signal it receives is recorded, to check order and
 * duplicates after a reconnect.
 */
export class TestPeer {
  pc!: RTCPeerConnection;
  polite = false;
  readonly received: Signal[] = [];
  lastSeq = 0;
  /** The epoch of the last signal handled, handed back with lastSeq on resume. */
  lastEpoch: string | null = null;
  channel?: RTCDataChannel;
  readonly messages: string[] = [];
  private inbox?: ReturnType<typeof subscribe<unknown, unknown>>;
  private pendingCandidates: RTCIceCandidate[] = [];
  private heldCandidates: HeldCandidate[] = [];
  private descriptionSent = false;
  private listening = false;
  /** Called after each signal is handled; a test can drop the socket from here. */
  afterSignal?: (signal: Signal) => void | Promise<void>;

  constructor(
    public client: Client,
    readonly userId: string,
    readonly callId: string,
    private readonly options: PeerOptions = {},
  ) {}

  /** Joins the call, builds the peer connection and starts listening. */
  async join(): Promise<boolean> {
    const joined = await request(this.client, JoinCallDocument, { callId: this.callId });
    if (joined.errors) throw new Error(`joinCall failed: ${JSON.stringify(joined.errors)}`);
    this.polite = joined.data!.joinCall.polite;
    let config: ConstructorParameters<typeof RTCPeerConnection>[0] = {};
    if (this.options.useApiIceServers) {
      const ice = await request(this.client, IceServersDocument, { callId: this.callId });
      if (ice.errors) throw new Error(`iceServers failed: ${JSON.stringify(ice.errors)}`);
      config = {
        iceServers: ice.data!.iceServers.iceServers.map((s) => ({ urls: s.urls, username: s.username ?? undefined, credential: s.credential ?? undefined })),
        iceTransportPolicy: ice.data!.iceServers.iceTransportPolicy === 'RELAY' ? 'relay' : 'all',
      };
    }
    this.pc = new RTCPeerConnection(config);
    // werift gathers while setLocalDescription runs, before the description can be sent; hold
    // candidates until it is, as a browser's own event order would.
    this.pc.onIceCandidate.subscribe((candidate) => {
      const signal: HeldCandidate = candidate ? ['ICE_CANDIDATE', JSON.stringify(candidate.toJSON())] : ['END_OF_CANDIDATES', ''];
      if (this.descriptionSent) void this.send(...signal);
      else this.heldCandidates.push(signal);
    });
    this.pc.onDataChannel.subscribe((channel) => this.adopt(channel));
    this.listen();
    return this.polite;
  }

  /** The impolite side opens the data channel, which makes it offer. */
  async start(): Promise<void> {
    this.adopt(this.pc.createDataChannel('chat'));
    await this.pc.setLocalDescription(await this.pc.createOffer());
    await this.sendDescription('OFFER');
  }

  private async sendDescription(kind: 'OFFER' | 'ANSWER'): Promise<void> {
    await this.send(kind, this.pc.localDescription!.sdp);
    this.descriptionSent = true;
    for (const signal of this.heldCandidates.splice(0)) await this.send(...signal);
  }

  /** (Re)subscribes to the inbox after the last seq handled (and in its epoch), on the current socket. */
  listen(): void {
    this.inbox = subscribe(this.client, SignalsDocument, { callId: this.callId, afterSeq: this.lastSeq, epoch: this.lastEpoch }) as never;
    if (this.listening) return;
    this.listening = true;
    void this.pump();
  }

  /**
   * Drops the socket as a network failure would: whatever it delivered but this peer has not
   * handled yet is lost with it, and `lastSeq` stays at the last signal handled.
   */
  async drop(): Promise<void> {
    this.inbox = undefined;
    await this.client.dispose();
  }

  /** Swaps in a new socket (after a drop) and resumes the inbox after the last seq handled. */
  resume(client: Client): void {
    this.client = client;
    this.listen();
  }

  async connected(timeoutMs = 15_000): Promise<void> {
    if (this.pc.connectionState === 'connected') return;
    await withDeadline(new Promise<void>((resolve, reject) => {
      this.pc.connectionStateChange.subscribe((state) => {
        if (state === 'connected') resolve();
        if (state === 'failed') reject(new Error(`${this.userId}: connection failed`));
      });
    }), timeoutMs, `${this.userId} to connect`);
  }

  async channelOpen(timeoutMs = 10_000): Promise<RTCDataChannel> {
    await withDeadline((async () => {
      while (!this.channel) await new Promise((r) => setTimeout(r, 10));
      if (this.channel.readyState !== 'open') await new Promise<void>((r) => this.channel!.stateChanged.subscribe((s) => s === 'open' && r()));
    })(), timeoutMs, `${this.userId}'s data channel`);
    return this.channel!;
  }

  async nextMessage(timeoutMs = 5_000): Promise<string> {
    await withDeadline((async () => {
      while (this.messages.length === 0) await new Promise((r) => setTimeout(r, 10));
    })(), timeoutMs, `a data channel message for ${this.userId}`);
    return this.messages.shift()!;
  }

  async close(): Promise<void> {
    this.listening = false;
    this.inbox?.dispose();
    await this.pc?.close();
  }

  private adopt(channel: RTCDataChannel): void {
    this.channel = channel;
    channel.onMessage.subscribe((data) => this.messages.push(data.toString()));
  }

  private async send(kind: 'OFFER' | 'ANSWER' | 'ICE_CANDIDATE' | 'END_OF_CANDIDATES', payload: string): Promise<void> {
    const result = await request(this.client, SendSignalDocument, { input: { callId: this.callId, kind, payload } }).catch((e) => ({ errors: [e] }));
    if (result.errors) throw new Error(`${this.userId}: sendSignal ${kind} failed: ${JSON.stringify(result.errors)}`);
  }

  private async pump(): Promise<void> {
    while (this.listening) {
      const inbox = this.inbox;
      if (!inbox) {
        await new Promise((r) => setTimeout(r, 10));
        continue;
      }
      let result;
      try {
        result = await inbox.next(60_000);
      } catch {
        continue;
      }
      if (inbox !== this.inbox) continue;
      if (result.errors) {
        // The socket dropped: wait for the test to resume on a new one.
        while (this.listening && this.inbox === inbox) await new Promise((r) => setTimeout(r, 10));
        continue;
      }
      const signal = (result.data as SignalsSubscription).signals;
      this.received.push(signal);
      this.lastSeq = signal.seq;
      this.lastEpoch = signal.epoch;
      await this.handle(signal);
      await this.afterSignal?.(signal);
    }
  }

  private async handle(signal: Signal): Promise<void> {
    switch (signal.kind) {
      case 'OFFER':
        await this.pc.setRemoteDescription({ type: 'offer', sdp: signal.payload });
        await this.flushCandidates();
        await this.pc.setLocalDescription(await this.pc.createAnswer());
        await this.sendDescription('ANSWER');
        break;
      case 'ANSWER':
        await this.pc.setRemoteDescription({ type: 'answer', sdp: signal.payload });
        await this.flushCandidates();
        break;
      case 'ICE_CANDIDATE': {
        const candidate = new RTCIceCandidate(JSON.parse(signal.payload));
        if (this.pc.remoteDescription) await this.pc.addIceCandidate(candidate);
        else this.pendingCandidates.push(candidate);
        break;
      }
      default:
        break;
    }
  }

  private async flushCandidates(): Promise<void> {
    for (const candidate of this.pendingCandidates.splice(0)) await this.pc.addIceCandidate(candidate);
  }
}
