/**
 * How a delivery attempt failed. Transient: the receiver or the network may accept it later (SMTP
 * 4xx, timeouts, refused connections, HTTP 429/5xx), so the job retries with backoff, never sooner
 * than `retryAfterMs`. Permanent: trying again cannot help (rejected address, unknown webhook), so
 * the message is marked failed with `message` as its reason.
 */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** Longest reason kept from a receiver's answer (it is shown to admins and stored). */
const MAX_REASON = 300;

/** A receiver's own words, on one line and bounded: its answer becomes a reason an admin reads. */
export function receiverText(raw: string): string {
  const oneLine = raw
    .replace(/[\u0000-\u001F\u007F-\u009F]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return oneLine.length > MAX_REASON ? `${oneLine.slice(0, MAX_REASON - 1)}…` : oneLine;
}
