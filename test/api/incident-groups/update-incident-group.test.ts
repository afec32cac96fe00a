import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../helpers/test-app.js';
import { incident } from '../incidents/helpers.js';

let t: TestApp;
let admin: Session;
let groups: { payments: number; legal: number; misc: number };
beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login(t.admin.email);
  const add = async (name: string) => {
    const res = await admin.post('/api/v1/incident-groups', { type: 'Team', name });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as number;
  };
  groups = { payments: await add('Payments'), legal: await add('Legal'), misc: await add('Misc') };
  const saved = await admin.put('/api/v1/priorities', {
    items: [
      { groupId: groups.payments, priority: 'Medium' },
      { groupId: groups.legal, priority: 'Critical' },
    ],
  });
  expect(saved.statusCode, saved.body).toBe(200);
});
afterAll(async () => {
  await t?.close();
});

const url = (id: number) => `/api/v1/incidents/${id}/incident-groups`;
const BULK = '/api/v1/incidents/bulk/incident-groups';

/** An incident ingested with the given priority (no mapping statements: it starts in no group). */
async function create(priority: 'Low' | 'Medium' | 'High' | 'Critical' = 'Low'): Promise<number> {
  const res = await admin.post('/api/v1/incidents', incident({ priority }));
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

async function detail(id: number, s = admin) {
  return (await s.get(`/api/v1/incidents/${id}`)).json() as {
    priority: string;
    lastChange: string | null;
    incidentGroups: { id: number; name: string }[];
    events: { action: string; comment: string; changedBy: string; state: string }[];
  };
}

async function audits() {
  return t.ctx.db
    .selectFrom('audit_log')
    .select(['action', 'module', 'resource', 'resource_id', 'change_notes', 'before_json', 'after_json'])
    .where('org_id', '=', t.orgId)
    .where('resource', '=', 'Incident')
    .orderBy('id')
    .execute();
}

/** What a refused request must leave as it was. */
async function snapshot(ids: number[]) {
  return {
    incidents: await Promise.all(ids.map((id) => detail(id))),
    audits: (await audits()).length,
    members: await t.ctx.db
      .selectFrom('incident_group_members')
      .select(['incident_id', 'group_id'])
      .where('org_id', '=', t.orgId)
      .orderBy('incident_id')
      .orderBy('group_id')
      .execute(),
  };
}

describe('Update Incident Group', () => {
  it('sets exactly the chosen groups, re-derives the priority (highest wins), writes State Changes and the audit log', async () => {
    const id = await create('Low');
    expect((await detail(id)).incidentGroups).toEqual([]);

    let res = await admin.post(url(id), { groupIds: [groups.payments, groups.misc], notes: 'triage' });
    expect(res.statusCode, res.body).toBe(200);
    let d = res.json();
    expect(d.incidentGroups.map((g: { name: string }) => g.name)).toEqual(['Misc', 'Payments']);
    expect(d.priority).toBe('Medium');
    expect(d.status).toBe('New');
    expect(d.lastChange).toBe('Incident groups changed from none to Misc, Payments. Priority changed from Low to Medium');
    expect(d.events[0]).toMatchObject({
      action: 'incident-groups',
      state: 'New',
      changedBy: t.admin.email,
      comment: 'Incident groups changed from none to Misc, Payments. Priority changed from Low to Medium. Notes: triage',
    });

    // Replacing, not adding: Misc and Payments go, Legal (Critical) comes and wins.
    res = await admin.post(url(id), { groupIds: [groups.legal] });
    expect(res.statusCode, res.body).toBe(200);
    d = res.json();
    expect(d.incidentGroups.map((g: { name: string }) => g.name)).toEqual(['Legal']);
    expect(d.priority).toBe('Critical');
    expect(d.events[0].comment).toBe('Incident groups changed from Misc, Payments to Legal. Priority changed from Medium to Critical');

    // A group without a priority: the current priority stays.
    res = await admin.post(url(id), { groupIds: [groups.misc] });
    d = res.json();
    expect(d.priority).toBe('Critical');
    expect(d.events[0].comment).toBe('Incident groups changed from Legal to Misc');

    // The list and its Incident Group filter see the new membership.
    const listed = (
      await admin.get(`/api/v1/incidents?incidentGroup=${groups.misc}&searchMode=transactionId&search=${encodeURIComponent(d.transactionId)}`)
    ).json();
    expect(listed.items.map((i: { id: number }) => i.id)).toEqual([id]);

    const a = (await audits()).filter((r) => r.resource_id === String(id));
    expect(a).toHaveLength(3);
    expect(a[0]).toMatchObject({ action: 'Update', module: 'Incident Groups', resource: 'Incident' });
    expect(a[0].change_notes).toBe(`Set the incident groups of incident ${d.transactionId} to Misc, Payments`);
    expect(JSON.parse(a[1].before_json!)).toEqual({ incidentGroups: ['Misc', 'Payments'], priority: 'Medium' });
    expect(JSON.parse(a[1].after_json!)).toEqual({ incidentGroups: ['Legal'], priority: 'Critical' });
  });

  it('a priority lower than the current one still wins: the groups decide', async () => {
    const id = await create('High');
    const d = (await admin.post(url(id), { groupIds: [groups.payments] })).json();
    expect(d.priority).toBe('Medium');
  });

  it('refuses bad input with a 4xx naming the problem and changes nothing', async () => {
    const id = await create('Low');
    expect((await admin.post(url(id), { groupIds: [groups.payments] })).statusCode).toBe(200);
    const other = await t.newOrg();
    const foreign = (await other.session.post('/api/v1/incident-groups', { type: 'Team', name: 'Elsewhere' })).json().id as number;
    const before = await snapshot([id]);

    const cases: [unknown, number, RegExp][] = [
      [{ groupIds: [] }, 400, /at least one incident group/],
      [{}, 400, /groupIds/],
      [{ groupIds: [groups.legal, foreign] }, 400, new RegExp(`groupIds\\.1: incident group ${foreign} does not exist in your organization`)],
      [{ groupIds: [999_999] }, 400, /does not exist/],
      [{ groupIds: [groups.legal, groups.legal] }, 400, /listed once/],
      [{ groupIds: ['x'] }, 400, /groupIds/],
      [{ groupIds: [groups.legal], extra: 1 }, 400, /extra/],
      [{ groupIds: [groups.legal], notes: 'a\u0000b' }, 400, /notes/],
    ];
    for (const [body, status, message] of cases) {
      const res = await admin.post(url(id), body);
      expect(res.statusCode, JSON.stringify(body)).toBe(status);
      expect(res.json().error.message, JSON.stringify(body)).toMatch(message);
    }
    // Another org's incident, and one that does not exist: 404.
    const theirs = (await other.session.post('/api/v1/incidents', incident())).json().id as number;
    expect((await admin.post(url(theirs), { groupIds: [groups.legal] })).statusCode).toBe(404);
    expect((await other.session.post(url(id), { groupIds: [foreign] })).statusCode).toBe(404);
    expect((await admin.post(url(2_000_000_000), { groupIds: [groups.legal] })).statusCode).toBe(404);
    expect(await snapshot([id])).toEqual(before);
  });

  it('needs Incidents edit, like the other actions', async () => {
    const id = await create();
    const before = await snapshot([id]);
    const viewer = await t.sessionWith({ Incidents: 'view', 'Incident Group and Mappings': 'edit' });
    expect((await viewer.post(url(id), { groupIds: [groups.legal] })).statusCode).toBe(403);
    expect((await viewer.post(BULK, { ids: [id], groupIds: [groups.legal] })).statusCode).toBe(403);
    expect(await snapshot([id])).toEqual(before);
    const editor = await t.sessionWith({ Incidents: 'edit' });
    const res = await editor.post(url(id), { groupIds: [groups.legal] });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().priority).toBe('Critical');
  });

  it('bulk: the same groups on every selected incident, a result per id, each with its own State Changes entry', async () => {
    const a = await create('Low');
    const b = await create('Critical');
    const other = await t.newOrg();
    const theirs = (await other.session.post('/api/v1/incidents', incident())).json().id as number;
    await admin.post(url(b), { groupIds: [groups.legal] });

    const res = await admin.post(BULK, { ids: [a, b, theirs, a], groupIds: [groups.payments, groups.misc], notes: 'bulk' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      succeeded: 2,
      failed: 1,
      results: [
        { id: a, ok: true },
        { id: b, ok: true },
        { id: theirs, ok: false, error: { code: 'not_found', message: expect.any(String) } },
      ],
    });
    const [da, db] = [await detail(a), await detail(b)];
    expect(da.incidentGroups.map((g) => g.name)).toEqual(['Misc', 'Payments']);
    expect(db.incidentGroups.map((g) => g.name)).toEqual(['Misc', 'Payments']);
    expect(da.priority).toBe('Medium');
    expect(db.priority).toBe('Medium');
    expect(da.events[0].comment).toBe('Incident groups changed from none to Misc, Payments. Priority changed from Low to Medium. Notes: bulk');
    expect(db.events[0].comment).toBe('Incident groups changed from Legal to Misc, Payments. Priority changed from Critical to Medium. Notes: bulk');
    // The other org's incident is untouched.
    expect((await other.session.get(`/api/v1/incidents/${theirs}`)).json().incidentGroups).toEqual([]);
    expect((await audits()).filter((r) => [String(a), String(b)].includes(r.resource_id!)).length).toBe(3);

    // A bad group refuses the whole request; nothing changes.
    const before = await snapshot([a, b]);
    const bad = await admin.post(BULK, { ids: [a, b], groupIds: [groups.legal, 999_999] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/groupIds\.1: incident group 999999 does not exist/);
    expect((await admin.post(BULK, { ids: [], groupIds: [groups.legal] })).statusCode).toBe(400);
    expect((await admin.post(BULK, { ids: [a], groupIds: [] })).statusCode).toBe(400);
    expect(await snapshot([a, b])).toEqual(before);
  });

  it("concurrent updates of one incident leave exactly one request's groups, never a mix", async () => {
    const id = await create();
    const sets = [[groups.payments], [groups.legal], [groups.misc], [groups.payments, groups.legal]];
    for (let round = 0; round < 5; round++) {
      const answers = await Promise.all(sets.map((groupIds) => admin.post(url(id), { groupIds })));
      expect(answers.map((r) => r.statusCode)).toEqual([200, 200, 200, 200]);
      const now = (await detail(id)).incidentGroups.map((g) => g.id).sort((a, b) => a - b);
      expect(sets.map((s) => [...s].sort((a, b) => a - b))).toContainEqual(now);
    }
  });

  it('is in the OpenAPI document under Incidents', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(doc.paths['/api/v1/incidents/{id}/incident-groups'].post.tags).toEqual(['Incidents']);
    expect(doc.paths['/api/v1/incidents/bulk/incident-groups'].post.requestBody).toBeDefined();
  });
});
