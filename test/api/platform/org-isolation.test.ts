import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fullPermissions } from '../../../src/platform/permissions.js';
import { systemPrincipal } from '../../../src/platform/principal.js';
import { createTestApp, TEST_PASSWORD, type Session, type TestApp } from '../../helpers/test-app.js';
import { apiKeyWith, apiRoutes, bearer, expectErrorShape, fillUrl, hasBody, snapshot } from './helpers.js';

/**
 * Org A owns resources; org B's super admin (every permission) asks for them by id. The answer
 * must be 404 — as if the id did not exist — and nothing may change anywhere.
 */
const t: TestApp = await createTestApp();
afterAll(() => t.close());

const idRoutes = apiRoutes(t).filter((r) => r.access !== 'public' && /:[A-Za-z_]/.test(r.url));

let a: Session; // org A super admin
let b: Session; // org B super admin
let bKey: string; // org B API key with every permission
const A: { roleId: number; adminId: number; adminEmail: string; apiKeyId: number; apiKey: string; auditId: number } = {} as never;

beforeAll(async () => {
  a = await t.login(t.admin.email);
  const other = await t.newOrg('Org B');
  b = other.session;
  bKey = await apiKeyWith(t, fullPermissions(), other.orgId);

  const role = await a.post('/api/v1/roles', { name: 'A Analysts', permissions: { Incidents: 'view' } });
  expect(role.statusCode, role.body).toBe(201);
  A.roleId = role.json().id;
  A.adminEmail = 'analyst@org-a.example';
  const admin = await a.post('/api/v1/admins', { email: A.adminEmail, name: 'A Analyst', roleId: A.roleId, password: TEST_PASSWORD });
  expect(admin.statusCode, admin.body).toBe(201);
  A.adminId = admin.json().id;
  const unheld = await a.post('/api/v1/roles', { name: 'A Unheld', permissions: {} });
  expect(unheld.statusCode).toBe(201);
  const key = await a.post('/api/v1/api-keys', { name: 'A key', roleId: A.roleId });
  expect(key.statusCode, key.body).toBe(201);
  A.apiKeyId = key.json().id;
  A.apiKey = key.json().key;
  const audit = await a.get('/api/v1/audit-logs?pageSize=1');
  A.auditId = audit.json().items[0].id;
});

/** Ids org A can see for a route: taken from the list route of the same resource, if there is one. */
async function sampleIds(url: string): Promise<number[]> {
  const collection = url.slice(0, url.indexOf('/:'));
  const res = await a.get(collection);
  if (res.statusCode !== 200) return [];
  const body = res.json();
  const items: unknown[] = Array.isArray(body) ? body : Array.isArray(body?.items) ? body.items : [];
  const ids = items.map((i) => (i as { id?: unknown }).id).filter((id): id is number => typeof id === 'number');
  return [...new Set([ids[0], ids[ids.length - 1]].filter((x) => x !== undefined))];
}

describe('every route that takes an id', () => {
  it('has routes to check', () => {
    expect(idRoutes.length).toBeGreaterThanOrEqual(6);
  });

  it.each(idRoutes.map((r) => [`${r.method} ${r.url}`, r] as const))('%s: org A ids are 404 for org B', async (_n, r) => {
    const ids = await sampleIds(r.url);
    // A route without a listable collection still must not find a made-up id.
    for (const id of ids.length ? ids : [1]) {
      const url = fillUrl(r.url, id);
      const before = await snapshot(t);
      for (const send of [
        () => b.request(r.method, url, hasBody(r.method) ? {} : undefined),
        () => bearer(t, bKey, r.method, url, hasBody(r.method) ? {} : undefined),
      ]) {
        const res = await send();
        expect(res.statusCode, `${r.method} ${url}: ${res.body}`).not.toBe(403);
        if (res.statusCode === 400) {
          // The request was refused before the id was looked up (no generic body for this route,
          // or e.g. "an API key cannot assign to itself"); nothing changed (checked below) and the
          // explicit cases send valid bodies.
          expectErrorShape(res, 400);
        } else {
          expectErrorShape(res, 404);
        }
      }
      expect(await snapshot(t), `${r.method} ${url} changed data`).toEqual(before);
      if (r.method === 'GET' && ids.length) {
        // Control: the id is real — its own org sees it.
        expect((await a.get(url)).statusCode, url).toBe(200);
      }
    }
  });
});

