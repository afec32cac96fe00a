import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/app.js';
import { createContext } from '../../../src/app-context.js';
import { openDatabase } from '../../../src/platform/db/database.js';
import { migrateToLatest } from '../../../src/db.js';
import { allMigrations } from '../../../src/db.js';
import { createTestApp, silentLog, testDatabaseKind, type TestApp } from '../../helpers/test-app.js';
import { count, snapshot, tableNames } from './helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

describe(`migrations on ${testDatabaseKind()}`, () => {
  it('created every platform table on the configured database', async () => {
    expect(t.ctx.database.dialect).toBe(testDatabaseKind());
    const tables = await tableNames(t);
    for (const name of ['orgs', 'roles', 'admins', 'sessions', 'api_keys', 'audit_log', 'alerts', 'jobs']) expect(tables).toContain(name);
  });

  it('recorded every migration, and running them again is a no-op', async () => {
    const applied = await t.ctx.db
      .selectFrom('kysely_migration' as never)
      .select('name' as never)
      .execute();
    expect((applied as { name: string }[]).map((r) => r.name).sort()).toEqual(Object.keys(allMigrations).sort());
    const before = await snapshot(t);
    expect(await migrateToLatest(t.ctx.database)).toEqual([]);
    expect(await migrateToLatest(t.ctx.database)).toEqual([]);
    expect(await snapshot(t)).toEqual(before);
  });

  it('SQLite runs with foreign keys on and WAL', async () => {
    if (t.ctx.database.dialect !== 'sqlite') return;
    const { sql } = await import('kysely');
    expect((await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(t.ctx.db)).rows[0].foreign_keys).toBe(1);
    expect((await sql<{ journal_mode: string }>`pragma journal_mode`.execute(t.ctx.db)).rows[0].journal_mode).toBe('wal');
  });

  it('foreign keys hold on this database: an admin cannot point at a missing role', async () => {
    const n = await count(t, 'admins');
    await expect(
      t.ctx.db
        .insertInto('admins')
        .values({
          org_id: t.orgId,
          email: 'fk@example.com',
          email_lower: 'fk@example.com',
          name: 'FK',
          password_hash: 'x',
          role_id: 2_000_000_000,
          status: 'active',
          locked_until: null,
          last_login_at: null,
          created_at: 'x',
          updated_at: 'x',
        })
        .execute(),
    ).rejects.toThrow();
    expect(await count(t, 'admins')).toBe(n);
  });
});

describe('health, readiness and API docs', () => {
  it('/healthz → 200 without signing in', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('/readyz → 200 while the database answers', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready' });
  });

  it('/api/openapi.json lists the routes; /api/docs serves HTML', async () => {
    const doc = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(doc.statusCode).toBe(200);
    const paths = Object.keys(doc.json().paths);
    for (const p of [
      '/api/v1/auth/login',
      '/api/v1/roles',
      '/api/v1/roles/{id}',
      '/api/v1/admins',
      '/api/v1/api-keys',
      '/api/v1/audit-logs',
      '/api/v1/alerts',
    ]) {
      expect(paths).toContain(p);
    }
    expect(doc.json().openapi).toMatch(/^3\./);
    const docs = await t.app.inject({ method: 'GET', url: '/api/docs' });
    const html = docs.statusCode === 302 ? await t.app.inject({ method: 'GET', url: docs.headers.location as string }) : docs;
    const page = html.statusCode === 200 ? html : await t.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toMatch(/swagger/i);
  });

  it('every response carries a request id and safe headers', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
  });

  it('/readyz → 503 when the database is closed (healthz stays 200)', async () => {
    // Its own database handle and app, so closing it does not disturb the other tests.
    const database = openDatabase(t.config.database);
    await migrateToLatest(database);
    const ctx = createContext(t.config, database, silentLog);
    const app = await buildApp(ctx, { logger: false, serveWeb: false });
    await app.ready();
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    await database.close();
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ status: 'unavailable' });
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    await app.close();
  });

  it('the web app owns page paths, but unknown paths that look like API calls answer a JSON 404', async () => {
    const web = fs.mkdtempSync(path.join(os.tmpdir(), 'wfa-web-'));
    fs.writeFileSync(path.join(web, 'index.html'), '<!doctype html><title>app</title>');
    const app = await buildApp(t.ctx, { logger: false, serveWeb: web });
    try {
      const page = await app.inject({ method: 'GET', url: '/setup/integration-users' });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toMatch(/text\/html/);
      // (Unknown /dlp and /v1 paths answer in the compatible API's own error shape.)
      for (const url of ['/api/v1/nothing', '/dlp/nothing', '/dlp/v1/nothing/here', '/v1/auth/nothing', '/metrics', '/metrics?x=1']) {
        const res = await app.inject({ method: 'GET', url });
        expect({ url, status: res.statusCode, type: res.headers['content-type'] }).toMatchObject({ url, status: 404, type: expect.stringMatching(/json/) });
      }
    } finally {
      await app.close();
      fs.rmSync(web, { recursive: true, force: true });
    }
  });
});
