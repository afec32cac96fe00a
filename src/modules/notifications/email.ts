import nodemailer, { type Transporter } from 'nodemailer';
import type { SmtpSettings } from '../../config.js';
import { DeliveryError, receiverText } from './errors.js';

/**
 * Email over SMTP through one pooled nodemailer transport per process. Every wait is bounded
 * (connect, greeting, socket idle), nodemailer may read no file or URL a message names, and every
 * header value we build is folded onto one line first, so a subject or name cannot add headers.
 */

export type OutgoingEmail = {
  messageId: string;
  from: string;
  to: string;
  toName: string | null;
  subject: string;
  text: string;
  html: string | null;
  /** MAIL FROM when it differs from `from` (a custom domain's envelope sender). */
  envelopeFrom?: string;
  /** Signs the message for a custom domain. */
  dkim?: { domainName: string; keySelector: string; privateKey: string };
};

export type EmailSender = {
  send(mail: OutgoingEmail): Promise<{ response: string }>;
  close(): void;
};

export const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 } as const;

/** Header text on one line: CR, LF and other controls become spaces (header injection is impossible). */
export function headerText(value: string): string {
  return value
    .replace(/[\u0000-\u001F\u007F-\u009F\u2028\u2029]+/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
}

/** `<msg-{id}-{org}@host>`: fixed per message, so a resend after a crash carries the same id and receivers drop it. */
export function messageIdFor(id: number, orgId: number, host: string): string {
  return `<msg-${id}-${orgId}@${host}>`;
}

export function createSmtpSender(settings: SmtpSettings, opts: { maxConnections?: number } = {}): EmailSender {
  const transport: Transporter = nodemailer.createTransport(
    {
      pool: true,
      host: settings.host,
      port: settings.port,
      secure: settings.secure,
      auth: settings.auth ?? undefined,
      maxConnections: opts.maxConnections ?? 5,
      maxMessages: 500,
      ...SMTP_TIMEOUTS,
      // Our messages carry no attachments; nothing they say may make the server read a file or a URL.
      disableFileAccess: true,
      disableUrlAccess: true,
    } as never,
    {},
  );
  return {
    async send(mail) {
      const info = (await transport.sendMail({
        from: mail.from,
        to: mail.toName ? { name: headerText(mail.toName), address: mail.to } : mail.to,
        subject: headerText(mail.subject),
        text: mail.text,
        ...(mail.html ? { html: mail.html } : {}),
        messageId: mail.messageId,
        // One recipient per message: nothing in the content may widen the envelope.
        envelope: { from: mail.envelopeFrom ?? mail.from, to: [mail.to] },
        ...(mail.dkim ? { dkim: mail.dkim } : {}),
      })) as { response?: string };
      return { response: info.response ?? '' };
    },
    close: () => transport.close(),
  };
}

/** Maps a nodemailer failure to transient or permanent, with the server's own reason. */
export function smtpFailure(err: unknown): DeliveryError {
  const e = err as { responseCode?: number; response?: string; code?: string; message?: string };
  const said = receiverText(e.response ?? e.message ?? String(err));
  if (typeof e.responseCode === 'number') {
    if (e.responseCode >= 500) {
      const hint = e.code === 'EAUTH' ? ' Check the user and password in WFA_SMTP_URL.' : '';
      return new DeliveryError(`The mail server refused the message (${e.responseCode}): ${said}.${hint}`, true);
    }
    if (e.responseCode >= 400) return new DeliveryError(`The mail server asked to try later (${e.responseCode}): ${said}`, false);
  }
  if (e.code === 'EAUTH') return new DeliveryError(`The mail server refused the sign-in: ${said}. Check the user and password in WFA_SMTP_URL.`, true);
  if (e.code === 'EENVELOPE') return new DeliveryError(`The mail server refused the recipient: ${said}`, true);
  return new DeliveryError(`The mail server could not be reached or did not answer in time (${e.code ?? 'network error'}): ${said}`, false);
}
