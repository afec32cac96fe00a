import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP server whose answers a test scripts, to play a misbehaving ticketing system
 * (huge bodies, endless pages, odd shapes) that the sandbox is too well-behaved to be.
 */
export type ScriptedServer = {
  url: string;
  /** Paths of the requests received, in order (without the query string). */
  paths: string[];
  handle: (handler: Handler) => void;
  close: () => Promise<void>;
};

export type Handler = (req: IncomingMessage, url: URL, res: ServerResponse) => void | Promise<void>;

export async function startScriptedServer(): Promise<ScriptedServer> {
  let handler: Handler = (_req, _url, res) => json(res, 404, { errorMessages: ['not scripted'] });
  const paths: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    paths.push(url.pathname);
    Promise.resolve(handler(req, url, res)).catch((err: unknown) => res.destroy(err as Error));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    paths,
    handle: (h) => {
      handler = h;
      paths.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Streams a JSON object of about `total` bytes (one huge string field, no Content-Length) in
 * 64 KiB chunks, waiting for the client to take each one. Resolves with the bytes written when
 * the body is complete or the client went away; far fewer than `total` means the client stopped reading.
 */
export async function streamHugeJson(res: ServerResponse, field: string, total: number): Promise<number> {
  const chunk = Buffer.alloc(64 * 1024, 'x');
  let gone = false;
  res.on('close', () => {
    gone = true;
  });
  res.writeHead(200, { 'Content-Type': 'application/json' });
  let written = 0;
  const write = async (data: Buffer | string) => {
    written += Buffer.byteLength(data);
    if (res.write(data) || gone) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
  };
  await write(`{"${field}":"`);
  while (!gone && written < total) await write(chunk);
  if (!gone) res.end('"}');
  return written;
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
