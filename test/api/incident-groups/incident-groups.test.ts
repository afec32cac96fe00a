import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../helpers/test-app.js';
import { incident, WIDE } from '../incidents/helpers.js';
import { runJobs } from '../tickets/helpers.js';

let t: TestApp;
let admin: Session;
beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login(t.admin.email);
});
afterAll(async () => {
  await t?.close();
});

const G = '/api/v1/incident-groups';
const M = '/api/v1/incident-group-mappings';
const dept = (value: string) => ({ type: 'predicate', property: 'department', operation: 'EQUALS', value });

async function group(name: string, type = 'Department', s = admin) {
  const res = await s.post(G, { type, name, description: `${name} incidents` });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: number; name: string };
}

async function auditNotes(module: string) {
  const rows = await t.ctx.db.selectFrom('audit_log').select('change_notes').where('org_id', '=', t.orgId).where('module', '=', module).orderBy('id').execute();
  return rows.map((r) => r.change_notes);
}

async function ingest(over: Parameters<typeof incident>[0] = {}) {
  const res = await admin.post('/api/v1/incidents', incident(over));
  expect(res.statusCode, res.body).toBe(201);
  return (await admin.get(`/api/v1/incidents/${res.json().id}`)).json();
}

async function clearMappings() {
  for (const m of (await admin.get(M)).json().items) expect((await admin.delete(`${M}/${m.id}`)).statusCode).toBe(204);
  await admin.put(`${M}/default`, { groupId: null });
}

it('groups: add, list with search/sort/pages, edit, types; names unique per org regardless of case (409); audit entries', async () => {
  const a = await group('Payments Team', 'Team');
  await group('Audit Desk', 'Team');
  await group('Legal Hold', 'Matter');
  const dup = await admin.post(G, { type: 'Team', name: 'payments team' });
  expect(dup.statusCode).toBe(409);
  expect(dup.json().error.message).toContain('already exists');

  // Search looks at type, name and description.
  const page = (await admin.get(`${G}?search=team&sort=name&order=desc&pageSize=1&page=2`)).json();
  expect(page).toMatchObject({ total: 2, page: 2, pageSize: 1 });
  expect(page.items[0]).toMatchObject({ name: 'Audit Desk', type: 'Team' });
  const named = (await admin.get(`${G}?search=PAYMENTS`)).json();
  expect(named.items[0]).toMatchObject({ name: 'Payments Team', type: 'Team', priority: null, mappings: 0, isDefault: false });
  const byType = (await admin.get(`${G}?sort=type&order=asc&pageSize=10`)).json();
  expect(byType.items.map((g: { type: string }) => g.type)).toEqual(['Matter', 'Team', 'Team']);
  expect((await admin.get(`${G}/types`)).json().items).toEqual(['Matter', 'Team']);

  const edited = await admin.put(`${G}/${a.id}`, { type: 'Team', name: 'Payments', description: null });
  expect(edited.statusCode, edited.body).toBe(200);
  expect(edited.json()).toMatchObject({ name: 'Payments', description: null });
  expect((await admin.put(`${G}/${a.id}`, { type: 'Team', name: 'AUDIT DESK' })).statusCode).toBe(409);
  expect(await auditNotes('Incident Groups')).toEqual(expect.arrayContaining(['Added incident group Payments Team (Team)', 'Updated incident group Payments']));
});

