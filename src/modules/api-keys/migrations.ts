import { sql, type Generated, type Kysely } from 'kysely';
import type { Dialect } from '../../platform/db/database.js';
import { withId } from '../../platform/db/schema-helpers.js';

/** API keys: only the SHA-256 of the key is stored. */
export interface ApiKeysTable {
  id: Generated<number>;
  org_id: number;
  name: string;
  prefix: string;
  key_hash: string;
  role_id: number;
  created_by: number | null;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  /** `bearer`: the key itself is sent as a Bearer token; `id_secret`: a key id + secret pair exchanged for short-lived tokens (the compatible API). */
  kind: Generated<ApiKeyKind>;
  /** The public key id of an `id_secret` key (its secret's hash is `key_hash`); null for bearer keys. */
  key_id: string | null;
}

export const API_KEY_KINDS = ['bearer', 'id_secret'] as const;
export type ApiKeyKind = (typeof API_KEY_KINDS)[number];

export interface ApiKeysTables {
  api_keys: ApiKeysTable;
}

/**
 * This table's part of the first migration, `0001_platform` (applied under that name before the
 * tables moved beside their modules; see BASELINE_MIGRATION in platform/db/migrate.ts).
 */
export async function apiKeysBaseline(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await withId(db.schema.createTable('api_keys'), dialect)
    .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('role_id', 'integer', (c) => c.notNull().references('roles.id'))
    .addColumn('created_by', 'integer', (c) => c.references('admins.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema.createIndex('api_keys_org_idx').on('api_keys').columns(['org_id', 'id']).execute();
}

/**
 * Key id + secret pairs for the compatible API (scripts written for the reference product send
 * `key_id` and `key_secret` to get a token). Existing keys stay Bearer keys.
 */
export async function apiKeysIdSecret(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('api_keys')
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('bearer'))
    .execute();
  await db.schema.alterTable('api_keys').addColumn('key_id', 'text').execute();
  await db.schema.createIndex('api_keys_key_id_idx').on('api_keys').column('key_id').unique().execute();
}

/**
 * One live key per name in an org, enforced by the database: the service's name check alone let
 * concurrent creates through (twenty at once made ten keys). Names compare exactly, as the check
 * does. Live duplicates made before this index get their id appended (kept, still working, and
 * told apart in the list) so the index can be built; revoked keys keep their names.
 */
export async function apiKeysLiveNameUnique(db: Kysely<unknown>): Promise<void> {
  await sql`
    update api_keys set name = name || ' (' || cast(id as text) || ')'
    where revoked_at is null
      and exists (
        select 1 from api_keys older
        where older.org_id = api_keys.org_id and older.name = api_keys.name and older.revoked_at is null and older.id < api_keys.id
      )`.execute(db);
  await sql`create unique index api_keys_live_name_unique on api_keys (org_id, name) where revoked_at is null`.execute(db);
}
