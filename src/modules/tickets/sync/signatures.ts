import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** How far a push's own timestamp may be from our clock; delivery ids are kept for much longer (see PURGE). */
export const TIMESTAMP_WINDOW_MS = 10 * 60_000;

/** A new webhook secret: 32 random bytes, URL-safe so it pastes cleanly into Jira and ServiceNow forms. */
export function newWebhookSecret(): string {
  return `wfa_whsec_${randomBytes(32).toString('base64url')}`;
}

/** Jira's `X-Hub-Signature: sha256=<hex>`: HMAC-SHA256 of the exact raw body with the shared secret. */
export function hubSignature(rawBody: Buffer | string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

export function validHubSignature(rawBody: Buffer, secret: string, header: string | undefined): boolean {
  if (!header || !/^sha256=[0-9a-f]{64}$/i.test(header.trim())) return false;
  const expected = Buffer.from(hubSignature(rawBody, secret));
  const given = Buffer.from(header.trim().toLowerCase());
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Constant-time comparison of a shared-secret header; hashing first makes lengths equal and hides the secret's length. */
export function validSharedSecret(secret: string, header: string | undefined): boolean {
  if (!header) return false;
  const digest = (v: string) => createHash('sha256').update(v).digest();
  return timingSafeEqual(digest(header), digest(secret));
}

/** Accepts epoch milliseconds (number or digits); null when unreadable or outside the window. */
export function freshTimestamp(value: unknown, now = Date.now()): boolean {
  const ms = typeof value === 'number' ? value : typeof value === 'string' && /^\d{10,16}$/.test(value.trim()) ? Number(value.trim()) : NaN;
  return Number.isFinite(ms) && Math.abs(now - ms) <= TIMESTAMP_WINDOW_MS;
}
