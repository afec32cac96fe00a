import { Migrator, sql, type DatabaseIntrospector, type Kysely, type Migration, type MigrationProvider, type TableMetadata } from 'kysely';
import type { Database } from './database.js';
import type { MigrationFn } from './schema-helpers.js';

/**
 * The first migration, applied by every existing database under this name. It created the
 * platform's tables and the identity, audit and alerts tables in one step; those tables now live
 * beside their modules, and each owner contributes its part under this same name. The parts run
 * in one migration, platform first then in module list order, so the name and its effect are
 * unchanged and an existing database does not run it again.
 */
export const BASELINE_MIGRATION = '0001_platform';

/** Everything that declares migrations: the platform and each module, in list order. */
export type MigrationOwner = { owner: string; migrations?: Record<string, MigrationFn> };

/**
 * Every migration of every owner, by name. Two owners may not share a name (each has its prefix
 * range), except the baseline, whose parts are chained in owner order.
 */
export function composeMigrations(owners: readonly MigrationOwner[]): Record<string, MigrationFn> {
  const out: Record<string, MigrationFn> = {};
  const ownerOf = new Map<string, string>();
  for (const { owner, migrations = {} } of owners) {
    for (const [name, fn] of Object.entries(migrations)) {
      const before = out[name];
      if (!before) {
        out[name] = fn;
        ownerOf.set(name, owner);
      } else if (name === BASELINE_MIGRATION) {
        out[name] = async (db, dialect) => {
          await before(db, dialect);
          await fn(db, dialect);
        };
      } else {
        throw new Error(`Migration ${name} is declared by both ${ownerOf.get(name)} and ${owner}: give ${owner}'s a name in its own prefix range.`);
      }
    }
  }
  return out;
}

/** Forward-only: migrations are applied in name order and never rolled back. */
export async function migrateToLatest(database: Database, allMigrations: Record<string, MigrationFn>): Promise<string[]> {
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
    database.dialect === 'postgres' ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(database.db)).rows[0]?.schema : undefined;
  // Names sort by module range (0300 integration users, 0400 incidents, ...), so a module's second
  // migration (e.g. 0310) sorts before another module's already applied first one (0400): an existing
  // database applies it after them, which is safe because a module's migrations only touch its own
  // tables (and the ones that sort before them). Fresh databases still run everything in name order.
  const db = migrationTableSchema ? withIntrospectionOf(database.db, migrationTableSchema) : database.db;
  const migrator = new Migrator({ db, provider, migrationTableSchema, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${(error as Error).message ?? error}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * Kysely's migrator finds its two bookkeeping tables by introspecting every column of every table
 * of every schema (with `pg_get_serial_sequence` per column). On a PostgreSQL database that other
 * schemas share (tests, several installations), that reads all of them on each start and fails
 * with "schema … does not exist" when another schema is dropped meanwhile. The migrator is given
 * the same Kysely whose introspection looks at the migration schema's table names only.
 */
export function withIntrospectionOf<DB>(db: Kysely<DB>, schema: string): Kysely<DB> {
  const getTables = async (): Promise<TableMetadata[]> => {
    const { rows } = await sql<{ name: string; kind: string }>`
      select c.relname as name, c.relkind as kind from pg_catalog.pg_class c
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where n.nspname = ${schema} and c.relkind in ('r', 'p', 'v', 'm')`.execute(db);
    return rows.map((r) => ({ name: r.name, schema, isView: r.kind === 'v' || r.kind === 'm', columns: [] }));
  };
  const introspection: DatabaseIntrospector = {
    async getSchemas() {
      const { rows } = await sql<{ name: string }>`select nspname as name from pg_catalog.pg_namespace where nspname = ${schema}`.execute(db);
      return rows;
    },
    getTables,
    async getMetadata() {
      return { tables: await getTables() };
    },
  };
  // Kysely keeps its state in private fields: its methods run on the real instance.
  return new Proxy(db, {
    get(target, prop) {
      if (prop === 'introspection') return introspection;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
