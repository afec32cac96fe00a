import path from 'node:path';
import { Migrator, sql, type Migration } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../../src/platform/db/database.js';
import { isUniqueViolation } from '../../../src/platform/db/errors.js';
import { migrateToLatest } from '../../../src/db.js';
import { allMigrations } from '../../../src/db.js';
import { testDatabasePlace, type TestDatabasePlace } from '../../helpers/test-database.js';

/**
 * Migration 0220 on a database that already holds integrations (applied after 0300-0420, as on
 * an installed server). On SQLite it rebuilds the table, which must not cascade into the rows
 * that reference it nor hand out an old id again.
 */

const SOFT_DELETE = '0220_integrations_soft_delete';
let database: Database;
let place: TestDatabasePlace;

beforeAll(async () => {
  place = await testDatabasePlace('m0220');
  database = openDatabase(
    place.schema ? { kind: 'postgres', url: place.url, schema: place.schema } : { kind: 'sqlite', file: path.join(place.dataDir, 'm0220.db') },
  );
});
afterAll(async () => {
  await database?.close();
  await place?.drop();
});

it('0220 keeps every integration and what references it, and makes names unique among live rows only', async () => {
  const db = database.db;
  const before: Record<string, Migration> = {};
  for (const [name, fn] of Object.entries(allMigrations)) if (name !== SOFT_DELETE) before[name] = { up: (k) => fn(k, database.dialect) };
  const migrationTableSchema = place.schema;
  const old = await new Migrator({ db, provider: { getMigrations: async () => before }, migrationTableSchema }).migrateToLatest();
  expect(old.error).toBeUndefined();

  const now = new Date().toISOString();
  const org = await db.insertInto('orgs').values({ name: 'Old org', created_at: now }).returning('id').executeTakeFirstOrThrow();
  const integration = (name: string) =>
    ({
      org_id: org.id,
      type: 'jira_cloud',
      name,
      name_lower: name.toLowerCase(),
      base_url: 'https://old.example.com',
      auth_method: 'api_token',
      account_info: '{}',
      credentials: 'v1:a:b:c',
      account_name: null,
      sync_ticket_status: 0,
      close_incident_on_ticket_closed: 0,
      sync_project_list: 1,
      status: 'Active',
      enabled: 1,
      consecutive_failures: 0,
      last_error: null,
      last_error_at: null,
      last_success_at: null,
      last_project_sync_at: null,
      created_at: now,
      created_by: 'old admin',
      modified_at: now,
      modified_by: 'old admin',
    }) as const;
  // The pre-0220 shape has no deleted_at / deleted_by, which the current row type requires.
  const insertOld = async (name: string) =>
    (
      await db
        .insertInto('integrations')
        .values(integration(name) as never)
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  const kept = await insertOld('Kept');
  const gone = await insertOld('Gone long ago');
  await db.deleteFrom('integrations').where('id', '=', gone).execute();
  await db
    .insertInto('jira_projects')
    .values({
      org_id: org.id,
      integration_id: kept,
      external_id: '10000',
      key: 'SEC',
      name: 'Security',
      statuses: '[]',
      issue_types: '[]',
      labels_supported: 1,
      complete_status_id: null,
      synced_at: now,
      modified_at: now,
      modified_by: 'x',
    })
    .execute();
  await db
    .insertInto('integration_users')
    .values({
      org_id: org.id,
      integration_id: kept,
      email: 'a@example.com',
      email_lower: 'a@example.com',
      name: 'A',
      username: 'a',
      external_id: 'a1',
      created_by: 'x',
      created_at: now,
      updated_at: now,
    } as never)
    .execute();

  expect(await migrateToLatest(database)).toEqual([SOFT_DELETE]);

  const rows = await db.selectFrom('integrations').selectAll().execute();
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({ id: kept, name: 'Kept', credentials: 'v1:a:b:c', deleted_at: null, deleted_by: null, sync_project_list: 1 });
  expect(await db.selectFrom('jira_projects').select('integration_id').execute()).toEqual([{ integration_id: kept }]);
  expect(await db.selectFrom('integration_users').select('integration_id').execute()).toEqual([{ integration_id: kept }]);

  // The id of the row deleted before the migration is not handed out again.
  const next = await db
    .insertInto('integrations')
    .values({ ...integration('Next'), deleted_at: null, deleted_by: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  expect(next.id).toBeGreaterThan(gone);

  // Live names stay unique (in the database itself); a deleted row's name is free.
  const dup = await db
    .insertInto('integrations')
    .values({ ...integration('KEPT'), deleted_at: null, deleted_by: null })
    .execute()
    .then(
      () => null,
      (e: unknown) => e,
    );
  expect(isUniqueViolation(dup)).toBe(true);
  await db.updateTable('integrations').set({ deleted_at: now, deleted_by: 'x', credentials: '' }).where('id', '=', kept).execute();
  await db
    .insertInto('integrations')
    .values({ ...integration('KEPT'), deleted_at: null, deleted_by: null })
    .execute();
  await db
    .insertInto('integrations')
    .values({ ...integration('kept'), deleted_at: now, deleted_by: 'x' })
    .execute();

  // Still enforced after the swap: a reference to no integration is refused, and deleting cascades.
  if (database.dialect === 'sqlite') expect((await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db)).rows[0].foreign_keys).toBe(1);
  const orphan = await db
    .insertInto('jira_projects')
    .values({
      org_id: org.id,
      integration_id: 999_999,
      external_id: '1',
      key: 'X',
      name: 'X',
      statuses: '[]',
      issue_types: '[]',
      labels_supported: 0,
      complete_status_id: null,
      synced_at: now,
      modified_at: now,
      modified_by: 'x',
    })
    .execute()
    .then(
      () => null,
      (e: unknown) => e,
    );
  expect(orphan).toBeInstanceOf(Error);
  await db.deleteFrom('integrations').where('id', '=', kept).execute();
  expect(await db.selectFrom('jira_projects').select('id').execute()).toEqual([]);
});
