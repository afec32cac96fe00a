import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Faults, LoggedRequest, SandboxState, SandboxSystem } from './state.js';

/** Minimal HTTP plumbing for the fake systems: exact control over status, headers, bodies and faults. */

export type Reply = { status: number; headers?: Record<string, string>; json?: unknown; text?: string; html?: string };

export type SystemRequest = {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
  /** http://host:port of this system, for `self` links. */
  origin: string;
};

export type SystemDefinition = {
  system: SandboxSystem;
  handle: (req: SystemRequest) => Promise<Reply> | Reply;
  rateLimited: (faults: Faults, retryAfter: string) => Reply;
  unavailable: () => Reply;
  /** Whether this request creates a ticket (for the lost-answer fault). */
  isCreate: (req: SystemRequest) => boolean;
};

export type AdminHandler = (req: SystemRequest, system: SandboxSystem) => Promise<Reply> | Reply;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function maskHeaders(headers: IncomingMessage['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    const value = Array.isArray(v) ? v.join(', ') : v;
    // Keep the scheme so tests can see which auth was used, never the secret itself.
    out[k] = k === 'authorization' ? `${value.split(' ')[0]} ***` : value;
  }
  return out;
}

function write(res: ServerResponse, reply: Reply): { status: number; headers: Record<string, string>; body: string } {
  const headers: Record<string, string> = { ...reply.headers };
  let body = '';
  if (reply.json !== undefined) {
    headers['content-type'] = 'application/json;charset=UTF-8';
    body = JSON.stringify(reply.json);
  } else if (reply.html !== undefined) {
    headers['content-type'] = 'text/html; charset=utf-8';
    body = reply.html;
  } else if (reply.text !== undefined) {
    headers['content-type'] ??= 'text/plain; charset=utf-8';
    body = reply.text;
  }
  res.writeHead(reply.status, headers);
  res.end(body);
  return { status: reply.status, headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])), body };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type RunningServer = { url: string; close: () => Promise<void> };

export async function startSystemServer(
  def: SystemDefinition,
  state: SandboxState,
  admin: AdminHandler,
  listen: { port: number; host: string },
): Promise<RunningServer> {
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) write(res, { status: 500, text: `sandbox error: ${(err as Error).message}` });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const origin = `http://${req.headers.host ?? 'localhost'}`;
    const url = new URL(req.url ?? '/', origin);
    const sreq: SystemRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: await readBody(req),
      origin,
    };
    // The root is not part of either real API: it answers an index, so a person who opens the
    // printed URL sees where they are instead of a ServiceNow error or a login challenge.
    if (url.pathname === '/__sandbox' || url.pathname.startsWith('/__sandbox/') || (url.pathname === '/' && sreq.method === 'GET')) {
      write(res, await admin(sreq, def.system));
      return;
    }
    const entry: LoggedRequest = {
      seq: state.nextSeq(),
      system: def.system,
      at: Date.now(),
      method: sreq.method,
      path: sreq.path,
      query: Object.fromEntries(url.searchParams),
      headers: maskHeaders(req.headers),
      body: sreq.body,
    };
    state.log.push(entry);
    const faults = state.faults[def.system];
    if (faults.latencyMs > 0) await sleep(faults.latencyMs);
    if (faults.drop > 0) {
      faults.drop--;
      entry.fault = 'drop';
      req.socket.destroy();
      return;
    }
    if (faults.hang > 0) {
      faults.hang--;
      entry.fault = 'hang';
      return; // never answered; close() ends the connection
    }
    let reply: Reply;
    const roll = Math.random();
    const rateLimited = faults.rateLimitBurst > 0 || roll < faults.rateLimitRate;
    const failing = !rateLimited && (faults.errorBurst > 0 || roll < faults.rateLimitRate + faults.errorRate);
    if (rateLimited) {
      if (faults.rateLimitBurst > 0) faults.rateLimitBurst--;
      const retryAfter =
        faults.retryAfterFormat === 'http-date' ? new Date(Date.now() + faults.retryAfterSeconds * 1000).toUTCString() : String(faults.retryAfterSeconds);
      reply = def.rateLimited(faults, retryAfter);
    } else if (failing) {
      if (faults.errorBurst > 0) faults.errorBurst--;
      reply = def.unavailable();
    } else {
      reply = await def.handle(sreq);
      if (faults.loseCreateAnswers > 0 && def.isCreate(sreq) && reply.status < 300) {
        // The ticket now exists; the caller never learns it, as after a crash or a proxy timeout.
        faults.loseCreateAnswers--;
        entry.fault = 'lost-answer';
        if (faults.loseCreateAnswerAs === 'drop') {
          req.socket.destroy();
          return;
        }
        reply = def.unavailable();
      }
    }
    entry.response = write(res, reply);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Hung requests would otherwise keep the server open forever.
        server.closeAllConnections();
      }),
  };
}

/** Basic credentials from an Authorization header, or null. */
export function basicCredentials(header: string | undefined): { user: string; secret: string } | null {
  if (!header?.startsWith('Basic ')) return null;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i < 0 ? null : { user: decoded.slice(0, i), secret: decoded.slice(i + 1) };
}

export function parseJson(body: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch {
    return { ok: false };
  }
}
