import type { EntityManager } from '@mikro-orm/postgresql';
import { CallParticipant } from '../entities/call-participant.entity.js';
import { Call } from '../entities/call.entity.js';
import { CallEndReason, CallStatus, ParticipantRole, ParticipantStatus } from '../entities/enums.js';
import { describe } from '../errors.js';
import type { Logger } from '../logger.js';
import { topics, type PubSub } from '../pubsub/pubsub.js';
import type { AuditService } from './audit.service.js';
import { statusChanged } from './call-events.js';
import { CallAction, transition } from './call-state-machine.js';
import { closeParticipants } from './call-change.js';
import { callerOf, incoming, stopRinging } from './call.service.js';
import { dueOf, type DueJob } from './when-due.js';

export interface CallTimersDeps {
  em: () => EntityManager;
  pubsub: PubSub;
  audit: AuditService;
  logger: Logger;
  ringTimeoutMs: number;
  pollIntervalMs: number;
  /** More jobs to run in each round, after ringing and missing calls (presence, recordings, quality, statistics). */
  jobs?: DueJob[];
}

/** How many due calls one claim takes; the rest wait for the next round. */
const BATCH = 100;

/**
 * The database-driven timers: scheduled calls start ringing at their time, and ringing calls that
 * nobody answered become MISSED at their deadline. Due rows are claimed with
 * `FOR UPDATE SKIP LOCKED`, so with several instances each call is handled exactly once, and a
 * restart loses nothing: the deadline is in the row, not in a `setTimeout`.
 */
export class CallTimers {
  private poll?: NodeJS.Timeout;
  private readonly wakeups = new Set<NodeJS.Timeout>();
  private running: Promise<void> | null = null;
  /** Another round was asked for while one ran; `againAll`: one that probes every job. */
  private again = false;
  private againAll = false;
  private stopped = false;
  /** When each job with an `everyMs` was last probed (Date.now()). */
  private readonly probedAt = new Map<DueJob, number>();

  constructor(private readonly deps: CallTimersDeps) {}

  start(): void {
    this.poll = setInterval(() => void this.round(false), this.deps.pollIntervalMs);
    void this.round(false);
  }

  /** Looks again shortly after `at`, sooner than the next poll would. */
  wakeAt(at: Date): void {
    if (this.stopped) return;
    const delay = Math.max(0, at.getTime() - Date.now()) + 5;
    if (delay > this.deps.pollIntervalMs) return;
    const timer = setTimeout(() => {
      this.wakeups.delete(timer);
      void this.round(false);
    }, delay);
    this.wakeups.add(timer);
  }

  /**
   * Runs one round now (or right after the one in progress) that probes every job, those with an
   * `everyMs` included; resolves when it is done.
   */
  tick(): Promise<void> {
    return this.round(true);
  }

