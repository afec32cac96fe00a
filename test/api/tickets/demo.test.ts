import { afterAll, beforeAll, expect, it } from 'vitest';
import { seedDemoTickets } from '../../../src/modules/tickets/demo.js';
import { fullPermissions } from '../../../src/platform/permissions.js';
import { systemPrincipal } from '../../../src/platform/principal.js';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';
import { count, newIncident, noWait, runJobs, setUp, startTestSandbox, type Sandbox } from './helpers.js';

let t: TestApp;
let sb: Sandbox;
beforeAll(async () => {
  sb = await startTestSandbox();
  t = await createTestApp();
  noWait(t);
});
afterAll(async () => {
  await t?.close();
  await sb?.close();
});

it('the demo seeds tickets in each state against the sandbox, once', async () => {
  await setUp(t, sb);
  for (let i = 0; i < 6; i++) await newIncident(t);
  const actor = systemPrincipal(t.orgId, fullPermissions());
  const lines = await seedDemoTickets(t.ctx.tickets, actor, sb as never);
  expect(lines.join('\n')).toMatch(/open, INC\d+ closed, one failed \(.*Data Classification is required/);
  const states = (await t.ctx.db.selectFrom('tickets').select('state').execute()).map((r) => r.state).sort();
  expect(states).toEqual(['closed', 'creating', 'failed', 'open', 'open']);
  const closed = await t.ctx.db.selectFrom('tickets').selectAll().where('state', '=', 'closed').executeTakeFirstOrThrow();
  expect(sb.state.servicenow.incidents.find((i) => i.number === closed.external_key)?.state).toBe('6');
  expect(await seedDemoTickets(t.ctx.tickets, actor, sb as never)).toEqual([]);
  expect(await count(t, 'tickets')).toBe(5);
  await runJobs(t);
  expect((await t.ctx.db.selectFrom('tickets').select('state').execute()).map((r) => r.state).sort()).toEqual(['closed', 'failed', 'open', 'open', 'open']);
});
