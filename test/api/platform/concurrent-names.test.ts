import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestApp, type Session, type TestApp } from '../../helpers/test-app.js';
import { apiKeysLiveNameUnique } from '../../../src/modules/api-keys/migrations.js';

// Issue #14 finding 5: twenty simultaneous creates of one name gave 500s (roles) or duplicates
// (API keys). The database's unique indexes decide; every loser is a 409 naming the resource.
// Runs on SQLite by default and on PostgreSQL with TEST_DATABASE_URL, where the requests
// really overlap in separate pooled connections.

let t: TestApp;
let s: Session;
let superAdminRole: number;

beforeAll(async () => {
  t = await createTestApp();
  s = await t.login(t.admin.email);
  superAdminRole = (await itemsOf<{ name: string; id: number }>('/api/v1/roles')).find((r) => r.name === 'DLP Super Admin')!.id;
});
afterAll(() => t.close());

/** A list's items, paged or not. */
async function itemsOf<T>(url: string): Promise<T[]> {
  const body = (await s.get(url)).json();
  return Array.isArray(body) ? body : body.items;
}

/** Fires twenty creates at once; `bodyOf(i)` may vary the name's case where names compare without it. */
async function race(url: string, bodyOf: (i: number) => unknown) {
  const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => s.post(url, bodyOf(i))));
  const codes = responses.map((r) => r.statusCode);
  expect(
    codes.filter((c) => c === 201),
    responses.map((r) => r.body).join('\n'),
  ).toHaveLength(1);
  expect(codes.filter((c) => c === 409)).toHaveLength(19);
  for (const r of responses.filter((x) => x.statusCode === 409)) expect(r.json().error.message).toMatch(/already exists/);
  return responses;
}

const caseOf = (name: string, i: number) => (i % 2 ? name.toUpperCase() : name);

it('twenty concurrent role creates of one name (any case): one 201, nineteen 409s, one role', async () => {
  await race('/api/v1/roles', (i) => ({ name: caseOf('Night Shift', i), permissions: { Incidents: 'view' } }));
  const roles = await itemsOf<{ name: string }>('/api/v1/roles');
  expect(roles.filter((r) => r.name.toLowerCase() === 'night shift')).toHaveLength(1);
});

it('twenty concurrent API key creates of one name: one 201, nineteen 409s, one live key; a revoked name is free again', async () => {
  await race('/api/v1/api-keys', () => ({ name: 'Ingest bot', roleId: superAdminRole }));
  let keys = await itemsOf<{ id: number; name: string }>('/api/v1/api-keys');
  expect(keys.filter((k) => k.name === 'Ingest bot')).toHaveLength(1);
  expect((await s.delete(`/api/v1/api-keys/${keys.find((k) => k.name === 'Ingest bot')!.id}`)).statusCode).toBeLessThan(300);
  await race('/api/v1/api-keys', () => ({ name: 'Ingest bot', roleId: superAdminRole }));
  keys = await itemsOf<{ id: number; name: string }>('/api/v1/api-keys');
  expect(keys.filter((k) => k.name === 'Ingest bot')).toHaveLength(1);
});

it('twenty concurrent label creates of one name (any case): one 201, nineteen 409s, one label', async () => {
  await race('/api/v1/labels', (i) => ({ name: caseOf('Resolution', i), values: ['Fixed'] }));
  const items = await itemsOf<{ name: string }>('/api/v1/labels');
  expect(items.filter((l) => l.name.toLowerCase() === 'resolution')).toHaveLength(1);
});

it('twenty concurrent workflow creates of one name: one 201, nineteen 409s, one workflow', async () => {
  await race('/api/v1/workflows', () => ({ template: 'auto_close', name: 'Close noise', settings: { close: { notes: 'Noise.' } } }));
  const items = await itemsOf<{ name: string }>('/api/v1/workflows');
  expect(items.filter((w) => w.name === 'Close noise')).toHaveLength(1);
});

it('the API key migration keeps live duplicates made before it, renamed apart, and leaves revoked keys alone', async () => {
  const db = t.ctx.db as never as import('kysely').Kysely<unknown>;
  await sql`drop index api_keys_live_name_unique`.execute(db);
  const row = (name: string, hash: string, revoked: string | null) =>
    sql`insert into api_keys (org_id, name, prefix, key_hash, role_id, created_at, revoked_at, kind)
        values (${t.orgId}, ${name}, 'wfa_x', ${hash}, ${superAdminRole}, '2026-01-01T00:00:00.000Z', ${revoked}, 'bearer')`.execute(db);
  await row('Twin', 'h1', null);
  await row('Twin', 'h2', null);
  await row('Twin', 'h3', '2026-01-02T00:00:00.000Z');
  await apiKeysLiveNameUnique(db);
  const twins = await sql<{ id: number; name: string; revoked_at: string | null }>`
    select id, name, revoked_at from api_keys where key_hash in ('h1', 'h2', 'h3') order by id`.execute(db);
  const [first, second, revoked] = twins.rows;
  expect(first!.name).toBe('Twin');
  expect(second!.name).toBe(`Twin (${second!.id})`);
  expect(revoked!.name).toBe('Twin');
  expect((await s.post('/api/v1/api-keys', { name: 'Twin', roleId: superAdminRole })).statusCode).toBe(409);
});
