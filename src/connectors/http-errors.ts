import { ConnectorError } from './types.js';

/** What a system's error body says, reduced to text an admin can read. */
export type ErrorDetail = { detail?: string; fieldErrors?: Record<string, string> };

export type ErrorContext = {
  system: string;
  /** "looking up a user", "creating the ticket" — finishes the sentence "... while <action>". */
  action: string;
  /** "the username and password" — what to check when the system says 401. */
  credentialHint: string;
  /** Values that must never appear in a message (passwords, tokens). */
  secrets: string[];
};

const MAX_DETAIL = 300;
/** Field errors kept from one answer: a form has a few dozen fields, a hostile answer can list millions. */
const MAX_FIELD_ERRORS = 20;

/** Removes secrets and control characters, and bounds the length, so a message is safe to store and show. */
export function sanitize(text: string, secrets: string[]): string {
  let out = text.replace(/[\u0000-\u001f]+/g, ' ').trim();
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('[REDACTED]');
  }
  return out.length > MAX_DETAIL ? `${out.slice(0, MAX_DETAIL)}…` : out;
}

function withDetail(sentence: string, detail: string | undefined, secrets: string[]): string {
  if (!detail) return sentence;
  return `${sentence} ${systemSays(sanitize(detail, secrets))}`;
}

function systemSays(detail: string): string {
  return `(It said: "${detail.replace(/"/g, "'")}")`;
}

function seconds(ms: number): string {
  return `${Math.max(1, Math.ceil(ms / 1000))} s`;
}

/** Maps an HTTP error status to the typed error the rest of the product understands. */
export function errorForStatus(status: number, ctx: ErrorContext, body: ErrorDetail, retryAfterMs?: number): ConnectorError {
  const { system, action, secrets } = ctx;
  const base = { status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  if (status === 401) {
    return new ConnectorError('auth', `${system} rejected the credentials while ${action}: check ${ctx.credentialHint}.`, base);
  }
  if (status === 403) {
    return new ConnectorError(
      'forbidden',
      withDetail(`${system} denied permission while ${action}: give the integration account the role or permission it needs.`, body.detail, secrets),
      base,
    );
  }
  if (status === 404) {
    return new ConnectorError(
      'not_found',
      withDetail(`${system} found nothing while ${action}: the record may have been deleted, or the account cannot see it.`, body.detail, secrets),
      base,
    );
  }
  if (status === 429) {
    const when = retryAfterMs !== undefined ? `; it asked to wait ${seconds(retryAfterMs)}` : '';
    return new ConnectorError('rate_limited', `${system} is rate limiting requests while ${action}${when}.`, base);
  }
  if (status >= 500) {
    return new ConnectorError('unavailable', withDetail(`${system} is unavailable (HTTP ${status}) while ${action}.`, body.detail, secrets), base);
  }
  const fieldErrors = body.fieldErrors && Object.keys(body.fieldErrors).length > 0 ? sanitizeFields(body.fieldErrors, secrets) : undefined;
  const fieldText = fieldErrors
    ? ` ${Object.entries(fieldErrors)
        .map(([field, msg]) => `${field}: ${msg.replace(/[.\s]+$/, '')}`)
        .join('; ')}.`
    : '';
  return new ConnectorError('invalid', withDetail(`${system} refused the request (HTTP ${status}) while ${action}.${fieldText}`, body.detail, secrets), {
    ...base,
    ...(fieldErrors ? { fieldErrors } : {}),
  });
}

function sanitizeFields(fields: Record<string, string>, secrets: string[]): Record<string, string> {
  return Object.fromEntries(
    Object.entries(fields)
      .slice(0, MAX_FIELD_ERRORS)
      .map(([k, v]) => [sanitize(k, secrets), sanitize(String(v), secrets)]),
  );
}

/** Turns a fetch failure (timeout, refused connection, DNS, TLS) into an admin-readable error. */
export function errorForNetworkFailure(err: unknown, ctx: ErrorContext & { host: string; timeoutMs: number }): ConnectorError {
  const e = err as { name?: string; cause?: { code?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') {
    return new ConnectorError('unavailable', `${ctx.system} at ${ctx.host} did not answer within ${ctx.timeoutMs / 1000} s while ${ctx.action}.`);
  }
  const code = e?.cause?.code;
  const why: Record<string, string> = {
    ECONNREFUSED: 'the connection was refused',
    ENOTFOUND: 'the host name does not resolve',
    EAI_AGAIN: 'DNS lookup failed temporarily',
    ECONNRESET: 'the connection was dropped',
    UND_ERR_SOCKET: 'the connection was dropped',
    CERT_HAS_EXPIRED: 'its TLS certificate has expired',
    DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed and not trusted',
    UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate is not trusted',
    ERR_TLS_CERT_ALTNAME_INVALID: 'its TLS certificate does not match the host name',
  };
  const reason = (code && why[code]) ?? 'the connection failed';
  return new ConnectorError('unavailable', `Could not reach ${ctx.system} at ${ctx.host} while ${ctx.action}: ${reason}.`);
}
