/**
 * No sideways scrolling (issue #10, "Done when"): every page in the navigation and the main
 * dialogs, with realistic data, at 1280 px and 400 px. At 1280 px nothing may scroll sideways, not
 * even a table inside its own scroll region (the Incidents table must fit by default). At 400 px
 * the page itself never does; only a data table may, inside its own scroll region that shows a
 * "Scroll sideways" cue and takes the keyboard's focus. Selects in the
 * Required Fields Mappings dialog must show their whole value (not "Nor…").
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { generateBatch } from '../../src/modules/incidents/generator.js';
import { describeE2E, type ApiClient } from './harness.js';

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await sb?.close();
});

/**
 * What scrolls sideways on the page: the document itself, or any element whose content is wider
 * than its box and that lets it scroll. `tablesMayScroll` spares scroll regions that hold a table
 * and show their cue.
 */
function sidewaysScrollers(page: Page, tablesMayScroll: boolean): Promise<string[]> {
  // A string, because the test project has no DOM types; it runs in the page.
  return page.evaluate(`(() => {
    const found = [];
    const root = document.scrollingElement;
    if (root.scrollWidth > root.clientWidth + 1) found.push('the page (' + root.scrollWidth + ' px in ' + root.clientWidth + ' px)');
    for (const el of document.querySelectorAll('body *')) {
      if (el.scrollWidth <= el.clientWidth + 1) continue;
      if (!['auto', 'scroll'].includes(getComputedStyle(el).overflowX)) continue;
      if (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA') continue;
      // A table may scroll in its own region at narrow widths, if the region says so where it can be seen.
      const cue = el.hasAttribute('data-scroll-region') && el.parentElement.querySelector('[data-scroll-cue]');
      if (${tablesMayScroll} && el.querySelector('table') && cue && cue.offsetParent && el.getAttribute('tabindex') === '0') continue;
      const name = el.getAttribute('aria-label') || el.querySelector('table')?.getAttribute('aria-label') || String(el.className) || el.tagName;
      // For a table, each column's width says which ones to narrow.
      const cols = [...el.querySelectorAll('th')].map((th) => (th.textContent.trim() || '□') + ' ' + Math.round(th.getBoundingClientRect().width));
      found.push(name + ' (' + el.scrollWidth + ' px in ' + el.clientWidth + ' px' + (cols.length ? ': ' + cols.join(', ') : '') + ')');
    }
    return found;
  })()`);
}

/** Inputs in the locator whose value is wider than the box (shown cut off, e.g. "Nor…"). */
function cutInputs(page: Page, selector: string): Promise<string[]> {
  return page.evaluate(`[...document.querySelectorAll(${JSON.stringify(selector)})]
    .filter((i) => i.value && i.offsetParent && i.scrollWidth > i.clientWidth + 1)
    .map((i) => i.getAttribute('aria-label') + ': ' + i.value)`);
}

