import { ConnectorError } from './types.js';

/**
 * Bounds on what a ticketing system can make us read and store. Any admin can point an
 * integration at any server, so a misbehaving one must not exhaust memory, the database or the
 * admin pages that list what it returned.
 */

/** The largest response body read; real answers (100 tickets, a page of projects) are far below it. */
export const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
/**
 * How long a person waits for a ticketing system (Add User's lookup, Connect Account, Test
 * connection): every attempt, retry and back-off of the call fits in it. Background work keeps
 * its retries instead.
 */
export const INTERACTIVE_DEADLINE_MS = 10_000;
/** The most pages one listing follows; a server that keeps offering more is misbehaving. */
export const MAX_PAGES = 100;
/** Names shown to people: display names, project, status and field names. Longer ones are cut. */
export const MAX_NAME_LENGTH = 255;
/** Ids and keys are matched and stored as they are, so an absurd one is refused rather than cut. */
export const MAX_ID_LENGTH = 255;

/** Cuts a name to MAX_NAME_LENGTH characters, ending in "…" (without splitting a surrogate pair). */
export function boundedName(text: string): string {
  if (text.length <= MAX_NAME_LENGTH) return text;
  return `${Array.from(text.slice(0, MAX_NAME_LENGTH))
    .slice(0, MAX_NAME_LENGTH - 1)
    .join('')}…`;
}

/** An id or key as the system sent it; one that is empty or longer than any real system uses is refused. */
export function boundedId(system: string, what: string, id: string): string {
  if (id.length === 0 || id.length > MAX_ID_LENGTH) {
    throw new ConnectorError(
      'invalid',
      `${system} answered with ${id.length === 0 ? 'an empty' : `a ${id.length}-character`} ${what}: check that the URL points at the instance itself.`,
    );
  }
  return id;
}
