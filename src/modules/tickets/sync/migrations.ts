import type { Kysely } from 'kysely';
import type { Dialect } from '../../../platform/db/database.js';
import { withId } from '../../../platform/db/schema-helpers.js';

/** Status sync: per-integration settings, accepted webhook deliveries, and the external update time on tickets. */
export async function ticketSyncInit(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await withId(db.schema.createTable('ticket_sync_settings'), dialect)
    .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('integration_id', 'integer', (c) => c.notNull().references('integrations.id').onDelete('cascade'))
    .addColumn('poll_interval_minutes', 'integer', (c) => c.notNull())
    .addColumn('webhooks_enabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('closed_ticket_policy', 'text', (c) => c.notNull())
    .addColumn('webhook_secret', 'text')
    .addColumn('poll_due_at', 'text')
    .addColumn('last_poll_at', 'text')
    .addColumn('last_webhook_at', 'text')
    .addColumn('modified_at', 'text', (c) => c.notNull())
    .addColumn('modified_by', 'text', (c) => c.notNull())
    .addUniqueConstraint('ticket_sync_settings_integration_unique', ['integration_id'])
    .execute();
  await withId(db.schema.createTable('ticket_webhook_deliveries'), dialect)
    .addColumn('integration_id', 'integer', (c) => c.notNull().references('integrations.id').onDelete('cascade'))
    .addColumn('delivery_id', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('ticket_webhook_deliveries_unique', ['integration_id', 'delivery_id'])
    .execute();
  await db.schema.createIndex('ticket_webhook_deliveries_received').on('ticket_webhook_deliveries').column('received_at').execute();
  await db.schema.alterTable('tickets').addColumn('external_updated_at', 'text').execute();
  // The poll reads an integration's open tickets, least recently synced first.
  await db.schema.createIndex('tickets_sync_order').on('tickets').columns(['integration_id', 'state', 'last_synced_at']).execute();
}
