import { Writable } from 'node:stream';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../../src/app.js';
import { createTestApp, TEST_PASSWORD, type TestApp } from '../../helpers/test-app.js';
import { count, snapshot } from './helpers.js';

/**
 * Every platform mutation writes exactly one audit entry in its own transaction, with secrets
 * redacted; planted canary secrets appear in no audit row, no stored row, no API response (except
 * the one-time key display) and no log line of the production logger.
 */
const CANARY_CREATE = 'canary-create-Pw-7f3a91c2';
const CANARY_RESET = 'canary-reset-Pw-0be44d18';
const CANARY_WRONG = 'canary-wrong-Pw-55aa01ee';

let t: TestApp;
let app: FastifyInstance; // the app under test, with the production logger writing to `logLines`
const logLines: string[] = [];
const responses: { label: string; body: string; headers: string }[] = [];

type Caller = { cookie: string; csrf: string };
let me: Caller;

async function call(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
  who: Caller | null = me,
): Promise<LightMyRequestResponse> {
  const res = await app.inject({
    method: method as 'GET',
    url,
    headers: { ...(who ? { cookie: who.cookie, 'x-csrf-token': who.csrf } : {}), ...headers },
    ...(body === undefined ? {} : { payload: body as object }),
  });
  responses.push({ label: `${method} ${url}`, body: res.body, headers: JSON.stringify(res.headers) });
  return res;
}

async function loginVia(email: string, password: string): Promise<Caller> {
  const res = await call('POST', '/api/v1/auth/login', { email, password }, {}, null);
  expect(res.statusCode, res.body).toBe(200);
  const cookie = String(res.headers['set-cookie']).split(';')[0];
  return { cookie, csrf: res.json().csrfToken };
}

async function entries(): Promise<
  {
    id: number;
    action: string;
    module: string;
    resource: string;
    resourceId: string | null;
    adminId: number | null;
    actor: string;
    changeNotes: string;
    before: any;
    after: any;
  }[]
> {
  const res = await call('GET', '/api/v1/audit-logs?pageSize=100');
  expect(res.statusCode).toBe(200);
  return res.json().items;
}

/** Runs a mutation and returns the one audit entry it wrote (fails if it wrote none or several). */
async function oneEntry(run: () => Promise<LightMyRequestResponse>, status: number) {
  const before = await count(t, 'audit_log');
  const res = await run();
  expect(res.statusCode, res.body).toBe(status);
  expect(await count(t, 'audit_log')).toBe(before + 1);
  return { res, entry: (await entries())[0] };
}

