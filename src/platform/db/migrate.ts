import { Migrator, sql, type Migration, type MigrationProvider } from 'kysely';
import type { Database } from './database.js';
import { allMigrations } from './migrations/index.js';

/** Forward-only: migrations are applied in name order and never rolled back. */
export async function migrateToLatest(database: Database): Promise<string[]> {
  const provider: MigrationProvider = {
    async getMigrations() {
      const out: Record<string, Migration> = {};
      for (const [name, fn] of Object.entries(allMigrations)) {
        out[name] = { up: (db) => fn(db, database.dialect) };
      }
      return out;
    },
  };
  // Kysely looks for its bookkeeping tables in every schema unless told which one; with several
  // schemas in one PostgreSQL database (tests, shared servers) it would find another's and fail.
  const migrationTableSchema =
    database.dialect === 'postgres'
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(database.db)).rows[0]?.schema
      : undefined;
  // Names sort by module range (0300 integration users, 0400 incidents, ...), so a module's second
  // migration (e.g. 0310) sorts before another module's already applied first one (0400): an existing
  // database applies it after them, which is safe because a module's migrations only touch its own
  // tables (and the ones that sort before them). Fresh databases still run everything in name order.
  const migrator = new Migrator({ db: database.db, provider, migrationTableSchema, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${(error as Error).message ?? error}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
