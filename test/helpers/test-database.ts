import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

let counter = 0;

export type TestDatabasePlace = {
  /** A temp folder for WFA_DATA_DIR (and the SQLite file). */
  dataDir: string;
  /** DATABASE_URL: a SQLite file in `dataDir`, or TEST_DATABASE_URL. */
  url: string;
  /** On PostgreSQL, the schema created for this database (set it as `config.database.schema`). */
  schema?: string;
  /** Drops the schema and removes the folder. */
  drop(): Promise<void>;
};

async function onPostgres(query: string): Promise<void> {
  const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

/**
 * Where a test's database lives: SQLite in a temp folder by default; with TEST_DATABASE_URL a
 * PostgreSQL schema of its own in that database, so test files can run in parallel. `kind`
 * picks one explicitly (tests that cover both databases in one run).
 */
export async function testDatabasePlace(
  prefix: string,
  kind: 'sqlite' | 'postgres' = process.env.TEST_DATABASE_URL ? 'postgres' : 'sqlite',
): Promise<TestDatabasePlace> {
  if (kind === 'postgres' && !process.env.TEST_DATABASE_URL) throw new Error('A PostgreSQL test database needs TEST_DATABASE_URL.');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `wfa-${prefix}-`));
  const schema = kind === 'postgres' ? `${prefix}_${process.pid}_${Date.now().toString(36)}_${counter++}`.toLowerCase().replace(/\W/g, '_') : undefined;
  if (schema) await onPostgres(`create schema ${schema}`);
  return {
    dataDir,
    url: schema ? process.env.TEST_DATABASE_URL! : `sqlite:${path.join(dataDir, `${prefix}.db`)}`,
    schema,
    async drop() {
      if (schema) await onPostgres(`drop schema ${schema} cascade`);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The database config (`config.database`) that opens a test database place on its own (`openDatabase`). */
export function placeDatabaseConfig(place: TestDatabasePlace) {
  return place.schema
    ? ({ kind: 'postgres', url: place.url, schema: place.schema } as const)
    : ({ kind: 'sqlite', file: place.url.slice('sqlite:'.length) } as const);
}
