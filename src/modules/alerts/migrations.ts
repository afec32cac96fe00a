import type { Generated, Kysely } from 'kysely';
import type { Dialect } from '../../platform/db/database.js';
import { withId } from '../../platform/db/schema-helpers.js';

/** Notification Center alerts raised by modules (integration health...). */
export interface AlertsTable {
  id: Generated<number>;
  org_id: number;
  key: string;
  module: string;
  severity: 'High' | 'Medium' | 'Low';
  summary: string;
  detail: string | null;
  first_detected: string;
  last_detected: string;
  cleared_at: string | null;
}

export interface AlertsTables {
  alerts: AlertsTable;
}

/**
 * This table's part of the first migration, `0001_platform` (applied under that name before the
 * tables moved beside their modules; see BASELINE_MIGRATION in platform/db/migrate.ts).
 */
export async function alertsBaseline(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await withId(db.schema.createTable('alerts'), dialect)
    .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('module', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('detail', 'text')
    .addColumn('first_detected', 'text', (c) => c.notNull())
    .addColumn('last_detected', 'text', (c) => c.notNull())
    .addColumn('cleared_at', 'text')
    .execute();
  await db.schema.createIndex('alerts_org_key_idx').on('alerts').columns(['org_id', 'key']).execute();
}
