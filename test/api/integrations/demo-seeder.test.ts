import { expect, it } from 'vitest';
import type { TestApp } from '../../helpers/test-app.js';
import { fullPermissions } from '../../../src/platform/permissions.js';
import { systemPrincipal } from '../../../src/platform/principal.js';
import { seedDemoIntegrations } from '../../../src/modules/integrations/demo.js';
import type { DemoSandbox } from '../../../src/platform/module.js';
import { sandbox, withSandbox, type Sandbox } from './helpers.js';

let t: TestApp;
let sb: Sandbox;

withSandbox((a) => ({ t, sb } = a));

it('connects ServiceNow and Jira to the sandbox with a mapped project, idempotently (also after the sandbox moves)', async () => {
  const actor = systemPrincipal(t.orgId, fullPermissions());
  const lines = await seedDemoIntegrations(t.ctx.integrations, actor, sb as unknown as DemoSandbox);
  expect(lines[0]).toContain('snowtest');
  const check = async () => {
    const list = await t.ctx.integrations.list(t.orgId);
    expect(list.map((i) => [i.name, i.type, i.status])).toEqual([
      ['jiratest', 'jira_cloud', 'Active'],
      ['snowtest', 'servicenow', 'Active'],
    ]);
    const jira = list.find((i) => i.type === 'jira_cloud')!;
    const sec = (await t.ctx.integrations.projects(t.orgId, jira.id)).find((p) => p.key === 'SEC')!;
    expect(sec.completeStatus?.name).toBe('Done');
    expect(sec.autoSync).toEqual({ enabled: true, reason: null });
    expect(sec.mappedIssueTypes.map((m) => m.name).sort()).toEqual(['Security Incident', 'Task']);
    return list;
  };
  const first = await check();
  await seedDemoIntegrations(t.ctx.integrations, actor, sb as unknown as DemoSandbox);
  expect((await check()).map((i) => i.id)).toEqual(first.map((i) => i.id));

  // A demo restart: a new sandbox on new ports, same database.
  const moved = await sandbox();
  try {
    await seedDemoIntegrations(t.ctx.integrations, actor, moved as unknown as DemoSandbox);
    const list = await check();
    expect(list.find((i) => i.type === 'servicenow')!.baseUrl).toBe(moved.servicenowUrl);
  } finally {
    await moved.close();
  }
});
