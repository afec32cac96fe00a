import type { ErrorDetail } from '../http-errors.js';

/** ServiceNow error bodies are `{"error":{"message","detail"},"status":"failure"}` (ticketing-apis.md §2.6). */
export function readServiceNowError(body: unknown): ErrorDetail {
  const error = (body as { error?: { message?: unknown; detail?: unknown } } | null)?.error;
  if (!error || typeof error !== 'object') {
    // The OAuth endpoint answers in OAuth style instead: {"error":"...","error_description":"..."}.
    const oauth = body as { error?: unknown; error_description?: unknown } | null;
    if (typeof oauth?.error_description === 'string') return { detail: oauth.error_description };
    return {};
  }
  const parts = [error.message, error.detail].filter((p): p is string => typeof p === 'string' && p.length > 0);
  return parts.length ? { detail: parts.join(': ') } : {};
}
