import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';
import { seedDemoIntegrationUsers } from '../../../src/modules/integration-users/demo.js';
import { fullPermissions } from '../../../src/platform/permissions.js';
import { systemPrincipal } from '../../../src/platform/principal.js';
import { connectBoth, rowCount, startTestSandbox, type Sandbox } from './helpers.js';

let t: TestApp;
let sb: Sandbox;
beforeAll(async () => {
  sb = await startTestSandbox();
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
  await sb?.close();
});

it('the demo seeder adds one user per integration, lists emails to try, and is idempotent', async () => {
  await connectBoth(await t.login(t.admin.email), sb);
  const actor = systemPrincipal(t.orgId, fullPermissions());
  const lines = await seedDemoIntegrationUsers(t.ctx.integrationUsers, actor);
  expect(lines.join('\n')).toMatch(/hidden email: hidden\.user@example\.com/);
  expect(lines.join('\n')).toMatch(/inactive: ivan\.inactive@example\.com/);
  expect(await rowCount(t)).toBe(2);
  await seedDemoIntegrationUsers(t.ctx.integrationUsers, actor);
  expect(await rowCount(t)).toBe(2);
});
