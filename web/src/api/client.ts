/**
 * The web app's one way to the API: every request (JSON calls, the CSV export stream, the Add User
 * lookup) goes through `request`, which sends the session's CSRF token on changes, honours an
 * AbortSignal (React Query passes one, so a query whose key changed is cancelled) and turns error
 * bodies into ApiError.
 */
export class ApiError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    public readonly details?: unknown,
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;
export function setCsrfToken(token: string | null) {
  csrfToken = token;
}

/** Called on any 401 so the app can show the login page (session expired or logged out elsewhere). */
let onUnauthorized: (() => void) | null = null;
export function setUnauthorizedHandler(fn: (() => void) | null) {
  onUnauthorized = fn;
}

export type QueryValue = string | number | boolean | undefined | null | readonly (string | number)[];
export type Query = Record<string, QueryValue>;

/**
 * The one query-string encoder: `?a=1&b=x`, or '' when nothing is set. Empty values are left out.
 * A list is sent as a repeated parameter (`rule=a&rule=b`) because free-text values may contain
 * commas; the server reads repeated parameters for every list it accepts.
 */
export function toQueryString(query?: Query): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) for (const item of v as readonly (string | number)[]) params.append(k, String(item));
    else params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** The address of an API resource, for what the browser fetches itself (a download link). */
export function apiUrl(path: string, query?: Query): string {
  return `/api/v1${path}${toQueryString(query)}`;
}

export type RequestOptions = { body?: unknown; query?: Query; signal?: AbortSignal; accept?: string };

/** Sends one request to `/api/v1<path>` and hands back the response when it is a success (2xx). */
export async function request(method: string, path: string, { body, query, signal, accept = 'application/json' }: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { accept };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(apiUrl(path, query), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      signal,
    });
  } catch (err) {
    // A cancelled request is not a network failure: let the caller (React Query) see the abort.
    if (signal?.aborted) throw err;
    throw new ApiError(0, 'network', 'Cannot reach the server. Check your connection and try again.');
  }
  if (res.ok) return res;
  const data = safeJson(await res.text().catch(() => ''));
  const err = (data as { error?: { code: string; message: string; details?: unknown } } | undefined)?.error;
  if (res.status === 401 && path !== '/auth/login') onUnauthorized?.();
  throw new ApiError(res.status, err?.code ?? 'http_error', err?.message ?? `Request failed (${res.status}).`, err?.details);
}

/** A JSON call: the parsed body, or undefined for 204. */
export async function api<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const res = await request(method, path, options);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? safeJson(text) : undefined) as T;
}

function safeJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Extra options of a call: the AbortSignal React Query hands each query function. */
type CallOptions = { signal?: AbortSignal };

export const get = <T>(path: string, query?: Query, opts?: CallOptions) => api<T>('GET', path, { query, ...opts });
export const post = <T>(path: string, body?: unknown, opts?: CallOptions) => api<T>('POST', path, { body: body ?? {}, ...opts });
export const patch = <T>(path: string, body?: unknown) => api<T>('PATCH', path, { body: body ?? {} });
export const put = <T>(path: string, body?: unknown) => api<T>('PUT', path, { body: body ?? {} });
export const del = <T = void>(path: string) => api<T>('DELETE', path);
