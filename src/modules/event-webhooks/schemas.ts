import { z } from 'zod';
import { nameText, text } from '../../platform/http/input.js';

import { DELIVERY_STATUSES, EVENT_TYPES } from './vocabulary.js';

export { DELIVERY_STATUSES, EVENT_LABELS, EVENT_TYPES, TEST_EVENT, type EventType } from './vocabulary.js';

export const webhookView = z.object({
  id: z.number(),
  name: z.string(),
  url: z.string(),
  events: z.array(z.enum(EVENT_TYPES)),
  enabled: z.boolean(),
  /** Failing: its last delivery failed for good (and an alert is open). */
  health: z.enum(['healthy', 'failing']),
  consecutiveFailures: z.number(),
  secretRotatedAt: z.string(),
  lastDeliveryAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type WebhookView = z.infer<typeof webhookView>;

/** Creation and rotation show the signing secret, once. */
export const webhookWithSecret = webhookView.extend({ secret: z.string() });
export type WebhookWithSecret = z.infer<typeof webhookWithSecret>;

const events = z
  .array(z.enum(EVENT_TYPES, { message: `Each event must be one of: ${EVENT_TYPES.join(', ')}.` }))
  .min(1, 'Choose at least one event.')
  .max(EVENT_TYPES.length);

export const webhookUrl = text()
  .trim()
  .min(1, 'URL is required.')
  .max(2000, 'URL must be at most 2000 characters.')
  .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), { message: 'URL must be an absolute https:// address.' });

export const createWebhookBody = z.strictObject({
  name: nameText().trim().min(1, 'Name is required.').max(100, 'Name must be at most 100 characters.'),
  url: webhookUrl,
  events,
  enabled: z.boolean().default(true),
});
export type CreateWebhookBody = z.infer<typeof createWebhookBody>;

export const updateWebhookBody = z.strictObject({
  name: nameText().trim().min(1, 'Name is required.').max(100, 'Name must be at most 100 characters.').optional(),
  url: webhookUrl.optional(),
  events: events.optional(),
  enabled: z.boolean().optional(),
});
export type UpdateWebhookBody = z.infer<typeof updateWebhookBody>;

export const deliveryView = z.object({
  id: z.number(),
  webhookId: z.number(),
  deliveryId: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  status: z.enum(DELIVERY_STATUSES),
  attempts: z.number(),
  responseCode: z.number().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  deliveredAt: z.string().nullable(),
});
export type DeliveryView = z.infer<typeof deliveryView>;
