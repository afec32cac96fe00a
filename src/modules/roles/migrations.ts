import type { Generated, Kysely } from 'kysely';
import type { Dialect } from '../../platform/db/database.js';
import { withId } from '../../platform/db/schema-helpers.js';

/** Roles: one row per role of an org; `permissions` is the JSON of category → level. */
export interface RolesTable {
  id: Generated<number>;
  org_id: number;
  name: string;
  name_lower: string;
  builtin: number;
  permissions: string;
  created_at: string;
  updated_at: string;
}

export interface RolesTables {
  roles: RolesTable;
}

/**
 * This table's part of the first migration, `0001_platform` (applied under that name before the
 * tables moved beside their modules; see BASELINE_MIGRATION in platform/db/migrate.ts).
 */
export async function rolesBaseline(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await withId(db.schema.createTable('roles'), dialect)
    .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_lower', 'text', (c) => c.notNull())
    .addColumn('builtin', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('permissions', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('roles_org_name_unique', ['org_id', 'name_lower'])
    .execute();
}
