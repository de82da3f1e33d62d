import type { EntityManager } from '@mikro-orm/postgresql';
import { requireViewer, type Context } from '../context.js';
import { AppError, ErrorCode, badInput, conflict, describe, notFound } from '../errors.js';
import type { Logger } from '../logger.js';
import { topics, type PubSub } from '../pubsub/pubsub.js';
import type { QualityConfig } from '../config.js';
import type { AuditService } from './audit.service.js';
import {
  levelOf, meanOpinionScore, nextWarningState, reasonsOf, type QualityLevel, type QualityReason, type QualityRecommendation, type WarningState,
} from './quality-score.js';
import { maySubscribe } from './live-events.service.js';
import { FINAL_STATUSES } from './stats-rollup.js';
import { uuid } from './validation.js';
import type { DueJob } from './when-due.js';

export type CandidateType = 'HOST' | 'SRFLX' | 'PRFLX' | 'RELAY';
export type ConnectionType = 'P2P' | 'RELAY';

/** One report of a participant's WebRTC stats over the last interval (RTCStatsReport, condensed). */
export interface QualityReport {
  callId: string;
  rttMs: number;
  jitterMs: number;
  /** Lost fraction 0..1; or give packetsLost and packetsReceived over the interval. */
  packetLoss?: number | null;
  packetsLost?: number | null;
  packetsReceived?: number | null;
  inboundBitrateKbps?: number | null;
  outboundBitrateKbps?: number | null;
  availableOutgoingBitrateKbps?: number | null;
  frameRate?: number | null;
  frameWidth?: number | null;
  frameHeight?: number | null;
  localCandidateType?: CandidateType | null;
  remoteCandidateType?: CandidateType | null;
}

/** What the server made of a report. */
export interface QualityAssessment {
  callId: string;
  participantId: string;
  mos: number;
  level: QualityLevel;
  reasons: QualityReason[];
  /** The recommendation in force for this participant after this report. */
  recommendation: QualityRecommendation;
  connectionType: ConnectionType | null;
  /** Send the next report no sooner than this. */
  nextReportAfterMs: number;
}

/** What `qualityWarnings` subscribers receive, on `topics.qualityWarnings(callId)`. */
export interface QualityWarningPayload {
  kind: 'QUALITY_DEGRADED' | 'QUALITY_RECOVERED' | 'QUALITY_STATS_REQUESTED';
  callId: string;
  /** Whose quality it is about (or who is asked for stats). */
  participantId: string;
  level: QualityLevel | null;
  mos: number | null;
  reasons: QualityReason[];
  recommendation: QualityRecommendation;
  at: string;
}

/** Physical ranges: a value outside is a broken client, refused with BAD_USER_INPUT naming the field. */
const RANGES: Record<string, [number, number, boolean?]> = {
  rttMs: [0, 60_000], jitterMs: [0, 60_000], packetLoss: [0, 1],
  packetsLost: [0, 1e9, true], packetsReceived: [0, 1e9, true],
  inboundBitrateKbps: [0, 1e6], outboundBitrateKbps: [0, 1e6], availableOutgoingBitrateKbps: [0, 1e6],
  frameRate: [0, 240], frameWidth: [0, 16_384, true], frameHeight: [0, 16_384, true],
};

/**
 * Joined participants of ACTIVE calls silent for longer than the parameter, in seconds, since they
 * joined, last reported or were last asked (`c` the call, `p` the participant).
 */
const STALE_PARTICIPANTS = `FROM calls c
           JOIN call_participants p ON p.call_id = c.id AND p.status = 'JOINED'
           LEFT JOIN participant_quality q ON q.call_id = p.call_id AND q.user_id = p.user_id
          WHERE c.status = 'ACTIVE'
            AND greatest(p.joined_at, q.last_report_at, q.stats_requested_at) < now() - make_interval(secs => ?)`;
/** Calls in a final status (the parameter) whose quality summary is still to be written. */
const SUMMARY_PENDING = `FROM calls WHERE quality_pending AND status IN (?)`;
/** Samples older than the parameter, in hours, whose call's summary was written (never before: it is made from them). */
const OLD_SAMPLES = `FROM quality_samples s WHERE s.reported_at < now() - make_interval(hours => ?)
            AND NOT EXISTS (SELECT 1 FROM calls c WHERE c.id = s.call_id AND c.quality_pending)`;

/** A sample's interval is capped, so a participant silent for an hour does not count an hour of audio-only. */
const MAX_INTERVAL_MS = 60_000;

