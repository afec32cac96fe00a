/**
 * The tour of the app that the page-wide checks (axe-core, sideways scrolling) walk at each width:
 * every page of the left navigation, the pages reached from them (Incident Details, Integration
 * Details with a Jira account's projects, Workflow Settings, both Notification Center tabs) and
 * the main dialogs (Incident Groups, their mappings and Custom Email Domains included), each with data in it. `seedTour` fills an org with that data once; `walkTour` visits each state and hands it to
 * the check, which looks at the page as it is.
 */
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import type { Sandbox } from '../../src/sandbox/index.js';
import { generateBatch } from '../../src/modules/incidents/generator.js';
import type { ApiClient, E2E } from './harness.js';

export const TOUR_PREFIX = 'TOUR';
export const TOUR_JIRA = 'jira-tour';

/**
 * Incidents of this week (so the default "Current Week" range shows them), a Jira account with its
 * projects and an integration user (so Actions → Ticket is offered), a label, a workflow mapped by
 * a statement. Needs the server started with WFA_ALLOW_PRIVATE_TARGETS (the sandbox is local).
 */
export async function seedTour(api: ApiClient, serverUrl: string, sb: Sandbox): Promise<void> {
  const roles = (await api.get<{ items: { id: number; name: string }[] }>('/roles')).items;
  const { key } = await api.post<{ key: string }>('/api-keys', { name: 'Tour DLP engine', roleId: roles.find((r) => r.name === 'DLP Super Admin')!.id });
  const now = new Date();
  const weekStart = new Date(now.getFullYear(), now.getMonth(), now.getDate() - now.getDay());
  const from = new Date(Math.max(weekStart.getTime(), now.getTime() - 3 * 3600_000));
  const res = await fetch(`${serverUrl}/api/v1/incidents`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ incidents: generateBatch({ count: 30, from, to: now, prefix: TOUR_PREFIX, seed: 7 }) }),
  });
  expect(res.status).toBe(200);

  const jira = await api.post<{ id: number }>('/integrations', {
    type: 'jira_cloud',
    name: TOUR_JIRA,
    baseUrl: sb.jiraUrl,
    credentials: { email: sb.credentials.jira.email, apiToken: sb.credentials.jira.apiToken },
  });
  await api.post(`/integrations/${jira.id}/projects/sync`);
  await api.post('/integration-users', { integrationId: jira.id, email: 'fred@example.com' });

  await api.post('/labels', { name: 'Tour Region', values: ['EMEA', 'Americas'] });
  const workflow = await api.post<{ id: number }>('/workflows', {
    template: 'auto_close',
    name: 'Tour close bot noise',
    settings: { close: { falsePositive: true } },
  });
  // A statement no tour incident matches: a workflow that closed them all would take Close
  // Incident and Escalate out of the Actions menu the tour opens (a race with the worker).
  await api.post('/workflow-mappings', {
    workflowId: workflow.id,
    sourceDlpType: 'Any',
    condition: { type: 'predicate', property: 'department', operation: 'EQUALS', value: 'Tour nobody' },
  });

  const group = await api.post<{ id: number }>('/incident-groups', { type: 'Department', name: 'Tour Finance', description: 'Finance incidents' });
  await api.post('/incident-group-mappings', {
    groupIds: [group.id],
    sourceDlpType: 'Any',
    condition: { type: 'predicate', property: 'severity', operation: 'EQUALS', value: 'High' },
  });
  await api.put('/priorities', { items: [{ groupId: group.id, priority: 'High' }] });
}

/**
 * Visits every state of the tour at the page's width and awaits `check(state)` in each, with the
 * page loaded (its h1 shown, the network quiet) or the dialog open and done animating.
 */
