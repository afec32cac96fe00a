import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TEST_PASSWORD, type Session, type TestApp } from '../../helpers/test-app.js';
import { apiRoutes, DUMMY_ID, expectErrorShape, fillUrl, hasBody, snapshot } from './helpers.js';

/** Every refusal is a 4xx in the one JSON error shape, and nothing in the database changes. */
const t: TestApp = await createTestApp();
afterAll(() => t.close());

const routes = apiRoutes(t).filter((r) => r.access !== 'public' || r.url.endsWith('/auth/login'));
const bodyRoutes = routes.filter((r) => r.body);
const idRoutes = routes.filter((r) => /:(id|\w+Id)\b/.test(r.url));
const name = (r: { method: string; url: string }) => `${r.method} ${r.url}`;

let s: Session;
let roleId: number;
let before: Awaited<ReturnType<typeof snapshot>>;

beforeAll(async () => {
  s = await t.login(t.admin.email);
  roleId = (await s.post('/api/v1/roles', { name: 'Existing', permissions: { Incidents: 'view' } })).json().id;
  expect((await s.post('/api/v1/admins', { email: 'existing@example.com', name: 'Existing', roleId, password: TEST_PASSWORD })).statusCode).toBe(201);
  before = await snapshot(t);
});
afterAll(async () => {
  // Nothing any test in this file sent may have changed a row.
  if (before) expect(await snapshot(t)).toEqual(before);
});

