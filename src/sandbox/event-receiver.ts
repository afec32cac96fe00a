import { createHmac, timingSafeEqual } from 'node:crypto';

/** The parts of a sandbox request and reply used here (wire.ts's shapes; not imported, as wire.ts imports the state that holds this). */
type Reply = { status: number; headers?: Record<string, string>; json?: unknown; html?: string };
type SystemRequest = { method: string; headers: Record<string, string | string[] | undefined>; body: string };

/**
 * A SIEM stand-in for the product's outbound event webhooks: `POST /__sandbox/events` stores each
 * delivery and checks its `X-WFA-Signature` the way docs/operations.md tells a receiver to (written
 * here from the documentation, as a customer would, not by importing the product's code); the page
 * at `GET /__sandbox/events` lists them as valid or forged. `POST /__sandbox/events/settings` sets
 * the secret to check with (`secret`) and makes the next n deliveries fail with 503 (`failNext`).
 */

const MAX_KEPT = 500;
const TOLERANCE_SECONDS = 300;

export type ReceivedEvent = {
  seq: number;
  receivedAt: string;
  event: string | null;
  deliveryId: string | null;
  signature: string | null;
  valid: boolean;
  /** Why a delivery is not valid; null when it is. */
  problem: string | null;
  /** The 503 the receiver answered on purpose, if it did. */
  answered: number;
  body: string;
};

export class EventReceiverState {
  secret: string | null = null;
  failNext = 0;
  received: ReceivedEvent[] = [];
  private seq = 0;

  reset(): void {
    this.secret = null;
    this.failNext = 0;
    this.received = [];
  }

  receive(req: SystemRequest, now = Date.now()): Reply {
    const header = (name: string) => {
      const v = req.headers[name];
      return (Array.isArray(v) ? v[0] : v) ?? null;
    };
    const signature = header('x-wfa-signature');
    const problem = this.secret === null ? 'No secret configured on the receiver.' : checkSignature(signature, req.body, this.secret, Math.floor(now / 1000));
    const answered = this.failNext > 0 ? 503 : 200;
    if (answered === 503) this.failNext--;
    this.received.unshift({
      seq: ++this.seq,
      receivedAt: new Date(now).toISOString(),
      event: header('x-wfa-event'),
      deliveryId: header('x-wfa-delivery'),
      signature,
      valid: problem === null,
      problem,
      answered,
      body: req.body.slice(0, 64 * 1024),
    });
    this.received.length = Math.min(this.received.length, MAX_KEPT);
    if (answered === 503) return { status: 503, headers: { 'retry-after': '1' }, json: { error: 'The receiver is unavailable (sandbox fault).' } };
    // A receiver that cannot verify answers 401 so the sender's log shows it.
    return problem === null ? { status: 200, json: { received: true } } : { status: 401, json: { error: problem } };
  }

  settings(body: Record<string, unknown>): Reply {
    if (body.secret !== undefined) {
      if (typeof body.secret !== 'string' || body.secret.length < 8 || body.secret.length > 200)
        return { status: 400, json: { error: 'secret must be 8 to 200 characters' } };
      this.secret = body.secret;
    }
    if (body.failNext !== undefined) {
      const n = Number(body.failNext);
      if (!Number.isInteger(n) || n < 0 || n > 1000) return { status: 400, json: { error: 'failNext must be a whole number from 0 to 1000' } };
      this.failNext = n;
    }
    return { status: 200, json: { secretSet: this.secret !== null, failNext: this.failNext } };
  }
}

/** The documented check: t within five minutes, HMAC-SHA256 of "<t>.<raw body>" in hex, compared in constant time. */
function checkSignature(header: string | null, body: string, secret: string, nowSeconds: number): string | null {
  if (!header) return 'No X-WFA-Signature header.';
  const fields = new Map<string, string[]>();
  for (const part of header.split(',')) {
    const [k, v] = part.trim().split('=', 2);
    if (k && v) fields.set(k, [...(fields.get(k) ?? []), v]);
  }
  const t = fields.get('t')?.[0];
  if (!t || !/^\d+$/.test(t)) return 'No timestamp in the signature.';
  if (Math.abs(nowSeconds - Number(t)) > TOLERANCE_SECONDS) return 'The timestamp is older than five minutes (or in the future).';
  const expected = Buffer.from(createHmac('sha256', secret).update(`${t}.${body}`).digest('hex'));
  const ok = (fields.get('v1') ?? []).some((v) => {
    const given = Buffer.from(v);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return ok ? null : 'The signature does not match: forged, altered, or signed with another secret.';
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(state: EventReceiverState): string {
  const rows = state.received
    .map(
      (e) => `<tr><td>${e.seq}</td><td>${esc(e.receivedAt)}</td><td>${esc(e.event ?? '—')}</td><td><code>${esc(e.deliveryId ?? '—')}</code></td>
<td class="${e.valid ? 'valid' : 'forged'}">${e.valid ? 'valid' : `forged: ${esc(e.problem ?? '')}`}</td><td>${e.answered}</td><td><details><summary>body</summary><pre>${esc(e.body)}</pre></details></td></tr>`,
    )
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sandbox event receiver</title>
<style>body{font:14px system-ui;margin:2rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}.valid{color:#0a0}.forged{color:#c00;font-weight:bold}pre{white-space:pre-wrap;max-width:60ch}</style></head>
<body><h1>Sandbox event receiver</h1>
<p>Deliveries of outbound event webhooks, checked against the configured secret (${state.secret ? 'set' : '<strong>not set</strong>'}). Newest first; at most ${MAX_KEPT} kept.</p>
<table><thead><tr><th>#</th><th>Received</th><th>Event</th><th>Delivery</th><th>Signature</th><th>Answered</th><th>Body</th></tr></thead>
<tbody>${rows || '<tr><td colspan="7">No deliveries yet.</td></tr>'}</tbody></table></body></html>`;
}

/** `/__sandbox/events*`; null for any other path. */
export function eventReceiverRoute(state: EventReceiverState, req: SystemRequest, path: string, body: Record<string, unknown>): Reply | null {
  if (path === '/__sandbox/events' && req.method === 'POST') return state.receive(req);
  if (path === '/__sandbox/events' && req.method === 'GET') return { status: 200, html: page(state) };
  if (path === '/__sandbox/events.json' && req.method === 'GET') return { status: 200, json: { secretSet: state.secret !== null, received: state.received } };
  if (path === '/__sandbox/events/settings' && req.method === 'POST') return state.settings(body);
  if (path === '/__sandbox/events' && req.method === 'DELETE') {
    state.received = [];
    return { status: 200, json: { cleared: true } };
  }
  return null;
}
