import type { Generated, Kysely } from 'kysely';
import type { Dialect } from '../../platform/db/database.js';
import { withId } from '../../platform/db/schema-helpers.js';

/** The audit log: one row per change, redacted before it is written. */
export interface AuditLogTable {
  id: Generated<number>;
  org_id: number;
  created_at: string;
  action: 'Insert' | 'Update' | 'Delete';
  module: string;
  resource: string;
  resource_id: string | null;
  admin_id: number | null;
  actor: string;
  change_notes: string;
  before_json: string | null;
  after_json: string | null;
}

export interface AuditTables {
  audit_log: AuditLogTable;
}

/**
 * This table's part of the first migration, `0001_platform` (applied under that name before the
 * tables moved beside their modules; see BASELINE_MIGRATION in platform/db/migrate.ts).
 */
export async function auditBaseline(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await withId(db.schema.createTable('audit_log'), dialect)
    .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('module', 'text', (c) => c.notNull())
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('resource_id', 'text')
    .addColumn('admin_id', 'integer')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('change_notes', 'text', (c) => c.notNull())
    .addColumn('before_json', 'text')
    .addColumn('after_json', 'text')
    .execute();
  await db.schema.createIndex('audit_org_time_idx').on('audit_log').columns(['org_id', 'created_at', 'id']).execute();
}
