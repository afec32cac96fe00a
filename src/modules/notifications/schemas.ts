import { z } from 'zod';
import { nameText, queryId, text } from '../../platform/http/input.js';
import { pageQuery, paged, sortOrder } from '../../platform/http/pagination.js';
import { CHANNELS, CHAT_KINDS, MESSAGE_KINDS, MESSAGE_STATUSES } from './types.js';

/**
 * The notifications API (under /api/v1), shared with the web app as types:
 *
 *   GET    /notifications/channels             → { items: channelView[] }               (Integrations view)
 *   POST   /notifications/channels             body channelCreate → 201 channelView      (Integrations edit; sends a test message first)
 *   PATCH  /notifications/channels/:id         body channelUpdate → channelView          (Integrations edit)
 *   DELETE /notifications/channels/:id         → 204                                     (Integrations edit)
 *   POST   /notifications/channels/:id/test    → channelView (test message sent)         (Integrations edit)
 *   GET    /notifications/messages             query messageListQuery → paged(messageView) (Notification Center view)
 *   GET    /notifications/messages/:id         → messageView                             (Notification Center view)
 *   POST   /notifications/messages/:id/retry   → messageView                             (Notification Center edit)
 *   POST   /notifications/test-email           body testEmailBody → 202 messageView      (Notification Center edit)
 *   GET    /incidents/:id/notifications        → { items: messageView[] }                (Incidents view)
 */

export const WEBHOOK_URL_MAX = 2048;

const webhookUrl = text()
  .trim()
  .min(1, 'Enter the webhook URL.')
  .max(WEBHOOK_URL_MAX, `The webhook URL must be at most ${WEBHOOK_URL_MAX} characters.`)
  .refine((v) => /^https?:\/\/[^\s]+$/i.test(v) && URL.canParse(v), { message: 'The webhook URL must be an https:// address copied from Slack or Teams.' });

const channelName = nameText().trim().min(1, 'Enter a name.').max(100, 'The name must be at most 100 characters.');

export const channelCreate = z.strictObject({
  kind: z.enum(CHAT_KINDS).describe('slack: a Slack incoming webhook; teams: a Microsoft Teams Workflows webhook'),
  name: channelName,
  webhookUrl: webhookUrl.describe('Sealed at rest and never returned'),
});
export type ChannelCreate = z.infer<typeof channelCreate>;

export const channelUpdate = z.strictObject({
  name: channelName.optional(),
  webhookUrl: webhookUrl.optional().describe('A new URL is validated with a test message before it is saved'),
});
export type ChannelUpdate = z.infer<typeof channelUpdate>;

export const channelView = z.object({
  id: z.number(),
  kind: z.enum(CHAT_KINDS),
  kindLabel: z.string(),
  name: z.string(),
  /** Host and last characters of the URL; the URL itself is never returned. */
  urlHint: z.string(),
  status: z.enum(['active', 'failing']),
  failuresInRow: z.number(),
  lastError: z.string().nullable(),
  lastSuccessAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ChannelView = z.infer<typeof channelView>;

export const MESSAGE_SORTS = ['createdAt', 'status', 'recipient', 'sentAt'] as const;
export const messageListQuery = z.strictObject({
  ...pageQuery,
  status: z.enum(MESSAGE_STATUSES).optional(),
  channel: z.enum(CHANNELS).optional(),
  kind: z.enum(MESSAGE_KINDS).optional(),
  incidentId: queryId().optional(),
  sort: z.enum(MESSAGE_SORTS).default('createdAt'),
  order: sortOrder.default('desc'),
});
export type MessageListQuery = z.infer<typeof messageListQuery>;

export const messageView = z.object({
  id: z.number(),
  kind: z.enum(MESSAGE_KINDS),
  incidentId: z.number().nullable(),
  channel: z.enum(CHANNELS),
  /** Email address, or the chat connection id as text. */
  recipient: z.string(),
  /** The person's name (email), or the chat connection's name. */
  recipientName: z.string().nullable(),
  subject: z.string(),
  status: z.enum(MESSAGE_STATUSES),
  attempts: z.number(),
  /** Why the last attempt failed (the receiver's reason); kept while a transient failure is retried. */
  lastError: z.string().nullable(),
  sentAt: z.string().nullable(),
  /** Email: the Message-ID sent (receivers drop a repeat with the same id). */
  providerId: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type MessageView = z.infer<typeof messageView>;
export const messagePage = paged(messageView);

export const testEmailBody = z.strictObject({
  to: text().trim().min(3).max(254).describe('One email address'),
  name: nameText().trim().max(200).optional().describe("The recipient's name (one line)"),
});
