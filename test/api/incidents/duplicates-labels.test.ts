import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../helpers/test-app.js';
import { seedDemoIncidents } from '../../../src/modules/incidents/generator.js';
import { seedDemoLabels } from '../../../src/modules/labels/demo.js';
import { systemPrincipal } from '../../../src/platform/principal.js';
import { fullPermissions } from '../../../src/platform/permissions.js';
import { apiKey, incident } from './helpers.js';

const t0 = Date.parse('2025-06-01T08:00:00.000Z');
const at = (min: number) => new Date(t0 + min * 60_000).toISOString();

describe('duplicate detection', () => {
  let t: TestApp;
  let key: Awaited<ReturnType<typeof apiKey>>;
  let s: Session;
  beforeAll(async () => {
    t = await createTestApp();
    key = await apiKey(t);
    s = await t.login(t.admin.email);
  });
  afterAll(async () => t?.close());

  const same = (over: Parameters<typeof incident>[0] = {}) =>
    incident({
      url: 'https://paste.example.org/a',
      user: { email: 'sam@corp.example' },
      file: { name: 'secret.txt', md5: 'ffeeddccbbaa99887766554433221100' },
      ...over,
    });

  it('links Inline repeats within 2 hours to the parent and counts them there', async () => {
    const parent = (await key.post('/api/v1/incidents', same({ incidentDate: at(0) }))).json();
    expect(parent.duplicateOf).toBeNull();
    const d1 = (await key.post('/api/v1/incidents', same({ incidentDate: at(30), url: 'https://PASTE.example.org/other' }))).json();
    expect(d1.duplicateOf).toBe(parent.id);
    // batch: one inside the window, one just outside (becomes a new parent), one duplicate of that new parent
    const batch = (
      await key.post('/api/v1/incidents', { incidents: [same({ incidentDate: at(125) }), same({ incidentDate: at(119) }), same({ incidentDate: at(130) })] })
    ).json();
    expect(batch.results[1].duplicateOf).toBe(parent.id);
    expect(batch.results[0].duplicateOf).toBeNull();
    expect(batch.results[2].duplicateOf).toBe(batch.results[0].id);
    const p = (await s.get(`/api/v1/incidents/${parent.id}`)).json();
    expect(p.duplicateCount).toBe(2);
    const dups = (await s.get(`/api/v1/incidents/${parent.id}/duplicates`)).json();
    expect(dups.total).toBe(2);
    expect((await s.get(`/api/v1/incidents/${batch.results[0].id}`)).json().duplicateCount).toBe(1);
    // an idempotent repeat of a duplicate does not count twice
    await key.post('/api/v1/incidents', same({ transactionId: d1.transactionId, incidentDate: at(30) }));
    expect((await s.get(`/api/v1/incidents/${parent.id}`)).json().duplicateCount).toBe(2);
    // deleting a duplicate lowers the parent's count
    await s.delete(`/api/v1/incidents/${d1.id}`);
    expect((await s.get(`/api/v1/incidents/${parent.id}`)).json().duplicateCount).toBe(1);
  });

  it('needs Inline and all four of host, email, MD5 and file name to match', async () => {
    const first = (await key.post('/api/v1/incidents', same({ incidentDate: at(1000) }))).json();
    const variants = [
      same({ incidentDate: at(1001), sourceType: 'Endpoint', url: undefined, host: 'paste.example.org' }),
      same({ incidentDate: at(1002), url: 'https://other.example.org/a' }),
      same({ incidentDate: at(1003), user: { email: 'other@corp.example' } }),
      same({ incidentDate: at(1004), file: { name: 'secret.txt', md5: '00000000000000000000000000000000' } }),
      same({ incidentDate: at(1005), file: { name: 'other.txt', md5: 'ffeeddccbbaa99887766554433221100' } }),
      same({ incidentDate: at(1006), file: { name: 'secret.txt' } }),
    ];
    const res = (await key.post('/api/v1/incidents', { incidents: variants })).json();
    expect(res.created).toBe(6);
    expect(res.results.every((r: { duplicateOf: number | null }) => r.duplicateOf === null)).toBe(true);
    expect(first.duplicateOf).toBeNull();
  });
});

