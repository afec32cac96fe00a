import type { Generated, Kysely } from 'kysely';
import type { Dialect } from '../../platform/db/database.js';
import { withId } from '../../platform/db/schema-helpers.js';

/** Bearer tokens of the compatible API: only their SHA-256 is stored. */
export interface CompatTokensTable {
  id: Generated<number>;
  org_id: number;
  api_key_id: number;
  token_hash: string;
  created_at: string;
  expires_at: string;
}

export interface CompatTables {
  compat_tokens: CompatTokensTable;
}

export async function compatInit(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await withId(db.schema.createTable('compat_tokens'), dialect)
    .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('api_key_id', 'integer', (c) => c.notNull().references('api_keys.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  // Pruning a key's expired tokens when it gets a new one.
  await db.schema.createIndex('compat_tokens_key_idx').on('compat_tokens').columns(['api_key_id', 'expires_at']).execute();
}
