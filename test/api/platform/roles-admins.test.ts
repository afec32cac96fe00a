import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_ROLES, CATEGORIES, fullPermissions } from '../../../src/platform/permissions.js';
import { createTestApp, TEST_PASSWORD, type Session, type TestApp } from '../../helpers/test-app.js';
import { expectErrorShape, snapshot } from './helpers.js';

type Role = {
  id: number;
  name: string;
  builtin: boolean;
  permissions: Record<string, string>;
  editAccess: string[];
  viewOnlyAccess: string[];
  adminCount: number;
};

let t: TestApp;
let s: Session;
let roles: Role[];
const role = (name: string) => roles.find((r) => r.name === name)!;

beforeAll(async () => {
  t = await createTestApp();
  s = await t.login(t.admin.email);
  roles = (await s.get('/api/v1/roles')).json().items;
});
afterAll(() => t?.close());

describe('built-in roles', () => {
  it('every org gets the three documented roles', async () => {
    const { session } = await t.newOrg();
    for (const list of [roles, (await session.get('/api/v1/roles')).json().items as Role[]]) {
      expect(
        list
          .filter((r) => r.builtin)
          .map((r) => r.name)
          .sort(),
      ).toEqual(['DLP Admin', 'DLP Incident Manager', 'DLP Super Admin']);
    }
  });

  it('have the documented permissions (PRODUCT.md §7)', () => {
    const sup = role('DLP Super Admin');
    expect(sup.permissions).toEqual(fullPermissions());
    expect(sup.permissions.Incidents).toBe('delete');
    for (const c of CATEGORIES) if (c !== 'Incidents') expect(sup.permissions[c]).toBe('edit');

    const admin = role('DLP Admin');
    for (const c of ['Audit Logs', 'API Management', 'Integrations']) expect(admin.permissions[c]).toBe('none');
    for (const c of CATEGORIES.filter((x) => !['Audit Logs', 'API Management', 'Integrations'].includes(x))) {
      expect(admin.permissions[c], c).not.toBe('none');
    }

    const im = role('DLP Incident Manager');
    expect(['edit', 'delete']).toContain(im.permissions.Incidents);
    expect(im.permissions.Approvers).toBe('edit');
    for (const c of ['Audit Logs', 'API Management', 'Integrations', 'Account Settings']) expect(im.permissions[c]).toBe('none');
    expect(im.editAccess).toContain('Incidents');
    expect(new Set([...im.editAccess, ...im.viewOnlyAccess]).size).toBe(im.editAccess.length + im.viewOnlyAccess.length);
    expect(BUILTIN_ROLES.map((r) => r.name)).toEqual(['DLP Super Admin', 'DLP Admin', 'DLP Incident Manager']);
  });

  it('cannot be edited or deleted', async () => {
    const before = await snapshot(t);
    for (const r of roles.filter((x) => x.builtin)) {
      for (const body of [{ name: 'Renamed' }, { permissions: { Incidents: 'none' } }]) {
        const res = await s.patch(`/api/v1/roles/${r.id}`, body);
        expectErrorShape(res, 400);
        expect(res.json().error.message).toContain('built-in');
      }
      const del = await s.delete(`/api/v1/roles/${r.id}`);
      expectErrorShape(del, 400);
      expect(del.json().error.message).toContain('built-in');
    }
    expect(await snapshot(t)).toEqual(before);
  });
});

