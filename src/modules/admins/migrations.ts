import type { Generated, Kysely } from 'kysely';
import type { Dialect } from '../../platform/db/database.js';
import { withId } from '../../platform/db/schema-helpers.js';

/** Admins: the people who sign in to the web app. */
export interface AdminsTable {
  id: Generated<number>;
  org_id: number;
  email: string;
  email_lower: string;
  name: string;
  password_hash: string;
  role_id: number;
  status: 'active' | 'disabled';
  failed_logins: Generated<number>;
  locked_until: string | null;
  last_login_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface AdminsTables {
  admins: AdminsTable;
}

/**
 * This table's part of the first migration, `0001_platform` (applied under that name before the
 * tables moved beside their modules; see BASELINE_MIGRATION in platform/db/migrate.ts).
 */
export async function adminsBaseline(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await withId(db.schema.createTable('admins'), dialect)
    .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('email_lower', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('role_id', 'integer', (c) => c.notNull().references('roles.id'))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'text')
    .addColumn('last_login_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('admins_org_idx').on('admins').columns(['org_id', 'id']).execute();
}
