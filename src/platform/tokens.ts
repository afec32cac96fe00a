import { createHash, randomBytes } from 'node:crypto';

/** A random secret for cookies, CSRF and API keys: 256 bits, URL-safe. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Session ids and API keys are stored only as their SHA-256, so a database leak does not hand out logins. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