describe('custom roles', () => {
  it('list columns: Edit Access and View Only Access', async () => {
    const res = await s.post('/api/v1/roles', { name: 'Viewer', permissions: { Incidents: 'view', Labels: 'edit', Analytics: 'none' } });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ builtin: false, editAccess: ['Labels'], viewOnlyAccess: ['Incidents'], adminCount: 0 });
    expect(res.json().permissions.Priorities).toBe('none');
  });

  it("'delete' is allowed only for Incidents (400 elsewhere)", async () => {
    const before = await snapshot(t);
    for (const c of CATEGORIES.filter((x) => x !== 'Incidents')) {
      const res = await s.post('/api/v1/roles', { name: `Bad ${c}`, permissions: { [c]: 'delete' } });
      expectErrorShape(res, 400);
      expect(res.json().error.message).toContain('Delete is only available for Incidents');
    }
    const viewer = (await s.get('/api/v1/roles')).json().items.find((r: Role) => r.name === 'Viewer');
    expectErrorShape(await s.patch(`/api/v1/roles/${viewer.id}`, { permissions: { Labels: 'delete' } }), 400);
    expect(await snapshot(t)).toEqual(before);
    const ok = await s.post('/api/v1/roles', { name: 'Deleter', permissions: { Incidents: 'delete' } });
    expect(ok.statusCode).toBe(201);
    expect(ok.json().editAccess).toEqual(['Incidents']);
  });

  it('names are unique per org, case-insensitively, also against built-ins', async () => {
    expect((await s.post('/api/v1/roles', { name: 'VIEWER', permissions: {} })).statusCode).toBe(409);
    expect((await s.post('/api/v1/roles', { name: 'dlp super admin', permissions: {} })).statusCode).toBe(409);
    const other = await s.post('/api/v1/roles', { name: 'Other', permissions: {} });
    expect((await s.patch(`/api/v1/roles/${other.json().id}`, { name: 'viewer' })).statusCode).toBe(409);
    // Another org may use the same name.
    const { session } = await t.newOrg();
    expect((await session.post('/api/v1/roles', { name: 'Viewer', permissions: {} })).statusCode).toBe(201);
  });

  it('a role held by admins cannot be deleted (409 naming how many); free again once reassigned', async () => {
    const r = (await s.post('/api/v1/roles', { name: 'Held', permissions: { Incidents: 'view' } })).json();
    const ids: number[] = [];
    for (const email of ['held1@example.com', 'held2@example.com']) {
      ids.push((await s.post('/api/v1/admins', { email, name: 'Holder', roleId: r.id, password: TEST_PASSWORD })).json().id);
    }
    expect((await s.get(`/api/v1/roles/${r.id}`)).json().adminCount).toBe(2);
    const before = await snapshot(t);
    const res = await s.delete(`/api/v1/roles/${r.id}`);
    expectErrorShape(res, 409);
    expect(res.json().error.message).toContain('2 admins');
    expect(await snapshot(t)).toEqual(before);

    const im = role('DLP Incident Manager').id;
    await s.patch(`/api/v1/admins/${ids[0]}`, { roleId: im });
    const one = await s.delete(`/api/v1/roles/${r.id}`);
    expect(one.statusCode).toBe(409);
    expect(one.json().error.message).toMatch(/\b1 admin\b(?!s)/);
    await s.patch(`/api/v1/admins/${ids[1]}`, { roleId: im });
    expect((await s.delete(`/api/v1/roles/${r.id}`)).statusCode).toBe(204);
    expectErrorShape(await s.get(`/api/v1/roles/${r.id}`), 404);
  });

  it('an API key holds a role; once revoked the role can be deleted', async () => {
    const r = (await s.post('/api/v1/roles', { name: 'Key role', permissions: {} })).json();
    const key = (await s.post('/api/v1/api-keys', { name: 'Holder key', roleId: r.id })).json();
    const res = await s.delete(`/api/v1/roles/${r.id}`);
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toContain('1 API key');
    await s.delete(`/api/v1/api-keys/${key.id}`);
    // Only the revoked key still references the role: the delete must not trip over it.
    const del = await s.delete(`/api/v1/roles/${r.id}`);
    expect(del.statusCode, del.body).toBe(204);
  });

  it('a changed role takes effect for its holders', async () => {
    const r = (await s.post('/api/v1/roles', { name: 'Changing', permissions: { 'Account Settings': 'view' } })).json();
    await s.post('/api/v1/admins', { email: 'changing@example.com', name: 'Changing', roleId: r.id, password: TEST_PASSWORD });
    const holder = await t.login('changing@example.com');
    expect((await holder.get('/api/v1/roles')).statusCode).toBe(200);
    expect((await holder.post('/api/v1/roles', { name: 'Nope', permissions: {} })).statusCode).toBe(403);
    await s.patch(`/api/v1/roles/${r.id}`, { permissions: { 'Account Settings': 'none' } });
    expect((await holder.get('/api/v1/roles')).statusCode).toBe(403);
  });
});

