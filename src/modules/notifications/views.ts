import type { ConnectionRow, MessageRow } from './store.js';
import type { ChannelView, MessageView } from './schemas.js';
import { CHAT_LABELS } from './chat-bodies.js';

export function channelViewOf(r: ConnectionRow): ChannelView {
  return {
    id: r.id,
    kind: r.kind,
    kindLabel: CHAT_LABELS[r.kind],
    name: r.name,
    urlHint: r.url_hint,
    status: r.status,
    failuresInRow: r.failures_in_row,
    lastError: r.last_error,
    lastSuccessAt: r.last_success_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function messageViewOf(r: MessageRow): MessageView {
  return {
    id: r.id,
    kind: r.kind,
    incidentId: r.incident_id,
    channel: r.channel,
    recipient: r.recipient,
    recipientName: r.recipient_name,
    subject: r.subject,
    status: r.status,
    attempts: r.attempts,
    lastError: r.last_error,
    sentAt: r.sent_at,
    providerId: r.provider_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** `https://hooks.slack.com/…/Xy12`: enough to recognise a webhook, not enough to post to it. */
export function urlHint(url: string): string {
  const u = new URL(url);
  const tail = url.replace(/\/+$/, '').slice(-4);
  return `${u.protocol}//${u.host}/…${tail}`;
}
