import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../../src/platform/tokens.js';
import { createTestApp, TEST_PASSWORD, type Session, type TestApp } from '../../helpers/test-app.js';
import { bearer, count, expectErrorShape, snapshot } from './helpers.js';

let t: TestApp;
let root: Session;
let superAdminRole: number;
let incidentManagerRole: number;
let ipSeq = 0;
/** Each login from its own address unless a test wants the same one, so the per-IP limit stays out of the way. */
const freshIp = () => `10.1.${Math.floor(++ipSeq / 250)}.${ipSeq % 250}`;

function rawLogin(email: string, password: string, ip = freshIp()) {
  return t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password }, remoteAddress: ip });
}

async function newAdmin(email: string, roleId = incidentManagerRole) {
  const res = await root.post('/api/v1/admins', { email, name: email.split('@')[0], roleId, password: TEST_PASSWORD });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as number;
}

const sessionOk = async (s: Session) => (await s.get('/api/v1/auth/session')).statusCode;

beforeAll(async () => {
  t = await createTestApp({ WFA_LOGIN_MAX_FAILURES: '3', WFA_LOGIN_LOCKOUT_MINUTES: '30' });
  root = await t.login(t.admin.email);
  const roles = (await root.get('/api/v1/roles')).json().items as { id: number; name: string }[];
  superAdminRole = roles.find((r) => r.name === 'DLP Super Admin')!.id;
  incidentManagerRole = roles.find((r) => r.name === 'DLP Incident Manager')!.id;
});
afterAll(() => t?.close());

describe('session cookie', () => {
  it('is HttpOnly, SameSite=Strict, path /, and only its hash is stored', async () => {
    const res = await rawLogin(t.admin.email, TEST_PASSWORD);
    expect(res.statusCode).toBe(200);
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/^wfa_session=/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).toMatch(/Path=\//);
    // The server slides expiry on activity; a fixed cookie lifetime would cut active sessions short.
    expect(setCookie).not.toMatch(/Max-Age|Expires/i);
    const token = decodeURIComponent(setCookie.split(';')[0].split('=')[1]);
    const ids = (await t.ctx.db.selectFrom('sessions').select('id').execute()).map((r) => r.id);
    expect(ids).toContain(sha256(token));
    expect(ids).not.toContain(token);
  });
});

describe('expiry and logout', () => {
  it('an expired session is refused and removed', async () => {
    const s = await t.login(t.admin.email);
    expect(await sessionOk(s)).toBe(200);
    const id = sha256(decodeURIComponent(s.cookie.split('=')[1]));
    await t.ctx.db
      .updateTable('sessions')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('id', '=', id)
      .execute();
    expectErrorShape(await s.get('/api/v1/auth/session'), 401);
    expectErrorShape(await s.post('/api/v1/roles', { name: 'Late', permissions: {} }), 401);
    expect(await t.ctx.db.selectFrom('sessions').select('id').where('id', '=', id).execute()).toHaveLength(0);
  });

  it('an active session slides its expiry forward', async () => {
    const s = await t.login(t.admin.email);
    const id = sha256(decodeURIComponent(s.cookie.split('=')[1]));
    const old = new Date(Date.now() - 5 * 60_000).toISOString();
    const soon = new Date(Date.now() + 60_000).toISOString();
    await t.ctx.db.updateTable('sessions').set({ last_seen_at: old, expires_at: soon }).where('id', '=', id).execute();
    expect(await sessionOk(s)).toBe(200);
    const row = await t.ctx.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.expires_at > soon).toBe(true);
  });

  it('logout ends the session server-side (the old cookie no longer works)', async () => {
    const s = await t.login(t.admin.email);
    const res = await s.post('/api/v1/auth/logout');
    expect(res.statusCode).toBe(204);
    expect(String(res.headers['set-cookie'])).toMatch(/wfa_session=;.*Expires=Thu, 01 Jan 1970/i);
    expectErrorShape(await s.get('/api/v1/auth/session'), 401);
    expectErrorShape(await s.post('/api/v1/roles', { name: 'After logout', permissions: {} }), 401);
  });

  it('logout needs the CSRF token (a cross-site form cannot sign you out)', async () => {
    const s = await t.login(t.admin.email);
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie: s.cookie } });
    expectErrorShape(res, 403);
    expect(await sessionOk(s)).toBe(200);
  });

  it('disabling an admin ends their sessions; they cannot sign in until enabled', async () => {
    const id = await newAdmin('disable-me@example.com');
    const s1 = await t.login('disable-me@example.com');
    const s2 = await t.login('disable-me@example.com');
    expect((await root.patch(`/api/v1/admins/${id}`, { status: 'disabled' })).statusCode).toBe(200);
    expectErrorShape(await s1.get('/api/v1/auth/session'), 401);
    expectErrorShape(await s2.get('/api/v1/auth/session'), 401);
    expect(await t.ctx.db.selectFrom('sessions').select('id').where('admin_id', '=', id).execute()).toHaveLength(0);
    const refused = await rawLogin('disable-me@example.com', TEST_PASSWORD);
    expectErrorShape(refused, 403);
    expect(refused.json().error.code).toBe('account_disabled');
    // A wrong password for a disabled account says nothing about the account.
    const wrong = await rawLogin('disable-me@example.com', 'not-the-password');
    expect(wrong.statusCode).toBe(401);
    expect((await root.patch(`/api/v1/admins/${id}`, { status: 'active' })).statusCode).toBe(200);
    expect((await rawLogin('disable-me@example.com', TEST_PASSWORD)).statusCode).toBe(200);
  });

  it('a role change or password reset ends the admin’s sessions', async () => {
    const id = await newAdmin('changed@example.com');
    let s = await t.login('changed@example.com');
    expect((await root.patch(`/api/v1/admins/${id}`, { roleId: superAdminRole })).statusCode).toBe(200);
    expect(await sessionOk(s)).toBe(401);
    s = await t.login('changed@example.com');
    expect((await root.patch(`/api/v1/admins/${id}`, { password: 'a-brand-new-password' })).statusCode).toBe(200);
    expect(await sessionOk(s)).toBe(401);
    expect((await rawLogin('changed@example.com', TEST_PASSWORD)).statusCode).toBe(401);
    expect((await rawLogin('changed@example.com', 'a-brand-new-password')).statusCode).toBe(200);
  });
});