describeE2E(
  'no sideways scrolling',
  (h) => {
    let api: ApiClient;

    beforeAll(async () => {
      api = await h.api();
      const roles = (await api.get<{ items: { id: number; name: string }[] }>('/roles')).items;
      const roleId = roles.find((r) => r.name === 'DLP Super Admin')!.id;
      const { key } = await api.post<{ key: string }>('/api-keys', { name: 'Sideways DLP engine', roleId });
      const now = new Date();
      const weekStart = new Date(now.getFullYear(), now.getMonth(), now.getDate() - now.getDay());
      const from = new Date(Math.max(weekStart.getTime(), now.getTime() - 3 * 3600_000));
      const res = await fetch(`${h.server.url}/api/v1/incidents`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ incidents: generateBatch({ count: 30, from, to: now, prefix: 'SIDEWAYS', seed: 7 }) }),
      });
      expect(res.status).toBe(200);

      const jira = await api.post<{ id: number }>('/integrations', {
        type: 'jira_cloud',
        name: 'jira-sideways',
        baseUrl: sb.jiraUrl,
        credentials: { email: sb.credentials.jira.email, apiToken: sb.credentials.jira.apiToken },
      });
      await api.post(`/integrations/${jira.id}/projects/sync`);
      await api.post('/integration-users', { integrationId: jira.id, email: 'fred@example.com' });
    });

    for (const width of [1280, 400]) {
      it(`no page or main dialog scrolls sideways at ${width} px`, async () => {
        const page = await h.newPage({ width, height: 900 });
        await h.login(page);
        const problems: string[] = [];
        const check = async (where: string) => {
          await h.settled(page);
          for (const p of await sidewaysScrollers(page, width < 768)) problems.push(`${where}: ${p}`);
        };
        const closeDialog = async () => {
          await page.keyboard.press('Escape');
          await page.getByRole('dialog').waitFor({ state: 'detached' });
        };

        // Every page of the navigation (the drawer closes on navigation at 400 px).
        const toggle = page.getByRole('button', { name: 'Toggle navigation' });
        if (width < 768) await toggle.click();
        const labels = await h.navLabels(page);
        expect(labels).toContain('Incidents');
        const hrefs = await page
          .getByRole('navigation', { name: 'Main navigation' })
          .getByRole('link')
          .evaluateAll((as) => as.map((a) => a.getAttribute('href')!));
        for (const href of hrefs) {
          await page.goto(href);
          await page.getByRole('heading', { level: 1 }).first().waitFor();
          await page.waitForLoadState('networkidle');
          await check(href);
        }

        // Incidents, with its rows, and its Filters window.
        await page.goto('/incidents');
        await page
          .getByRole('link', { name: /^SIDEWAYS/ })
          .first()
          .waitFor();
        await check('/incidents with rows');
        await page.getByRole('button', { name: 'Filters', exact: true }).click();
        await page.getByRole('dialog').waitFor();
        await check('Incidents > Filters');
        await closeDialog();

        // Integration Users: Add User and Import CSV.
        await page.goto('/setup/integration-users');
        await page.getByText('fred@example.com').first().waitFor();
        await check('/setup/integration-users with rows');
        await page.getByRole('button', { name: 'Add More' }).click();
        await page.getByRole('dialog', { name: 'Add User' }).waitFor();
        await check('Add User');
        await closeDialog();
        await page.getByRole('button', { name: 'Import CSV' }).click();
        await page.getByRole('dialog', { name: 'Import CSV' }).waitFor();
        await check('Import CSV');
        await closeDialog();

        // Jira: the account's projects, Connect Account and Required Fields Mappings.
        await page.goto('/setup/integrations/jira_cloud');
        await page.getByRole('button', { name: 'Expand jira-sideways' }).click();
        await page.getByTestId('project-SEC').waitFor();
        await page.waitForLoadState('networkidle');
        await check('Jira projects');
        await page.getByTestId('connect-account').click();
        await page.getByRole('dialog').waitFor();
        await check('Connect Account');
        await closeDialog();
        await page.getByRole('button', { name: 'Add Field Mapping for Security Incidents' }).click();
        const mapping = page.getByRole('dialog', { name: /Required Fields Mappings/ });
        await mapping.getByTestId('mapping-row-summary').waitFor();
        await check('Required Fields Mappings');
        // Its selects show their whole value: none is cut to "Nor…".
        const cut = await cutInputs(page, '[role=dialog] input');
        expect({ width, cut }).toEqual({ width, cut: [] });
        await closeDialog();

        // Setup dialogs: Add Admin, Create API Key.
        await page.goto('/setup/admins');
        await page.getByRole('button', { name: 'Add Admin' }).click();
        await page.getByRole('dialog', { name: 'Add Admin' }).waitFor();
        await check('Add Admin');
        await closeDialog();
        await page.goto('/setup/api-keys');
        await page.getByRole('button', { name: 'Create API Key' }).click();
        await page.getByRole('dialog', { name: 'Create API Key' }).waitFor();
        await check('Create API Key');
        await closeDialog();

        expect({ width, problems }).toEqual({ width, problems: [] });
      });
    }
  },
  // The sandbox's Jira listens on plain http on 127.0.0.1.
  { env: { WFA_ALLOW_PRIVATE_TARGETS: 'true' } },
);
