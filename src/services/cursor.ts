import { badInput } from '../errors.js';

/** A keyset position in a list ordered by (time DESC, id DESC). Opaque to clients. */
export interface Cursor {
  at: Date;
  id: string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(`${cursor.at.getTime()}:${cursor.id}`).toString('base64url');
}

export function decodeCursor(value: string, field = 'after'): Cursor {
  const decoded = value.length <= 200 ? Buffer.from(value, 'base64url').toString() : '';
  const match = /^(\d{1,15}):([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d{1,19})$/.exec(decoded);
  // Ids are UUIDs or bigint serials; anything else could only fail later, in PostgreSQL.
  if (!match || (/^\d+$/.test(match[2]!) && BigInt(match[2]!) > 9_223_372_036_854_775_807n)) throw badInput(`${field} must be a cursor returned by this API (pageInfo.endCursor or an edge's cursor)`, field);
  return { at: new Date(Number(match[1])), id: match[2]! };
}

/** Checks a page size: `first` from 1 to `max`, `fallback` when omitted. */
export function pageSize(first: number | null | undefined, max: number, fallback: number): number {
  if (first === null || first === undefined) return fallback;
  if (!Number.isInteger(first) || first < 1 || first > max) throw badInput(`first must be from 1 to ${max}, got ${first}`, 'first');
  return first;
}
