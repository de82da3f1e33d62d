import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { CallParticipant } from '../entities/call-participant.entity.js';

/**
 * Batch loaders for one request. Contract (as dataloader's): results are aligned with keys, one
 * loader per request, cleared after a mutation so a request never reads its own stale cache.
 */
export interface Loaders {
  /** The participants of each call (with their users): the caller, then the invitees as they were listed. */
  participantsByCall: DataLoader<string, CallParticipant[]>;
  clear(): void;
}

export function createLoaders(em: EntityManager): Loaders {
  const participantsByCall = new DataLoader<string, CallParticipant[]>(async (callIds) => {
    // A fresh fork per batch reads the rows as they are now, not as the request's identity map last
    // saw them, in one statement (participants joined with users). `refresh: true` on the request's
    // own manager did the same but re-read the joined users in a second statement.
    const rows = await em.fork().find(
      CallParticipant,
      { call: { $in: [...callIds] } },
      { populate: ['user'], orderBy: { position: 'asc', id: 'asc' } },
    );
    const byCall = new Map<string, CallParticipant[]>(callIds.map((id) => [id, []]));
    for (const row of rows) byCall.get(row.call.id)?.push(row);
    return callIds.map((id) => byCall.get(id)!);
  });
  return {
    participantsByCall,
    clear: () => participantsByCall.clearAll(),
  };
}
