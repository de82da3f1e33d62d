import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { CallParticipant } from '../entities/call-participant.entity.js';

/**
 * Batch loaders for one request. Contract (as dataloader's): results are aligned with keys, one
 * loader per request, cleared after a mutation so a request never reads its own stale cache.
 */
export interface Loaders {
  /** The participants of each call (with their users), in invitation order, caller first. */
  participantsByCall: DataLoader<string, CallParticipant[]>;
  clear(): void;
}

export function createLoaders(em: EntityManager): Loaders {
  const participantsByCall = new DataLoader<string, CallParticipant[]>(async (callIds) => {
    const rows = await em.find(
      CallParticipant,
      { call: { $in: [...callIds] } },
      { populate: ['user'], orderBy: { role: 'asc', invitedAt: 'asc', id: 'asc' }, refresh: true },
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
