import { Agent, fetch as undiciFetch } from 'undici';
import { assertAllowedTarget, guardedLookup, isPrivateTargetRefusal, type DnsLookup, type LookupAll } from './address-guard.js';
import { backoffDelay, parseRateLimitReset, parseRetryAfter } from './backoff.js';
import type { ZodType } from 'zod';
import { errorForNetworkFailure, errorForStatus, type ErrorDetail } from './http-errors.js';
import { MAX_RESPONSE_BYTES } from './limits.js';
import { ConnectorError, type ConnectorOptions } from './types.js';

/**
 * Outbound HTTP shared by both connectors: address guard, per-request timeout, retries with
 * backoff that honours Retry-After, bodies read up to MAX_RESPONSE_BYTES and checked against the
 * expected shape, and every failure mapped to a ConnectorError.
 */

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_RETRIES = 3;
/** A wait longer than this is not slept through in-process: the caller's job queue reschedules instead. */
export const MAX_INLINE_WAIT_MS = 60_000;
/** A retry with less of the interactive deadline left than this could not get an answer in time. */
const MIN_ATTEMPT_MS = 250;

export type HttpClientConfig = {
  system: string;
  baseUrl: string;
  options: ConnectorOptions;
  credentialHint: string;
  /** Extracts the system's own error text from a parsed error body. */
  readErrorBody: (body: unknown) => ErrorDetail;
  secrets: string[];
  /** Test seams. */
  random?: () => number;
  lookup?: LookupAll;
  /** Test seam: the resolver the socket uses at connect time (DNS rebinding tests). */
  connectLookup?: DnsLookup;
};

// One pooled agent for every public-only client; its sockets resolve through the guard.
let publicOnlyAgent: Agent | null = null;
function agentFor(connectLookup?: DnsLookup): Agent {
  if (connectLookup) return new Agent({ connect: { lookup: guardedLookup(connectLookup) as never } });
  publicOnlyAgent ??= new Agent({ connect: { lookup: guardedLookup() as never } });
  return publicOnlyAgent;
}

export type HttpRequest = {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT';
  /** Path below the base URL, starting with "/". */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  json?: unknown;
  form?: Record<string, string>;
  /**
   * Whether repeating the request cannot cause a second effect. Defaults to true for GET only.
   * A non-idempotent request is retried only after 429, which means "not processed"; after a
   * timeout or 5xx the write may have happened, so the caller must look it up before trying again.
   */
  idempotent?: boolean;
  /** Finishes the sentence "... while <action>" in error messages. */
  action: string;
  /** Do not report a failure to onCallResult (the caller recovers, e.g. refreshes a token and repeats). */
  quietFailure?: boolean;
  /**
   * The shape a 2xx body must have; its output is the returned body. A body of another shape is a
   * ConnectorError (invalid), so connector code never reads fields of something unexpected.
   */
  schema?: ZodType;
};

export type HttpResponse<T> = { status: number; headers: Headers; body: T };

type RawResponse = { status: number; headers: Headers; body: unknown; text: string };

export class HttpClient {
  private readonly base: string;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly deadlineAt: number | undefined;

