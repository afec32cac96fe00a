import { sql, type CreateTableBuilder, type Kysely } from 'kysely';
import type { Dialect } from '../../platform/db/database.js';
import { withId } from '../../platform/db/schema-helpers.js';

/**
 * The columns of `integrations` after its id, as migration 0200 made them; the 0220 SQLite
 * rebuild makes the same ones again, so both take them from here.
 */
function integrationColumns0200<T extends string, C extends string>(table: CreateTableBuilder<T, C>) {
  return table
    .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_lower', 'text', (c) => c.notNull())
    .addColumn('base_url', 'text', (c) => c.notNull())
    .addColumn('auth_method', 'text', (c) => c.notNull())
    .addColumn('account_info', 'text', (c) => c.notNull())
    .addColumn('credentials', 'text', (c) => c.notNull())
    .addColumn('account_name', 'text')
    .addColumn('sync_ticket_status', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('close_incident_on_ticket_closed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('sync_project_list', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('last_error_at', 'text')
    .addColumn('last_success_at', 'text')
    .addColumn('last_project_sync_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('modified_at', 'text', (c) => c.notNull())
    .addColumn('modified_by', 'text', (c) => c.notNull());
}

export async function integrationsInit(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await withId(db.schema.createTable('integrations'), dialect)
    .$call(integrationColumns0200)
    .addUniqueConstraint('integrations_org_name_unique', ['org_id', 'name_lower'])
    .execute();

  await withId(db.schema.createTable('jira_projects'), dialect)
    .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('integration_id', 'integer', (c) => c.notNull().references('integrations.id').onDelete('cascade'))
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('statuses', 'text', (c) => c.notNull())
    .addColumn('issue_types', 'text', (c) => c.notNull())
    .addColumn('labels_supported', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('complete_status_id', 'text')
    .addColumn('synced_at', 'text', (c) => c.notNull())
    .addColumn('modified_at', 'text', (c) => c.notNull())
    .addColumn('modified_by', 'text', (c) => c.notNull())
    .addUniqueConstraint('jira_projects_integration_external_unique', ['integration_id', 'external_id'])
    .execute();
  await db.schema.createIndex('jira_projects_org_idx').on('jira_projects').columns(['org_id', 'integration_id']).execute();

  await withId(db.schema.createTable('jira_field_mappings'), dialect)
    .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('project_id', 'integer', (c) => c.notNull().references('jira_projects.id').onDelete('cascade'))
    .addColumn('issue_type_id', 'text', (c) => c.notNull())
    .addColumn('issue_type_name', 'text', (c) => c.notNull())
    .addColumn('field_key', 'text', (c) => c.notNull())
    .addColumn('field_name', 'text', (c) => c.notNull())
    .addColumn('required', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('schema_type', 'text', (c) => c.notNull())
    .addColumn('allowed_values', 'text')
    .addColumn('incident_field', 'text')
    .addColumn('default_value', 'text')
    .addColumn('locked', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('modified_at', 'text', (c) => c.notNull())
    .addColumn('modified_by', 'text', (c) => c.notNull())
    .addUniqueConstraint('jira_field_mappings_unique', ['project_id', 'issue_type_id', 'field_key'])
    .execute();
}

/**
 * Deleted accounts stay listed ("Show Deleted Accounts") while their tenant name becomes free
 * again: the per-org unique name turns into a unique index over the rows not deleted. On both
 * databases a duplicate live name is still refused by the index itself, so two concurrent
 * connects with one name cannot both succeed.
 */
export async function integrationsSoftDelete(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  if (dialect === 'postgres') {
    await db.schema.alterTable('integrations').addColumn('deleted_at', 'text').addColumn('deleted_by', 'text').execute();
    await db.schema.alterTable('integrations').dropConstraint('integrations_org_name_unique').execute();
  } else {
    await rebuildSqliteIntegrations(db);
  }
  await db.schema
    .createIndex('integrations_org_name_live_unique')
    .on('integrations')
    .columns(['org_id', 'name_lower'])
    .unique()
    .where(sql.ref('deleted_at'), 'is', null)
    .execute();
}

/**
 * SQLite cannot drop a constraint written into CREATE TABLE, so the table is rebuilt the way
 * sqlite.org/lang_altertable.html describes. Foreign keys are off during the swap because dropping
 * the old table with them on would cascade into jira_projects and integration_users; the
 * foreign_key_check before commit proves every reference still lands. The AUTOINCREMENT counter is
 * carried over so an id of a row deleted long ago is never handed out again (audit entries name it).
 * The Kysely migrator runs SQLite migrations outside a transaction, which is what lets the pragma
 * take effect.
 */
async function rebuildSqliteIntegrations(db: Kysely<unknown>): Promise<void> {
  const seq = (await sql<{ seq: number }>`select seq from sqlite_sequence where name = 'integrations'`.execute(db)).rows[0]?.seq;
  // Every column the table has now is copied as it is (the rebuilt table has them all, plus two).
  const copied = (await sql<{ name: string }>`select name from pragma_table_info('integrations')`.execute(db)).rows.map((r) => r.name);
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    await db.transaction().execute(async (trx) => {
      await withId(trx.schema.createTable('integrations_rebuilt'), 'sqlite')
        .$call(integrationColumns0200)
        .addColumn('deleted_at', 'text')
        .addColumn('deleted_by', 'text')
        .execute();
      const columns = sql.raw(copied.map((c) => `"${c}"`).join(', '));
      await sql`insert into integrations_rebuilt (${columns}) select ${columns} from integrations`.execute(trx);
      await sql`drop table integrations`.execute(trx);
      await sql`alter table integrations_rebuilt rename to integrations`.execute(trx);
      if (seq !== undefined) await sql`update sqlite_sequence set seq = max(seq, ${seq}) where name = 'integrations'`.execute(trx);
      const dangling = (await sql<{ table: string }>`pragma foreign_key_check`.execute(trx)).rows;
      if (dangling.length)
        throw new Error(`Rebuilding integrations left ${dangling.length} broken reference(s) (first in ${dangling[0].table}); nothing was changed.`);
    });
  } finally {
    await sql`pragma foreign_keys = on`.execute(db);
  }
}

/**
 * What a field holds beyond its type: a textarea custom field takes rich text (ADF), an array's items
 * have their own shape (options, users, components). Rows saved before this are refreshed on the
 * next save of their mapping.
 */
export async function integrationsFieldSchema(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  for (const column of ['schema_custom', 'schema_items', 'schema_system']) {
    await db.schema.alterTable('jira_field_mappings').addColumn(column, 'text').execute();
  }
}

/**
 * A default for a field with allowed values was stored by the option's name; it is now stored by
 * its id, which Jira keeps when an option is renamed. Rewrites the saved names to their ids (a
 * name no longer among the allowed values stays as it was: the next ticket reports it).
 */
export async function integrationsDefaultsById(db: Kysely<unknown>): Promise<void> {
  const q = db as Kysely<{ jira_field_mappings: { id: number; allowed_values: string | null; default_value: string | null } }>;
  const rows = await q
    .selectFrom('jira_field_mappings')
    .select(['id', 'allowed_values', 'default_value'])
    .where('allowed_values', 'is not', null)
    .where('default_value', 'is not', null)
    .execute();
  for (const r of rows) {
    let options: { id: string; name: string }[];
    try {
      options = JSON.parse(r.allowed_values!) as { id: string; name: string }[];
    } catch {
      continue;
    }
    const wanted = r.default_value!.toLowerCase();
    if (options.some((o) => o.id === r.default_value)) continue;
    const hit = options.find((o) => o.name.toLowerCase() === wanted);
    if (hit) await q.updateTable('jira_field_mappings').set({ default_value: hit.id }).where('id', '=', r.id).execute();
  }
}
