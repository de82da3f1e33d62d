import type { Viewer } from '../auth/viewer.js';
import type { CallType } from '../entities/enums.js';
import { badInput } from '../errors.js';
import { reference, userId } from './validation.js';

/** The most people one call may invite besides the caller. */
export const MAX_INVITEES = 8;
/** How far ahead a call may be scheduled. */
export const MAX_SCHEDULE_AHEAD_MS = 366 * 24 * 3_600_000;
const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,128}$/;

export interface InitiateCallInput {
  type: CallType;
  inviteeIds: string[];
  appointmentId?: string | null;
  clinicalNoteId?: string | null;
  scheduledAt?: Date | null;
  idempotencyKey?: string | null;
}

export interface ValidInitiateCallInput {
  type: CallType;
  inviteeIds: string[];
  appointmentId: string | null;
  clinicalNoteId: string | null;
  scheduledAt: Date | null;
  idempotencyKey: string | null;
}

/** Checks an initiateCall input as a whole, throwing BAD_USER_INPUT that names the field and what was expected. */
export function validateInitiateInput(input: InitiateCallInput, viewer: Viewer, now: Date): ValidInitiateCallInput {
  const ids = input.inviteeIds;
  if (ids.length === 0) throw badInput('inviteeIds must name at least one user to call, got an empty list', 'inviteeIds');
  if (ids.length > MAX_INVITEES) throw badInput(`inviteeIds may name at most ${MAX_INVITEES} users, got ${ids.length}`, 'inviteeIds');
  ids.forEach((id, i) => userId(id, `inviteeIds[${i}]`));
  const duplicate = ids.findIndex((id, i) => ids.indexOf(id) !== i);
  if (duplicate >= 0) throw badInput(`inviteeIds must not repeat a user; inviteeIds[${duplicate}] repeats an earlier entry`, 'inviteeIds');
  const self = ids.indexOf(viewer.id);
  if (self >= 0) throw badInput(`inviteeIds must not include the caller; inviteeIds[${self}] is you`, 'inviteeIds');

  const scheduledAt = input.scheduledAt ?? null;
  if (scheduledAt) {
    if (Number.isNaN(scheduledAt.getTime())) throw badInput('scheduledAt must be a valid date-time', 'scheduledAt');
    if (scheduledAt.getTime() <= now.getTime()) {
      throw badInput(`scheduledAt must be in the future, got ${scheduledAt.toISOString()} (now ${now.toISOString()}); omit it to call now`, 'scheduledAt');
    }
    if (scheduledAt.getTime() - now.getTime() > MAX_SCHEDULE_AHEAD_MS) {
      throw badInput('scheduledAt must be at most 366 days ahead', 'scheduledAt');
    }
  }
  const key = input.idempotencyKey ?? null;
  if (key !== null && !IDEMPOTENCY_KEY.test(key)) {
    throw badInput(`idempotencyKey must be 1-128 letters, digits and ._:-, got a string of ${key.length} characters`, 'idempotencyKey');
  }
  return {
    type: input.type,
    inviteeIds: ids,
    appointmentId: reference(input.appointmentId, 'appointmentId'),
    clinicalNoteId: reference(input.clinicalNoteId, 'clinicalNoteId'),
    scheduledAt,
    idempotencyKey: key,
  };
}
