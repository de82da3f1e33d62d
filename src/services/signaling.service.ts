import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { bindableDeviceId, requireViewer, type Context } from '../context.js';
import { CallStatus, ParticipantStatus } from '../entities/enums.js';
import { badInput, conflict, describe, notFound, type AppError } from '../errors.js';
import { topics, type PubSub, type Sink } from '../pubsub/pubsub.js';
import { pullFrom } from '../pubsub/subscriber-queue.js';
import type { Logger } from '../logger.js';
import type { SignalEnvelope, SignalKind } from '../signaling/signal.js';
import { MAX_QUEUED_SIGNALS, type SignalRelay } from '../signaling/signal-relay.js';
import type { MaybePromise } from '../signaling/signal-log.js';
import type { Viewer } from '../auth/viewer.js';
import { payloadToRelay } from '../signaling/relay-privacy.js';
import type { AuditService } from './audit.service.js';
import type { PresenceService } from './presence.service.js';
import type { RateLimiter } from './rate-limiter.js';
import { answeredElsewhere } from './room.service.js';
import { deviceBound } from './call-events.js';
import { userId, uuid } from './validation.js';

export interface SendSignalInput {
  callId: string;
  toParticipantId?: string | null;
  kind: SignalKind;
  payload: string;
}

/**
 * Where a `signals` stream resumes: after `afterSeq` of the numbering `epoch`, the two as the
 * last signal processed carried them (`epoch` absent when the client has none).
 */
export interface ResumePoint {
  afterSeq: number;
  epoch?: string | null;
}

/** An epoch as the server writes it: a whole number of ms, in digits with no leading zero. */
const EPOCH_FORM = /^[1-9][0-9]{0,15}$/;

/** The epoch of a resume point as a number, or null when the client gave none; a coded error when it is not one the server gives. */
function epochOf(raw: string | null | undefined): number | null {
  if (raw === null || raw === undefined) return null;
  const epoch = EPOCH_FORM.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(epoch)) throw badInput('epoch must be the epoch of a signal delivered to you in this call, as delivered (digits), or left out', 'epoch');
  return epoch;
}

/** What the hot path needs to know about a call, cached briefly so a candidate costs no query. */
interface Membership {
  /**
   * The call's id as loaded: the one string every later lookup and envelope of a signal uses, so
   * each signal hashes the id its client sent once, not once per table it is looked up in.
   */
  callId: string;
  status: CallStatus;
  participants: Map<string, { status: ParticipantStatus; deviceId: string | null }>;
  loadedAt: number;
  /** The subscription that drops this view when the call changes (set once cached). */
  watch?: Watch;
}

/**
 * How long a membership view is trusted without news of the call. Views are dropped at once by
 * the call's own events (every change to a call publishes one, on every instance), so this only
 * bounds how long a lost event could leave a view wrong.
 */
const MEMBERSHIP_TTL_MS = 10_000;
/** How long a view past its TTL may still answer while it is refreshed in the background. */
const MEMBERSHIP_STALE_MS = 12_000;
/** A call nobody signalled in for this long stops being watched (its view is dropped). */
const WATCH_IDLE_MS = 60_000;

/** The refusal of `signals` to a participant who has not answered or joined. */
const notJoinedYet = () => conflict('answer or join the call before opening its signals');

/** A `signals` stream opened on a call bound to no device, by a socket that named none. */
interface UnboundStream {
  userId: string;
  deviceId: string | null;
  /** Ends it as ANSWERED_ELSEWHERE. */
  end(): void;
}

/** The subscription to one call's events that keeps its cached view honest. */
interface Watch {
  live: Promise<AsyncIterableIterator<object>>;
  usedAt: number;
}

/**
 * The GraphQL-facing side of signaling: who may send what to whom and when (docs/SIGNALING.md
 * section 4), over the relay core. Sending costs no database write and, while the call's view is
 * cached, no read either: the view is loaded once and dropped whenever the call changes, here or
 * on another instance (its `callEvents` topic), so nobody polls the database per call.
 */