describe('explicit cases with valid bodies', () => {
  it('admins: view, rename, disable, change role, reset password → 404, admin untouched', async () => {
    const before = await snapshot(t);
    const bRoles = (await b.get('/api/v1/roles')).json().items as { id: number; name: string }[];
    const bRole = bRoles.find((r) => r.name === 'DLP Super Admin')!.id;
    expectErrorShape(await b.get(`/api/v1/admins/${A.adminId}`), 404);
    for (const body of [{ name: 'Hijacked' }, { status: 'disabled' }, { roleId: bRole }, { password: 'attacker-password-1' }, { status: 'active' }]) {
      expectErrorShape(await b.patch(`/api/v1/admins/${A.adminId}`, body), 404);
      expectErrorShape(await bearer(t, bKey, 'PATCH', `/api/v1/admins/${A.adminId}`, body), 404);
    }
    expect(await snapshot(t)).toEqual(before);
    // Still signs in with the old password.
    await t.login(A.adminEmail, TEST_PASSWORD);
  });

  it('roles: view, edit, delete → 404, role untouched', async () => {
    const before = await snapshot(t);
    expectErrorShape(await b.get(`/api/v1/roles/${A.roleId}`), 404);
    expectErrorShape(await b.patch(`/api/v1/roles/${A.roleId}`, { name: 'Pwned', permissions: { Incidents: 'delete' } }), 404);
    expectErrorShape(await b.delete(`/api/v1/roles/${A.roleId}`), 404);
    const unheld = ((await a.get('/api/v1/roles')).json().items as { id: number; name: string }[]).find((r) => r.name === 'A Unheld')!;
    expectErrorShape(await b.delete(`/api/v1/roles/${unheld.id}`), 404);
    expectErrorShape(await bearer(t, bKey, 'DELETE', `/api/v1/roles/${unheld.id}`), 404);
    expect(await snapshot(t)).toEqual(before);
  });

  it("another org's role id in a body is refused and creates nothing", async () => {
    const before = await snapshot(t);
    const admin = await b.post('/api/v1/admins', { email: 'sneaky@org-b.example', name: 'Sneaky', roleId: A.roleId, password: TEST_PASSWORD });
    expectErrorShape(admin);
    expect(admin.statusCode).toBeGreaterThanOrEqual(400);
    expect(admin.statusCode).toBeLessThan(500);
    expect(admin.statusCode).not.toBe(403);
    const key = await b.post('/api/v1/api-keys', { name: 'sneaky', roleId: A.roleId });
    expect(key.statusCode).toBeGreaterThanOrEqual(400);
    expect(key.statusCode).toBeLessThan(500);
    expect(await snapshot(t)).toEqual(before);
  });

  it('api keys: revoke → 404, key still works', async () => {
    const before = await snapshot(t);
    expectErrorShape(await b.delete(`/api/v1/api-keys/${A.apiKeyId}`), 404);
    expectErrorShape(await bearer(t, bKey, 'DELETE', `/api/v1/api-keys/${A.apiKeyId}`), 404);
    expect(await snapshot(t)).toEqual(before);
    expect((await bearer(t, A.apiKey, 'GET', '/api/v1/auth/session')).statusCode).toBe(200);
  });

  it('audit entries: one entry → 404; lists and facets show only the own org', async () => {
    expectErrorShape(await b.get(`/api/v1/audit-logs/${A.auditId}`), 404);
    expect((await a.get(`/api/v1/audit-logs/${A.auditId}`)).statusCode).toBe(200);
    const list = (await b.get('/api/v1/audit-logs?pageSize=100')).json();
    expect(JSON.stringify(list)).not.toMatch(/A Analysts|analyst@org-a|A key/);
    const facets = (await b.get('/api/v1/audit-logs/facets')).json();
    expect(facets.admins.map((x: { actor: string }) => x.actor)).not.toContain(t.admin.email);
    const search = (await b.get('/api/v1/audit-logs?search=analyst')).json();
    expect(search.total).toBe(0);
  });

  it('lists never include the other org', async () => {
    const admins = JSON.stringify((await b.get('/api/v1/admins?pageSize=100')).json());
    expect(admins).not.toContain(A.adminEmail);
    expect(admins).not.toContain(t.admin.email);
    expect(JSON.stringify((await b.get('/api/v1/roles')).json())).not.toContain('A Analysts');
    expect(JSON.stringify((await b.get('/api/v1/api-keys')).json())).not.toContain('A key');
    expect(JSON.stringify((await bearer(t, bKey, 'GET', '/api/v1/admins?search=analyst')).json().items)).toBe('[]');
  });

  it('org A sees its own resources (the ids above are real)', async () => {
    expect((await a.get(`/api/v1/admins/${A.adminId}`)).statusCode).toBe(200);
    expect((await a.get(`/api/v1/roles/${A.roleId}`)).statusCode).toBe(200);
    expect(JSON.stringify((await a.get('/api/v1/api-keys')).json())).toContain('A key');
    // And the system principal of org B cannot reach them through the services either.
    const sysB = systemPrincipal((await b.get('/api/v1/auth/session')).json().org.id, fullPermissions());
    await expect(t.ctx.roles.delete(sysB, A.roleId)).rejects.toMatchObject({ statusCode: 404 });
  });
});