  /**
   * One round (or one right after the one in progress). The poll and the wake-ups leave out the
   * jobs whose `everyMs` has not passed since they were last probed; `all` probes every job.
   */
  private round(all: boolean): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      this.againAll ||= all;
      return this.running;
    }
    // Cleared inside, in the same run as the last check for `again`, so a round asked for after
    // that check always starts a new one. There is always an await first (stopped was checked).
    this.running = (async () => {
      try {
        let everyJob = all;
        do {
          this.again = false;
          this.againAll = false;
          try {
            // Repeat while a round found work, a bounded number of times: what is left waits for
            // the next tick. A job that failed sits out the rest of this tick. One whose last run
            // handled something is probed in the rounds that follow whatever its `everyMs`, and
            // at the next poll too if the tick ended with it still busy: a backlog is never held
            // to 20 batches per `everyMs`. `all` is for the first round only; later ones ask the
            // jobs that are busy and those due anyway.
            const failed = new Set<DueJob>();
            const busy = new Set<DueJob>();
            for (let round = 0; round < 20 && !this.stopped; round++) {
              if ((await this.runDue(failed, busy, everyJob && round === 0)) === 0) break;
            }
            for (const job of busy) this.probedAt.delete(job);
          } catch (error) {
            this.deps.logger.error('call timers round failed', { error: describe(error) });
          }
          everyJob = this.againAll;
        } while (this.again && !this.stopped);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  /** Every job of the round, in the order it runs them, the timers' own first: a scheduled call rings before a ringing one is missed. */
  readonly jobs: readonly DueJob[] = [
    { name: 'calls.ring', probe: () => dueProbe(CallStatus.SCHEDULED, 'scheduled_at'), run: () => this.startScheduled() },
    { name: 'calls.miss', probe: () => dueProbe(CallStatus.RINGING, 'ring_deadline_at'), run: () => this.missUnanswered() },
    ...(this.deps.jobs ?? []),
  ];

  /**
   * One round: asks which jobs have work in one statement (every job when `everyJob`, else those
   * `busy` or without an `everyMs` or whose `everyMs` has passed), then runs those, one after
   * another. A job that fails is logged, added to `failed` and skipped until the next tick (the
   * next second's poll, whatever its `everyMs`), and the others still run: a storage outage must
   * not hold up ring timeouts. So must a probe that fails (a table locked past the statement
   * timeout, say): the jobs are then probed one by one, and only the failing one is left out.
   * Resolves with how many items the jobs handled.
   */
  private async runDue(failed: Set<DueJob>, busy: Set<DueJob>, everyJob: boolean): Promise<number> {
    const now = Date.now();
    const jobs = this.jobs.filter((job) => !failed.has(job)
      && (everyJob || busy.has(job) || !job.everyMs || now - (this.probedAt.get(job) ?? -Infinity) >= job.everyMs));
    for (const job of jobs) if (job.everyMs) this.probedAt.set(job, now);
    let due: DueJob[];
    try {
      due = await dueOf(this.deps.em(), jobs);
    } catch {
      due = [];
      for (const job of jobs) {
        try {
          due.push(...(await dueOf(this.deps.em(), [job])));
        } catch (error) {
          this.failed(failed, job);
          this.deps.logger.error('timer probe failed', { job: job.name, error: describe(error) });
        }
      }
    }
    let handled = 0;
    for (const job of due) {
      if (this.stopped) break;
      try {
        const count = await job.run();
        if (count > 0) busy.add(job);
        else busy.delete(job);
        handled += count;
      } catch (error) {
        this.failed(failed, job);
        busy.delete(job);
        this.deps.logger.error('timer job failed', { job: job.name, error: describe(error) });
      }
    }
    return handled;
  }

  /** `job` failed: it sits out the rest of this tick, and the next poll asks it whatever its `everyMs`. */
  private failed(failed: Set<DueJob>, job: DueJob): void {
    failed.add(job);
    this.probedAt.delete(job);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.poll);
    for (const timer of this.wakeups) clearTimeout(timer);
    await this.running;
  }

  /** Scheduled calls whose time has come start ringing. Returns how many were claimed. */
  private async startScheduled(): Promise<number> {
    return this.claim(CallStatus.SCHEDULED, 'scheduled_at', async (em, call, participants, now) => {
      call.status = transition(call.status, CallAction.RING);
      call.ringStartedAt = now;
      call.ringDeadlineAt = new Date(now.getTime() + this.deps.ringTimeoutMs);
      const caller = participants.find((p) => p.role === ParticipantRole.CALLER)!;
      caller.status = ParticipantStatus.JOINED;
      caller.joinedAt = now;
      const payload = incoming(call, await callerOf(em, participants));
      this.wakeAt(call.ringDeadlineAt);
      return participants
        .filter((p) => p.role === ParticipantRole.INVITEE)
        .map((p) => [topics.incomingCall(p.user.id), payload] as [string, object]);
    });
  }

  /** Ringing calls past their deadline become MISSED. Returns how many were claimed. */
  private async missUnanswered(): Promise<number> {
    return this.claim(CallStatus.RINGING, 'ring_deadline_at', async (em, call, participants, now) => {
      call.status = transition(call.status, CallAction.MISS);
      call.endedAt = now;
      call.endReason = CallEndReason.NO_ANSWER;
      const stops = await stopRinging(em, call, participants, 'MISSED');
      closeParticipants(participants, now);
      return stops;
    });
  }

  /**
   * Claims up to {@link BATCH} calls in `status` whose `dueColumn` has passed, applies `apply` to
   * each and audits it in the same transaction, then publishes after commit.
   */
  private async claim(
    status: CallStatus,
    dueColumn: 'scheduled_at' | 'ring_deadline_at',
    apply: (em: EntityManager, call: Call, participants: CallParticipant[], now: Date) => Promise<[string, object][]>,
  ): Promise<number> {
    const publications: [string, object][] = [];
    const claimed = await this.deps.em().transactional(async (em) => {
      const now = new Date();
      const rows = await em.execute<Record<string, unknown>[]>(`SELECT * ${dueCalls(dueColumn)} ORDER BY ${dueColumn} LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`, [status, now]);
      if (rows.length === 0) return 0;
      const calls = rows.map((row) => em.map(Call, row));
      const participants = await em.find(CallParticipant, { call: { $in: calls.map((c) => c.id) } });
      for (const call of calls) {
        const own = participants.filter((p) => p.call.id === call.id);
        const previous = call.status;
        publications.push(...(await apply(em, call, own, now)));
        call.updatedAt = now;
        publications.push([topics.callEvents(call.id), statusChanged(call, previous, null)]);
        await this.deps.audit.record(em, {
          actor: null, action: status === CallStatus.SCHEDULED ? 'call.ring' : 'call.miss', targetType: 'call',
          targetId: call.id, callId: call.id, outcome: 'SUCCESS', details: { from: previous, to: call.status },
        });
      }
      await em.flush();
      return calls.length;
    });
    // Committed: a publish that fails is logged, and the round goes on.
    for (const [topic, payload] of publications) {
      await this.deps.pubsub.publish(topic, payload).catch((error: unknown) => this.deps.logger.warn('publish failed', { error: describe(error) }));
    }
    return claimed;
  }
}

/** Calls in the status given as the first parameter whose `dueColumn` is at or before the second. */
const dueCalls = (dueColumn: 'scheduled_at' | 'ring_deadline_at') => `FROM calls WHERE status = ? AND ${dueColumn} <= ?`;

/** The probe of the calls {@link CallTimers} claims in `status` by `dueColumn` (as of now). */
const dueProbe = (status: CallStatus, dueColumn: 'scheduled_at' | 'ring_deadline_at') => ({ sql: `SELECT 1 ${dueCalls(dueColumn)}`, params: [status, new Date()] });
