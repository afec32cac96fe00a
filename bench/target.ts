import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { createContext } from '../src/app-context.js';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/platform/db/database.js';
import { migrateToLatest } from '../src/db.js';

const silent = { info() {}, warn() {}, error() {}, debug() {}, trace() {}, fatal() {}, child: () => silent, level: 'silent', silent() {} } as never;

async function onPostgres(query: string): Promise<void> {
  const c = new pg.Client({ connectionString: process.env.BENCH_DATABASE_URL });
  await c.connect();
  try {
    await c.query(query);
  } finally {
    await c.end();
  }
}

/**
 * A migrated app on a fresh SQLite file or a fresh schema of BENCH_DATABASE_URL, for one bench
 * run. `cleanup` removes it again unless BENCH_KEEP is set (then it says where the data is).
 */
export async function openBenchApp(kind: 'sqlite' | 'postgres', name: string, env: Record<string, string> = {}) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `wfa-bench-${name}-`));
  const schema = kind === 'postgres' ? `bench_${name.replace(/\W/g, '_')}_${Date.now().toString(36)}` : undefined;
  if (schema) await onPostgres(`create schema ${schema}`);
  const config = loadConfig({
    WFA_DATA_DIR: dataDir,
    DATABASE_URL: kind === 'postgres' ? process.env.BENCH_DATABASE_URL! : `sqlite:${path.join(dataDir, 'bench.db')}`,
    LOG_LEVEL: 'silent',
    WFA_PUBLIC_URL: 'http://localhost:8080',
    ...env,
  });
  if (schema && config.database.kind === 'postgres') config.database.schema = schema;
  const database = openDatabase(config.database);
  const sqliteFile = config.database.kind === 'sqlite' ? config.database.file : null;
  await migrateToLatest(database);
  const ctx = createContext(config, database, silent);
  const app = await buildApp(ctx, { logger: false, serveWeb: false });
  await app.ready();
  const cleanup = async () => {
    await app.close();
    await database.close();
    if (process.env.BENCH_KEEP) {
      console.log(`    kept ${sqliteFile ?? `schema ${schema}`}`);
      return;
    }
    if (schema) await onPostgres(`drop schema ${schema} cascade`);
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  return { ctx, app, database, sqliteFile, cleanup };
}
