import type { EntityManager } from '@mikro-orm/postgresql';
import { RecordingStatus, RecordingStopReason } from '../entities/enums.js';
import { describe } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ObjectStorage } from '../recording/object-storage.js';
import type { AuditService } from './audit.service.js';
import type { CallChanger } from './call-change.js';
import { recordingEvent } from './call-events.js';
import { recordingPrefix } from './recording-media.service.js';
import type { RecordingService } from './recording.service.js';
import type { DueJob } from './when-due.js';
import { topics } from '../pubsub/pubsub.js';

/** Recordings handled per job round; the timers repeat a round while it finds work. */
const BATCH = 20;

/**
 * The database-driven recording jobs, run by the call timers on every instance and safe to run on
 * all of them at once (rows are claimed with FOR UPDATE SKIP LOCKED):
 * - a recording still RECORDING when its call is no longer ACTIVE stops with CALL_ENDED;
 * - a PROCESSING recording nobody holds (left by a crash, a failure, a busy instance) is finalized
 *   in the background;
 * - an expired recording without legal hold is purged: its objects deleted, its data key
 *   destroyed, its row kept as PURGED. Running the purge again changes nothing.
 */
export class RecordingRetention {
  constructor(
    private readonly deps: {
      em: () => EntityManager;
      storage: ObjectStorage;
      recordings: RecordingService;
      changer: CallChanger;
      audit: AuditService;
      logger: Logger;
    },
  ) {}

  /** The jobs of the timers' round, each probed with the condition its claim uses. */
  readonly jobs: DueJob[] = [
    { name: 'recordings.stop', probe: () => ({ sql: `SELECT 1 ${RECORDING_OF_ENDED_CALL}` }), run: () => this.stopEnded() },
    { name: 'recordings.finalize', probe: () => ({ sql: `SELECT 1 ${UNHELD_PROCESSING}` }), run: () => this.finalizePending() },
    // Retention is counted in days: looked for once a minute.
    { name: 'recordings.purge', everyMs: 60_000, probe: () => ({ sql: `SELECT 1 ${PURGE_DUE}` }), run: () => this.purgeExpired() },
  ];

  /** Stops the recordings of calls that ended while they ran. */
  async stopEnded(): Promise<number> {
    const stopped = await this.deps.em().transactional(async (em) => {
      const rows = await em.execute<{ id: string; call_id: string; call_status: string }[]>(
        `SELECT r.id, r.call_id, c.status AS call_status ${RECORDING_OF_ENDED_CALL} ORDER BY r.started_at LIMIT ? FOR UPDATE OF r SKIP LOCKED`,
        [BATCH],
      );
      const now = new Date();
      for (const row of rows) {
        await em.execute(
          `UPDATE recordings SET status = 'PROCESSING', stopped_at = ?, stop_reason = ?, updated_at = now(), version = version + 1 WHERE id = ?`,
          [now, RecordingStopReason.CALL_ENDED, row.id],
        );
        await this.deps.audit.record(em, {
          actor: null, action: 'recording.stop', targetType: 'recording', targetId: row.id, callId: row.call_id, outcome: 'SUCCESS',
          details: { reason: RecordingStopReason.CALL_ENDED },
        });
      }
      return rows.map((row) => ({ ...row, now }));
    });
    await this.deps.changer.publish(stopped.map((row) => [
      topics.callEvents(row.call_id),
      recordingEvent('RECORDING_STOPPED', { id: row.call_id, status: row.call_status as never }, row.id, null, row.now, RecordingStopReason.CALL_ENDED),
    ]));
    for (const row of stopped) this.deps.recordings.finalizeSoon(row.id);
    return stopped.length;
  }

  /**
   * Starts background finalizes of PROCESSING recordings nobody holds (stopped by the job above,
   * left by a crash, or whose last attempt failed and whose lease ran out). Does not wait for them:
   * a long finalize must not hold up ring timeouts.
   */
  async finalizePending(): Promise<number> {
    const rows = await this.deps.em().execute<{ id: string }[]>(
      `SELECT id ${UNHELD_PROCESSING} ORDER BY lease_until NULLS FIRST LIMIT ?`,
      [BATCH],
    );
    let started = 0;
    for (const row of rows) if (this.deps.recordings.finalizeSoon(row.id)) started++;
    return started;
  }

  /**
   * Purges expired recordings that are not on legal hold, one at a time: the row is claimed
   * (PURGING, with a lease) in one statement, its objects are deleted outside any transaction,
   * then a short transaction destroys the key, drops the chunk rows, marks it PURGED and audits.
   * A failure leaves it PURGING (downloads refuse it) until the lease runs out and it is retried;
   * it never blocks the others.
   */
  async purgeExpired(): Promise<number> {
    let purged = 0;
    for (let i = 0; i < BATCH; i++) {
      const [row] = await this.deps.em().execute<{ id: string; call_id: string }[]>(
        `UPDATE recordings SET status = 'PURGING', lease_until = now() + interval '10 minutes', updated_at = now()
          WHERE id = (SELECT id ${PURGE_DUE} ORDER BY expires_at LIMIT 1 FOR UPDATE SKIP LOCKED)
          RETURNING id, call_id`,
      );
      if (!row) break;
      try {
        const objects = await this.deps.storage.deletePrefix(recordingPrefix(row.id));
        await this.deps.em().transactional(async (em) => {
          await em.execute(`DELETE FROM recording_chunks WHERE recording_id = ?`, [row.id]);
          await em.execute(`DELETE FROM recording_transcripts WHERE recording_id = ?`, [row.id]);
          await em.execute(
            `UPDATE recordings SET status = ?, wrapped_key = NULL, master_key_id = NULL, purged_at = now(), lease_until = NULL,
                    updated_at = now(), version = version + 1 WHERE id = ?`,
            [RecordingStatus.PURGED, row.id],
          );
          await this.deps.audit.record(em, {
            actor: null, action: 'recording.purge', targetType: 'recording', targetId: row.id, callId: row.call_id, outcome: 'SUCCESS',
            details: { objects },
          });
        });
        purged++;
      } catch (error) {
        this.deps.logger.error('recording purge failed', { recordingId: row.id, error: describe(error) });
        await this.deps.em().execute(`UPDATE recordings SET lease_until = now() + interval '1 minute' WHERE id = ? AND status = 'PURGING'`, [row.id]).catch(() => undefined);
      }
    }
    return purged;
  }
}

/** Recordings still RECORDING whose call is no longer ACTIVE (`r`, joined with its call `c`). */
const RECORDING_OF_ENDED_CALL = `FROM recordings r JOIN calls c ON c.id = r.call_id WHERE r.status = 'RECORDING' AND c.status <> 'ACTIVE'`;
/** PROCESSING recordings no instance holds a lease on. */
const UNHELD_PROCESSING = `FROM recordings WHERE status = 'PROCESSING' AND (lease_until IS NULL OR lease_until < now())`;
/** Expired recordings without legal hold, and purges whose lease ran out. */
const PURGE_DUE = `FROM recordings
                       WHERE (status IN ('AVAILABLE', 'FAILED') AND NOT legal_hold AND expires_at <= now())
                          OR (status = 'PURGING' AND lease_until < now())`;
