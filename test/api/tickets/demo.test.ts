import { expect, it } from 'vitest';
import { seedDemoTickets } from '../../../src/modules/tickets/demo.js';
import { fullPermissions } from '../../../src/platform/permissions.js';
import { systemPrincipal } from '../../../src/platform/principal.js';
import type { TestApp } from '../../helpers/test-app.js';
import { withSandbox } from '../integrations/helpers.js';
import { count, newIncident, runJobs, setUp, type Sandbox } from './helpers.js';

let t: TestApp;
let sb: Sandbox;
withSandbox((a) => ({ t, sb } = a));

it('the demo seeds tickets in each state against the sandbox, once', async () => {
  await setUp(t, sb);
  for (let i = 0; i < 6; i++) await newIncident(t);
  const actor = systemPrincipal(t.orgId, fullPermissions());
  const lines = await seedDemoTickets(t.ctx.tickets, actor, sb as never);
  expect(lines.join('\n')).toMatch(/open, INC\d+ closed, one failed \(.*cannot be assigned issues/);
  const states = (await t.ctx.db.selectFrom('tickets').select('state').execute()).map((r) => r.state).sort();
  expect(states).toEqual(['closed', 'creating', 'failed', 'open', 'open']);
  const closed = await t.ctx.db.selectFrom('tickets').selectAll().where('state', '=', 'closed').executeTakeFirstOrThrow();
  expect(sb.state.servicenow.incidents.find((i) => i.number === closed.external_key)?.state).toBe('6');
  expect(await seedDemoTickets(t.ctx.tickets, actor, sb as never)).toEqual([]);
  expect(await count(t, 'tickets')).toBe(5);
  await runJobs(t);
  expect((await t.ctx.db.selectFrom('tickets').select('state').execute()).map((r) => r.state).sort()).toEqual(['closed', 'failed', 'open', 'open', 'open']);
});
