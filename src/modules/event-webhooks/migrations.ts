import type { Generated, Kysely } from 'kysely';
import type { Dialect } from '../../platform/db/database.js';
import { withId } from '../../platform/db/schema-helpers.js';

/** A receiver of outbound events (Setup > Webhooks). */
export interface EventWebhooksTable {
  id: Generated<number>;
  org_id: number;
  name: string;
  url: string;
  /** JSON array of event types (EVENT_TYPES). */
  events: string;
  enabled: number;
  /** SecretBox ciphertext of the signing secret; shown once, at creation and rotation. */
  secret: string;
  secret_rotated_at: string;
  /** Deliveries that failed for good in a row; the first success clears it (and the alert). */
  consecutive_failures: Generated<number>;
  last_delivery_at: string | null;
  created_at: string;
  updated_at: string;
}

export type DeliveryStatus = 'pending' | 'retrying' | 'delivered' | 'failed';

/** One event to one webhook: the body exactly as signed and sent, and how sending it went. */
export interface EventWebhookDeliveriesTable {
  id: Generated<number>;
  org_id: number;
  webhook_id: number;
  /** X-WFA-Delivery: unique per delivery. */
  uid: string;
  /** The event's id (the body's `id`), shared by its deliveries to several webhooks. */
  event_id: string;
  event_type: string;
  body: string;
  status: DeliveryStatus;
  attempts: Generated<number>;
  /** Each Retry from the log starts a new run (its job's dedupe key). */
  runs: Generated<number>;
  response_code: number | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  delivered_at: string | null;
}

export interface EventWebhooksTables {
  event_webhooks: EventWebhooksTable;
  event_webhook_deliveries: EventWebhookDeliveriesTable;
}

export async function eventWebhooksInit(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await withId(db.schema.createTable('event_webhooks'), dialect)
    .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('events', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('secret_rotated_at', 'text', (c) => c.notNull())
    .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_delivery_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('event_webhooks_org_name_idx').on('event_webhooks').columns(['org_id', 'name']).unique().execute();
  await withId(db.schema.createTable('event_webhook_deliveries'), dialect)
    .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('webhook_id', 'integer', (c) => c.notNull().references('event_webhooks.id').onDelete('cascade'))
    .addColumn('uid', 'text', (c) => c.notNull().unique())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('runs', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('response_code', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('delivered_at', 'text')
    .execute();
  // The delivery log: one webhook's deliveries, newest first.
  await db.schema.createIndex('event_webhook_deliveries_log_idx').on('event_webhook_deliveries').columns(['org_id', 'webhook_id', 'id']).execute();
}
