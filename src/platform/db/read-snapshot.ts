import SQLite from 'better-sqlite3';
import { Kysely, PostgresAdapter, sql } from 'kysely';
import { withStatementCache } from './database.js';
import { SqliteLiteralLimitDialect } from './sqlite-compiler.js';

/** A consistent, read-only view of the database for a read spanning many queries (a streamed export). */
export type ReadSnapshot<T> = {
  /** Run the snapshot's queries here. */
  db: Kysely<T>;
  /** Ends the snapshot; call it exactly once, whether the reads succeeded or not. */
  release(): Promise<void>;
};

/**
 * Opens a read snapshot without holding up other requests while the reader streams at its
 * client's pace.
 *
 * PostgreSQL: a REPEATABLE READ, READ ONLY transaction on one pooled connection, so every page is
 * read as of the same moment.
 *
 * SQLite: Kysely runs every query of the app on one connection, so a transaction there would take
 * all other requests into it (and block them until the download ends). Instead a second, read-only
 * connection to the same file reads inside one transaction: in WAL mode that reader sees the
 * database as of its first read, while the main connection keeps writing. An in-memory database
 * has no file another connection could open; there the pages are read without a snapshot.
 */
export async function openReadSnapshot<T>(db: Kysely<T>): Promise<ReadSnapshot<T>> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    const trx = await db.startTransaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute();
    // Read only, so nothing to commit: a rollback ends it and, unlike a failed commit, always
    // hands the connection back (the pool drops it when the session was lost). A failed rollback
    // only says the session is gone; the reader already has the error that mattered.
    return {
      db: trx,
      release: () =>
        trx
          .rollback()
          .execute()
          .catch(() => {}),
    };
  }
  const main = await sql<{ file: string }>`select file from pragma_database_list where name = 'main'`.execute(db);
  const file = main.rows[0]?.file;
  if (!file) return { db, release: async () => {} };
  const conn = new SQLite(file, { readonly: true, fileMustExist: true });
  conn.pragma('busy_timeout = 5000');
  const reader = new Kysely<T>({ dialect: new SqliteLiteralLimitDialect({ database: withStatementCache(conn) }) });
  try {
    await sql`begin`.execute(reader);
    // The snapshot starts at the first read, so take it now rather than at the first page.
    await sql`select count(*) from sqlite_schema`.execute(reader);
  } catch (err) {
    await reader.destroy();
    throw err;
  }
  return {
    db: reader,
    release: async () => {
      try {
        await sql`commit`.execute(reader);
      } finally {
        await reader.destroy();
      }
    },
  };
}
