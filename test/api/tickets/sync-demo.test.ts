import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { seedDemoIntegrations } from '../../../src/modules/integrations/demo.js';
import { seedDemoTicketSync } from '../../../src/modules/tickets/sync/demo.js';
import { fullPermissions } from '../../../src/platform/permissions.js';
import { systemPrincipal } from '../../../src/platform/principal.js';
import type { TestApp } from '../../helpers/test-app.js';
import { withSandbox, type Sandbox } from '../integrations/helpers.js';

let t: TestApp;
let sb: Sandbox;
withSandbox((a) => ({ t, sb } = a));

it('the demo has the sandbox push ticket changes here, signed with the stored secret, on every run', async () => {
  const actor = systemPrincipal(t.orgId, fullPermissions());
  await seedDemoIntegrations(t.ctx.integrations, actor, sb as never);
  const lines = await seedDemoTicketSync(t.ctx.ticketSync, t.ctx.integrations, actor, sb as never);
  expect(lines).toHaveLength(2);
  expect(sb.state.webhooks.servicenow?.url).toMatch(/^http:\/\/localhost:8080\/api\/v1\/webhooks\/servicenow\/\d+$/);
  expect(sb.state.webhooks.jira?.url).toMatch(/\/api\/v1\/webhooks\/jira\/\d+$/);
  const first = { ...sb.state.webhooks };
  sb.state.reset(); // a new demo run starts a new sandbox
  expect(await seedDemoTicketSync(t.ctx.ticketSync, t.ctx.integrations, actor, sb as never)).toHaveLength(2);
  expect(sb.state.webhooks.servicenow?.secret).toBe(first.servicenow?.secret);
  const rotations = await sql<{
    n: number;
  }>`select count(*) as n from audit_log where resource = 'Ticket Sync Settings' and change_notes like '%secret%'`.execute(t.ctx.db);
  expect(Number(rotations.rows[0].n)).toBe(2);
  const views = await Promise.all((await t.ctx.integrations.list(t.orgId)).map((i) => t.ctx.ticketSync.view(t.orgId, i.id)));
  expect(views.every((v) => v.webhooksEnabled && v.secretSet && v.secret === null)).toBe(true);
});