export async function walkTour(h: E2E, page: Page, check: (state: string) => Promise<void>): Promise<void> {
  const narrow = (page.viewportSize()?.width ?? 1280) < 768;
  const loaded = async () => {
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    await page.waitForLoadState('networkidle');
  };
  const visit = async (path: string) => {
    await page.goto(path);
    await loaded();
    await check(path);
  };
  const dialog = async (name: string | RegExp, open: () => Promise<void>, state = String(name)) => {
    await open();
    await page.getByRole('dialog', { name }).waitFor();
    await page.waitForLoadState('networkidle');
    await h.settled(page);
    await check(state);
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
  };
  const button = (name: string) => () => page.getByRole('button', { name, exact: true }).first().click();

  // Every page of the navigation (its links, read from the drawer on a phone).
  await page.goto('/incidents');
  await loaded();
  if (narrow) await page.getByRole('button', { name: 'Toggle navigation' }).click();
  await h.navLabels(page);
  const hrefs = await page
    .getByRole('navigation', { name: 'Main navigation' })
    .getByRole('link')
    .evaluateAll((as) => as.map((a) => a.getAttribute('href')!));
  expect(hrefs).toContain('/setup/labels');
  for (const href of hrefs) await visit(href);

  // Incidents with rows, its Filters window, Incident Details and the dialogs of its Actions menu.
  await page.goto('/incidents');
  const first = page.getByRole('link', { name: new RegExp(`^${TOUR_PREFIX}`) }).first();
  await first.waitFor();
  await page.waitForLoadState('networkidle');
  await check('/incidents with rows');
  await dialog('Filters', button('Filters'));
  await first.click();
  await page.waitForURL((u) => /^\/incidents\/\d+/.test(u.pathname));
  await loaded();
  await check('Incident Details');
  const action = (item: string) => async () => {
    await page.getByRole('button', { name: 'Actions', exact: true }).click();
    await page.getByRole('menuitem', { name: item, exact: true }).click();
  };
  for (const item of ['Close Incident', 'Notify User', 'Escalate', 'Ticket', 'Update Incident Group']) await dialog(item, action(item));

  await visit('/notifications');
  await page.getByRole('tab', { name: 'Deliveries' }).click();
  await page.waitForLoadState('networkidle');
  await check('/notifications Deliveries');

  await visit('/setup/admins');
  await dialog('Add Admin', button('Add Admin'));
  await visit('/setup/api-keys');
  await dialog('Create API Key', button('Create API Key'));
  await visit('/setup/labels');
  await dialog('Add Label', () => page.getByTestId('add-label').click());

  await visit('/setup/integrations');
  await page.getByText('List View').click();
  await page
    .getByRole('table', { name: 'Integrations' })
    .or(page.getByRole('list', { name: 'Integrations' }))
    .waitFor();
  await check('/setup/integrations List View');
  await visit('/setup/integrations/jira_cloud');
  await page.getByRole('button', { name: `Expand ${TOUR_JIRA}` }).click();
  await page.getByTestId('project-SEC').waitFor();
  await page.waitForLoadState('networkidle');
  await check('Jira account with its projects');
  await dialog(/Connect/, () => page.getByTestId('connect-account').click(), 'Connect Account');

  await visit('/setup/integration-users');
  await dialog('Add User', button('Add More'));
  await dialog('Import CSV', button('Import CSV'), 'Import CSV (Integration Users)');
  await visit('/setup/user-attributes');
  await dialog('Import CSV', () => page.getByTestId('import-attributes').click(), 'Import CSV wizard (User Attributes)');
  await visit('/setup/template-mappings');
  await dialog('Add Mapping', button('Add Mapping'), 'Add Template Mapping');

  await visit('/setup/incident-groups');
  await dialog('Add Incident Group', button('Add Incident Group'));
  await visit('/setup/incident-group-mappings');
  await dialog('Add Statement', () => page.getByTestId('add-group-statement').click(), 'Add Statement (Incident Group Mappings)');
  await visit('/setup/email-domains');
  await dialog('Add Domain', button('Add Domain'));

  await visit('/workflow-mappings');
  await dialog('Add Statement', () => page.getByTestId('add-statement').click());
  await visit('/workflows');
  await page.getByTestId('add-predefined-workflow').click();
  await page.getByRole('menu').waitFor();
  await check('Add Pre-defined Workflow menu');
  await page.getByRole('menuitem').first().click();
  await page.waitForURL((u) => u.pathname.startsWith('/workflows/new/'));
  await loaded();
  await check('Add Workflow (Workflow Settings)');
}
