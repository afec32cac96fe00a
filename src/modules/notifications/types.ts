/**
 * The notifications contract other modules code against (remediation, digests): what a message is
 * and how it is handed over. `enqueue` stores it with its delivery job in the caller's transaction.
 */

export const CHANNELS = ['email', 'slack', 'teams'] as const;
export type Channel = (typeof CHANNELS)[number];
export const MESSAGE_KINDS = ['end_user', 'escalation', 'digest', 'admin_digest', 'test'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];
export const CHAT_KINDS = ['slack', 'teams'] as const;
export type ChatKind = (typeof CHAT_KINDS)[number];

export type RenderedMessage = {
  /** Email subject / chat title (one line; line breaks are folded into spaces). */
  subject: string;
  /** Plain text (email text part; chat fallback). */
  text: string;
  /** Email HTML part. */
  html?: string;
  /** Block Kit blocks. */
  slackBlocks?: unknown[];
  /** Adaptive Card body (the "content" of the attachment). */
  teamsCard?: unknown;
};

export type OutgoingMessage = {
  /** Idempotency scope, e.g. `notify:incident:42:1`; unique per (org, purpose, channel, recipient). */
  purpose: string;
  kind: MessageKind;
  incidentId?: number | null;
  channel: Channel;
  /** Email address for email; the chat connection id (as text) for slack/teams. */
  recipient: string;
  recipientName?: string | null;
  content: RenderedMessage;
};

export const MESSAGE_STATUSES = ['queued', 'sent', 'failed'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];
