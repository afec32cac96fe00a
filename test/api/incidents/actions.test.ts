import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../helpers/test-app.js';
import { systemPrincipal } from '../../../src/platform/principal.js';
import { fullPermissions } from '../../../src/platform/permissions.js';
import { apiKey, incident } from './helpers.js';

describe('incident actions and State Changes', () => {
  let t: TestApp;
  let s: Session;
  let key: Awaited<ReturnType<typeof apiKey>>;
  let resolution: { id: number };
  let reviewed: { id: number };
  beforeAll(async () => {
    t = await createTestApp();
    s = await t.login(t.admin.email);
    key = await apiKey(t);
    resolution = (await s.post('/api/v1/labels', { name: 'Resolution', values: ['Policy Violation', 'False Positive'] })).json();
    reviewed = (await s.post('/api/v1/labels', { name: 'Reviewed' })).json();
  });
  afterAll(async () => t?.close());

  const create = async () => (await key.post('/api/v1/incidents', incident())).json().id as number;
  const setStatus = async (id: number, status: 'Validating with User' | 'Escalated' | 'Received Justification Response') =>
    t.ctx.incidents.markWaiting(systemPrincipal(t.orgId, fullPermissions()), id, status, 'test');

  it('Investigating, Close and Reopen move the status and each writes a State Changes entry, newest first', async () => {
    const id = await create();
    let res = await s.post(`/api/v1/incidents/${id}/investigating`, { notes: 'looking' });
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe('Investigating');
    res = await s.post(`/api/v1/incidents/${id}/close`, {
      notes: 'done',
      resolutionLabelId: resolution.id,
      resolutionValue: 'false positive',
      falsePositive: true,
    });
    expect(res.statusCode).toBe(200);
    const closed = res.json();
    expect(closed.status).toBe('Resolved');
    expect(closed.resolutionDate).toBeTruthy();
    expect(closed.resolution).toEqual({ label: 'Resolution', value: 'False Positive', falsePositive: true });
    res = await s.post(`/api/v1/incidents/${id}/reopen`, {});
    expect(res.json().status).toBe('Investigating');
    expect(res.json().resolutionDate).toBeNull();
    const events = (await s.get(`/api/v1/incidents/${id}/events`)).json().items;
    expect(events.map((e: { state: string }) => e.state)).toEqual(['Investigating', 'Resolved', 'Investigating']);
    expect(events[1].comment).toContain('False Positive');
    expect(events[1].comment).toContain('done');
    expect(events[0].changedBy).toBe(t.admin.email);
    // Incident actions are not in the Audit Log.
    const audit = await t.ctx.db.selectFrom('audit_log').select('module').where('org_id', '=', t.orgId).where('module', '=', 'Incidents').execute();
    expect(audit).toHaveLength(0);
  });

  it('allows Close from every open status and Investigating from every non-resolved status', async () => {
    for (const status of [null, 'Validating with User', 'Escalated', 'Received Justification Response'] as const) {
      const a = await create();
      const b = await create();
      if (status) {
        await setStatus(a, status);
        await setStatus(b, status);
      }
      expect((await s.post(`/api/v1/incidents/${a}/close`, {})).json().status).toBe('Resolved');
      expect((await s.post(`/api/v1/incidents/${b}/investigating`, {})).json().status).toBe('Investigating');
    }
  });

  it('refuses transitions the rules do not allow with 409 and a clear message, writing nothing', async () => {
    const id = await create();
    let res = await s.post(`/api/v1/incidents/${id}/reopen`, {});
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toMatch(/Only a Resolved incident can be reopened/);
    await s.post(`/api/v1/incidents/${id}/close`, {});
    res = await s.post(`/api/v1/incidents/${id}/close`, {});
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toMatch(/already Resolved/);
    res = await s.post(`/api/v1/incidents/${id}/investigating`, {});
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toMatch(/Reopen/);
    const events = (await s.get(`/api/v1/incidents/${id}/events`)).json().items;
    expect(events).toHaveLength(1);
    for (const status of ['Investigating', 'Validating with User', 'Escalated'] as const) {
      const other = await create();
      if (status === 'Investigating') await s.post(`/api/v1/incidents/${other}/investigating`, {});
      else await setStatus(other, status);
      expect((await s.post(`/api/v1/incidents/${other}/reopen`, {})).statusCode).toBe(409);
    }
  });

  it('keeps the status for assign, priority, labels and notes, also on a Resolved incident', async () => {
    const id = await create();
    await s.post(`/api/v1/incidents/${id}/close`, {});
    let res = await s.post(`/api/v1/incidents/${id}/assign-to-me`, {});
    expect(res.statusCode).toBe(200);
    expect(res.json().dlpAdmin.email).toBe(t.admin.email);
    expect(res.json().status).toBe('Resolved');
    res = await s.post(`/api/v1/incidents/${id}/priority`, { priority: 'Critical', notes: 'exec data' });
    expect(res.json().priority).toBe('Critical');
    res = await s.post(`/api/v1/incidents/${id}/labels`, { labels: [{ labelId: resolution.id, value: 'Policy Violation' }, { labelId: reviewed.id }] });
    expect(res.json().labels).toEqual([
      { labelId: resolution.id, name: 'Resolution', value: 'Policy Violation' },
      { labelId: reviewed.id, name: 'Reviewed', value: null },
    ]);
    res = await s.post(`/api/v1/incidents/${id}/notes`, { notes: 'Called the user.' });
    expect(res.json().notes).toBe('Called the user.');
    const detail = (await s.get(`/api/v1/incidents/${id}`)).json();
    expect(detail.status).toBe('Resolved');
    expect(detail.events.map((e: { action: string }) => e.action)).toEqual(['notes', 'labels', 'priority', 'assign-to-me', 'close']);
    expect(detail.events.every((e: { state: string }) => e.state === 'Resolved')).toBe(true);
  });

  it('validates label values and assignees, naming the field', async () => {
    const id = await create();
    let res = await s.post(`/api/v1/incidents/${id}/labels`, { labels: [{ labelId: resolution.id }] });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/labels\.0/);
    res = await s.post(`/api/v1/incidents/${id}/labels`, { labels: [{ labelId: reviewed.id, value: 'x' }] });
    expect(res.statusCode).toBe(400);
    res = await s.post(`/api/v1/incidents/${id}/close`, { resolutionLabelId: 99999 });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/resolutionLabelId/);
    const viewerRole = await t.ctx.roles.create(systemPrincipal(t.orgId, fullPermissions()), { name: 'Viewer only', permissions: { Incidents: 'view' } });
    const viewer = await t.ctx.admins.create(systemPrincipal(t.orgId, fullPermissions()), {
      email: 'viewer@example.com',
      name: 'Viewer',
      roleId: viewerRole.id,
      password: t.admin.password,
    });
    res = await s.post(`/api/v1/incidents/${id}/assign`, { adminId: viewer.id });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/cannot edit incidents/);
    const other = await t.newOrg();
    const otherAdmin = await t.ctx.admins.findByEmail(other.adminEmail);
    res = await s.post(`/api/v1/incidents/${id}/assign`, { adminId: otherAdmin!.id });
    expect(res.statusCode).toBe(400);
    res = await s.post(`/api/v1/incidents/${id}/assign`, { adminId: t.admin.id, notes: 'yours' });
    expect(res.statusCode).toBe(200);
    expect(res.json().events[0].comment).toMatch(/Assigned DLP Admin .*yours/);
    res = await key.post(`/api/v1/incidents/${id}/assign-to-me`, {});
    expect(res.statusCode).toBe(400);
  });

  it('deletes permanently with Delete permission only, without a State Changes entry', async () => {
    const id = await create();
    const editor = await t.sessionWith({ Incidents: 'edit' });
    let res = await editor.delete(`/api/v1/incidents/${id}`);
    expect(res.statusCode).toBe(403);
    const deleter = await t.sessionWith({ Incidents: 'delete' });
    res = await deleter.delete(`/api/v1/incidents/${id}`);
    expect(res.statusCode).toBe(204);
    expect((await s.get(`/api/v1/incidents/${id}`)).statusCode).toBe(404);
    expect(await t.ctx.db.selectFrom('incident_events').select('id').where('incident_id', '=', id).execute()).toHaveLength(0);
  });

  it('a View-only role can read but not act', async () => {
    const id = await create();
    const viewer = await t.sessionWith({ Incidents: 'view' });
    expect((await viewer.get(`/api/v1/incidents/${id}`)).statusCode).toBe(200);
    for (const [path, body] of [
      ['close', {}],
      ['investigating', {}],
      ['reopen', {}],
      ['assign-to-me', {}],
      ['assign', { adminId: t.admin.id }],
      ['priority', { priority: 'Low' }],
      ['labels', { labels: [] }],
      ['notes', { notes: 'x' }],
    ] as const) {
      expect((await viewer.post(`/api/v1/incidents/${id}/${path}`, body)).statusCode).toBe(403);
    }
    expect((await viewer.post('/api/v1/incidents/bulk/close', { ids: [id] })).statusCode).toBe(403);
    expect((await viewer.delete(`/api/v1/incidents/${id}`)).statusCode).toBe(403);
    const none = await t.sessionWith({ Labels: 'view' });
    expect((await none.get(`/api/v1/incidents/${id}`)).statusCode).toBe(403);
    expect((await s.get(`/api/v1/incidents/${id}/events`)).json().items).toHaveLength(0);
  });

  it('hides another org’s incidents: 404 on read, act and delete', async () => {
    const id = await create();
    const other = await t.newOrg();
    expect((await other.session.get(`/api/v1/incidents/${id}`)).statusCode).toBe(404);
    expect((await other.session.get(`/api/v1/incidents/${id}/events`)).statusCode).toBe(404);
    expect((await other.session.get(`/api/v1/incidents/${id}/duplicates`)).statusCode).toBe(404);
    expect((await other.session.post(`/api/v1/incidents/${id}/close`, {})).statusCode).toBe(404);
    expect((await other.session.delete(`/api/v1/incidents/${id}`)).statusCode).toBe(404);
    const bulk = (await other.session.post('/api/v1/incidents/bulk/investigating', { ids: [id] })).json();
    expect(bulk.results[0]).toMatchObject({ id, ok: false, error: { code: 'not_found' } });
    expect((await s.get(`/api/v1/incidents/${id}`)).json().status).toBe('New');
  });

  it('bulk actions report per id and write State Changes for the ones that succeeded', async () => {
    const a = await create();
    const b = await create();
    const c = await create();
    await s.post(`/api/v1/incidents/${c}/close`, {});
    let res = await s.post('/api/v1/incidents/bulk/close', {
      ids: [a, b, c, 999999],
      notes: 'bulk',
      resolutionLabelId: resolution.id,
      resolutionValue: 'Policy Violation',
    });
    expect(res.statusCode).toBe(200);
    let json = res.json();
    expect(json.succeeded).toBe(2);
    expect(json.failed).toBe(2);
    expect(json.results.find((r: { id: number }) => r.id === c).error.code).toBe('conflict');
    expect(json.results.find((r: { id: number }) => r.id === 999999).error.code).toBe('not_found');
    expect((await s.get(`/api/v1/incidents/${a}`)).json().status).toBe('Resolved');
    res = await s.post('/api/v1/incidents/bulk/assign-to-me', { ids: [a, b] });
    expect(res.json().succeeded).toBe(2);
    res = await s.post('/api/v1/incidents/bulk/assign', { ids: [a, b], adminId: t.admin.id });
    expect(res.json().succeeded).toBe(2);
    res = await s.post('/api/v1/incidents/bulk/priority', { ids: [a, b], priority: 'Low' });
    expect(res.json().succeeded).toBe(2);
    res = await s.post('/api/v1/incidents/bulk/labels', { ids: [a, b], labels: [{ labelId: reviewed.id }] });
    expect(res.json().succeeded).toBe(2);
    res = await s.post('/api/v1/incidents/bulk/investigating', { ids: [a, b] });
    json = res.json();
    expect(json.failed).toBe(2);
    const d = (await s.get(`/api/v1/incidents/${a}`)).json();
    expect(d.priority).toBe('Low');
    expect(d.labels.map((l: { name: string }) => l.name)).toEqual(['Reviewed']);
    expect(d.events.map((e: { action: string }) => e.action)).toEqual(['labels', 'priority', 'assign', 'assign-to-me', 'close']);
    expect((await s.post('/api/v1/incidents/bulk/close', { ids: Array.from({ length: 1001 }, (_, i) => i + 1) })).statusCode).toBe(400);
  });
});
