import type { Kysely } from 'kysely';
import type { Dialect } from '../../platform/db/database.js';
import { withId } from '../../platform/db/schema-helpers.js';

export async function integrationUsersInit(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await withId(db.schema.createTable('integration_users'), dialect)
    .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('integration_id', 'integer', (c) => c.notNull().references('integrations.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('email_lower', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('active_in_system', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('last_verified_at', 'text')
    .addColumn('last_verify_error', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('removed_at', 'text')
    .execute();
  // The rule "one row per email per integration" lives in the database, so two simultaneous adds
  // of the same person end with one row whatever the application does.
  await db.schema.createIndex('integration_users_email_unique').on('integration_users').columns(['integration_id', 'email_lower']).unique().execute();
  await db.schema.createIndex('integration_users_org_name_idx').on('integration_users').columns(['org_id', 'name', 'id']).execute();
  await db.schema.createIndex('integration_users_org_email_idx').on('integration_users').columns(['org_id', 'email_lower', 'id']).execute();

  await withId(db.schema.createTable('integration_user_imports'), dialect)
    .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('file_name', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('processed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('added', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('not_found', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('inactive', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('duplicate', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('errors', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_by_admin_id', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema.createIndex('integration_user_imports_org_idx').on('integration_user_imports').columns(['org_id', 'id']).execute();

  await withId(db.schema.createTable('integration_user_import_rows'), dialect)
    .addColumn('import_id', 'integer', (c) => c.notNull().references('integration_user_imports.id').onDelete('cascade'))
    .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('line', 'integer', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('integration', 'text', (c) => c.notNull())
    .addColumn('result', 'text')
    .addColumn('message', 'text')
    .addColumn('user_id', 'integer')
    .execute();
  await db.schema.createIndex('integration_user_import_rows_idx').on('integration_user_import_rows').columns(['import_id', 'line']).execute();
}