it('bad input is a 400 naming the field and changes nothing; another org sees 404; roles without the permission get 403', async () => {
  const before = (await admin.get(`${G}?pageSize=100`)).json().total;
  for (const body of [
    { type: '', name: 'x' },
    { type: 'T', name: '' },
    { type: 'T', name: 'a\u202Eb' },
    { type: 'T', name: 'x', extra: 1 },
    { type: 'T', name: 'x'.repeat(201) },
  ]) {
    const res = await admin.post(G, body);
    expect(res.statusCode, JSON.stringify(body)).toBe(400);
  }
  expect((await admin.get(`${G}?pageSize=100`)).json().total).toBe(before);

  const mine = await group('Private Group');
  const other = await t.newOrg();
  expect((await other.session.get(`${G}/${mine.id}`)).statusCode).toBe(404);
  expect((await other.session.put(`${G}/${mine.id}`, { type: 'T', name: 'Stolen' })).statusCode).toBe(404);
  expect((await other.session.delete(`${G}/${mine.id}`)).statusCode).toBe(404);
  expect((await other.session.post(M, { groupIds: [mine.id] })).statusCode).toBe(400);
  expect((await other.session.put('/api/v1/priorities', { items: [{ groupId: mine.id, priority: 'High' }] })).statusCode).toBe(400);
  // The same name is free in another org.
  expect((await other.session.post(G, { type: 'T', name: 'Private Group' })).statusCode).toBe(201);

  const viewer = await t.sessionWith({ 'Incident Group and Mappings': 'view', Priorities: 'view' });
  expect((await viewer.get(G)).statusCode).toBe(200);
  expect((await viewer.get('/api/v1/priorities')).statusCode).toBe(200);
  expect((await viewer.post(G, { type: 'T', name: 'Nope' })).statusCode).toBe(403);
  expect((await viewer.post(M, { groupIds: [mine.id] })).statusCode).toBe(403);
  expect((await viewer.put('/api/v1/priorities', { items: [] })).statusCode).toBe(403);
  const none = await t.sessionWith({ Incidents: 'view' });
  expect((await none.get(G)).statusCode).toBe(403);
  expect((await none.get('/api/v1/priorities')).statusCode).toBe(403);
});

it('concurrent creates of one name: exactly one 201, the others 409', async () => {
  const results = await Promise.all(Array.from({ length: 6 }, () => admin.post(G, { type: 'Race', name: 'Racing Group' })));
  expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409, 409, 409, 409, 409]);
  expect((await admin.get(`${G}?search=Racing`)).json().total).toBe(1);
});

it('mappings: validation names the predicate; statements reorder; delete of a group in use or default is refused', async () => {
  await clearMappings();
  const g = await group('Mapped Group');
  const bad = await admin.post(M, {
    groupIds: [g.id],
    condition: { type: 'predicate', property: 'clientIp', operation: 'IN_IPv4_SUBNET', value: '10.0.0.0/99' },
  });
  expect(bad.statusCode).toBe(400);
  expect(bad.json().error.message).toMatch(/^condition: predicate \[clientIp IN_IPv4_SUBNET "10.0.0.0\/99"\]/);
  expect((await admin.post(M, { groupIds: [], condition: null })).statusCode).toBe(400);
  expect((await admin.post(M, { groupIds: [g.id, g.id] })).statusCode).toBe(400);
  const unknown = await admin.post(M, { groupIds: [g.id, 999999] });
  expect(unknown.statusCode).toBe(400);
  expect(unknown.json().error.message).toContain('groupIds.1');
  expect((await admin.get(M)).json().items).toEqual([]);

  const a = (await admin.post(M, { groupIds: [g.id], sourceDlpType: 'Email', condition: dept('Legal') })).json();
  const b = (await admin.post(M, { groupIds: [g.id], condition: null })).json();
  expect(a).toMatchObject({ position: 1, sourceDlpType: 'Email', groups: [{ id: g.id, name: 'Mapped Group' }] });
  expect(b).toMatchObject({ position: 2, sourceDlpType: 'Any', condition: null });
  expect((await admin.post(`${M}/${a.id}/move`, { direction: 'up' })).statusCode).toBe(409);
  const moved = (await admin.post(`${M}/${b.id}/move`, { direction: 'up' })).json();
  expect(moved.items.map((m: { id: number }) => m.id)).toEqual([b.id, a.id]);

  const inUse = await admin.delete(`${G}/${g.id}`);
  expect(inUse.statusCode).toBe(409);
  expect(inUse.json().error.message).toContain('2 mapping statements');
  await clearMappings();
  expect((await admin.put(`${M}/default`, { groupId: g.id })).json().defaultGroup).toEqual({ id: g.id, name: 'Mapped Group' });
  expect((await admin.get(`${G}/${g.id}`)).json().isDefault).toBe(true);
  expect((await admin.delete(`${G}/${g.id}`)).statusCode).toBe(409);
  expect((await admin.put(`${M}/default`, { groupId: 999999 })).statusCode).toBe(400);
  await admin.put(`${M}/default`, { groupId: null });
  expect((await admin.delete(`${G}/${g.id}`)).statusCode).toBe(204);
  expect((await admin.get(`${G}/${g.id}`)).statusCode).toBe(404);
  expect(await auditNotes('Incident Groups')).toEqual(
    expect.arrayContaining([
      'Moved mapping statement 2 up to position 1',
      'Set the default incident group to Mapped Group',
      'Deleted incident group Mapped Group',
    ]),
  );
});

