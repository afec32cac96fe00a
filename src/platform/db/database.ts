import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import type { Config } from '../../config.js';
import { prepareRepeatedQueries } from './pg-prepared.js';
import { SqliteLiteralLimitDialect } from './sqlite-compiler.js';
import { TableWrites } from './table-writes.js';

export type Dialect = 'sqlite' | 'postgres';

/**
 * The one database, as the platform and the modules receive it. Kysely<T> is invariant in T, so
 * the root's Kysely<DB> (every table, src/db.ts) is not a Kysely<ModuleTables>: this is the single
 * place where table types are let go. A module declares `db: Kysely<ItsTables>` in its deps (the
 * tables it owns, plus any it reads by a documented join) and gets the shared database there.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the platform cannot name module tables
export type SharedDb = Kysely<any>;

/**
 * Any query executor: the database or a transaction. Methods that another module calls inside its
 * transaction (audit.record, alerts.raise, ...) take this, as their caller's tables differ.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the platform cannot name module tables
export type AnyExec = Kysely<any> | Transaction<any>;

export type Database = {
  /** Typed with every table by the root (src/db.ts); see SharedDb. */
  db: SharedDb;
  dialect: Dialect;
  /** Tables written by this process, for caches that must drop what a write changed (table-writes.ts). */
  writes: TableWrites;
  /**
   * The same database for hot reads whose best plan is the same whatever their values: on
   * PostgreSQL, connections that plan a prepared statement once (its generic plan) instead of on
   * every run; on SQLite, `db` itself. Why: `db`'s connections re-plan each run, so that a query
   * whose plan depends on its values (a time range, a rare status) gets the right one; for a
   * page read as an index range that planning costs more than running it (the integration-users
   * page: planning ~0.15 ms, execution ~0.1 ms). Only for statements whose generic plan has been
   * checked to be the custom one (a test EXPLAINs them); reads only, outside transactions.
   */
  stablePlans: SharedDb;
  /** Reachability check for /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
};

// COUNT(*) and BIGINT come back from pg as strings; our ids and counts fit in a JS number.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));
pg.types.setTypeParser(1700, (v) => Number.parseFloat(v));

export function openDatabase(database: Config['database']): Database {
  if (database.kind === 'postgres') {
    const writes = new TableWrites();
    const pool = postgresPool(database, 'force_custom_plan', 10);
    const db = new Kysely<unknown>({ dialect: writes.watch(new PostgresDialect({ pool })) });
    const stablePool = postgresPool(database, 'force_generic_plan', STABLE_PLAN_CONNECTIONS);
    const stablePlans = new Kysely<unknown>({ dialect: writes.watch(new PostgresDialect({ pool: stablePool })) });
    return {
      db,
      dialect: 'postgres',
      writes,
      stablePlans,
      ping: async () => {
        await sql`select 1`.execute(db);
      },
      close: async () => {
        await Promise.all([db.destroy(), stablePlans.destroy()]);
      },
    };
  }
  if (database.file !== ':memory:') createPrivately(database.file);
  const sqlite = new SQLite(database.file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  const writes = new TableWrites();
  const db = new Kysely<unknown>({ dialect: writes.watch(new SqliteLiteralLimitDialect({ database: withStatementCache(sqlite) })) });
  return {
    db,
    dialect: 'sqlite',
    writes,
    stablePlans: db,
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}

/** Connections that keep generic plans: few, as only a handful of short reads use them. */
const STABLE_PLAN_CONNECTIONS = 5;

/**
 * A pool of connections with their `plan_cache_mode`: `force_custom_plan` plans each run of a
 * prepared statement for its values, as unnamed ones are (pg-prepared.ts); `force_generic_plan`
 * plans it once per connection (`Database.stablePlans`).
 */