/**
 * Live call quality: participants report their stats every few seconds; each report is scored
 * (E-model MOS, see quality-score.ts), stored as a raw sample (kept `sampleRetentionHours`), and
 * fed to the per-participant warning state kept in `participant_quality`, so every instance sees
 * the same hysteresis. State changes go to both sides on `qualityWarnings(callId)`.
 */
export class QualityService {
  constructor(
    private readonly deps: {
      em: () => EntityManager;
      pubsub: PubSub;
      audit: AuditService;
      logger: Logger;
      config: QualityConfig;
    },
  ) {}

  async report(ctx: Context, input: QualityReport): Promise<QualityAssessment> {
    const viewer = requireViewer(ctx);
    const callId = uuid(input.callId, 'callId');
    const packetLoss = validated(input);
    const { thresholds, reportMinIntervalMs } = this.deps.config;
    const now = new Date();
    const connectionType: ConnectionType | null = input.localCandidateType === 'RELAY' || input.remoteCandidateType === 'RELAY'
      ? 'RELAY'
      : input.localCandidateType && input.remoteCandidateType ? 'P2P' : null;

    const outcome = await this.deps.em().transactional(async (em) => {
      // Locks in the order every call change takes them (the call, then its participants), so a
      // report never deadlocks with a hang-up; reports of one call are taken one at a time.
      const [call] = await em.execute<{ call_status: string; type: string; quality_pending: boolean; connection_type: string | null }[]>(
        `SELECT status AS call_status, type, quality_pending, connection_type FROM calls WHERE id = ? FOR NO KEY UPDATE`, [callId],
      );
      const [participant] = call
        ? await em.execute<{ status: string; video: boolean }[]>(
          `SELECT status, video FROM call_participants WHERE call_id = ? AND user_id = ? FOR UPDATE`, [callId, viewer.id],
        )
        : [];
      const me = call && participant ? { ...call, ...participant } : undefined;
      if (!me) throw notFound('call');
      if (me.call_status !== 'ACTIVE') throw conflict(`quality is reported during an ACTIVE call; this one is ${me.call_status}`, { currentStatus: me.call_status });
      if (me.status !== 'JOINED') throw conflict('join the call before reporting its quality', { reason: 'NOT_JOINED' });
      const [previous] = await em.execute<{ last_report_at: Date | null; state: 'OK' | 'DEGRADED'; bad_streak: number; good_streak: number; recommendation: QualityRecommendation }[]>(
        `SELECT last_report_at, state, bad_streak, good_streak, recommendation FROM participant_quality WHERE call_id = ? AND user_id = ?`,
        [callId, viewer.id],
      );
      const sinceLast = previous?.last_report_at ? now.getTime() - new Date(previous.last_report_at).getTime() : null;
      if (sinceLast !== null && sinceLast < reportMinIntervalMs) {
        throw new AppError(ErrorCode.RATE_LIMITED, `report at most every ${reportMinIntervalMs} ms; the last was ${sinceLast} ms ago`, {
          retryAfterMs: reportMinIntervalMs - sinceLast,
        });
      }
      const sendingVideo = me.video && me.type !== 'AUDIO';
      const mos = meanOpinionScore(input.rttMs, input.jitterMs, packetLoss);
      const level = levelOf(mos);
      const reasons = reasonsOf({ rttMs: input.rttMs, jitterMs: input.jitterMs, packetLoss, availableOutgoingKbps: input.availableOutgoingBitrateKbps ?? null, sendingVideo }, level, thresholds);
      const current: WarningState = previous
        ? { state: previous.state, badStreak: previous.bad_streak, goodStreak: previous.good_streak, recommendation: previous.recommendation }
        : { state: 'OK', badStreak: 0, goodStreak: 0, recommendation: 'NONE' };
      const { state, change } = nextWarningState(current, reasons, sendingVideo, thresholds);

      await em.execute(
        `INSERT INTO quality_samples (call_id, user_id, reported_at, interval_ms, rtt_ms, jitter_ms, packet_loss, inbound_kbps, outbound_kbps,
           available_outgoing_kbps, frame_rate, frame_width, frame_height, local_candidate_type, remote_candidate_type, mos, level, audio_only)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [callId, viewer.id, now, Math.min(sinceLast ?? 0, MAX_INTERVAL_MS), input.rttMs, input.jitterMs, packetLoss,
          input.inboundBitrateKbps ?? null, input.outboundBitrateKbps ?? null, input.availableOutgoingBitrateKbps ?? null,
          input.frameRate ?? null, input.frameWidth ?? null, input.frameHeight ?? null,
          input.localCandidateType ?? null, input.remoteCandidateType ?? null, mos, level, me.type !== 'AUDIO' && !me.video],
      );
      await em.execute(
        `INSERT INTO participant_quality (call_id, user_id, last_report_at, state, bad_streak, good_streak, recommendation, stats_requested_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, NULL)
         ON CONFLICT (call_id, user_id) DO UPDATE SET last_report_at = EXCLUDED.last_report_at, state = EXCLUDED.state,
           bad_streak = EXCLUDED.bad_streak, good_streak = EXCLUDED.good_streak, recommendation = EXCLUDED.recommendation, stats_requested_at = NULL`,
        [callId, viewer.id, now, state.state, state.badStreak, state.goodStreak, state.recommendation],
      );
      if (connectionType) await em.execute(`UPDATE call_participants SET connection_type = ? WHERE call_id = ? AND user_id = ?`, [connectionType, callId, viewer.id]);
      // The call is RELAY once anyone's media went through TURN; P2P while everyone's went direct.
      // Written only when that changes (or on the first report), not on every report.
      const callConnection = me.connection_type === 'RELAY' || connectionType === 'RELAY' ? 'RELAY' : (connectionType ?? me.connection_type);
      if (!me.quality_pending || callConnection !== me.connection_type) {
        await em.execute(`UPDATE calls SET quality_pending = true, connection_type = ? WHERE id = ?`, [callConnection, callId]);
      }
      return { mos, level, reasons, state, change };
    });
    if (outcome.change) {
      await this.publish({
        kind: outcome.change.kind, callId, participantId: viewer.id, level: outcome.level, mos: outcome.mos,
        reasons: outcome.change.reasons, recommendation: outcome.change.recommendation, at: now.toISOString(),
      });
    }
    return {
      callId, participantId: viewer.id, mos: outcome.mos, level: outcome.level, reasons: outcome.reasons,
      recommendation: outcome.state.recommendation, connectionType, nextReportAfterMs: reportMinIntervalMs,
    };
  }

  /** The warnings of a call, for its participants (and admins); NOT_FOUND otherwise. Audited. */
  async warnings(ctx: Context, rawCallId: string): Promise<AsyncIterableIterator<QualityWarningPayload>> {
    const viewer = requireViewer(ctx);
    const callId = uuid(rawCallId, 'callId');
    const allowed = await maySubscribe(ctx.em, viewer, callId);
    const audit = (outcome: 'SUCCESS' | 'DENIED') => this.deps.audit.recordNow(ctx.em, {
      actor: viewer, action: 'quality.subscribe', targetType: 'call', targetId: callId, callId, request: ctx.request,
      outcome, errorCode: outcome === 'DENIED' ? 'NOT_FOUND' : null,
    });
    if (!allowed) {
      await audit('DENIED');
      throw notFound('call');
    }
    // Live before the audit row is written: whoever sees that row knows the stream is open.
    const live = await this.deps.pubsub.subscribe<QualityWarningPayload>(topics.qualityWarnings(callId));
    try {
      await audit('SUCCESS');
    } catch (error) {
      await live.return?.();
      throw error;
    }
    return live;
  }

  /**
   * The jobs of the timers' round, each probed with the condition its statement uses. Asking for
   * stats reads every participant of every live call (no index serves "silent for 15 s": 35 ms at
   * 20 000 participants, bench/README.md "Timers"), so it is probed every third of the silence
   * period (at least every second), not every second: by default a silent participant is asked
   * after 15-20 s. Old samples are counted in hours, and looked for once a minute.
   */
  readonly jobs: DueJob[] = [
    {
      name: 'quality.request', everyMs: Math.max(1_000, Math.floor(this.deps.config.staleAfterMs / 3)),
      probe: () => ({ sql: `SELECT 1 ${STALE_PARTICIPANTS}`, params: [this.deps.config.staleAfterMs / 1000] }), run: () => this.requestStale(),
    },
    { name: 'quality.summarize', probe: () => ({ sql: `SELECT 1 ${SUMMARY_PENDING}`, params: [[...FINAL_STATUSES]] }), run: () => this.summarize() },
    {
      name: 'quality.purge', everyMs: 60_000,
      probe: () => ({ sql: `SELECT 1 ${OLD_SAMPLES}`, params: [this.deps.config.sampleRetentionHours] }), run: () => this.purgeSamples(),
    },
  ];

  /**
   * Asks joined participants of ACTIVE calls who have been silent for `staleAfterMs` (since they
   * joined, last reported, or were last asked) for their stats: QUALITY_STATS_REQUESTED.
   */
  async requestStale(): Promise<number> {
    const rows = await this.deps.em().execute<{ call_id: string; user_id: string }[]>(
      `WITH due AS (
         SELECT p.call_id, p.user_id ${STALE_PARTICIPANTS}
          LIMIT 200 FOR UPDATE OF p SKIP LOCKED
       )
       INSERT INTO participant_quality (call_id, user_id, stats_requested_at) SELECT call_id, user_id, now() FROM due
       ON CONFLICT (call_id, user_id) DO UPDATE SET stats_requested_at = now()
       RETURNING call_id, user_id`,
      [this.deps.config.staleAfterMs / 1000],
    );
    const at = new Date().toISOString();
    for (const row of rows) {
      await this.publish({
        kind: 'QUALITY_STATS_REQUESTED', callId: row.call_id, participantId: row.user_id, level: null, mos: null, reasons: [], recommendation: 'NONE', at,
      });
    }
    return rows.length;
  }

  /**
   * Writes the quality summary of calls that ended since their last report: average and worst
   * score, p95 round-trip time, worst loss, connection type, and the longest time one participant
   * spent without sending video. A trigger adds it to the statistics rollup.
   */
  async summarize(): Promise<number> {
    return this.deps.em().transactional(async (em) => {
      const due = await em.execute<{ id: string }[]>(`SELECT id ${SUMMARY_PENDING} LIMIT 100 FOR UPDATE SKIP LOCKED`, [[...FINAL_STATUSES]]);
      if (due.length === 0) return 0;
      const ids = due.map((r) => r.id);
      await em.execute(
        `INSERT INTO call_quality_summaries (call_id, samples, avg_mos, min_mos, worst_level, p95_rtt_ms, max_packet_loss, connection_type, audio_only_ms, computed_at)
         SELECT s.call_id, count(*), avg(s.mos), min(s.mos),
                CASE WHEN min(s.mos) >= 4.3 THEN 'EXCELLENT' WHEN min(s.mos) >= 4.0 THEN 'GOOD' WHEN min(s.mos) >= 3.6 THEN 'FAIR'
                     WHEN min(s.mos) >= 3.1 THEN 'POOR' ELSE 'CRITICAL' END,
                percentile_cont(0.95) WITHIN GROUP (ORDER BY s.rtt_ms), max(s.packet_loss), c.connection_type,
                (SELECT coalesce(max(per.ms), 0) FROM (SELECT sum(a.interval_ms) AS ms FROM quality_samples a
                   WHERE a.call_id = s.call_id AND a.audio_only GROUP BY a.user_id) per),
                now()
           FROM quality_samples s JOIN calls c ON c.id = s.call_id
          WHERE s.call_id IN (?)
          GROUP BY s.call_id, c.connection_type
         ON CONFLICT (call_id) DO NOTHING`,
        [ids],
      );
      await em.execute(`UPDATE calls SET quality_pending = false WHERE id IN (?)`, [ids]);
      return ids.length;
    });
  }

  /** Deletes raw samples older than the retention, in batches; summaries stay. */
  async purgeSamples(): Promise<number> {
    const rows = await this.deps.em().execute<{ id: string }[]>(
      `DELETE FROM quality_samples WHERE id IN (SELECT s.id ${OLD_SAMPLES} ORDER BY s.reported_at LIMIT 5000) RETURNING id`,
      [this.deps.config.sampleRetentionHours],
    );
    return rows.length > 0 ? 1 : 0;
  }

  private async publish(payload: QualityWarningPayload): Promise<void> {
    await this.deps.pubsub.publish(topics.qualityWarnings(payload.callId), payload)
      .catch((error: unknown) => this.deps.logger.warn('quality warning publish failed', { error: describe(error) }));
  }
}

/** Checks every number against its physical range; returns the loss fraction (given, or from the counts). */
function validated(input: QualityReport): number {
  for (const [field, [min, max, integer]] of Object.entries(RANGES)) {
    const value = (input as unknown as Record<string, unknown>)[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
      throw badInput(`${field} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got ${JSON.stringify(value)}`, field);
    }
  }
  if (input.packetLoss !== undefined && input.packetLoss !== null) return input.packetLoss;
  if (input.packetsLost === undefined || input.packetsLost === null || input.packetsReceived === undefined || input.packetsReceived === null) {
    throw badInput('give packetLoss (a fraction 0-1), or packetsLost and packetsReceived over the interval', 'packetLoss');
  }
  const sent = input.packetsLost + input.packetsReceived;
  return sent === 0 ? 0 : input.packetsLost / sent;
}
