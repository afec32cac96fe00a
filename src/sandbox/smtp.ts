import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { verifyDkim } from './dkim-check.js';
import type { DnsZone } from './dns.js';
import type { MessagingState } from './messaging-state.js';

/**
 * The sandbox mail server: a real SMTP dialogue (smtp-server) that requires AUTH PLAIN or LOGIN
 * with the seeded account and parses each accepted mail (mailparser) into the mailbox.
 *
 * It speaks plain SMTP without STARTTLS: a local sink has no certificate a client could verify,
 * and a client that upgrades whenever STARTTLS is offered (ours does) would otherwise need its
 * certificate checks turned off. AUTH is therefore allowed without TLS here, and only here.
 */

export const SANDBOX_SMTP_CREDENTIALS = { username: 'wfa-mailer', password: 'sandbox-smtp-secret' } as const;
/** Largest mail accepted (SIZE extension); notifications are far below it. */
const MAX_MAIL_BYTES = 5 * 1024 * 1024;

export type SmtpSink = { host: string; port: number; url: string; close(): Promise<void> };

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (c: Buffer) => {
      size += c.length;
      // Past the advertised SIZE the rest is drained, not kept.
      if (size <= MAX_MAIL_BYTES) chunks.push(c);
    });
    stream.on('end', () => (size > MAX_MAIL_BYTES ? reject(new Error('the message is larger than the SIZE offered')) : resolve(Buffer.concat(chunks))));
    stream.on('error', reject);
  });
}

export async function startSmtpSink(state: MessagingState, zone: DnsZone, opts: { host: string; port: number }): Promise<SmtpSink> {
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: true,
    size: MAX_MAIL_BYTES,
    banner: 'Workflow Automation sandbox mail server',
    logger: false,
    // Pooled clients keep connections open; stopping the sandbox must not wait for them.
    closeTimeout: 500,
    onAuth(auth, _session, callback) {
      const { username, password } = SANDBOX_SMTP_CREDENTIALS;
      if (auth.username === username && auth.password === password) return callback(null, { user: username });
      return callback(smtpError(535, 'Authentication credentials invalid'));
    },
    onRcptTo(address, _session, callback) {
      if (state.take('smtpPermanent')) {
        state.smtpRefusals.permanent++;
        return callback(smtpError(550, `No such user here: ${address.address}`));
      }
      if (state.take('smtpTransient') || Math.random() < state.faults.smtpTransientRate) {
        state.smtpRefusals.transient++;
        return callback(smtpError(451, 'Greylisted, please try again later'));
      }
      return callback();
    },
    onData(stream, session, callback) {
      readAll(stream)
        .then(async (rawBytes) => {
          // Bytes as sent (latin1 keeps each byte), which the DKIM signature covers.
          const raw = rawBytes.toString('latin1');
          const parsed = await simpleParser(rawBytes, { skipImageLinks: true });
          const dkim = verifyDkim(raw, (name) => zone.txt(name));
          if (state.faults.smtpLatencyMs > 0) await new Promise((r) => setTimeout(r, state.faults.smtpLatencyMs));
          const headerLines = parsed.headerLines.map((h) => h.line.replace(/\r?\n[ \t]+/g, ' '));
          state.addMail({
            messageId: parsed.messageId ?? null,
            envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            envelopeTo: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
            from: parsed.from?.text ?? '',
            to: Array.isArray(parsed.to) ? parsed.to.map((a) => a.text).join(', ') : (parsed.to?.text ?? ''),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : null,
            headerLines,
            authUser: typeof session.user === 'string' ? session.user : null,
            dkim,
            raw: dkim.result === 'none' ? null : raw,
          });
          callback(null, 'Message accepted');
        })
        .catch((err: Error) => callback(smtpError(451, `Could not read the message: ${err.message}`)));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  server.on('error', () => {});
  const port = (server.server.address() as AddressInfo).port;
  const { username, password } = SANDBOX_SMTP_CREDENTIALS;
  return {
    host: opts.host,
    port,
    url: `smtp://${username}:${password}@${opts.host}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
