import type { Kysely } from 'kysely';
import type { Dialect } from '../../platform/db/database.js';

/** Sign-in sessions: the id is the SHA-256 of the cookie token. */
export interface SessionsTable {
  id: string;
  admin_id: number;
  org_id: number;
  csrf_token: string;
  created_at: string;
  expires_at: string;
  last_seen_at: string;
}

/**
 * Wrong passwords per account and address: the lock-out applies to the pair, so an attacker who
 * guesses from one address cannot keep the admin out from theirs; `lockouts` makes each new lock
 * longer (progressive back-off).
 */
export interface LoginFailuresTable {
  admin_id: number;
  address: string;
  failures: number;
  lockouts: number;
  locked_until: string | null;
  updated_at: string;
}

export interface SessionsTables {
  sessions: SessionsTable;
  login_failures: LoginFailuresTable;
}

/**
 * This table's part of the first migration, `0001_platform` (applied under that name before the
 * tables moved beside their modules; see BASELINE_MIGRATION in platform/db/migrate.ts).
 */
export async function sessionsBaseline(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('admin_id', 'integer', (c) => c.notNull().references('admins.id').onDelete('cascade'))
    .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_admin_idx').on('sessions').column('admin_id').execute();
}

export async function loginFailuresInit(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('login_failures')
    .addColumn('admin_id', 'integer', (c) => c.notNull().references('admins.id').onDelete('cascade'))
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('lockouts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('login_failures_pk', ['admin_id', 'address'])
    .execute();
}
