import { badRequest } from './errors.js';

/**
 * Opaque keyset cursors for list APIs: a few strings and numbers, as base64url JSON. The client
 * only hands back what a page gave it; anything else is refused with one message.
 */
export function encodeCursor(parts: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

/** The parts of a cursor from `encodeCursor`, checked by `valid`; a 400 naming the `cursor` field otherwise. */
export function decodeCursor<T extends readonly (string | number)[]>(s: string, valid: (parts: unknown[]) => parts is unknown[] & T): T {
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
  } catch {
    parts = null;
  }
  if (Array.isArray(parts) && valid(parts)) return parts;
  throw badRequest('cursor: this page link is not valid. Go back to the first page.', [{ field: 'cursor', message: 'Invalid cursor.' }]);
}

/** Where a keyset page starts: just past the row with this sort value and id, read forwards or backwards. */
export type Keyset<V extends string | number = string | number> = { value: V; id: number; dir: 'next' | 'prev' };

/**
 * The cursor of a keyset position. `scope` (the list's sort and order) travels with it and is
 * checked on the way back, so a cursor from another sort or order is refused instead of misread.
 */
export function encodeKeyset(k: Keyset, scope: readonly (string | number)[]): string {
  return encodeCursor([...scope, k.dir === 'prev' ? 'p' : 'n', k.value, k.id]);
}

/** The keyset of a cursor from `encodeKeyset` with the same scope; a 400 naming `cursor` otherwise. */
export function decodeKeyset<V extends string | number>(s: string, scope: readonly (string | number)[], isValue: (v: unknown) => v is V): Keyset<V> {
  const n = scope.length;
  const parts = decodeCursor(
    s,
    (p): p is (string | number)[] =>
      p.length === n + 3 && scope.every((x, i) => p[i] === x) && (p[n] === 'n' || p[n] === 'p') && isValue(p[n + 1]) && Number.isSafeInteger(p[n + 2]),
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
