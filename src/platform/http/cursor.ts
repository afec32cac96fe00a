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
