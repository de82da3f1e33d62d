import { badInput } from '../errors.js';

/** The platform's user ids: 1-128 letters, digits and `._:@|-` (the token's `sub`). */
export const USER_ID_PATTERN = /^[A-Za-z0-9._:@|-]{1,128}$/;
/** Opaque references to other systems (appointments, clinical notes). */
export const REFERENCE_PATTERN = /^[A-Za-z0-9._:@|\/-]{1,128}$/;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Describes what arrived without echoing it in full: input may carry data that must not travel. */
export function described(value: string): string {
  return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
}

/** Returns the lower-cased UUID, or throws BAD_USER_INPUT naming the field. */
export function uuid(value: string, field: string): string {
  if (!UUID_PATTERN.test(value)) throw badInput(`${field} must be a UUID, got ${described(value)}`, field);
  return value.toLowerCase();
}

export function userId(value: string, field: string): string {
  if (!USER_ID_PATTERN.test(value)) {
    throw badInput(`${field} must be a user id of 1-128 letters, digits and ._:@|-, got ${described(value)}`, field);
  }
  return value;
}

export function reference(value: string | null | undefined, field: string): string | null {
  if (value === null || value === undefined) return null;
  if (!REFERENCE_PATTERN.test(value)) {
    throw badInput(`${field} must be 1-128 letters, digits and ._:@|/-, got ${described(value)}`, field);
  }
  return value;
}

/** Control characters other than tab and line breaks: PostgreSQL refuses NUL, and none belongs in text. */
export const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** A free-text field: trimmed, at most `max` characters, no control characters, never echoed back. */
export function text(value: string | null | undefined, field: string, max: number): string | null {
  if (value === null || value === undefined) return null;
  if (CONTROL_CHARACTERS.test(value)) throw badInput(`${field} must not contain control characters`, field);
  const trimmed = value.trim();
  if (trimmed.length > max) throw badInput(`${field} must be at most ${max} characters, got ${trimmed.length}`, field);
  return trimmed || null;
}

const DEVICE_ID = /^[A-Za-z0-9_-]{8,64}$/;

/** A client's device id (8-64 letters, digits, _ and -), or BAD_USER_INPUT naming where it came from. */
export function validDeviceId(value: string, field: string): string {
  if (!DEVICE_ID.test(value)) throw badInput(`${field} must be 8-64 letters, digits, _ and -, got ${described(value)}`, field);
  return value;
}
