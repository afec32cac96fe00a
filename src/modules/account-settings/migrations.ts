import type { Generated, Kysely } from 'kysely';
import type { Dialect } from '../../platform/db/database.js';
import { withId } from '../../platform/db/schema-helpers.js';

/** One row per org: the Account Settings page as JSON (validated by `accountSettingsBody` on the way in and out). */
export interface AccountSettingsTable {
  org_id: number;
  settings: string;
  updated_at: string;
  updated_by: string;
}

/** Setup > Approvers. */
export interface ApproversTable {
  id: Generated<number>;
  org_id: number;
  name: string;
  email: string;
  email_lower: string;
  created_at: string;
  updated_at: string;
}

/** Setup > User Attributes: one person per email (case-insensitive), upserted by CSV imports. */
export interface UserAttributesTable {
  id: Generated<number>;
  org_id: number;
  email: string;
  email_lower: string;
  name: string | null;
  manager_email: string | null;
  department: string | null;
  employee_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface AttributeImportsTable {
  id: Generated<number>;
  org_id: number;
  file_name: string | null;
  status: string;
  total: number;
  processed: number;
  added: number;
  updated: number;
  unchanged: number;
  errors: number;
  error: string | null;
  created_by: string;
  created_by_admin_id: number | null;
  created_at: string;
  finished_at: string | null;
}

/** The file as stored when the import was asked for; the job fills `result` and `message`. */
export interface AttributeImportRowsTable {
  id: Generated<number>;
  import_id: number;
  org_id: number;
  line: number;
  email: string;
  name: string;
  manager_email: string;
  department: string;
  employee_id: string;
  result: string | null;
  message: string | null;
}

export interface AccountSettingsTables {
  account_settings: AccountSettingsTable;
  approvers: ApproversTable;
  user_attributes: UserAttributesTable;
  user_attribute_imports: AttributeImportsTable;
  user_attribute_import_rows: AttributeImportRowsTable;
}

export async function accountSettingsInit(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('account_settings')
    .addColumn('org_id', 'integer', (c) => c.primaryKey().references('orgs.id').onDelete('cascade'))
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();

  await withId(db.schema.createTable('approvers'), dialect)
    .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('email_lower', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('approvers_org_email_unique', ['org_id', 'email_lower'])
    .execute();

  await withId(db.schema.createTable('user_attributes'), dialect)
    .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('email_lower', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('manager_email', 'text')
    .addColumn('department', 'text')
    .addColumn('employee_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('user_attributes_org_email_unique', ['org_id', 'email_lower'])
    .execute();
  await db.schema.createIndex('user_attributes_org_employee').on('user_attributes').columns(['org_id', 'employee_id']).execute();

  await withId(db.schema.createTable('user_attribute_imports'), dialect)
    .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('file_name', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('processed', 'integer', (c) => c.notNull())
    .addColumn('added', 'integer', (c) => c.notNull())
    .addColumn('updated', 'integer', (c) => c.notNull())
    .addColumn('unchanged', 'integer', (c) => c.notNull())
    .addColumn('errors', 'integer', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_by_admin_id', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema.createIndex('user_attribute_imports_org').on('user_attribute_imports').columns(['org_id', 'id']).execute();

  await withId(db.schema.createTable('user_attribute_import_rows'), dialect)
    .addColumn('import_id', 'integer', (c) => c.notNull().references('user_attribute_imports.id').onDelete('cascade'))
    .addColumn('org_id', 'integer', (c) => c.notNull())
    .addColumn('line', 'integer', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('manager_email', 'text', (c) => c.notNull())
    .addColumn('department', 'text', (c) => c.notNull())
    .addColumn('employee_id', 'text', (c) => c.notNull())
    .addColumn('result', 'text')
    .addColumn('message', 'text')
    .execute();
  await db.schema.createIndex('user_attribute_import_rows_import').on('user_attribute_import_rows').columns(['import_id', 'id']).execute();
}
