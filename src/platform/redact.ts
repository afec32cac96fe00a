/** Keys whose values are secrets wherever they appear in an object we log or audit. */
const SECRET_KEY = /(secret|password|passwd|token|api_?key|credential|authorization|cookie|private_?key)/i;
export const REDACTED = '[REDACTED]';

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** Deep copy with every secret-looking key's value replaced; safe for audit entries and logs. */
export function redact<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => redact(v)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = isSecretKey(k) && v !== null && v !== undefined && v !== '' ? REDACTED : redact(v);
    }
    return out as T;
  }
  return value;
}