describe('Setup > Labels', () => {
  let t: TestApp;
  let s: Session;
  beforeAll(async () => {
    t = await createTestApp();
    s = await t.login(t.admin.email);
  });
  afterAll(async () => t?.close());

  it('adds, edits and deletes labels with values, each audited', async () => {
    let res = await s.post('/api/v1/labels', { name: 'Severity Review', values: ['Yes', 'No'] });
    expect(res.statusCode).toBe(201);
    const id = res.json().id;
    expect(res.json().values).toEqual(['Yes', 'No']);
    expect((await s.post('/api/v1/labels', { name: 'severity review' })).statusCode).toBe(409);
    expect((await s.post('/api/v1/labels', { name: 'Dup', values: ['a', 'A'] })).statusCode).toBe(400);
    expect((await s.post('/api/v1/labels', { name: '' })).statusCode).toBe(400);
    res = await s.patch(`/api/v1/labels/${id}`, { name: 'Reviewed', values: ['Yes', 'No', 'Later'] });
    expect(res.json()).toMatchObject({ name: 'Reviewed', values: ['Yes', 'No', 'Later'] });
    expect((await s.get('/api/v1/labels')).json().items.map((l: { name: string }) => l.name)).toEqual(['Reviewed']);
    // an incident keeps a deleted label until removed
    const key = await apiKey(t);
    const inc = (await key.post('/api/v1/incidents', incident())).json();
    await s.post(`/api/v1/incidents/${inc.id}/labels`, { labels: [{ labelId: id, value: 'later' }] });
    expect((await s.delete(`/api/v1/labels/${id}`)).statusCode).toBe(204);
    expect((await s.get(`/api/v1/labels/${id}`)).statusCode).toBe(404);
    expect((await s.get(`/api/v1/incidents/${inc.id}`)).json().labels).toEqual([{ labelId: id, name: 'Reviewed', value: 'Later' }]);
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select(['action', 'module', 'resource'])
      .where('org_id', '=', t.orgId)
      .where('module', '=', 'Labels')
      .orderBy('id')
      .execute();
    expect(audit).toEqual([
      { action: 'Insert', module: 'Labels', resource: 'Label' },
      { action: 'Update', module: 'Labels', resource: 'Label' },
      { action: 'Delete', module: 'Labels', resource: 'Label' },
    ]);
  });

  it('needs Labels permissions and keeps orgs apart', async () => {
    const viewer = await t.sessionWith({ Labels: 'view' });
    expect((await viewer.get('/api/v1/labels')).statusCode).toBe(200);
    expect((await viewer.post('/api/v1/labels', { name: 'X' })).statusCode).toBe(403);
    const none = await t.sessionWith({ Incidents: 'edit' });
    expect((await none.get('/api/v1/labels')).statusCode).toBe(403);
    const id = (await s.post('/api/v1/labels', { name: 'Mine' })).json().id;
    const other = await t.newOrg();
    expect((await other.session.get(`/api/v1/labels/${id}`)).statusCode).toBe(404);
    expect((await other.session.patch(`/api/v1/labels/${id}`, { name: 'Theirs' })).statusCode).toBe(404);
    expect((await other.session.delete(`/api/v1/labels/${id}`)).statusCode).toBe(404);
  });
});

describe('demo seeder', () => {
  it('seeds labels and a few hundred incidents once', async () => {
    const t = await createTestApp();
    try {
      const actor = systemPrincipal(t.orgId, fullPermissions());
      await seedDemoLabels(t.ctx.labels, actor);
      const lines = await seedDemoIncidents(t.ctx.incidents, actor);
      expect(lines[0]).toMatch(/Incidents: \d+ demo incidents/);
      await seedDemoLabels(t.ctx.labels, actor);
      const again = await seedDemoIncidents(t.ctx.incidents, actor);
      expect(again).toEqual([]);
      const rows = await t.ctx.db.selectFrom('incidents').select(['status']).where('org_id', '=', t.orgId).execute();
      expect(rows.length).toBe(400);
      expect(new Set(rows.map((r) => r.status)).size).toBeGreaterThanOrEqual(4);
      const labels = await t.ctx.labels.list(t.orgId);
      expect(labels.map((l) => l.name)).toEqual(expect.arrayContaining(['Resolution', 'Region']));
    } finally {
      await t.close();
    }
  });
});