export class SignalingService {
  private readonly memberships = new Map<string, Membership>();
  private readonly refreshing = new Map<string, Promise<Membership | null>>();
  private readonly watches = new Map<string, Watch>();
  /** Streams of calls bound to no device, by call: {@link endStreamsBoundElsewhere} ends them once another device binds the call. */
  private readonly unbound = new Map<string, Set<UnboundStream>>();
  /**
   * The views of calls from the database. Loads asked for in one turn of the event loop share one
   * statement: calls set up together go stale together, and their refreshes would otherwise each
   * take a pooled connection at once (50 calls, 50 statements and up to a pool's worth of new
   * connections every TTL; bench/README.md). Not a cache: `memberships` is.
   */
  private readonly views = new DataLoader<string, Membership | null>((ids) => this.loadAll(ids), {
    cache: false,
    batchScheduleFn: (run) => setImmediate(run),
  });
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly deps: {
      em: () => EntityManager;
      pubsub: PubSub;
      relay: SignalRelay;
      presence: PresenceService;
      audit: AuditService;
      limiter: RateLimiter;
      logger: Logger;
      /** Whether a user must use TURN only: their candidates are then kept to relay ones, related addresses blanked. */
      relayOnly: (viewer: Viewer) => boolean;
    },
  ) {
    this.sweeper = setInterval(() => this.sweep(), WATCH_IDLE_MS / 2).unref();
  }

  /** Drops the cached view of a call (its status or participants changed). */
  forget(callId: string): void {
    this.memberships.delete(callId);
    this.refreshing.delete(callId);
  }

  /** Stops watching every call (the process is shutting down). */
  async close(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all([...this.watches.keys()].map((callId) => this.unwatch(callId)));
  }

  /**
   * Relays one signal to a participant's inbox: the envelope as stored, returned at once when
   * the call's view is cached and the log stored it at once (one process), else a promise of it.
   * A refusal is thrown on the first path and rejected on the other.
   */
  send(ctx: Context, input: SendSignalInput): MaybePromise<SignalEnvelope> {
    const viewer = requireViewer(ctx);
    // A call with a cached view has an id already checked (and lower-cased) when it was loaded.
    const cached = this.fresh(input.callId);
    return cached ? this.relayIn(ctx, viewer, cached, input) : this.sendLoading(ctx, viewer, input);
  }

  /** {@link send} for a call whose view must be loaded first. */
  private async sendLoading(ctx: Context, viewer: Viewer, input: SendSignalInput): Promise<SignalEnvelope> {
    const members = await this.membership(uuid(input.callId, 'callId'));
    return await this.relayIn(ctx, viewer, members, input);
  }

  /** Checks the signal against the call's view and relays it; throws a refusal. */
  private relayIn(ctx: Context, viewer: Viewer, members: Membership | null, input: SendSignalInput): MaybePromise<SignalEnvelope> {
    const me = members?.participants.get(viewer.id);
    if (!members || !me) throw notFound('call');
    if (members.status !== CallStatus.ACTIVE) {
      throw conflict(`signals flow only while the call is ACTIVE; it is ${members.status}`, { currentStatus: members.status });
    }
    if (me.status !== ParticipantStatus.JOINED) throw conflict('join the call before sending signals');
    if (me.deviceId && me.deviceId !== ctx.deviceId) throw answeredElsewhere();
    const to = this.recipient(members, viewer.id, input.toParticipantId);
    this.deps.limiter.take(viewer.id);
    const checked = payloadToRelay(input.kind, input.payload, this.deps.relayOnly(viewer));
    if ('problem' in checked) throw badInput(checked.problem, 'payload');
    return this.deps.relay.send({ callId: members.callId, from: viewer.id, to, kind: input.kind, payload: checked.payload });
  }

  /**
   * The viewer's inbox for a call after `from`, pushed to `sink` as long as the session lasts.
   * Opening it makes the participant CONNECTED (their presence); stopping it, or the inbox ending,
   * starts the grace period. Resolves with the function that stops it; the kept signals reach the
   * sink just before that (while this is still pending), so a caller must be ready for them and
   * must stop a session it no longer wants once this resolves.
   */
  async openSession(ctx: Context, rawCallId: string, from: ResumePoint, sink: Sink<SignalEnvelope>): Promise<() => Promise<void>> {
    const viewer = requireViewer(ctx);
    const callId = uuid(rawCallId, 'callId');
    const { afterSeq } = from;
    if (!Number.isInteger(afterSeq) || afterSeq < 0) throw badInput(`afterSeq must be a whole number of at least 0, got ${afterSeq}`, 'afterSeq');
    const epoch = epochOf(from.epoch);
    this.forget(callId);
    const members = await this.membership(callId);
    const me = members?.participants.get(viewer.id);
    const refusal = !members || !me
      ? notFound('call')
      : members.status !== CallStatus.RINGING && members.status !== CallStatus.ACTIVE
        ? conflict(`signals are open only while the call is RINGING or ACTIVE; it is ${members.status}`, { currentStatus: members.status })
        : me.status !== ParticipantStatus.JOINED
          // An invitee who has not answered: which of their devices gets the call is not known yet,
          // and a stream opened now would go on after another device answered.
          ? notJoinedYet()
          : me.deviceId && me.deviceId !== ctx.deviceId
            ? answeredElsewhere()
            : null;
    // One audit row per attempt, written once its outcome is known: refused, failed (the pub/sub
    // or the database, after the checks passed), or open.
    const audit = (refused: AppError | null, failed = false) => this.deps.audit.recordNow(ctx.em, {
      actor: viewer, action: 'call.signals', targetType: 'call', targetId: callId, callId, request: ctx.request,
      outcome: failed ? 'FAILED' : refused ? 'DENIED' : 'SUCCESS', errorCode: refused?.code ?? null, details: { afterSeq, epoch },
    });
    const failedWith = async (error: unknown): Promise<never> => {
      await audit(null, true).catch((auditError: unknown) => this.deps.logger.warn('auditing a failed signals attempt failed', { error: describe(auditError) }));
      throw error;
    };
    if (refusal) {
      await audit(refusal);
      throw refusal;
    }
    const { presence, logger } = this.deps;
    let session: string | null = null;
    let closed = false;
    // Presence ends once, however the session ends: the client completes, the socket drops, or the
    // inbox ends on its own. A failure to record it is logged, never thrown: nothing awaits a
    // closing socket's cleanup, and an unhandled rejection would end the process.
    const closeSession = (id: string) => presence.close(id).catch((error: unknown) => logger.warn('closing presence failed', { error: describe(error) }));
    const leave = async () => {
      if (closed) return;
      closed = true;
      if (session) await closeSession(session);
    };
    const inbox = await this.deps.relay.openPush(callId, viewer.id, afterSeq, epoch, {
      next: (envelope) => sink.next(envelope),
      end: (error) => {
        void leave();
        sink.end(error);
      },
    }).catch(failedWith);
    let opened: Awaited<ReturnType<PresenceService['open']>>;
    try {
      opened = await presence.open(callId, viewer.id, ctx.deviceId);
    } catch (error) {
      await inbox.stop();
      return failedWith(error);
    }
    if (opened === 'NOT_JOINED' || opened === 'ELSEWHERE') {
      // The call changed since its view was read: the participant left, or another of their devices took it.
      await inbox.stop();
      const late = opened === 'ELSEWHERE' ? answeredElsewhere() : notJoinedYet();
      await audit(late);
      throw late;
    }
    session = opened;
    try {
      await audit(null);
    } catch (error) {
      await Promise.allSettled([inbox.stop(), closeSession(opened)]);
      throw error;
    }
    const stop = async () => {
      this.unregister(callId, unbound);
      await Promise.allSettled([leave(), inbox.stop()]);
    };
    /** Set while the call is bound to no device: a stream another device's binding must end. */
    let unbound: UnboundStream | undefined;
    if (!me!.deviceId) {
      if (bindableDeviceId(ctx.deviceId)) {
        // Bound to this device now, with no call event: this instance's view is read again, so
        // another device's sends are refused here at once, and this instance's streams of the
        // user on other devices end. The notice does the same on every other instance.
        this.forget(callId);
        void this.endStreamsBoundElsewhere(callId);
        this.deps.pubsub.publish(topics.callEvents(callId), deviceBound(callId)).catch((error: unknown) =>
          this.deps.logger.warn('telling the other instances of a device binding failed', { error: describe(error) }));
      } else {
        unbound = {
          userId: viewer.id,
          deviceId: ctx.deviceId,
          end: () => {
            void stop();
            sink.end(answeredElsewhere());
          },
        };
        let streams = this.unbound.get(callId);
        if (!streams) this.unbound.set(callId, (streams = new Set()));
        streams.add(unbound);
        // A binding whose event or notice came while this session was opening found no stream
        // to end: the view, read again if that event dropped it, tells.
        void this.endStreamsBoundElsewhere(callId);
      }
    }
    // The inbox ended (the pub/sub is closing) while presence opened: the session ends with it.
    if (closed && session) await closeSession(session);
    inbox.start();
    // Presence ends even if unsubscribing waits on (or fails with) the pub/sub.
    return stop;
  }

  private unregister(callId: string, stream: UnboundStream | undefined): void {
    const streams = stream && this.unbound.get(callId);
    if (!streams) return;
    streams.delete(stream);
    if (streams.size === 0) this.unbound.delete(callId);
  }

  /**
   * Ends this instance's streams of the call that were opened while it was bound to no device
   * (sockets that named none) and whose device is not the one it is bound to now: run on each of
   * the call's events (answer, join and media state bind it) and after a binding by `signals`.
   */
  private async endStreamsBoundElsewhere(callId: string): Promise<void> {
    if (!this.unbound.has(callId)) return;
    let members: Membership | null;
    try {
      members = await this.membership(callId);
    } catch (error) {
      this.deps.logger.warn('checking the device of open signal streams failed', { error: describe(error) });
      return;
    }
    for (const stream of [...(this.unbound.get(callId) ?? [])]) {
      const bound = members?.participants.get(stream.userId)?.deviceId;
      if (bound && bound !== stream.deviceId) stream.end();
    }
  }

  /** {@link openSession} as an async iterator, for GraphQL execution. */
  open(ctx: Context, callId: string, from: ResumePoint): Promise<AsyncIterableIterator<SignalEnvelope>> {
    return pullFrom<SignalEnvelope>(MAX_QUEUED_SIGNALS, (sink) => this.openSession(ctx, callId, from, sink));
  }

  private recipient(members: Membership, from: string, requested: string | null | undefined): string {
    if (requested) {
      const to = userId(requested, 'toParticipantId');
      if (to === from) throw badInput('toParticipantId must be another participant, not yourself', 'toParticipantId');
      const them = members.participants.get(to);
      if (!them) throw notFound('participant');
      if (them.status !== ParticipantStatus.JOINED) throw conflict('that participant is not in the call');
      return to;
    }
    // The other side of a 1:1 call, found without building a list (this runs for every signal).
    const count = members.participants.size;
    if (count === 2) for (const id of members.participants.keys()) if (id !== from) return id;
    throw badInput(`toParticipantId is required in a call with ${count} participant${count === 1 ? '' : 's'}`, 'toParticipantId');
  }

  /**
   * The cached view of a call. Trusted until the call's next event or for MEMBERSHIP_TTL_MS;
   * after that it is still used while a refresh runs in the background (so a signal never waits
   * on the database), up to MEMBERSHIP_STALE_MS, beyond which the caller waits for the refresh.
   */
  private async membership(callId: string): Promise<Membership | null> {
    const fresh = this.fresh(callId);
    if (fresh) return fresh;
    const watch = this.watches.get(callId);
    if (watch) watch.usedAt = Date.now();
    const current = this.memberships.get(callId);
    if (current && Date.now() - current.loadedAt <= MEMBERSHIP_STALE_MS) {
      if (!this.refreshing.has(callId)) this.refresh(callId).catch(() => undefined);
      return current;
    }
    return this.refresh(callId);
  }

  /** The cached view when it is within its TTL (the common case of a signal: no await at all), else undefined. */
  private fresh(callId: string): Membership | undefined {
    const current = this.memberships.get(callId);
    if (!current) return undefined;
    const now = Date.now();
    if (now - current.loadedAt > MEMBERSHIP_TTL_MS) return undefined;
    if (current.watch) current.watch.usedAt = now;
    return current;
  }

  private refresh(callId: string): Promise<Membership | null> {
    const pending = this.refreshing.get(callId);
    if (pending) return pending;
    // Watching starts before the read, so a change committed after the read is never missed.
    const loading: Promise<Membership | null> = this.watch(callId).then(() => this.views.load(callId)).then((m) => {
      // A view loaded before a change that forget() announced must not come back.
      if (this.refreshing.get(callId) === loading) {
        this.refreshing.delete(callId);
        if (m) {
          // Its watch outlives it: ending a watch forgets the view (see watch and unwatch).
          m.watch = this.watches.get(callId);
          this.memberships.set(callId, m);
        } else this.memberships.delete(callId);
      }
      // No such call: nothing to watch (ids made up by a client must not pile up subscriptions).
      if (!m) void this.unwatch(callId);
      return m;
    }, (error: unknown) => {
      if (this.refreshing.get(callId) === loading) this.refreshing.delete(callId);
      throw error;
    });
    this.refreshing.set(callId, loading);
    return loading;
  }

  /** Subscribes to the call's events (once per call): each one drops the cached view. */
  private async watch(callId: string): Promise<void> {
    const existing = this.watches.get(callId);
    if (existing) {
      await existing.live;
      return;
    }
    const watch: Watch = { live: this.deps.pubsub.subscribe<object>(topics.callEvents(callId)), usedAt: Date.now() };
    this.watches.set(callId, watch);
    let events: AsyncIterableIterator<object>;
    try {
      events = await watch.live;
    } catch (error) {
      if (this.watches.get(callId) === watch) this.watches.delete(callId);
      throw error;
    }
    void (async () => {
      try {
        for await (const _ of events) {
          this.forget(callId);
          void this.endStreamsBoundElsewhere(callId);
        }
      } catch (error) {
        this.deps.logger.warn('watching a call for signaling failed', { error: describe(error) });
      }
      // The subscription ended (unwatched, or the pub/sub gave up on it): the view cannot be trusted.
      if (this.watches.get(callId) === watch) this.watches.delete(callId);
      this.forget(callId);
    })();
  }

  private async unwatch(callId: string): Promise<void> {
    const watch = this.watches.get(callId);
    this.watches.delete(callId);
    this.forget(callId);
    const events = await watch?.live.catch(() => undefined);
    await events?.return?.();
  }

  /** Stops watching calls nobody signalled in for WATCH_IDLE_MS. */
  private sweep(): void {
    const idleSince = Date.now() - WATCH_IDLE_MS;
    for (const [callId, watch] of this.watches) {
      if (watch.usedAt < idleSince) void this.unwatch(callId);
    }
  }

  private async loadAll(ids: readonly string[]): Promise<(Membership | null)[]> {
    const rows = await this.deps.em().execute<{ id: string; status: CallStatus; user_id: string; participant_status: ParticipantStatus; device_id: string | null }[]>(
      `SELECT c.id, c.status, p.user_id, p.status AS participant_status, p.device_id
         FROM calls c JOIN call_participants p ON p.call_id = c.id WHERE c.id IN (?)`,
      [[...ids]],
    );
    const loadedAt = Date.now();
    const views = new Map<string, Membership>();
    for (const r of rows) {
      let view = views.get(r.id);
      if (!view) views.set(r.id, (view = { callId: r.id, status: r.status, participants: new Map(), loadedAt }));
      view.participants.set(r.user_id, { status: r.participant_status, deviceId: r.device_id });
    }
    return ids.map((id) => views.get(id) ?? null);
  }
}