beforeAll(async () => {
  t = await createTestApp({ LOG_LEVEL: 'trace' });
  const stream = new Writable({
    write(chunk, _enc, cb) {
      logLines.push(chunk.toString());
      cb();
    },
  });
  app = await buildApp(t.ctx, { serveWeb: false, logStream: stream });
  t.ctx.log = app.log;
  await app.ready();
  me = await loginVia(t.admin.email, TEST_PASSWORD);
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

describe('an entry for every mutation', () => {
  let roleId: number;
  let adminId: number;
  let keyId: number;
  let key: string;

  it('role create / update / delete', async () => {
    const created = await oneEntry(() => call('POST', '/api/v1/roles', { name: 'Auditors', permissions: { 'Audit Logs': 'view' } }), 201);
    roleId = created.res.json().id;
    expect(created.entry).toMatchObject({
      action: 'Insert',
      module: 'Roles',
      resource: 'Role',
      resourceId: String(roleId),
      adminId: t.admin.id,
      actor: t.admin.email,
    });
    expect(created.entry.after).toMatchObject({ name: 'Auditors', permissions: { 'Audit Logs': 'view', Incidents: 'none' } });

    const updated = await oneEntry(() => call('PATCH', `/api/v1/roles/${roleId}`, { permissions: { 'Audit Logs': 'edit' } }), 200);
    expect(updated.entry).toMatchObject({ action: 'Update', module: 'Roles', resourceId: String(roleId) });
    expect(updated.entry.before.permissions['Audit Logs']).toBe('view');
    expect(updated.entry.after.permissions['Audit Logs']).toBe('edit');

    const temp = (await call('POST', '/api/v1/roles', { name: 'Temporary', permissions: {} })).json().id;
    const deleted = await oneEntry(() => call('DELETE', `/api/v1/roles/${temp}`), 204);
    expect(deleted.entry).toMatchObject({ action: 'Delete', module: 'Roles', resourceId: String(temp) });
    expect(deleted.entry.before.name).toBe('Temporary');
  });

  it('admin create / update / disable / enable / password reset, with passwords redacted', async () => {
    const created = await oneEntry(
      () => call('POST', '/api/v1/admins', { email: 'Canary.Admin@example.com', name: 'Canary Admin', roleId, password: CANARY_CREATE }),
      201,
    );
    adminId = created.res.json().id;
    expect(created.entry).toMatchObject({ action: 'Insert', module: 'Admins', resource: 'Admin Configuration', resourceId: String(adminId) });
    expect(created.entry.after).toMatchObject({ email: 'Canary.Admin@example.com', role: 'Auditors', status: 'active', password: '[REDACTED]' });

    // The canary admin signs in (their password travels through the logger's request handling).
    await loginVia('canary.admin@example.com', CANARY_CREATE);
    expect((await call('POST', '/api/v1/auth/login', { email: 'canary.admin@example.com', password: CANARY_WRONG }, {}, null)).statusCode).toBe(401);

    const renamed = await oneEntry(() => call('PATCH', `/api/v1/admins/${adminId}`, { name: 'Renamed' }), 200);
    expect(renamed.entry).toMatchObject({ action: 'Update', module: 'Admins' });
    expect(renamed.entry.before.name).toBe('Canary Admin');
    expect(renamed.entry.after.name).toBe('Renamed');

    const roles = (await call('GET', '/api/v1/roles')).json().items as { id: number; name: string }[];
    const im = roles.find((r) => r.name === 'DLP Incident Manager')!.id;
    const roleChange = await oneEntry(() => call('PATCH', `/api/v1/admins/${adminId}`, { roleId: im }), 200);
    expect(roleChange.entry.changeNotes).toContain('Auditors → DLP Incident Manager');

    const disabled = await oneEntry(() => call('PATCH', `/api/v1/admins/${adminId}`, { status: 'disabled' }), 200);
    expect(disabled.entry.changeNotes).toContain('disabled');
    expect(disabled.entry.after.status).toBe('disabled');
    const enabled = await oneEntry(() => call('PATCH', `/api/v1/admins/${adminId}`, { status: 'active' }), 200);
    expect(enabled.entry.changeNotes).toContain('enabled');

    const reset = await oneEntry(() => call('PATCH', `/api/v1/admins/${adminId}`, { password: CANARY_RESET }), 200);
    expect(reset.entry.changeNotes).toContain('password reset');
    expect(reset.entry.after.password).toBe('[REDACTED]');
    await loginVia('canary.admin@example.com', CANARY_RESET);
  });

  it('API key create / revoke, key redacted; a key acting is named in the entry', async () => {
    const superAdmin = (await call('GET', '/api/v1/roles')).json().items.find((r: { name: string }) => r.name === 'DLP Super Admin').id;
    const created = await oneEntry(() => call('POST', '/api/v1/api-keys', { name: 'Canary key', roleId: superAdmin }), 201);
    keyId = created.res.json().id;
    key = created.res.json().key;
    expect(key).toMatch(/^wfa_/);
    expect(created.entry).toMatchObject({ action: 'Insert', module: 'API Keys', resource: 'API Key', resourceId: String(keyId) });
    expect(created.entry.after.apiKey).toBe('[REDACTED]');

    // The key (a super admin key) makes a change: the entry names the key, with no admin id.
    const byKey = await oneEntry(() => call('POST', '/api/v1/roles', { name: 'Made by key', permissions: {} }, { authorization: `Bearer ${key}` }, null), 201);
    expect(byKey.entry).toMatchObject({ actor: 'API key Canary key', adminId: null });

    const revoked = await oneEntry(() => call('DELETE', `/api/v1/api-keys/${keyId}`), 204);
    expect(revoked.entry).toMatchObject({ action: 'Delete', module: 'API Keys', resourceId: String(keyId) });
    expect((await call('GET', '/api/v1/auth/session', undefined, { authorization: `Bearer ${key}` }, null)).statusCode).toBe(401);
  });

  it('refused mutations write no entry', async () => {
    const held = (await call('POST', '/api/v1/roles', { name: 'Held', permissions: {} })).json().id;
    expect((await call('POST', '/api/v1/admins', { email: 'holder@example.com', name: 'Holder', roleId: held, password: TEST_PASSWORD })).statusCode).toBe(201);
    const builtin = (await call('GET', '/api/v1/roles')).json().items.find((r: { builtin: boolean }) => r.builtin).id;
    const before = await snapshot(t);
    expect((await call('POST', '/api/v1/roles', { name: 'auditors', permissions: {} })).statusCode).toBe(409); // duplicate name
    expect((await call('DELETE', `/api/v1/roles/${held}`)).statusCode).toBe(409); // held by an admin
    expect((await call('DELETE', `/api/v1/roles/${builtin}`)).statusCode).toBe(400);
    expect((await call('PATCH', `/api/v1/roles/${builtin}`, { name: 'Mine now' })).statusCode).toBe(400);
    expect((await call('POST', '/api/v1/admins', { email: 'HOLDER@example.com', name: 'Dup', roleId: held, password: TEST_PASSWORD })).statusCode).toBe(409);
    expect((await call('PATCH', `/api/v1/admins/${t.admin.id}`, { status: 'disabled' })).statusCode).toBe(400); // yourself
    expect((await call('DELETE', `/api/v1/api-keys/${keyId}`)).statusCode).toBe(404); // already revoked
    expect(await snapshot(t)).toEqual(before);
  });

  it('the audit log itself is readable per entry with before/after', async () => {
    const [latest] = await entries();
    const one = await call('GET', `/api/v1/audit-logs/${latest.id}`);
    expect(one.statusCode).toBe(200);
    expect(one.json()).toEqual(latest);
  });

  it('canaries appear in no audit row, no stored row, no response but the one-time key display, and no log line', async () => {
    const canaries = [CANARY_CREATE, CANARY_RESET, CANARY_WRONG, key];
    const { rows } = await sql`select * from audit_log`.execute(t.ctx.db);
    expect(rows.length).toBeGreaterThan(5);
    const everything = JSON.stringify(await snapshot(t)) + JSON.stringify((await sql`select * from sessions`.execute(t.ctx.db)).rows);
    const keyShown = responses.filter((r) => r.body.includes(key));
    expect(keyShown.map((r) => r.label)).toEqual(['POST /api/v1/api-keys']);
    const log = logLines.join('');
    expect(logLines.length).toBeGreaterThan(10); // the logger really was listening
    expect(log).toContain('incoming request');
    for (const c of canaries) {
      expect(JSON.stringify(rows), 'audit_log').not.toContain(c);
      expect(everything, 'database').not.toContain(c);
      expect(log, 'server log').not.toContain(c);
      for (const r of responses) {
        if (c === key && r.label === 'POST /api/v1/api-keys') continue;
        expect(r.body + r.headers, r.label).not.toContain(c);
      }
    }
  });
});

describe('an entry is written in the same transaction as its change', () => {
  /** Lets the audit entry be written, then fails: the change and its entry must both vanish. */
  async function failingAfterAudit(run: () => Promise<LightMyRequestResponse>) {
    const original = t.ctx.audit.record.bind(t.ctx.audit);
    const spy = vi.spyOn(t.ctx.audit, 'record').mockImplementation(async (trx, actor, entry) => {
      await original(trx, actor, entry);
      throw new Error('storage failed after the audit entry');
    });
    try {
      const before = await snapshot(t);
      const res = await run();
      expect(res.statusCode, res.body).toBe(500);
      expect(res.json().error.code).toBe('internal');
      expect(spy).toHaveBeenCalled();
      expect(await snapshot(t)).toEqual(before);
    } finally {
      spy.mockRestore();
    }
  }

  let roleId: number;
  let adminId: number;
  let keyId: number;
  beforeAll(async () => {
    roleId = (await call('POST', '/api/v1/roles', { name: 'Tx role', permissions: {} })).json().id;
    const unheld = await call('POST', '/api/v1/roles', { name: 'Tx role 2', permissions: {} });
    expect(unheld.statusCode).toBe(201);
    adminId = (await call('POST', '/api/v1/admins', { email: 'tx@example.com', name: 'Tx', roleId, password: TEST_PASSWORD })).json().id;
    keyId = (await call('POST', '/api/v1/api-keys', { name: 'Tx key', roleId })).json().id;
  });

  it('role create', () => failingAfterAudit(() => call('POST', '/api/v1/roles', { name: 'Never', permissions: {} })));
  it('role update', () => failingAfterAudit(() => call('PATCH', `/api/v1/roles/${roleId}`, { name: 'Never' })));
  it('role delete', async () => {
    const id = (await call('GET', '/api/v1/roles')).json().items.find((r: { name: string }) => r.name === 'Tx role 2').id;
    await failingAfterAudit(() => call('DELETE', `/api/v1/roles/${id}`));
  });
  it('admin create', () =>
    failingAfterAudit(() => call('POST', '/api/v1/admins', { email: 'never@example.com', name: 'Never', roleId, password: TEST_PASSWORD })));
  it('admin update', () => failingAfterAudit(() => call('PATCH', `/api/v1/admins/${adminId}`, { name: 'Never' })));
  it('admin disable (sessions survive too)', async () => {
    await loginVia('tx@example.com', TEST_PASSWORD);
    await failingAfterAudit(() => call('PATCH', `/api/v1/admins/${adminId}`, { status: 'disabled' }));
    expect(await t.ctx.db.selectFrom('sessions').select('id').where('admin_id', '=', adminId).execute()).toHaveLength(1);
  });
  it('admin password reset', () => failingAfterAudit(() => call('PATCH', `/api/v1/admins/${adminId}`, { password: 'never-this-password' })));
  it('api key create', () => failingAfterAudit(() => call('POST', '/api/v1/api-keys', { name: 'Never', roleId })));
  it('api key revoke', () => failingAfterAudit(() => call('DELETE', `/api/v1/api-keys/${keyId}`)));
});