it('priorities: save the list, refuse duplicates and unknown groups, delete a row; audited under Priorities', async () => {
  const a = await group('Prio A');
  const b = await group('Prio B');
  const dup = await admin.put('/api/v1/priorities', {
    items: [
      { groupId: a.id, priority: 'High' },
      { groupId: a.id, priority: 'Low' },
    ],
  });
  expect(dup.statusCode).toBe(400);
  expect(dup.json().error.message).toContain('items.1.groupId');
  expect((await admin.put('/api/v1/priorities', { items: [{ groupId: a.id, priority: 'Urgent' }] })).statusCode).toBe(400);
  const saved = await admin.put('/api/v1/priorities', {
    items: [
      { groupId: a.id, priority: 'High' },
      { groupId: b.id, priority: 'Low' },
    ],
  });
  expect(saved.statusCode, saved.body).toBe(200);
  expect(saved.json().items).toEqual([
    { groupId: a.id, groupName: 'Prio A', groupType: 'Department', priority: 'High' },
    { groupId: b.id, groupName: 'Prio B', groupType: 'Department', priority: 'Low' },
  ]);
  expect((await admin.delete(`/api/v1/priorities/${b.id}`)).statusCode).toBe(204);
  expect((await admin.delete(`/api/v1/priorities/${b.id}`)).statusCode).toBe(404);
  expect((await admin.get('/api/v1/priorities')).json().items.map((p: { groupName: string }) => p.groupName)).toEqual(['Prio A']);
  // Saving the list without A clears its priority.
  expect((await admin.put('/api/v1/priorities', { items: [] })).json().items).toEqual([]);
  expect(await auditNotes('Priorities')).toEqual([
    'Saved priorities of 2 incident groups',
    'Removed the priority of incident group Prio B',
    'Saved priorities of 0 incident groups',
  ]);
});

