import type { CreateTableBuilder, Kysely } from 'kysely';
import type { Dialect } from './database.js';

/**
 * Column conventions shared by every migration so both databases store the same shapes:
 * - ids: integer auto-increment (serial on PostgreSQL);
 * - timestamps: ISO-8601 UTC text (`toISOString()`), which sorts and compares correctly in both;
 * - flags: integer 0/1 (SQLite has no boolean; one representation keeps stores dialect-free);
 * - JSON: text, parsed in the store.
 */
export function withId<T extends string>(table: CreateTableBuilder<T, never>, dialect: Dialect): CreateTableBuilder<T, 'id'> {
  return dialect === 'postgres'
    ? table.addColumn('id', 'serial', (c) => c.primaryKey())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}

export type MigrationFn = (db: Kysely<unknown>, dialect: Dialect) => Promise<void>;
export type ModuleMigrations = Record<string, MigrationFn>;
