import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

describe('smoke', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());

  it('logs in and reads the session', async () => {
    const s = await t.login(t.admin.email);
    const res = await s.get('/api/v1/auth/session');
    expect(res.statusCode).toBe(200);
    expect(res.json().admin.email).toBe(t.admin.email);
    expect(res.json().permissions.Integrations).toBe('edit');
  });

  it('serves the OpenAPI document', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(Object.keys(res.json().paths)).toContain('/api/v1/roles');
  });
});

// PostgreSQL only: another schema in the same database that already holds Kysely's bookkeeping
// tables (a crashed test run, another app) must not make our migrations skip creating ours.
if (process.env.TEST_DATABASE_URL) {
  describe('migrations beside another schema', () => {
    it('migrates into the current schema', async () => {
      const pg = (await import('pg')).default;
      const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await client.connect();
      const other = `zz_other_${process.pid}`;
      await client.query(`create schema ${other}; create table ${other}.kysely_migration_lock (id text); create table ${other}.kysely_migration (name text)`);
      try {
        const t = await createTestApp();
        await t.close();
      } finally {
        await client.query(`drop schema ${other} cascade`);
        await client.end();
      }
    });

    it('migrates while other schemas of the same database are created and dropped', async () => {
      // Kysely's own introspection read every table of every schema and failed when one was dropped
      // meanwhile ("schema … does not exist"), as when test files run in parallel.
      const pg = (await import('pg')).default;
      const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await client.connect();
      let stop = false;
      let churned = 0;
      const churn = (async () => {
        for (let i = 0; !stop && i < 5000; i++) {
          const s = `zz_churn_${process.pid}_${i}`;
          await client.query(`create schema ${s}; create table ${s}.t (id serial primary key, a text, b integer)`);
          await client.query(`drop schema ${s} cascade`);
          churned++;
        }
      })();
      try {
        for (let i = 0; i < 6; i++) {
          const t = await createTestApp();
          await t.close();
        }
      } finally {
        stop = true;
        await churn;
        await client.end();
      }
      expect(churned).toBeGreaterThan(0);
    }, 120_000);
  });
}
