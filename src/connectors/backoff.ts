/** Waiting rules shared by both connectors: exponential backoff with full jitter, never sooner than the server asks. */

export const BASE_DELAY_MS = 500;
export const MAX_DELAY_MS = 30_000;

/** Full jitter (AWS architecture blog): spreads retries of many workers evenly instead of in waves. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

/** `Retry-After` is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). Returns ms from now, or undefined. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/**
 * `X-RateLimit-Reset` is documented as a UNIX timestamp in seconds by ServiceNow and as an ISO 8601
 * timestamp by Jira Cloud (ticketing-apis.md §2.7, §1.9). Used only when `Retry-After` is absent.
 */
export function parseRateLimitReset(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Math.max(0, Number(text) * 1000 - now);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
