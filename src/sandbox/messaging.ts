import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SANDBOX_SLACK_PATH, SANDBOX_TEAMS_PATH, handleSlack, handleTeams, type ChatReply } from './chat.js';
import { MessagingState, NO_MESSAGING_FAULTS, type Mail, type MessagingFaults } from './messaging-state.js';
import { SANDBOX_SMTP_CREDENTIALS, startSmtpSink } from './smtp.js';
import { DNS_RECORD_TYPES, DnsZone, startDnsServer } from './dns.js';

/**
 * The sandbox's messaging side: an SMTP server with a mailbox page, Slack and Teams webhook
 * receivers with pages that show each message, and `/__sandbox/*` fault switches. One HTTP port
 * for the pages and webhooks, one for SMTP.
 */

export type MessagingSandbox = {
  url: string;
  mailboxUrl: string;
  slackWebhookUrl: string;
  teamsWebhookUrl: string;
  smtp: { host: string; port: number; url: string; username: string; password: string };
  /** The stand-in DNS provider: records published here are served over UDP and TCP on `dns.port`. */
  dns: { host: string; port: number; servers: string; zone: DnsZone };
  state: MessagingState;
  close(): Promise<void>;
};

const MAX_BODY_BYTES = 1024 * 1024;
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left;vertical-align:top}pre{white-space:pre-wrap;background:#f6f6f6;padding:.6rem}iframe{width:100%;height:420px;border:1px solid #ccc}</style></head>
<body><nav><a href="/">Sandbox messaging</a> · <a href="/mailbox">Mailbox</a> · <a href="/slack">Slack</a> · <a href="/teams">Teams</a> · <a href="/dns">DNS</a></nav><h1>${esc(title)}</h1>${body}</body></html>`;
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        resolve(null);
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, r: ChatReply & { html?: string }): void {
  const headers: Record<string, string> = { ...r.headers };
  let body = '';
  if (r.json !== undefined) {
    headers['content-type'] = 'application/json; charset=utf-8';
    body = JSON.stringify(r.json);
  } else if (r.html !== undefined) {
    headers['content-type'] = 'text/html; charset=utf-8';
    // The pages show mail written by others: no script runs on them, and mail HTML only in a sandboxed frame.
    headers['content-security-policy'] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-src 'self'";
    body = r.html;
  } else if (r.text !== undefined) {
    headers['content-type'] = 'text/plain; charset=utf-8';
    body = r.text;
  }
  res.writeHead(r.status, headers);
  res.end(body);
}

const FAULT_KEYS = Object.keys(NO_MESSAGING_FAULTS) as (keyof MessagingFaults)[];

function parseFaults(raw: string): Partial<MessagingFaults> | string {
  let body: unknown;
  try {
    body = JSON.parse(raw || '{}');
  } catch {
    return 'The body must be JSON.';
  }
  if (typeof body !== 'object' || body === null) return 'The body must be a JSON object.';
  const out: Partial<MessagingFaults> = {};
  for (const [k, v] of Object.entries(body)) {
    if (!FAULT_KEYS.includes(k as keyof MessagingFaults)) return `Unknown fault ${k}; known: ${FAULT_KEYS.join(', ')}`;
    const n = Number(v);
    if (k === 'smtpTransientRate') {
      if (!(n >= 0 && n <= 1)) return 'smtpTransientRate must be a number from 0 to 1';
    } else if (!Number.isInteger(n) || n < 0) return `${k} must be a whole number ≥ 0`;
    out[k as keyof MessagingFaults] = n;
  }
  return out;
}

function indexPage(m: Omit<MessagingSandbox, 'close' | 'state'>, state: MessagingState): string {
  return page(
    'Sandbox messaging',
    `<p>Local stand-ins for a mail server, Slack and Microsoft Teams. Everything lives in memory.</p>
<ul><li><a href="/mailbox">Mailbox</a>: ${state.mails.length} mails</li><li><a href="/slack">Slack messages</a>: ${state.chat.filter((c) => c.kind === 'slack').length}</li><li><a href="/teams">Teams messages</a>: ${state.chat.filter((c) => c.kind === 'teams').length}</li></ul>
<h2>Connect</h2><ul>
<li>SMTP: <code>${esc(m.smtp.url.replace(/:[^:@/]+@/, ':***@'))}</code> (WFA_SMTP_URL; user <code>${esc(m.smtp.username)}</code>, password <code>${esc(m.smtp.password)}</code>; plain SMTP without STARTTLS, AUTH PLAIN/LOGIN)</li>
<li>Slack incoming webhook: <code>${esc(m.slackWebhookUrl)}</code></li>
<li>Teams Workflows webhook: <code>${esc(m.teamsWebhookUrl)}</code></li>
<li>DNS (UDP and TCP): <code>${esc(m.dns.servers)}</code> (WFA_DNS_SERVERS); publish records on the <a href="/dns">DNS page</a></li></ul>
<h2>Faults</h2><p><code>POST /__sandbox/faults</code> with any of ${FAULT_KEYS.map((k) => `<code>${k}</code>`).join(', ')}; <code>DELETE /__sandbox/faults</code> clears them; <code>POST /__sandbox/reset</code> empties everything.</p>
<pre>${esc(JSON.stringify(state.faults, null, 2))}</pre>`,
  );
}

function mailboxPage(state: MessagingState): string {
  const distinct = new Set(state.mails.map((m) => m.messageId ?? `seq-${m.seq}`)).size;
  const rows = [...state.mails]
    .reverse()
    .slice(0, 500)
    .map(
      (m) =>
        `<tr><td><a href="/mailbox/${m.seq}">${esc(m.subject || '(no subject)')}</a></td><td>${esc(m.to)}</td><td>${esc(m.from)}</td><td><code>${esc(m.messageId ?? '')}</code></td><td>${dkimBadge(m.dkim)}</td><td>${esc(m.receivedAt)}</td></tr>`,
    )
    .join('');
  return page(
    'Mailbox',
    `<p>${state.mails.length} mails received, ${distinct} distinct Message-IDs (a resend with the same Message-ID is the same message to a reader).</p>
<table><tr><th>Subject</th><th>To</th><th>From</th><th>Message-ID</th><th>DKIM</th><th>Received</th></tr>${rows}</table>`,
  );
}

function mailPage(state: MessagingState, seq: number): string | null {
  const m = state.mails.find((x) => x.seq === seq);
  if (!m) return null;
  const html = m.html ? `<h2>HTML part</h2><iframe title="HTML part" sandbox="" srcdoc="${esc(m.html)}"></iframe>` : '<h2>HTML part</h2><p>(none)</p>';
  return page(
    m.subject || '(no subject)',
    `<table><tr><th>From</th><td>${esc(m.from)}</td></tr><tr><th>To</th><td>${esc(m.to)}</td></tr><tr><th>Envelope</th><td>${esc(m.envelopeFrom)} → ${esc(m.envelopeTo.join(', '))}</td></tr><tr><th>Message-ID</th><td><code>${esc(m.messageId ?? '')}</code></td></tr><tr><th>DKIM</th><td>${dkimBadge(m.dkim)} ${esc(m.dkim.detail)}</td></tr></table>
${html}<h2>Text part</h2><pre>${esc(m.text)}</pre><h2>Headers</h2><pre>${esc(m.headerLines.join('\n'))}</pre>`,
  );
}

function dkimBadge(d: Mail['dkim']): string {
  const label = d.result === 'pass' ? 'pass' : d.result === 'fail' ? 'fail' : 'unsigned';
  const color = d.result === 'pass' ? '#0a7a2f' : d.result === 'fail' ? '#b00020' : '#666';
  return `<b style="color:${color}" title="${esc(d.detail)}">DKIM ${label}</b>`;
}

function dnsPage(zone: DnsZone, error: string | null): string {
  const rows = zone.records
    .map(
      (r) =>
        `<tr><td><code>${esc(r.name)}</code></td><td>${r.type}</td><td><code style="word-break:break-all">${esc(r.type === 'MX' ? `${r.priority} ${r.value}` : r.value)}</code></td><td><form method="post" action="/dns/${r.id}/delete"><button type="submit" aria-label="Remove ${esc(r.type)} record ${esc(r.name)}">Remove</button></form></td></tr>`,
    )
    .join('');
  const options = DNS_RECORD_TYPES.map((t) => `<option>${t}</option>`).join('');
  return page(
    'DNS records',
    `<p>The stand-in for your DNS provider: publish here the records Workflow Automation asks for (Setup &gt; Custom Email Domains), then Verify there. Names outside these records do not exist (NXDOMAIN).</p>
${error ? `<p role="alert" style="color:#b00020">${esc(error)}</p>` : ''}
<form method="post" action="/dns" aria-label="Publish a record"><p>
<label>Name <input name="name" required size="40" placeholder="selector._domainkey.example.com"></label>
<label>Type <select name="type">${options}</select></label>
<label>Value <input name="value" required size="60"></label>
<label>MX priority <input name="priority" type="number" min="0" max="65535" value="10" size="5"></label>
<button type="submit">Publish record</button></p></form>
<p>${zone.records.length} records.</p>
<table><tr><th>Name</th><th>Type</th><th>Value</th><th></th></tr>${rows}</table>`,
  );
}

function chatPage(state: MessagingState, kind: 'slack' | 'teams'): string {
  const items = state.chat
    .filter((c) => c.kind === kind)
    .reverse()
    .slice(0, 500);
  const rows = items
    .map(
      (c) =>
        `<tr><td><b>${esc(c.title)}</b><br>${esc(c.text).replace(/\n/g, '<br>')}</td><td>${esc(c.receivedAt)}</td><td><details><summary>Body</summary><pre>${esc(JSON.stringify(c.body, null, 2))}</pre></details></td></tr>`,
    )
    .join('');
  return page(
    kind === 'slack' ? 'Slack messages' : 'Microsoft Teams messages',
    `<p>${items.length} messages.</p><table><tr><th>Message</th><th>Received</th><th>As sent</th></tr>${rows}</table>`,
  );
}

export async function startMessagingSandbox(opts: { host: string; port: number; smtpPort: number; dnsPort?: number }): Promise<MessagingSandbox> {
  const state = new MessagingState();
  const zone = new DnsZone();
  const dns = await startDnsServer(zone, { host: opts.host, port: opts.dnsPort ?? 0 });
  let smtp;
  try {
    smtp = await startSmtpSink(state, zone, { host: opts.host, port: opts.smtpPort });
  } catch (err) {
    await dns.close();
    throw err;
  }
  // Filled in once the server listens (its port is known then); pages read it per request.
  const info = {} as Omit<MessagingSandbox, 'close' | 'state'>;
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://sandbox');
      const path = url.pathname.replace(/\/+$/, '') || '/';
      const raw = req.method === 'POST' || req.method === 'DELETE' ? await readBody(req) : '';
      if (raw === null) return send(res, { status: 413, text: 'request_too_large' });
      if (req.method === 'POST' && path.startsWith('/services/')) return send(res, handleSlack(state, path, raw));
      if (req.method === 'POST' && path.startsWith('/workflows/')) return send(res, handleTeams(state, path, raw));
      if (req.method === 'GET' && path === '/') return send(res, { status: 200, html: indexPage(info, state) });
      if (req.method === 'GET' && path === '/mailbox') return send(res, { status: 200, html: mailboxPage(state) });
      const mail = path.match(/^\/mailbox\/(\d+)$/);
      if (req.method === 'GET' && mail) {
        const html = mailPage(state, Number(mail[1]));
        return send(res, html ? { status: 200, html } : { status: 404, text: 'No such mail' });
      }
      if (req.method === 'GET' && path === '/dns') return send(res, { status: 200, html: dnsPage(zone, null) });
      if (req.method === 'POST' && path === '/dns') {
        const form = new URLSearchParams(raw);
        const added = zone.add({
          name: form.get('name') ?? '',
          type: form.get('type') ?? '',
          value: form.get('value') ?? '',
          priority: form.get('priority') ? Number(form.get('priority')) : null,
        });
        if (typeof added === 'string') return send(res, { status: 400, html: dnsPage(zone, added) });
        return send(res, { status: 303, headers: { location: '/dns' } });
      }
      const removeDns = path.match(/^\/dns\/(\d+)\/delete$/);
      if (req.method === 'POST' && removeDns) {
        zone.remove(Number(removeDns[1]));
        return send(res, { status: 303, headers: { location: '/dns' } });
      }
      if (req.method === 'GET' && (path === '/slack' || path === '/teams'))
        return send(res, { status: 200, html: chatPage(state, path.slice(1) as 'slack' | 'teams') });
      if (req.method === 'GET' && path === '/__sandbox/state') {
        return send(res, {
          status: 200,
          json: { mails: state.mails, chat: state.chat, faults: state.faults, smtpRefusals: state.smtpRefusals },
        });
      }
      if (req.method === 'POST' && path === '/__sandbox/faults') {
        const f = parseFaults(raw);
        if (typeof f === 'string') return send(res, { status: 400, json: { error: f } });
        return send(res, { status: 200, json: { faults: state.setFaults(f) } });
      }
      if (req.method === 'DELETE' && path === '/__sandbox/faults') return send(res, { status: 200, json: { faults: state.setFaults(NO_MESSAGING_FAULTS) } });
      if (req.method === 'POST' && path === '/__sandbox/reset') {
        state.reset();
        zone.reset();
        return send(res, { status: 200, json: { reset: true } });
      }
      return send(res, { status: 404, text: 'Not found' });
    })().catch(() => {
      if (!res.headersSent) send(res, { status: 500, text: 'sandbox error' });
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, opts.host, () => resolve());
    });
  } catch (err) {
    await Promise.all([smtp.close(), dns.close()]);
    throw err;
  }
  const base = `http://${opts.host}:${(server.address() as AddressInfo).port}`;
  Object.assign(info, {
    url: base,
    mailboxUrl: `${base}/mailbox`,
    slackWebhookUrl: `${base}${SANDBOX_SLACK_PATH}`,
    teamsWebhookUrl: `${base}${SANDBOX_TEAMS_PATH}`,
    smtp: { host: smtp.host, port: smtp.port, url: smtp.url, username: SANDBOX_SMTP_CREDENTIALS.username, password: SANDBOX_SMTP_CREDENTIALS.password },
    dns: { host: dns.host, port: dns.port, servers: `${dns.host}:${dns.port}`, zone },
  });
  return {
    ...info,
    state,
    close: async () => {
      server.closeAllConnections();
      await Promise.all([new Promise<void>((resolve) => server.close(() => resolve())), smtp.close(), dns.close()]);
    },
  };
}
