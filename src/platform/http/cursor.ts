import { createHmac, timingSafeEqual } from 'node:crypto';
import { badRequest } from './errors.js';
import { INT32_MAX } from './input.js';

/**
 * The key that signs cursors: `SecretBox.derive('cursors')`, so every process sharing the app's
 * secret key accepts the others' cursors, and rotating the key only sends open pages back to the first.
 */
export type CursorKey = Buffer;

const MAC_BYTES = 16;
const mac = (body: string, key: CursorKey) => createHmac('sha256', key).update(body).digest().subarray(0, MAC_BYTES);

/**
 * Opaque keyset cursors for list APIs: a few strings and numbers, as base64url JSON, then `.` and
 * an HMAC of it. The client only hands back what a page gave it; a cursor it made up or altered
 * (an id past the column, a string where the sort column holds numbers, a NUL) would otherwise
 * reach the database as a query parameter, so anything unsigned is refused with one message.
 */
export function encodeCursor(parts: readonly (string | number)[], key: CursorKey): string {
  const body = Buffer.from(JSON.stringify(parts)).toString('base64url');
  return `${body}.${mac(body, key).toString('base64url')}`;
}

const invalidCursor = () => badRequest('cursor: this page link is not valid. Go back to the first page.', [{ field: 'cursor', message: 'Invalid cursor.' }]);

/**
 * Each part a safe integer or a string. Strings are not held to the input text rule: a sort value
 * is a stored value, which may hold what a ticketing system sent (a name with a control character).
 */
const isPart = (p: unknown) => (typeof p === 'number' && Number.isSafeInteger(p)) || typeof p === 'string';

/** The parts of a signed cursor from `encodeCursor`, checked by `valid`; a 400 naming the `cursor` field otherwise. */
export function decodeCursor<T extends readonly (string | number)[]>(s: string, valid: (parts: unknown[]) => parts is unknown[] & T, key: CursorKey): T {
  const dot = s.indexOf('.');
  if (dot < 0) throw invalidCursor();
  const body = s.slice(0, dot);
  // Compared as the exact text we issue: base64 decoding ignores a last character's spare bits, so
  // comparing decoded bytes would let altered spellings of a cursor through.
  const given = Buffer.from(s.slice(dot + 1));
  const expected = Buffer.from(mac(body, key).toString('base64url'));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalidCursor();
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    parts = null;
  }
  if (Array.isArray(parts) && parts.every(isPart) && valid(parts)) return parts;
  throw invalidCursor();
}

/** Where a keyset page starts: just past the row with this sort value and id, read forwards or backwards. */
export type Keyset<V extends string | number = string | number> = { value: V; id: number; dir: 'next' | 'prev' };

/**
 * The cursor of a keyset position. `scope` (the list's sort and order) travels with it and is
 * checked on the way back, so a cursor from another sort or order is refused instead of misread.
 */
export function encodeKeyset(k: Keyset, scope: readonly (string | number)[], key: CursorKey): string {
  return encodeCursor([...scope, k.dir === 'prev' ? 'p' : 'n', k.value, k.id], key);
}

/** The keyset of a cursor from `encodeKeyset` with the same scope; a 400 naming `cursor` otherwise. */
export function decodeKeyset<V extends string | number>(
  s: string,
  scope: readonly (string | number)[],
  isValue: (v: unknown) => v is V,
  key: CursorKey,
): Keyset<V> {
  const n = scope.length;
  const isId = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 && v <= INT32_MAX;
  const parts = decodeCursor(
    s,
    (p): p is (string | number)[] =>
      p.length === n + 3 && scope.every((x, i) => p[i] === x) && (p[n] === 'n' || p[n] === 'p') && isValue(p[n + 1]) && isId(p[n + 2]),
    key,
  );
  return { value: parts[n + 1] as V, id: parts[n + 2] as number, dir: parts[n] === 'p' ? 'prev' : 'next' };
}

/** The order to read rows in from a keyset: a backwards (`prev`) page reads against the list order. */
export function readOrder(order: 'asc' | 'desc', from: Keyset | undefined): 'asc' | 'desc' {
  if (from?.dir !== 'prev') return order;
  return order === 'asc' ? 'desc' : 'asc';
}

/**
 * A page read in `readOrder` with one row more than `limit`: that row only says whether more follow
 * in the reading direction (`more`). A backwards page is returned in list order.
 */
export function keysetPage<R>(rows: R[], limit: number, from: Keyset | undefined): { rows: R[]; more: boolean } {
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  if (from?.dir === 'prev') page.reverse();
  return { rows: page, more };
}

/**
 * A page's Next and Previous cursors. Read forwards, `more` says a next page exists; read
 * backwards, a previous one. `pagesBefore`: the page was reached by offset (page > 1), so a
 * previous page exists even without a keyset. `cursorAt` may answer null (a sort without keyset).
 */
export function pageCursors<R>(
  page: { rows: R[]; more: boolean },
  from: Keyset | undefined,
  cursorAt: (row: R, dir: 'next' | 'prev') => string | null,
  pagesBefore = false,
): { nextCursor: string | null; prevCursor: string | null } {
  const backwards = from?.dir === 'prev';
  const hasNext = backwards || page.more;
  const hasPrev = backwards ? page.more : !!from || pagesBefore;
  const first = page.rows[0];
  const last = page.rows[page.rows.length - 1];
  return {
    nextCursor: hasNext && last !== undefined ? cursorAt(last, 'next') : null,
    prevCursor: hasPrev && first !== undefined ? cursorAt(first, 'prev') : null,
  };
}