function raw(method: string, url: string, payload: string | Buffer, contentType = 'application/json') {
  return t.app.inject({ method: method as 'POST', url, payload, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': contentType } });
}

async function refused(res: Awaited<ReturnType<typeof raw>>, status: number, code?: string) {
  expectErrorShape(res, status);
  if (code) expect(res.json().error.code).toBe(code);
  expect(await snapshot(t)).toEqual(before);
}

describe('bodies, for every route that takes one', () => {
  it.each(bodyRoutes.map((r) => [name(r), r] as const))('%s: malformed JSON → 400', async (_n, r) => {
    await refused(await raw(r.method, fillUrl(r.url), '{"name": "x",'), 400, 'malformed_json');
  });

  it.each(bodyRoutes.map((r) => [`${name(r)}: more than ${r.bodyLimit ? `its own limit of ${r.bodyLimit} bytes` : '1 MiB'} → 413`, r] as const))(
    '%s',
    async (_n, r) => {
      const big = JSON.stringify({ name: 'x'.repeat((r.bodyLimit ?? 1024 * 1024) + 10) });
      await refused(await raw(r.method, fillUrl(r.url), big), 413, 'body_too_large');
    },
  );

  it.each(bodyRoutes.map((r) => [name(r), r] as const))('%s: a body that is not an object, or has an unknown field → 400', async (_n, r) => {
    for (const body of ['[]', '"text"', '42', 'null', JSON.stringify({ surpriseField: 1 })]) {
      await refused(await raw(r.method, fillUrl(r.url), body), 400);
    }
  });

  it.each(bodyRoutes.map((r) => [name(r), r] as const))('%s: not JSON at all → 4xx', async (_n, r) => {
    const res = await raw(r.method, fillUrl(r.url), 'name=x', 'application/x-www-form-urlencoded');
    await refused(res, 415, 'unsupported_media_type');
  });
});

describe('ids, for every route that takes one', () => {
  const bad = ['abc', '-1', '0', '1.5', '99999999999', '1e400', '%00', '1%20OR%201=1'];
  it.each(idRoutes.map((r) => [name(r), r] as const))('%s: bad ids → 400', async (_n, r) => {
    for (const id of bad) {
      const res = await s.request(r.method, fillUrl(r.url, id), hasBody(r.method) ? {} : undefined);
      expectErrorShape(res);
      expect(res.statusCode, `${id}: ${res.body}`).toBe(400);
    }
    expect(await snapshot(t)).toEqual(before);
  });

  it.each(idRoutes.map((r) => [name(r), r] as const))('%s: an id that does not exist → 404 (or 400 for the body)', async (_n, r) => {
    const res = await s.request(r.method, fillUrl(r.url, DUMMY_ID), hasBody(r.method) ? {} : undefined);
    expectErrorShape(res);
    expect([400, 404]).toContain(res.statusCode);
    expect(await snapshot(t)).toEqual(before);
  });
});

describe('specific shapes', () => {
  it('the app-wide body limit is 1 MiB: just under passes the parser, just over is 413', async () => {
    const limit = 1024 * 1024;
    const filler = (n: number) => JSON.stringify({ name: 'x', permissions: {}, pad: 'y'.repeat(n) });
    const overhead = filler(0).length;
    // Under the limit the body is parsed and then refused by the schema (unknown field), not 413.
    await refused(await raw('POST', '/api/v1/roles', filler(limit - overhead)), 400, 'validation_failed');
    await refused(await raw('POST', '/api/v1/roles', filler(limit - overhead + 1)), 413, 'body_too_large');
  });

  it('wrong types and unknown fields name the field', async () => {
    const wrongType = await s.post('/api/v1/roles', { name: 42, permissions: {} });
    await refused(wrongType, 400, 'validation_failed');
    expect(wrongType.json().error.message).toContain('name');
    const unknown = await s.post('/api/v1/roles', { name: 'X', permissions: {}, isAdmin: true });
    await refused(unknown, 400, 'validation_failed');
    expect(unknown.json().error.message).toContain('isAdmin');
    const badCategory = await s.post('/api/v1/roles', { name: 'X', permissions: { Everything: 'edit' } });
    await refused(badCategory, 400, 'validation_failed');
    const badLevel = await s.post('/api/v1/roles', { name: 'X', permissions: { Incidents: 'admin' } });
    await refused(badLevel, 400, 'validation_failed');
    await refused(await s.patch(`/api/v1/roles/${roleId}`, { builtin: true }), 400, 'validation_failed');
    await refused(await s.post('/api/v1/admins', { email: 'not-an-email', name: 'X', roleId, password: TEST_PASSWORD }), 400, 'validation_failed');
    await refused(await s.post('/api/v1/admins', { email: 'short@example.com', name: 'X', roleId, password: 'short' }), 400, 'validation_failed');
    await refused(await s.post('/api/v1/admins', { email: 'x@example.com', name: 'X', roleId: '1', password: TEST_PASSWORD }), 400, 'validation_failed');
    await refused(await s.patch(`/api/v1/admins/${t.admin.id}`, { status: 'deleted' }), 400, 'validation_failed');
    await refused(await s.post('/api/v1/api-keys', { name: '', roleId }), 400, 'validation_failed');
    await refused(await s.post('/api/v1/api-keys', { name: 'k', roleId: DUMMY_ID }), 400);
    await refused(await s.post('/api/v1/admins', { email: 'y@example.com', name: 'Y', roleId: DUMMY_ID, password: TEST_PASSWORD }), 400);
  });

  it('an empty JSON body → 400', async () => {
    await refused(await raw('POST', '/api/v1/roles', ''), 400);
  });

  it('bad query strings → 400', async () => {
    for (const url of [
      '/api/v1/admins?pageSize=1000',
      '/api/v1/admins?page=0',
      '/api/v1/admins?sort=password_hash',
      '/api/v1/admins?unexpected=1',
      '/api/v1/audit-logs?from=yesterday',
      '/api/v1/audit-logs?action=Drop',
      '/api/v1/alerts?includeCleared=maybe',
    ]) {
      const res = await s.get(url);
      expectErrorShape(res, 400);
    }
  });

  it('the login body is validated too', async () => {
    for (const payload of [
      '{',
      '{"email":"a@b.c"}',
      JSON.stringify({ email: 'a@b.c', password: 'x', remember: true }),
      JSON.stringify({ email: ['a'], password: 'x' }),
    ]) {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload, headers: { 'content-type': 'application/json' } });
      expectErrorShape(res, 400);
    }
  });

  it('unknown API routes and methods → 404 JSON', async () => {
    for (const [method, url] of [
      ['GET', '/api/v1/nope'],
      ['GET', '/api/v2/roles'],
      ['PUT', '/api/v1/roles'],
      ['DELETE', '/api/v1/admins/1'],
      ['POST', '/api/nothing-here'],
    ] as const) {
      const res = await s.request(method, url, method === 'GET' || method === 'DELETE' ? undefined : {});
      expectErrorShape(res, 404);
      expect(res.json().error.message).toContain(url.split('?')[0]);
    }
    expectErrorShape(await t.app.inject({ method: 'GET', url: '/api/v1/nope' }), 404);
  });
});