describe('CSRF', () => {
  it('a cookie-authenticated mutation without, with a wrong, or with another session’s token → 403, nothing changes', async () => {
    const s = await t.login(t.admin.email);
    const other = await t.login(t.admin.email);
    const before = await snapshot(t);
    for (const headers of [{}, { 'x-csrf-token': 'wrong' }, { 'x-csrf-token': '' }, { 'x-csrf-token': other.csrf }]) {
      for (const [method, url, payload] of [
        ['POST', '/api/v1/roles', { name: 'CSRF role', permissions: {} }],
        ['PATCH', `/api/v1/admins/${t.admin.id}`, { name: 'CSRF' }],
        ['POST', '/api/v1/api-keys', { name: 'CSRF key', roleId: superAdminRole }],
        ['DELETE', `/api/v1/roles/${incidentManagerRole}`, undefined],
      ] as const) {
        const res = await t.app.inject({ method, url, headers: { cookie: s.cookie, ...headers }, ...(payload ? { payload } : {}) });
        expectErrorShape(res, 403);
        expect(res.json().error.code).toBe('csrf_failed');
      }
    }
    expect(await snapshot(t)).toEqual(before);
    // Reads need no token; the right token works.
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/roles', headers: { cookie: s.cookie } })).statusCode).toBe(200);
    expect((await s.post('/api/v1/roles', { name: 'CSRF ok', permissions: {} })).statusCode).toBe(201);
  });

  it('API key (Bearer) requests need no CSRF token', async () => {
    const key = (await root.post('/api/v1/api-keys', { name: 'Machine', roleId: superAdminRole })).json().key as string;
    const res = await bearer(t, key, 'POST', '/api/v1/roles', { name: 'By machine', permissions: { Incidents: 'view' } });
    expect(res.statusCode, res.body).toBe(201);
    // A bad Bearer header never falls back to the cookie next to it.
    const s = await t.login(t.admin.email);
    const mixed = await t.app.inject({ method: 'GET', url: '/api/v1/roles', headers: { cookie: s.cookie, authorization: 'Bearer wfa_bogus' } });
    expectErrorShape(mixed, 401);
  });

  it('an API key belongs to the org: it keeps working when its creator is disabled, and the list shows who created it and their state', async () => {
    const id = await newAdmin('key-maker@example.com', superAdminRole);
    const maker = await t.login('key-maker@example.com');
    const created = (await maker.post('/api/v1/api-keys', { name: 'Made by a leaver', roleId: incidentManagerRole })).json();
    const row = async () => ((await root.get('/api/v1/api-keys')).json().items as { id: number; createdBy: unknown }[]).find((k) => k.id === created.id);
    expect((await row())!.createdBy).toEqual({ id, name: 'key-maker', email: 'key-maker@example.com', status: 'active' });
    expect((await root.patch(`/api/v1/admins/${id}`, { status: 'disabled' })).statusCode).toBe(200);
    expect((await bearer(t, created.key, 'GET', '/api/v1/incidents')).statusCode).toBe(200);
    expect((await row())!.createdBy).toMatchObject({ id, status: 'disabled' });
    // Keys made by a deleted admin show no creator and still work.
    await t.ctx.db.updateTable('api_keys').set({ created_by: null }).where('id', '=', created.id).execute();
    expect((await row())!.createdBy).toBeNull();
    expect((await bearer(t, created.key, 'GET', '/api/v1/incidents')).statusCode).toBe(200);
  });

  it('a revoked API key → 401', async () => {
    const created = (await root.post('/api/v1/api-keys', { name: 'Short-lived', roleId: superAdminRole })).json();
    expect((await bearer(t, created.key, 'GET', '/api/v1/roles')).statusCode).toBe(200);
    expect((await root.delete(`/api/v1/api-keys/${created.id}`)).statusCode).toBe(204);
    expectErrorShape(await bearer(t, created.key, 'GET', '/api/v1/roles'), 401);
    expectErrorShape(await bearer(t, created.key, 'POST', '/api/v1/roles', { name: 'Zombie', permissions: {} }), 401);
    // Its list no longer shows it, and the name can be reused.
    expect(JSON.stringify((await root.get('/api/v1/api-keys')).json())).not.toContain('Short-lived');
    expect((await root.post('/api/v1/api-keys', { name: 'Short-lived', roleId: superAdminRole })).statusCode).toBe(201);
  });
});