it('ingestion: every matching statement adds its groups, priority is the highest of theirs, unmatched incidents get the default group', async () => {
  await clearMappings();
  const finance = await group('Finance Dept');
  const pci = await group('PCI Data', 'Data Class');
  const quiet = await group('No Priority Group');
  const fallback = await group('Everything Else', 'Catch-all');
  await admin.post(M, { groupIds: [finance.id], condition: dept('Finance') });
  await admin.post(M, { groupIds: [pci.id, quiet.id], condition: { type: 'predicate', property: 'rules', operation: 'CONTAINS_EXACT', value: 'PCI Rule' } });
  await admin.put(`${M}/default`, { groupId: fallback.id });
  await admin.put('/api/v1/priorities', {
    items: [
      { groupId: finance.id, priority: 'Medium' },
      { groupId: pci.id, priority: 'Critical' },
      { groupId: fallback.id, priority: 'Low' },
    ],
  });

  const both = await ingest({ severity: 'Low' });
  expect(both.incidentGroups.map((g: { name: string }) => g.name)).toEqual(['Finance Dept', 'No Priority Group', 'PCI Data']);
  expect(both.priority).toBe('Critical');

  const financeOnly = await ingest({ severity: 'High', rules: ['Other Rule'] });
  expect(financeOnly.incidentGroups.map((g: { name: string }) => g.name)).toEqual(['Finance Dept']);
  expect(financeOnly.priority).toBe('Medium');

  const none = await ingest({ severity: 'High', rules: ['Other Rule'], user: { name: 'Sam', email: 'sam@corp.example', department: 'Sales' } });
  expect(none.incidentGroups).toEqual([{ id: fallback.id, name: 'Everything Else', description: 'Everything Else incidents' }]);
  expect(none.priority).toBe('Low');

  // A group without a priority leaves the ingested priority alone.
  await admin.put('/api/v1/priorities', { items: [] });
  const kept = await ingest({ severity: 'Medium', priority: 'High' });
  expect(kept.incidentGroups).toHaveLength(3);
  expect(kept.priority).toBe('High');

  // A batch: each incident gets its own groups.
  const batch = await admin.post('/api/v1/incidents', {
    incidents: [incident({ rules: ['Other Rule'] }), incident({ rules: ['Other Rule'], user: { name: 'Al', email: 'al@corp.example', department: 'Ops' } })],
  });
  const ids = batch.json().results.map((r: { id: number }) => r.id);
  const listed = (await admin.get(`/api/v1/incidents?${WIDE}&incidentGroup=${fallback.id}&pageSize=100`)).json();
  expect(listed.items.map((i: { id: number }) => i.id)).toContain(ids[1]);
  expect(listed.items.map((i: { id: number }) => i.id)).not.toContain(ids[0]);
  expect(listed.items.every((i: { incidentGroups: { id: number }[] }) => i.incidentGroups.some((g) => g.id === fallback.id))).toBe(true);
  const excluded = (await admin.get(`/api/v1/incidents?${WIDE}&incidentGroup=${fallback.id}&exclude=incidentGroup&pageSize=100`)).json();
  expect(excluded.items.map((i: { id: number }) => i.id)).toContain(ids[0]);
  expect(excluded.items.map((i: { id: number }) => i.id)).not.toContain(ids[1]);
  expect((await admin.get('/api/v1/incidents/filter-options')).json().incidentGroups).toEqual(
    expect.arrayContaining([{ id: fallback.id, name: 'Everything Else' }]),
  );
  await clearMappings();
});

it('the workflow evaluation after ingestion sees the priority the groups derived', async () => {
  await clearMappings();
  for (const m of (await admin.get('/api/v1/workflow-mappings')).json().items) await admin.delete(`/api/v1/workflow-mappings/${m.id}`);
  const vip = await group('VIP Users');
  await admin.post(M, { groupIds: [vip.id], condition: { type: 'predicate', property: 'userEmail', operation: 'EQUALS', value: 'ceo@corp.example' } });
  await admin.put('/api/v1/priorities', { items: [{ groupId: vip.id, priority: 'Critical' }] });
  const wf = (await admin.post('/api/v1/workflows', { template: 'auto_close', name: 'Close critical', settings: { close: { notes: 'critical' } } })).json();
  const mapped = await admin.post('/api/v1/workflow-mappings', {
    workflowId: wf.id,
    sourceDlpType: 'Any',
    condition: { type: 'predicate', property: 'priority', operation: 'EQUALS', value: 'Critical' },
  });
  expect(mapped.statusCode, mapped.body).toBe(201);
  const ceo = await ingest({ severity: 'Low', user: { name: 'CEO', email: 'ceo@corp.example', department: 'Board' } });
  const other = await ingest({ severity: 'Low', user: { name: 'Bo', email: 'bo@corp.example', department: 'Board' } });
  expect(ceo.priority).toBe('Critical');
  await runJobs(t, 2);
  expect((await admin.get(`/api/v1/incidents/${ceo.id}`)).json().status).toBe('Resolved');
  expect((await admin.get(`/api/v1/incidents/${other.id}`)).json().status).toBe('New');
  for (const m of (await admin.get('/api/v1/workflow-mappings')).json().items) await admin.delete(`/api/v1/workflow-mappings/${m.id}`);
  await clearMappings();
});