function postgresPool(
  database: Extract<Config['database'], { kind: 'postgres' }>,
  planCacheMode: 'force_custom_plan' | 'force_generic_plan',
  max: number,
): pg.Pool {
  const pool = new pg.Pool({
    connectionString: database.url,
    max,
    // Tests isolate each file in its own schema.
    options: [`-c plan_cache_mode=${planCacheMode}`, ...(database.schema ? [`-c search_path=${database.schema}`] : [])].join(' '),
  });
  // An idle client losing its connection must not crash the process.
  pool.on('error', () => {});
  // Nor one checked out between queries (a read snapshot held while an export streams): pg
  // emits the loss as an 'error' event nobody listens to then; the next query fails with it.
  pool.on('connect', (client) => client.on('error', () => {}));
  prepareRepeatedQueries(pool);
  return pool;
}

/**
 * Kysely prepares every query afresh; compiling the SQL costs about as much as running a small
 * indexed query. Our queries come from a bounded set of shapes, so reuse prepared statements
 * (least recently used out past `max`). SQLite re-prepares a cached statement itself after a
 * schema change, and Kysely runs one query at a time per connection, so a statement is never
 * used by two queries at once.
 *
 * Rows: better-sqlite3 builds each row object natively, setting one property at a time, which
 * costs more than reading the row (a page of 50 integration users × 14 columns: ~140 µs as
 * objects, ~95 µs as arrays). For a statement whose column names are fixed by its SQL text we read
 * arrays and build the objects with a generated object literal (one hidden class, ~1 µs for 50
 * rows): same keys, same order, same values, the last of duplicate names winning as before. A
 * `*` in the SQL (`select *`, `t.*`) lets the names follow the schema, which can change under a
 * cached statement, so those statements keep better-sqlite3's own objects.
 */
export function withStatementCache(sqlite: SQLite.Database, max = 500) {
  const cache = new Map<string, CachedStatement>();
  return {
    close: () => {
      cache.clear();
      sqlite.close();
    },
    prepare(query: string): CachedStatement {
      let stmt = cache.get(query);
      if (stmt) {
        cache.delete(query);
      } else {
        stmt = cachedStatement(sqlite.prepare(query), query);
        if (cache.size >= max) cache.delete(cache.keys().next().value!);
      }
      cache.set(query, stmt);
      return stmt;
    },
  };
}

type CachedStatement = {
  readonly reader: boolean;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): SQLite.RunResult;
  iterate(...params: unknown[]): IterableIterator<unknown>;
};

function cachedStatement(stmt: SQLite.Statement, query: string): CachedStatement {
  const build = stmt.reader && !query.includes('*') ? rowBuilder(stmt.columns().map((c) => c.name)) : null;
  if (!build) return stmt as unknown as CachedStatement;
  stmt.raw(true);
  return {
    reader: true,
    all(...params) {
      const rows = stmt.all(...params) as unknown[][];
      for (let i = 0; i < rows.length; i++) (rows as unknown[])[i] = build(rows[i]);
      return rows;
    },
    run: (...params) => stmt.run(...params),
    *iterate(...params) {
      for (const row of stmt.iterate(...params) as IterableIterator<unknown[]>) yield build(row);
    },
  };
}

/** `(row) => ({ "a": row[0], "b": row[1] })` for these column names; null when a name cannot be a plain literal key. */
function rowBuilder(names: string[]): ((row: unknown[]) => object) | null {
  if (names.includes('__proto__')) return null;
  // Safe to generate: each name is quoted with JSON.stringify.
  return new Function('r', `return { ${names.map((n, i) => `${JSON.stringify(n)}: r[${i}]`).join(', ')} };`) as (row: unknown[]) => object;
}

export function nowIso(): string {
  return new Date().toISOString();
}

/**
 * The database holds sealed credentials and personal data: its folder is created 0700 and the file
 * 0600 before SQLite opens it (SQLite gives the -wal and -shm files the database file's mode).
 */
function createPrivately(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.closeSync(fs.openSync(file, 'a', 0o600));
}