describe('sign-in failures', () => {
  it('unknown email and wrong password get the same answer', async () => {
    const unknown = await rawLogin('nobody@example.com', 'whatever-password');
    const wrong = await rawLogin(t.admin.email, 'whatever-password');
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect(unknown.json().error.code).toBe(wrong.json().error.code);
    expect(unknown.json().error.message).toBe(wrong.json().error.message);
    expect(unknown.headers['set-cookie']).toBeUndefined();
    // Reset the counter this wrong password started.
    expect((await rawLogin(t.admin.email, TEST_PASSWORD)).statusCode).toBe(200);
  });

  it(`locks the address after WFA_LOGIN_MAX_FAILURES (3) failures, answering as for an unknown email; other addresses still sign in; enabling unlocks`, async () => {
    const id = await newAdmin('lock-me@example.com');
    const attacker = freshIp();
    const unknown = await rawLogin('nobody-at-all@example.com', 'wrong-0', attacker);
    for (const guess of ['wrong-1', 'wrong-2', 'wrong-3']) expect((await rawLogin('LOCK-me@example.com', guess, attacker)).statusCode).toBe(401);
    // Locked: even the right password gets exactly the unknown-email answer (nothing confirms the account exists).
    const right = await rawLogin('lock-me@example.com', TEST_PASSWORD, attacker);
    expect(right.statusCode).toBe(401);
    expect(right.json().error).toMatchObject({ code: unknown.json().error.code, message: unknown.json().error.message });
    expect(right.headers['set-cookie']).toBeUndefined();
    expect((await root.get(`/api/v1/admins/${id}`)).json().locked).toBe(true);

    // The attacker cannot keep the admin out: from the admin's own address the right password works.
    expect((await rawLogin('lock-me@example.com', TEST_PASSWORD, freshIp())).statusCode).toBe(200);
    expect((await rawLogin('lock-me@example.com', TEST_PASSWORD, attacker)).statusCode).toBe(401);
    expect((await root.get(`/api/v1/admins/${id}`)).json().locked).toBe(true);

    const before = await count(t, 'audit_log');
    expect((await root.patch(`/api/v1/admins/${id}`, { status: 'active' })).statusCode).toBe(200);
    expect(await count(t, 'audit_log')).toBe(before + 1);
    expect((await root.get(`/api/v1/admins/${id}`)).json().locked).toBe(false);
    expect((await rawLogin('lock-me@example.com', TEST_PASSWORD, attacker)).statusCode).toBe(200);
  });

  it('each new lock of the same address lasts twice as long (progressive back-off)', async () => {
    const id = await newAdmin('backoff@example.com');
    const attacker = freshIp();
    const lockedUntil = async () =>
      (await t.ctx.db.selectFrom('login_failures').select('locked_until').where('admin_id', '=', id).where('address', '=', attacker).executeTakeFirstOrThrow())
        .locked_until!;
    for (const guess of ['a', 'b', 'c']) await rawLogin('backoff@example.com', `wrong-${guess}-long`, attacker);
    const first = Date.parse(await lockedUntil()) - Date.now();
    // An admin lifts the lock; the same address fails three times again.
    expect((await root.patch(`/api/v1/admins/${id}`, { status: 'active' })).statusCode).toBe(200);
    for (const guess of ['d', 'e', 'f']) await rawLogin('backoff@example.com', `wrong-${guess}-long`, attacker);
    const second = Date.parse(await lockedUntil()) - Date.now();
    expect(first).toBeGreaterThan(25 * 60_000);
    expect(first).toBeLessThanOrEqual(30 * 60_000);
    expect(second).toBeGreaterThan(55 * 60_000);
    expect(second).toBeLessThanOrEqual(60 * 60_000);
  });

  it('changing one’s own password needs the current one; another admin resets it without', async () => {
    const id = await newAdmin('self-change@example.com', superAdminRole);
    const me = await t.login('self-change@example.com');
    const without = await me.patch(`/api/v1/admins/${id}`, { password: 'brand-new-password-1' });
    expectErrorShape(without, 400);
    expect(without.json().error.message).toMatch(/current password/);
    const wrong = await me.patch(`/api/v1/admins/${id}`, { password: 'brand-new-password-1', currentPassword: 'not-my-password' });
    expectErrorShape(wrong, 400);
    expect((await rawLogin('self-change@example.com', TEST_PASSWORD)).statusCode).toBe(200);
    const me2 = await t.login('self-change@example.com');
    expect((await me2.patch(`/api/v1/admins/${id}`, { password: 'brand-new-password-1', currentPassword: TEST_PASSWORD })).statusCode).toBe(200);
    expect((await rawLogin('self-change@example.com', TEST_PASSWORD)).statusCode).toBe(401);
    expect((await rawLogin('self-change@example.com', 'brand-new-password-1')).statusCode).toBe(200);
    // An admin resetting someone else's password (forgotten) does not know it, and need not.
    expect((await root.patch(`/api/v1/admins/${id}`, { password: TEST_PASSWORD })).statusCode).toBe(200);
    expect((await rawLogin('self-change@example.com', TEST_PASSWORD)).statusCode).toBe(200);
  });

  it('a successful sign-in resets the failure count', async () => {
    await newAdmin('reset-count@example.com');
    for (let round = 0; round < 3; round++) {
      expect((await rawLogin('reset-count@example.com', 'wrong-a')).statusCode).toBe(401);
      expect((await rawLogin('reset-count@example.com', 'wrong-b')).statusCode).toBe(401);
      expect((await rawLogin('reset-count@example.com', TEST_PASSWORD)).statusCode).toBe(200);
    }
  });

  it('rate-limits sign-in attempts per address → 429, other addresses unaffected', async () => {
    const ip = '10.200.0.1';
    let last = null as Awaited<ReturnType<typeof rawLogin>> | null;
    let attempts = 0;
    for (; attempts < 40; attempts++) {
      last = await rawLogin(`spray-${attempts}@example.com`, 'guess-password', ip);
      if (last.statusCode !== 401) break;
    }
    expect(attempts).toBeGreaterThanOrEqual(5);
    expectErrorShape(last!, 429);
    expect(last!.json().error.code).toBe('rate_limited');
    // While limited, even the right password from that address is refused…
    expect((await rawLogin(t.admin.email, TEST_PASSWORD, ip)).statusCode).toBe(429);
    // …but another address signs in.
    expect((await rawLogin(t.admin.email, TEST_PASSWORD, '10.200.0.2')).statusCode).toBe(200);
  });

  it('successful sign-ins from one address (an office behind NAT) do not use up its budget', async () => {
    const ip = '10.201.0.1';
    for (let i = 0; i < 25; i++) expect((await rawLogin(t.admin.email, TEST_PASSWORD, ip)).statusCode).toBe(200);
  });
});
