import { createHmac, timingSafeEqual } from 'node:crypto';

/** How old a signed timestamp may be before the receiver refuses the delivery (replays). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** `X-WFA-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed by the secret>`. */
export function signEventBody(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

export type SignatureCheck = { valid: true } | { valid: false; reason: string };

/**
 * The documented receiver check (docs/operations.md): parse `t` and every `v1`, refuse a timestamp
 * more than five minutes from now, recompute the HMAC over the raw body exactly as received and
 * compare in constant time.
 */
export function verifyEventSignature(
  header: string | undefined | null,
  rawBody: string,
  secret: string,
  nowSeconds = Math.floor(Date.now() / 1000),
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
): SignatureCheck {
  if (!header) return { valid: false, reason: 'The X-WFA-Signature header is missing.' };
  const parts = header.split(',').map((p) => p.trim().split('=', 2) as [string, string | undefined]);
  const t = parts.find(([k]) => k === 't')?.[1];
  const signatures = parts.filter(([k, v]) => k === 'v1' && v).map(([, v]) => v!);
  if (!t || !/^\d{1,12}$/.test(t) || !signatures.length) return { valid: false, reason: 'The signature header is not in the form t=<unix>,v1=<hex>.' };
  if (Math.abs(nowSeconds - Number(t)) > toleranceSeconds) return { valid: false, reason: 'The signature timestamp is more than five minutes away from now.' };
  const expected = Buffer.from(createHmac('sha256', secret).update(`${t}.${rawBody}`).digest('hex'), 'utf8');
  const match = signatures.some((s) => {
    const given = Buffer.from(s, 'utf8');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return match ? { valid: true } : { valid: false, reason: 'The signature does not match the body.' };
}
