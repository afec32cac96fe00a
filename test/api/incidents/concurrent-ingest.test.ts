import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../../src/app.js';
import { createContext } from '../../../src/app-context.js';
import { openDatabase, type Database } from '../../../src/platform/db/database.js';
import { fullPermissions } from '../../../src/platform/permissions.js';
import { systemPrincipal } from '../../../src/platform/principal.js';
import { createTestApp, silentLog, type TestApp } from '../../helpers/test-app.js';
import { incident } from './helpers.js';

// Issue #14 finding 5: two processes each sent the same 2,000 incidents as four batches of 500 at
// once, one in reverse order, and half the batches answered 500 "deadlock detected". Here two app
// instances, each with its own connection pool, share one database (PostgreSQL with
// TEST_DATABASE_URL, else one SQLite file) and take all eight batches at the same time.

let t: TestApp;
let second: { app: FastifyInstance; database: Database };
let key: string;

beforeAll(async () => {
  t = await createTestApp();
  const database = openDatabase(t.config.database);
  const app = await buildApp(createContext(t.config, database, silentLog), { logger: false, serveWeb: false });
  await app.ready();
  second = { app, database };
  const actor = systemPrincipal(t.orgId, fullPermissions());
  const role = await t.ctx.roles.findByName(t.orgId, 'DLP Super Admin');
  key = (await t.ctx.apiKeys.create(actor, { name: 'Ingest', roleId: role!.id })).key;
});
afterAll(async () => {
  await second?.app.close();
  await second?.database.close();
  await t?.close();
});

/**
 * In one Node process each request validates its 500 incidents before its transaction starts, so
 * the eight transactions would mostly run one after another and rarely meet. On PostgreSQL, a
 * SHARE lock on the table (reads pass, inserts wait) holds every ingest at its first insert until
 * all eight are waiting; released together, they write at the same time as separate processes do.
 * SQLite runs one writer at a time, so there the requests simply queue.
 */
async function holdInserts(): Promise<{ release(waiters: number): Promise<void> }> {
  const schema = t.config.database.kind === 'postgres' ? t.config.database.schema : undefined;
  if (!schema) return { release: async () => {} };
  const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await client.connect();
  await client.query('begin');
  await client.query(`lock table ${schema}.incidents in share mode`);
  return {
    async release(waiters) {
      try {
        // Waits for a state, not a time: every request blocked on the lock.
        for (;;) {
          const { rows } = await client.query(`select count(*)::int as n from pg_locks where relation = '${schema}.incidents'::regclass and not granted`);
          if (rows[0].n >= waiters) break;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        await client.query('commit');
      } finally {
        await client.end();
      }
    },
  };
}

type BatchResult = { created: number; existing: number; rejected: number; results: { transactionId: string; result: string; id: number }[] };

it('two instances ingesting the same 2,000 incidents in overlapping batches (one reversed) all answer 200 and store each incident once', async () => {
  // Every third incident repeats an earlier one's duplicate key, so the batches also bump the
  // same parents' duplicate counts.
  const base = Date.now() - 3_600_000;
  const all = Array.from({ length: 2000 }, (_, i) => {
    const one = incident({ incidentDate: new Date(base + i * 1000).toISOString() });
    if (i % 3 !== 2) return one;
    const key = i % 10;
    return { ...one, url: `https://shared${key}.example.net/upload`, file: { ...one.file!, name: `shared-${key}.xlsx` } };
  });
  const batches = [0, 1, 2, 3].map((b) => all.slice(b * 500, (b + 1) * 500));
  const reversed = batches.map((b) => [...b].reverse()).reverse();
  const post = (app: FastifyInstance, incidents: unknown[]) =>
    app.inject({ method: 'POST', url: '/api/v1/incidents', payload: { incidents }, headers: { authorization: `Bearer ${key}` } });

  const gate = await holdInserts();
  const sent = Promise.all([...batches.map((b) => post(t.app, b)), ...reversed.map((b) => post(second.app, b))]);
  await gate.release(8);
  const responses = await sent;
  for (const r of responses) expect(r.statusCode, r.body.slice(0, 500)).toBe(200);
  const bodies = responses.map((r) => r.json() as BatchResult);

  // Each incident was created by exactly one request and found "existing" by the other, with one id.
  expect(bodies.reduce((n, b) => n + b.created, 0)).toBe(2000);
  expect(bodies.reduce((n, b) => n + b.existing, 0)).toBe(2000);
  const idOf = new Map<string, number>();
  for (const r of bodies.flatMap((b) => b.results)) {
    expect(r.id).toEqual(expect.any(Number));
    expect(idOf.get(r.transactionId) ?? r.id).toBe(r.id);
    idOf.set(r.transactionId, r.id);
  }
  expect(idOf.size).toBe(2000);

  const rows = await t.ctx.db
    .selectFrom('incidents')
    .select(['id', 'transaction_id', 'duplicate_of', 'duplicate_count'])
    .where('org_id', '=', t.orgId)
    .execute();
  expect(rows).toHaveLength(2000);
  for (const row of rows) expect(idOf.get(row.transaction_id)).toBe(row.id);
  // A parent's duplicate count is the number of incidents stored as its duplicates.
  const children = new Map<number, number>();
  for (const row of rows) if (row.duplicate_of !== null) children.set(row.duplicate_of, (children.get(row.duplicate_of) ?? 0) + 1);
  expect(children.size).toBeGreaterThan(0);
  for (const row of rows) expect(Number(row.duplicate_count), `incident ${row.id}`).toBe(children.get(row.id) ?? 0);
});
