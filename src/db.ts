import type { Kysely } from 'kysely';
import type { Database } from './platform/db/database.js';
import { BASELINE_MIGRATION, composeMigrations, migrateToLatest as runMigrations } from './platform/db/migrate.js';
import { platformInit } from './platform/db/migrations/0001_platform.js';
import { jobInterruptions } from './platform/db/migrations/0002_job_interruptions.js';
import type { MigrationFn } from './platform/db/schema-helpers.js';
import type { PlatformTables } from './platform/db/types.js';
import { MODULES, type AppModule } from './modules/index.js';

/**
 * The database as the composition root sees it: the platform's tables and every module's, taken
 * from the `db: Kysely<Tables>` each module's `create` declares (src/modules/index.ts lists them).
 * Only the root (and tests) use `DB`; the platform and the modules see their own tables.
 */
export type DB = PlatformTables & UnionToIntersection<TablesOf<AppModule>>;

type TablesOf<M> = M extends AppModule ? (Parameters<M['create']>[0] extends { db: Kysely<infer T> } ? (IsAny<T> extends true ? object : T) : object) : never;
type IsAny<T> = 0 extends 1 & T ? true : false;
type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

/** Every migration: the platform's, then each module's in list order (see composeMigrations). */
export const allMigrations: Record<string, MigrationFn> = composeMigrations([
  { owner: 'platform', migrations: { [BASELINE_MIGRATION]: platformInit, '0002_job_interruptions': jobInterruptions } },
  ...MODULES.map((m) => ({ owner: m.key, migrations: m.migrations })),
]);

/** Applies every pending migration; returns the names applied. */
export function migrateToLatest(database: Database): Promise<string[]> {
  return runMigrations(database, allMigrations);
}
