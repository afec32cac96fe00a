/** The events a webhook can follow and their labels: shared by the server and the web app (no imports, so the browser bundle stays small). */
export const EVENT_TYPES = ['incident.created', 'ticket.created', 'ticket.status_changed', 'incident.resolved'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Sent only by "Send test event". */
export const TEST_EVENT = 'webhook.test';

export const EVENT_LABELS: Record<EventType, string> = {
  'incident.created': 'Incident created',
  'ticket.created': 'Ticket created',
  'ticket.status_changed': 'Ticket status changed',
  'incident.resolved': 'Incident resolved',
};

export const DELIVERY_STATUSES = ['pending', 'retrying', 'delivered', 'failed'] as const;
