import { generateKeyPair, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

/**
 * What a custom email domain publishes, and the rules for its names. Three records:
 * - DKIM: TXT `<selector>._domainkey.<domain>` = `v=DKIM1; k=rsa; p=<public key>` (mail is signed with its private key);
 * - SPF for the envelope sender: TXT `<envelope domain>` = `v=spf1 include:<platform mail domain> ~all`,
 *   so bounces' Return-Path domain authorises the mail servers the platform sends through;
 * - ownership: TXT `_wfa-verification.<domain>` = `wfa-verification=<token>`.
 */

export const RECORDS_VALID_MS = 72 * 3_600_000;
export const VERIFICATION_PREFIX = '_wfa-verification';

export type DnsRecord = { kind: 'dkim' | 'spf' | 'verification'; type: 'TXT'; name: string; value: string };

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** A lower-case host name of at least two labels, letters, digits and hyphens (IDNs in their xn-- form). */
export function domainProblem(value: string): string | null {
  if (value.length > 253) return 'must be at most 253 characters';
  const labels = value.split('.');
  if (labels.length < 2) return 'must have at least two labels, such as example.com';
  if (!labels.every((l) => LABEL.test(l))) return 'may hold only letters, digits and hyphens between dots (a label neither starts nor ends with a hyphen)';
  if (/^\d+$/.test(labels[labels.length - 1]!)) return 'must end in a top-level domain, not a number';
  return null;
}

export const isSubdomainOf = (child: string, parent: string) => child.endsWith(`.${parent}`);

export type GeneratedRecords = { selector: string; publicKey: string; privateKeyPem: string; token: string };

const generateRsa = promisify(generateKeyPair);

/** A new RSA 2048 key pair, selector and ownership token: every regeneration starts afresh. */
export async function generateRecordMaterial(now: Date = new Date()): Promise<GeneratedRecords> {
  const { publicKey, privateKey } = await generateRsa('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'der' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const day = now.toISOString().slice(0, 10).replace(/-/g, '');
  return {
    selector: `wfa${day}${randomBytes(3).toString('hex')}`,
    publicKey: (publicKey as unknown as Buffer).toString('base64'),
    privateKeyPem: privateKey as unknown as string,
    token: randomBytes(24).toString('base64url'),
  };
}

export function dkimValue(publicKey: string): string {
  return `v=DKIM1; k=rsa; p=${publicKey}`;
}

export function spfValue(platformMailDomain: string): string {
  return `v=spf1 include:${platformMailDomain} ~all`;
}

export function verificationValue(token: string): string {
  return `wfa-verification=${token}`;
}

export function recordsOf(
  d: { domain: string; envelope_domain: string; dkim_selector: string; dkim_public_key: string; verification_token: string },
  platformMailDomain: string,
): DnsRecord[] {
  return [
    { kind: 'dkim', type: 'TXT', name: `${d.dkim_selector}._domainkey.${d.domain}`, value: dkimValue(d.dkim_public_key) },
    { kind: 'spf', type: 'TXT', name: d.envelope_domain, value: spfValue(platformMailDomain) },
    { kind: 'verification', type: 'TXT', name: `${VERIFICATION_PREFIX}.${d.domain}`, value: verificationValue(d.verification_token) },
  ];
}
