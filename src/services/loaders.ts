import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import type { ConnectionState, ParticipantRole, ParticipantStatus, Role } from '../entities/enums.js';
import type { CallParticipantObject } from '../schema/call.type.js';
import type { CallQualitySummaryObject, ConnectionType, QualityLevel } from '../schema/quality.type.js';

/**
 * Batch loaders for one request. Contract (as dataloader's): results are aligned with keys, one
 * loader per request, cleared after a mutation so a request never reads its own stale cache.
 */
export interface Loaders {
  /**
   * The participants of each call with their users, as the API shows them: the caller, then the
   * invitees as they were listed. Plain rows, not entities: a history page reads 100 of them.
   */
  participantsByCall: DataLoader<string, CallParticipantObject[]>;
  /** The quality summary of each call, or null when it has none (yet). */
  qualitySummaryByCall: DataLoader<string, CallQualitySummaryObject | null>;
  clear(): void;
}

export function createLoaders(em: EntityManager): Loaders {
  const participantsByCall = new DataLoader<string, CallParticipantObject[]>(async (callIds) => {
    // A fresh fork per batch reads the rows as they are now, in one statement.
    const rows = await em.fork().execute<ParticipantRow[]>(
      `SELECT p.call_id, ${PARTICIPANT_COLUMNS}
         FROM call_participants p JOIN users u ON u.id = p.user_id
        WHERE p.call_id IN (?) ORDER BY p.position, p.id`,
      [[...callIds]],
    );
    const byCall = new Map<string, CallParticipantObject[]>(callIds.map((id) => [id, []]));
    for (const r of rows) byCall.get(r.call_id)?.push(participantObject(r));
    return callIds.map((id) => byCall.get(id)!);
  });
  const qualitySummaryByCall = new DataLoader<string, CallQualitySummaryObject | null>(async (callIds) => {
    const rows = await em.fork().execute<{ call_id: string; samples: number; avg_mos: number; min_mos: number; worst_level: string; p95_rtt_ms: number; max_packet_loss: number; connection_type: string | null; audio_only_ms: string }[]>(
      `SELECT call_id, samples, avg_mos, min_mos, worst_level, p95_rtt_ms, max_packet_loss, connection_type, audio_only_ms
         FROM call_quality_summaries WHERE call_id IN (?)`,
      [[...callIds]],
    );
    const byCall = new Map(rows.map((r) => [r.call_id, {
      samples: r.samples, averageMos: Math.round(r.avg_mos * 100) / 100, worstMos: r.min_mos, worstLevel: r.worst_level as QualityLevel,
      p95RttMs: r.p95_rtt_ms, worstPacketLoss: r.max_packet_loss, connectionType: r.connection_type as ConnectionType | null, audioOnlyMs: Number(r.audio_only_ms),
    }]));
    return callIds.map((id) => byCall.get(id) ?? null);
  });
  return {
    participantsByCall,
    qualitySummaryByCall,
    clear: () => {
      participantsByCall.clearAll();
      qualitySummaryByCall.clearAll();
    },
  };
}

/**
 * A participant as the API shows it, field by field: {@link ParticipantRow}'s name and its SQL
 * (`p`: call_participants, `u`: users). Both ways of reading participants are made from it.
 */
const PARTICIPANT_FIELDS: [keyof ParticipantRow, string][] = [
  ['user_id', 'p.user_id'], ['name', 'u.name'], ['user_role', 'u.role'], ['role', 'p.role'], ['status', 'p.status'],
  ['invited_at', 'p.invited_at'], ['joined_at', 'p.joined_at'], ['left_at', 'p.left_at'], ['connection', 'p.connection'],
  ['audio', 'p.audio'], ['video', 'p.video'], ['screen', 'p.screen'], ['recording_consent', 'p.recording_consent'],
  ['connection_type', 'p.connection_type'],
];

/** The participant's columns, for a select list. */
const PARTICIPANT_COLUMNS = PARTICIPANT_FIELDS.map(([name, sql]) => `${sql} AS ${name}`).join(', ');

/**
 * A SQL expression giving the participants of the call aliased `alias` as a JSON array of
 * {@link ParticipantRow}s in the loader's order: a page of calls reads them in the same statement
 * (and snapshot) and primes the loader with {@link participantObject}.
 */
export const participantsJson = (alias: string) => `(SELECT coalesce(json_agg(json_build_object(
    ${PARTICIPANT_FIELDS.map(([name, sql]) => `'${name}', ${sql}`).join(', ')}) ORDER BY p.position, p.id), '[]'::json)
   FROM call_participants p JOIN users u ON u.id = p.user_id WHERE p.call_id = ${alias}.id)`;

/** A participant row as the API shows it. */
export function participantObject(r: Omit<ParticipantRow, 'call_id'>): CallParticipantObject {
  return {
    user: { id: r.user_id, name: r.name, role: r.user_role },
    role: r.role, status: r.status, invitedAt: date(r.invited_at)!, joinedAt: date(r.joined_at), leftAt: date(r.left_at), connection: r.connection,
    audio: r.audio ?? true, video: r.video ?? true, screen: r.screen ?? false, recordingConsent: r.recording_consent, connectionType: r.connection_type,
  };
}

/** Raw statements return timestamps as the driver gives them (ISO strings under MikroORM). */
const date = (value: Date | string | null): Date | null => (value === null ? null : new Date(value));

export interface ParticipantRow {
  call_id: string;
  user_id: string;
  name: string | null;
  user_role: Role | null;
  role: ParticipantRole;
  status: ParticipantStatus;
  invited_at: Date | string;
  joined_at: Date | string | null;
  left_at: Date | string | null;
  connection: ConnectionState | null;
  audio: boolean | null;
  video: boolean | null;
  screen: boolean | null;
  recording_consent: boolean | null;
  connection_type: ConnectionType | null;
}
