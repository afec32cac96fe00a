import { afterAll, beforeAll, expect, it } from 'vitest';
import { seedDemoIncidentGroups } from '../../../src/modules/incident-groups/demo.js';
import { seedDemoIncidents } from '../../../src/modules/incidents/generator.js';
import { seedDemoLabels } from '../../../src/modules/labels/demo.js';
import { fullPermissions } from '../../../src/platform/permissions.js';
import { systemPrincipal } from '../../../src/platform/principal.js';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

it('the demo adds groups, statements, a default group and priorities, then puts the demo incidents (seeded before it) in their groups, once', async () => {
  const actor = systemPrincipal(t.orgId, fullPermissions());
  await seedDemoLabels(t.ctx.labels, actor);
  await seedDemoIncidents(t.ctx.incidents, actor);
  await seedDemoIncidentGroups(t.ctx.incidentGroups, actor);
  const s = await t.login(t.admin.email);
  expect((await s.get('/api/v1/priorities')).json().items.map((p: { groupName: string; priority: string }) => `${p.groupName}=${p.priority}`)).toEqual([
    'Critical Data=Critical',
    'Finance=High',
    'Human Resources=Medium',
  ]);
  const groupsOf = async () => {
    const rows = await t.ctx.db
      .selectFrom('incidents as i')
      .leftJoin('incident_group_members as m', 'm.incident_id', 'i.id')
      .leftJoin('incident_groups as g', 'g.id', 'm.group_id')
      .select(['i.id', 'i.department', 'i.severity', 'i.priority', 'g.name'])
      .where('i.org_id', '=', t.orgId)
      .execute();
    return rows;
  };
  const rows = await groupsOf();
  const ids = new Set(rows.map((r) => r.id));
  // Every incident is in a group (the default catches the rest); Finance incidents are in Finance and at least High.
  expect(rows.filter((r) => r.name === null)).toEqual([]);
  const finance = rows.filter((r) => r.department === 'Finance');
  expect(finance.length).toBeGreaterThan(0);
  expect(finance.every((r) => rows.some((x) => x.id === r.id && x.name === 'Finance'))).toBe(true);
  expect(finance.every((r) => r.priority >= 2)).toBe(true);
  expect(rows.filter((r) => r.name === 'General').every((r) => r.department !== 'Finance' && r.department !== 'Human Resources' && r.severity !== 4)).toBe(
    true,
  );
  // Idempotent: a second run adds nothing.
  await seedDemoIncidentGroups(t.ctx.incidentGroups, actor);
  expect((await s.get('/api/v1/incident-groups')).json().total).toBe(4);
  expect((await groupsOf()).length).toBe(rows.length);
  expect(ids.size).toBeGreaterThan(300);
}, 120_000);
