import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareRepeatedQueries } from '../../../src/platform/db/pg-prepared.js';

// PostgreSQL's own behaviour, so these run on PostgreSQL in both runs of the suite: the one named
// by TEST_DATABASE_URL, else the machine's. Without one they are skipped with a notice, except in CI.
const url = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const probe = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
const reachable = await probe.connect().then(
  () => probe.end().then(() => true),
  () => false,
);
if (!reachable) {
  if (process.env.CI) throw new Error(`PostgreSQL at ${url} is not reachable; CI needs it.`);
  console.warn(`\n!!  PostgreSQL at ${url} is not reachable: the prepared-statement tests are SKIPPED.\n`);
}

describe.skipIf(!reachable)('prepared repeated queries on PostgreSQL', () => {
  const schema = `prep_${process.pid}_${Date.now().toString(36)}`;
  let pool: pg.Pool;
  let admin: pg.Client;

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    // One connection, so every query below meets the same prepared statements.
    pool = new pg.Pool({ connectionString: url, max: 1, options: `-c search_path=${schema} -c plan_cache_mode=force_custom_plan` });
    prepareRepeatedQueries(pool, 3);
    await pool.query('create table t (a integer)');
    await pool.query('insert into t values (1), (2)');
  });
  afterAll(async () => {
    await pool?.end();
    await admin?.query(`drop schema ${schema} cascade`);
    await admin?.end();
  });

  // As Kysely runs a query: a checked-out client, text and values, no callback.
  const run = async (text: string, values: unknown[] = []) => {
    const client = await pool.connect();
    try {
      return await client.query(text, values);
    } finally {
      client.release();
    }
  };
  const prepared = async () => (await pool.query('select statement from pg_prepared_statements order by prepare_time')).rows.map((r) => r.statement as string);

  it('prepares a text the second time it runs, and keeps at most `max`, least recently used out first', async () => {
    expect((await run('select a from t where a = $1', [1])).rows).toEqual([{ a: 1 }]);
    expect(await prepared()).not.toContain('select a from t where a = $1');
    expect((await run('select a from t where a = $1', [2])).rows).toEqual([{ a: 2 }]);
    expect(await prepared()).toContain('select a from t where a = $1');
    for (const n of [1, 2, 3, 4]) {
      const text = `select a + ${n} as b from t where a = $1`;
      await run(text, [1]);
      expect((await run(text, [2])).rows).toEqual([{ b: 2 + n }]);
    }
    const names = await prepared();
    expect(names.length).toBeLessThanOrEqual(3);
    expect(names).not.toContain('select a from t where a = $1');
    expect(names).toContain('select a + 4 as b from t where a = $1');
    // DDL is never prepared.
    await run('create table u (a integer)');
    await run('drop table u');
    await run('create table u (a integer)');
    expect(await prepared()).toEqual(names);
  });

  it('runs a statement that DDL changed under it unprepared instead of failing', async () => {
    const text = 'select * from t where a >= $1 order by a';
    await run(text, [0]);
    expect((await run(text, [0])).rows).toEqual([{ a: 1 }, { a: 2 }]);
    expect(await prepared()).toContain(text);
    await run('alter table t add column b text');
    expect((await run(text, [0])).rows).toEqual([
      { a: 1, b: null },
      { a: 2, b: null },
    ]);
    expect(await prepared()).not.toContain(text);
    // …and prepares it again once it repeats.
    await run(text, [0]);
    await run(text, [0]);
    expect(await prepared()).toContain(text);
  });

  it('inside a transaction the error stands (the transaction is already aborted)', async () => {
    const text = 'select * from t where a = $1';
    await run(text, [1]);
    await run(text, [1]);
    await run('alter table t add column c text');
    const client = await pool.connect();
    try {
      await client.query('begin');
      await expect(client.query(text, [1])).rejects.toMatchObject({ code: '0A000' });
      await client.query('rollback');
      expect((await client.query(text, [1])).rows).toEqual([{ a: 1, b: null, c: null }]);
    } finally {
      client.release();
    }
  });
});