describe('admins acting on themselves', () => {
  it('cannot disable themselves or change their own role; can rename themselves', async () => {
    const before = await snapshot(t);
    const self = await s.patch(`/api/v1/admins/${t.admin.id}`, { status: 'disabled' });
    expectErrorShape(self, 400);
    expect(self.json().error.message).toMatch(/your own account/);
    const ownRole = await s.patch(`/api/v1/admins/${t.admin.id}`, { roleId: role('DLP Incident Manager').id });
    expectErrorShape(ownRole, 400);
    expect(ownRole.json().error.message).toMatch(/your own role/);
    expect(await snapshot(t)).toEqual(before);
    expect((await s.patch(`/api/v1/admins/${t.admin.id}`, { roleId: role('DLP Super Admin').id, name: 'Me' })).statusCode).toBe(200);
    expect((await s.get('/api/v1/auth/session')).statusCode).toBe(200);
  });

  it('emails are unique case-insensitively and shown as typed', async () => {
    const res = await s.post('/api/v1/admins', { email: 'Mixed.Case@Example.com', name: 'Mixed', roleId: role('DLP Admin').id, password: TEST_PASSWORD });
    expect(res.statusCode).toBe(201);
    expect(res.json().email).toBe('Mixed.Case@Example.com');
    expect(
      (await s.post('/api/v1/admins', { email: 'mixed.case@example.com', name: 'Dup', roleId: role('DLP Admin').id, password: TEST_PASSWORD })).statusCode,
    ).toBe(409);
    await t.login('MIXED.case@example.COM');
  });

  it('the admin list pages, searches and sorts', async () => {
    const page = (await s.get('/api/v1/admins?pageSize=2&page=1&sort=email&order=asc')).json();
    expect(page.items).toHaveLength(2);
    expect(page.total).toBeGreaterThan(2);
    const emails = page.items.map((a: { email: string }) => a.email.toLowerCase());
    expect([...emails].sort()).toEqual(emails);
    const found = (await s.get('/api/v1/admins?search=MIXED')).json();
    expect(found.items.map((a: { email: string }) => a.email)).toEqual(['Mixed.Case@Example.com']);
    expect(JSON.stringify(page)).not.toMatch(/password|scrypt/i);
  });
});

describe('no granting more than you hold', () => {
  it('Account Settings: Edit alone cannot mint a more powerful role, admin or API key', async () => {
    const limited = await t.sessionWith({ 'Account Settings': 'edit', 'API Management': 'edit', Incidents: 'view' });
    const before = await snapshot(t);
    const superId = role('DLP Super Admin').id;
    const r1 = await limited.post('/api/v1/roles', { name: 'Escalate', permissions: { 'Audit Logs': 'view' } });
    expectErrorShape(r1, 403);
    expect(r1.json().error.message).toContain('Audit Logs');
    expectErrorShape(await limited.post('/api/v1/roles', { name: 'Escalate', permissions: { Incidents: 'edit' } }), 403);
    expectErrorShape(await limited.post('/api/v1/admins', { email: 'puppet@example.com', name: 'Puppet', roleId: superId, password: TEST_PASSWORD }), 403);
    expectErrorShape(await limited.post('/api/v1/api-keys', { name: 'Backdoor', roleId: superId }), 403);
    // Nor take over a more powerful admin (password reset) or raise an existing one.
    expectErrorShape(await limited.patch(`/api/v1/admins/${t.admin.id}`, { password: 'taken-over-password' }), 403);
    const im = (
      await s.post('/api/v1/admins', { email: 'im-holder@example.com', name: 'IM', roleId: role('DLP Incident Manager').id, password: TEST_PASSWORD })
    ).json().id;
    const afterCreate = await snapshot(t);
    expectErrorShape(await limited.patch(`/api/v1/admins/${im}`, { name: 'x' }), 403); // IM has Incidents: edit
    expect(await snapshot(t)).toEqual(afterCreate);
    expect(Object.keys(before)).toEqual(Object.keys(afterCreate));

    // Within its own reach it works.
    const ok = await limited.post('/api/v1/roles', { name: 'Smaller', permissions: { Incidents: 'view' } });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(
      (await limited.post('/api/v1/admins', { email: 'smaller@example.com', name: 'Smaller', roleId: ok.json().id, password: TEST_PASSWORD })).statusCode,
    ).toBe(201);
    expect((await limited.post('/api/v1/api-keys', { name: 'Smaller key', roleId: ok.json().id })).statusCode).toBe(201);
    expectErrorShape(await limited.patch(`/api/v1/roles/${ok.json().id}`, { permissions: { Incidents: 'delete' } }), 403);
  });
});
