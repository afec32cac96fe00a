import type { DkimResult } from './dkim-check.js';
/**
 * In-memory state of the sandbox messaging receivers: the SMTP mailbox, the Slack and Teams
 * messages, and the fault switches that make the next deliveries fail.
 */

export type Mail = {
  seq: number;
  receivedAt: string;
  messageId: string | null;
  /** Envelope sender and recipients (what the SMTP dialogue said). */
  envelopeFrom: string;
  envelopeTo: string[];
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string | null;
  /** Every header line as received (folded lines joined), in order. */
  headerLines: string[];
  authUser: string | null;
  /** DKIM verdict at receipt, against the key in the sandbox DNS. */
  dkim: DkimResult;
  /** The mail as received, kept only for signed mails (so a test can verify the signature itself). */
  raw: string | null;
};

export type ChatMessage = { seq: number; receivedAt: string; kind: 'slack' | 'teams'; hook: string; title: string; text: string; body: unknown };

export type MessagingFaults = {
  /** Next n mails refused at RCPT with 451 (try later) / 550 (no such mailbox). */
  smtpTransient: number;
  smtpPermanent: number;
  /** Share (0–1) of all mails refused with 451, at random: a steady greylisting storm. */
  smtpTransientRate: number;
  /** Delay before each accepted mail's 250 answer, as a busy server makes (ms). */
  smtpLatencyMs: number;
  /** Next n Slack / Teams webhook posts answered 503 (with Retry-After: chatRetryAfterSeconds) / 404. */
  slackUnavailable: number;
  /** Retry-After (seconds) sent with the 503s above. */
  chatRetryAfterSeconds: number;
  slackNotFound: number;
  teamsUnavailable: number;
  teamsNotFound: number;
};

export const NO_MESSAGING_FAULTS: MessagingFaults = {
  smtpTransient: 0,
  smtpPermanent: 0,
  smtpTransientRate: 0,
  smtpLatencyMs: 0,
  slackUnavailable: 0,
  chatRetryAfterSeconds: 1,
  slackNotFound: 0,
  teamsUnavailable: 0,
  teamsNotFound: 0,
};

/** Kept in memory: the oldest go first past this many. */
const MAX_KEPT = 20_000;

export class MessagingState {
  mails: Mail[] = [];
  chat: ChatMessage[] = [];
  faults: MessagingFaults = { ...NO_MESSAGING_FAULTS };
  /** SMTP replies given (accepted and refused), for tests. */
  smtpRefusals = { transient: 0, permanent: 0 };
  private seq = 0;

  addMail(m: Omit<Mail, 'seq' | 'receivedAt'>): Mail {
    const mail = { ...m, seq: ++this.seq, receivedAt: new Date().toISOString() };
    this.mails.push(mail);
    if (this.mails.length > MAX_KEPT) this.mails.shift();
    return mail;
  }

  addChat(m: Omit<ChatMessage, 'seq' | 'receivedAt'>): ChatMessage {
    const msg = { ...m, seq: ++this.seq, receivedAt: new Date().toISOString() };
    this.chat.push(msg);
    if (this.chat.length > MAX_KEPT) this.chat.shift();
    return msg;
  }

  /** Mails by recipient, counted once per Message-ID (a resend with the same id is the same message to a reader). */
  distinctByRecipient(): Map<string, Set<string>> {
    const out = new Map<string, Set<string>>();
    for (const m of this.mails) {
      for (const to of m.envelopeTo) {
        const set = out.get(to) ?? new Set<string>();
        set.add(m.messageId ?? `no-id-${m.seq}`);
        out.set(to, set);
      }
    }
    return out;
  }

  /** Takes one from a "next n" counter; true when it applied. */
  take(key: Exclude<keyof MessagingFaults, 'smtpTransientRate' | 'smtpLatencyMs' | 'chatRetryAfterSeconds'>): boolean {
    if (this.faults[key] <= 0) return false;
    this.faults[key]--;
    return true;
  }

  setFaults(f: Partial<MessagingFaults>): MessagingFaults {
    this.faults = { ...this.faults, ...f };
    return this.faults;
  }

  reset(): void {
    this.mails = [];
    this.chat = [];
    this.faults = { ...NO_MESSAGING_FAULTS };
    this.smtpRefusals = { transient: 0, permanent: 0 };
  }
}