  constructor(private readonly cfg: HttpClientConfig) {
    this.deadlineAt = cfg.options.deadlineMs !== undefined ? Date.now() + cfg.options.deadlineMs : undefined;
    this.base = cfg.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = cfg.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxRetries = cfg.options.maxRetries ?? DEFAULT_MAX_RETRIES;
    this.sleep = cfg.options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  get baseUrl(): string {
    return this.base;
  }

  /** Sends the request; a 2xx answer is returned, anything else throws ConnectorError. */
  async send<T>(req: HttpRequest): Promise<HttpResponse<T>> {
    try {
      const res = await this.withRetries(req);
      const body = req.schema ? this.checkShape(req.schema, res.body, req) : res.body;
      this.reportOutcome(true);
      return { status: res.status, headers: res.headers, body: body as T };
    } catch (err) {
      const error = this.asConnectorError(err, req);
      if (!req.quietFailure) this.reportOutcome(false, error);
      throw error;
    }
  }

  /** Like send, but a 404 is an answer ("it does not exist"), not a failure. */
  async sendOrNull<T>(req: HttpRequest): Promise<HttpResponse<T> | null> {
    try {
      return await this.send<T>({ ...req, quietFailure: true });
    } catch (err) {
      if (err instanceof ConnectorError && err.kind === 'not_found') {
        this.reportOutcome(true);
        return null;
      }
      if (!req.quietFailure) this.reportOutcome(false, err as ConnectorError);
      throw err;
    }
  }

  /** Tells onCallResult how a logical call ended; public for callers that recover from a failure themselves. */
  reportOutcome(ok: boolean, error?: ConnectorError): void {
    try {
      this.cfg.options.onCallResult?.(ok, error);
    } catch {
      // Health tracking must never break the call it observes.
    }
  }

  private checkShape(schema: ZodType, body: unknown, req: HttpRequest): unknown {
    const parsed = schema.safeParse(body);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    throw new ConnectorError(
      'invalid',
      `${this.cfg.system} answered with an unexpected response${where} (${issue?.message ?? 'unknown shape'}) while ${req.action}: check that the URL points at the instance itself and that the account can read it.`,
    );
  }

  private asConnectorError(err: unknown, req: HttpRequest): ConnectorError {
    if (err instanceof ConnectorError) return err;
    return errorForNetworkFailure(err, this.context(req));
  }

  private context(req: HttpRequest) {
    return {
      system: this.cfg.system,
      action: req.action,
      credentialHint: this.cfg.credentialHint,
      secrets: this.cfg.secrets,
      host: new URL(this.base).host,
      // A person waiting is told the whole budget they waited, not one attempt's share of it.
      timeoutMs: this.cfg.options.deadlineMs ?? this.timeoutMs,
    };
  }

  private async withRetries(req: HttpRequest): Promise<RawResponse> {
    const idempotent = req.idempotent ?? req.method === 'GET';
    const deadlineAt = this.deadlineAt;
    /** Sleeps before the next attempt, unless too little of the interactive deadline would be left for it. */
    const waitOrGiveUp = async (ms: number, error: unknown) => {
      if (deadlineAt !== undefined && Date.now() + ms + MIN_ATTEMPT_MS > deadlineAt) throw error;
      await this.sleep(ms);
    };
    for (let attempt = 0; ; attempt++) {
      const lastAttempt = attempt >= this.maxRetries;
      let res: RawResponse;
      try {
        res = await this.once(req);
      } catch (err) {
        if (err instanceof ConnectorError || !idempotent || lastAttempt) throw err;
        await waitOrGiveUp(backoffDelay(attempt, this.cfg.random), err);
        continue;
      }
      if (res.status < 300) return res;
      const error = this.errorFor(res, req);
      const retryable = res.status === 429 || (res.status === 503 && idempotent);
      if (!retryable || lastAttempt) throw error;
      const asked = error.opts.retryAfterMs ?? 0;
      if (asked > MAX_INLINE_WAIT_MS) throw error;
      await waitOrGiveUp(Math.max(backoffDelay(attempt, this.cfg.random), asked), error);
    }
  }

  /** This attempt's timeout: the per-request one, or what is left of the interactive deadline. */
  private attemptTimeoutMs(): number {
    if (this.deadlineAt === undefined) return this.timeoutMs;
    return Math.max(1, Math.min(this.timeoutMs, this.deadlineAt - Date.now()));
  }

  private errorFor(res: RawResponse, req: HttpRequest): ConnectorError {
    if (res.status >= 300 && res.status < 400) {
      const location = res.headers.get('location');
      const where = location ? ` to ${safeHost(location, this.base)}` : '';
      return new ConnectorError(
        'invalid',
        `${this.cfg.system} answered with a redirect${where} while ${req.action}: check that the URL is the instance's own https address.`,
        { status: res.status },
      );
    }
    const retryAfterMs =
      parseRetryAfter(res.headers.get('retry-after')) ?? (res.status === 429 ? parseRateLimitReset(res.headers.get('x-ratelimit-reset')) : undefined);
    return errorForStatus(res.status, this.context(req), this.cfg.readErrorBody(res.body), retryAfterMs);
  }

  private async once(req: HttpRequest): Promise<RawResponse> {
    const url = new URL(this.base + req.path);
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    await assertAllowedTarget(url, {
      allowPrivateTargets: this.cfg.options.allowPrivateTargets,
      system: this.cfg.system,
      lookup: this.cfg.lookup,
    });
    const headers: Record<string, string> = { Accept: 'application/json', ...req.headers };
    let body: string | undefined;
    if (req.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(req.json);
    } else if (req.form !== undefined) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(req.form).toString();
    }
    // The same signal bounds reading the body, so a server that stalls mid-response also times out.
    const signal = AbortSignal.timeout(this.attemptTimeoutMs());
    // Redirects are not followed: a redirect could lead past the address guard.
    // Without private targets allowed, the request goes through an agent whose socket lookup
    // re-checks the address it connects to, so DNS cannot swap in a private one after the check.
    let res: Response;
    try {
      res = this.cfg.options.allowPrivateTargets
        ? await fetch(url, { method: req.method, headers, body, signal, redirect: 'manual' })
        : ((await undiciFetch(url, {
            method: req.method,
            headers,
            body,
            signal,
            redirect: 'manual',
            dispatcher: agentFor(this.cfg.connectLookup),
          })) as unknown as Response);
    } catch (err) {
      if (isPrivateTargetRefusal(err)) {
        throw new ConnectorError(
          'invalid',
          `The ${this.cfg.system} host ${url.hostname} resolved to a private, loopback or link-local network address when connecting, which is refused for safety. Use the public address of the instance.`,
        );
      }
      throw err;
    }
    const text = await this.readBounded(res, req);
    const parsed = parseBody(text);
    if (res.status < 300 && text.length > 0 && parsed === undefined) {
      throw new ConnectorError(
        'unavailable',
        `${this.cfg.system} answered with something other than JSON while ${req.action}: check that the URL points at the instance itself, not a login or proxy page.`,
        { status: res.status },
      );
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  }

  /** Reads the body as text, cancelling the stream as soon as it passes MAX_RESPONSE_BYTES. */
  private async readBounded(res: Response, req: HttpRequest): Promise<string> {
    const tooLarge = () =>
      new ConnectorError(
        'invalid',
        `${this.cfg.system} answered with more than ${MAX_RESPONSE_BYTES / (1024 * 1024)} MiB while ${req.action}; the answer was refused. Check that the URL points at the instance itself.`,
        { status: res.status },
      );
    if (Number(res.headers.get('content-length') ?? 0) > MAX_RESPONSE_BYTES) {
      await res.body?.cancel().catch(() => {});
      throw tooLarge();
    }
    const { text, cut } = await readUpTo(res.body, MAX_RESPONSE_BYTES);
    if (cut) throw tooLarge();
    return text;
  }
}

/**
 * Reads a response body as UTF-8 text, cancelling the stream as soon as it passes `maxBytes` so a
 * misbehaving server cannot make us hold more. `cut`: it did pass them, and `text` is only what
 * came before the chunk that did. Also serves the app's other outbound requests (chat webhooks).
 */
export async function readUpTo(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<{ text: string; cut: boolean }> {
  if (!body) return { text: '', cut: false };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let cut = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      cut = true;
      break;
    }
    chunks.push(value);
  }
  return { text: Buffer.concat(chunks).toString('utf8'), cut };
}

function parseBody(text: string): unknown {
  if (text.length === 0) return null;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function safeHost(location: string, base: string): string {
  try {
    return new URL(location, base).host;
  } catch {
    return 'another address';
  }
}
