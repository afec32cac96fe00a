import fs from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { describeE2E } from './harness.js';
import { connectJira, connectServiceNow } from './sandbox-accounts.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';

let sb: Sandbox;
const SN = 'Acme ServiceNow';
const JIRA = 'Acme Jira';
let ids: { sn: number; jira: number };

describeE2E(
  'Setup > Integration Users',
  (h) => {
    beforeAll(async () => {
      sb = await startSandbox({ port: 0, host: '127.0.0.1' });
      const api = await h.api();
      const sn = await connectServiceNow(api, sb, SN);
      const jira = await connectJira(api, sb, JIRA);
      ids = { sn: sn.id, jira: jira.id };
    });
    afterAll(async () => {
      await sb?.close();
    });

    async function openAddUser(page: Page) {
      await page.getByRole('button', { name: 'Add More' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add User' });
      await dialog.waitFor();
      return dialog;
    }

    async function goToPage(page: Page) {
      await h.login(page);
      await h.navigate(page, 'Integration Users');
      await page.getByRole('heading', { name: 'Integration Users' }).waitFor();
    }

    it('adds a user exactly as documented', async () => {
      const page = await h.newPage();
      // 1. Go to Setup > Integration Users.
      await goToPage(page);
      await h.see(page, 'No integration users yet');
      // 2. Click Add More. The Add User window appears.
      const dialog = await openAddUser(page);
      // 3.1 Integration: select the tenant.
      await dialog.getByLabel('Integration').selectOption({ label: `${SN} (ServiceNow)` });
      // 3.2 Email: the Name and Username fields appear.
      await dialog.getByLabel('Email').fill('beth.anglin@example.com');
      await expect
        .poll(() =>
          dialog
            .getByLabel('Name', { exact: true })
            .inputValue()
            .catch(() => ''),
        )
        .toBe('Beth Anglin');
      expect(await dialog.getByLabel('Username', { exact: true }).inputValue()).toBe('beth.anglin');
      // 4. Click Add User.
      await dialog.getByRole('button', { name: 'Add User' }).click();
      await dialog.waitFor({ state: 'hidden' });
      // The row, with the four documented columns.
      const table = page.getByRole('table', { name: 'Integration Users' });
      const headers = (await table.getByRole('columnheader').allTextContents()).map((t) => t.replace(/[▲▼↕]/g, '').trim());
      expect(headers).toEqual(expect.arrayContaining(['Name', 'Email ID', 'Integration Type', 'Integration']));
      const row = table.getByRole('row').filter({ hasText: 'beth.anglin@example.com' });
      await row.waitFor();
      const cells = (await row.getByRole('cell').allTextContents()).map((t) => t.trim());
      // ServiceNow stores this address as Beth.Anglin@Example.com; the list shows what the system reports.
      expect(cells.map((c) => c.toLowerCase())).toEqual(expect.arrayContaining(['beth anglin', 'beth.anglin@example.com', 'servicenow', SN.toLowerCase()]));

      // Jira Cloud: Username is the accountId.
      const d2 = await openAddUser(page);
      await d2.getByLabel('Integration').selectOption({ label: `${JIRA} (JiraCloud)` });
      await d2.getByLabel('Email').fill('fred@example.com');
      await expect
        .poll(() =>
          d2
            .getByLabel('Name', { exact: true })
            .inputValue()
            .catch(() => ''),
        )
        .toBe('Fred Example');
      expect(await d2.getByLabel('Username', { exact: true }).inputValue()).toMatch(/^5b10/);
      await d2.getByRole('button', { name: 'Add User' }).click();
      await d2.waitFor({ state: 'hidden' });
      const jiraRow = table.getByRole('row').filter({ hasText: 'fred@example.com' });
      await jiraRow.waitFor();
      expect((await jiraRow.getByRole('cell').allTextContents()).map((t) => t.trim())).toEqual(expect.arrayContaining(['Fred Example', 'JiraCloud', JIRA]));
    });

    it('shows each refusal in its own words', async () => {
      const page = await h.newPage();
      await goToPage(page);
      const dialog = await openAddUser(page);
      const addButton = dialog.getByRole('button', { name: 'Add User' });
      const check = async (integration: string, email: string, text: RegExp) => {
        await dialog.getByLabel('Integration').selectOption({ label: integration });
        await dialog.getByLabel('Email').fill(email);
        await dialog.getByRole('alert').filter({ hasText: text }).waitFor();
        expect(await addButton.isDisabled()).toBe(true);
      };
      await check(`${SN} (ServiceNow)`, 'nobody@example.com', /No user with the email nobody@example.com exists/);
      await check(`${SN} (ServiceNow)`, 'ivan.inactive@example.com', /is inactive in ServiceNow/);
      await check(`${SN} (ServiceNow)`, 'shared.mailbox@example.com', /2 users in .* have the email/);
      await check(`${SN} (ServiceNow)`, 'BETH.anglin@example.com', /is already added/);
      await check(`${JIRA} (JiraCloud)`, 'hidden.user@example.com', /hides the email address/);
      await check(`${JIRA} (JiraCloud)`, 'fred@example.co', /No user with the email fred@example.co exists/);

      await dialog.getByLabel('Email').fill('not-an-email');
      await dialog.getByText('Enter a valid email address, such as jane@example.com.').waitFor();

      sb.state.setFaults('jira', { errorBurst: 1000 });
      try {
        await check(`${JIRA} (JiraCloud)`, 'abel.tuter@example.com', /Could not reach Jira Cloud integration/);
        const link = dialog.getByRole('link', { name: `Open the integration ${JIRA}` });
        expect(await link.getAttribute('href')).toBe(`/setup/integrations/jira_cloud/${ids.jira}`);
      } finally {
        sb.state.clearFaults();
      }
      const account = sb.state.servicenow.users.find((u) => u.user_name === sb.credentials.servicenow.basic.username)!;
      const old = account.password;
      account.password = 'rotated';
      try {
        await check(`${SN} (ServiceNow)`, 'fred.luddy@example.com', /refused our credentials/);
        await dialog.getByRole('link', { name: `Open the integration ${SN}` }).waitFor();
      } finally {
        account.password = old;
      }
    });

    it('verifies, removes, imports and exports', async () => {
      const page = await h.newPage();
      await goToPage(page);
      const table = page.getByRole('table', { name: 'Integration Users' });
      const row = table.getByRole('row').filter({ hasText: 'beth.anglin@example.com' });
      await row.waitFor();

      // Verify now: Beth became inactive in ServiceNow.
      const beth = sb.state.servicenow.users.find((u) => u.user_name === 'beth.anglin')!;
      beth.active = 'false';
      await row.getByRole('button', { name: /Actions for beth.anglin@example.com/i }).click();
      await page.getByRole('menuitem', { name: 'Verify now' }).click();
      await row.getByText('Inactive', { exact: true }).waitFor();
      beth.active = 'true';

      // Bulk: select all on the page, verify selected.
      await table.getByRole('checkbox', { name: 'Select all on this page' }).check();
      await page.getByRole('button', { name: /Verify selected \(2\)/ }).click();
      await h.see(page, /Verified 2 integration users/);
      await row.getByText('Active', { exact: true }).waitFor();

      // Export CSV.
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
      const text = fs.readFileSync((await download.path())!, 'utf8');
      expect(text.split('\r\n')[0]).toMatch(/^Name,Email ID,Integration Type,Integration/);
      expect(text.toLowerCase()).toContain(`beth anglin,beth.anglin@example.com,servicenow,${SN}`.toLowerCase());

      // Remove with confirmation.
      const fred = table.getByRole('row').filter({ hasText: 'fred@example.com' });
      await fred.getByRole('button', { name: /Actions for fred@example.com/ }).click();
      await page.getByRole('menuitem', { name: 'Remove' }).click();
      const confirm = page.getByRole('dialog', { name: 'Remove integration user' });
      await confirm.getByText(/keep their assignee/).waitFor();
      await confirm.getByRole('button', { name: 'Remove' }).click();
      await fred.waitFor({ state: 'detached' });

      // Import CSV with a progress bar and per-row results.
      await page.getByRole('button', { name: 'Import CSV' }).click();
      const imp = page.getByRole('dialog', { name: 'Import CSV' });
      const csv = [
        'email,integration',
        `abel.tuter@example.com,${SN}`,
        `nobody@example.com,${JIRA}`,
        `ivan.inactive@example.com,${JIRA}`,
        `beth.anglin@example.com,${SN}`,
        `x@example.com,Unknown`,
      ].join('\n');
      await imp.locator('input[type=file]').setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
      await imp.getByRole('button', { name: 'Import' }).click();
      await imp.getByRole('progressbar').first().waitFor();
      await imp.getByText(/Import finished: 5 of 5 rows processed/).waitFor({ timeout: 30_000 });
      for (const label of ['Added: 1', 'Not found: 1', 'Inactive: 1', 'Duplicate: 1', 'Error: 1']) await imp.getByText(label).waitFor();
      const results = imp.getByRole('table', { name: 'Import results' });
      await results.getByRole('row').filter({ hasText: 'nobody@example.com' }).getByText('Not found').waitFor();
      // Each row names its own reason (not a bare "Error"), in whole words.
      const unknown = results.getByRole('row').filter({ hasText: 'x@example.com' }).getByText('Unknown integration', { exact: true });
      await unknown.waitFor();
      expect(await unknown.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
      const [resDownload] = await Promise.all([page.waitForEvent('download'), imp.getByRole('link', { name: 'Download results (CSV)' }).click()]);
      const resText = fs.readFileSync((await resDownload.path())!, 'utf8');
      expect(resText).toContain(`abel.tuter@example.com,${SN},added`);
      await imp.getByRole('button', { name: 'Done' }).click();
      await table.getByRole('row').filter({ hasText: 'abel.tuter@example.com' }).waitFor();
    });

    it('a view-only role sees the list without the change buttons', async () => {
      const api = await h.api();
      const role = await api.post<{ id: number }>('/roles', { name: 'Integrations viewer', permissions: { Integrations: 'view' } });
      await h.createAdmin({ email: 'viewer@example.com', name: 'Viewer', password: 'correct horse battery staple', role: 'Integrations viewer' });
      void role;
      const page = await h.newPage();
      await h.login(page, { email: 'viewer@example.com', password: 'correct horse battery staple' });
      await page.goto('/setup/integration-users');
      await h.see(page, 'Your role can view integration users but not change them.');
      expect(await page.getByRole('button', { name: 'Add More' }).count()).toBe(0);
    });

    it('pages through many users, next and previous reading from where the last page ended', async () => {
      const api = await h.api();
      for (let i = 0; i < 30; i++) {
        const email = `paging.${String(i).padStart(2, '0')}@example.com`;
        sb.state.servicenow.users.push({
          sys_id: `${i}`.padStart(32, 'd'),
          name: `Paging ${String(i).padStart(2, '0')}`,
          user_name: `paging.${i}`,
          email,
          active: 'true',
          canWrite: false,
        });
        await api.post('/integration-users', { integrationId: ids.sn, email });
      }
      const page = await h.newPage();
      await goToPage(page);
      await page.getByLabel('Search').fill('paging.');
      const pager = page.getByRole('navigation', { name: 'Pages of integration users' });
      await pager.getByText('Showing 1–25 of 30 integration users').waitFor();
      await pager.getByLabel('Rows per page').selectOption('10');
      await pager.getByText('Showing 1–10 of 30 integration users').waitFor();
      const table = page.getByRole('table', { name: 'Integration Users' });
      const listed = (u: string) =>
        page.waitForRequest((r) => r.url().includes('/api/v1/integration-users?') && new URL(r.url()).searchParams.get('page') === u);
      for (const [control, expectPage, showing, first] of [
        ['Next page', '2', 'Showing 11–20', 'Paging 10'],
        ['Next page', '3', 'Showing 21–30', 'Paging 20'],
        ['Previous page', '2', 'Showing 11–20', 'Paging 10'],
        ['Next page', '3', 'Showing 21–30', 'Paging 20'],
      ] as const) {
        const [request] = await Promise.all([listed(expectPage), pager.getByRole('button', { name: control }).click()]);
        expect(new URL(request.url()).searchParams.get('cursor')).toBeTruthy();
        await pager.getByText(`${showing} of 30 integration users`).waitFor();
        await table.getByRole('row').nth(1).getByText(first).waitFor();
      }
      // A jump from page 3 to page 1 reads by number.
      const [jump] = await Promise.all([listed('1'), pager.getByRole('button', { name: 'Page 1' }).click()]);
      expect(new URL(jump.url()).searchParams.get('cursor')).toBeNull();
      await table.getByRole('row').nth(1).getByText('Paging 00').waitFor();
    });
  },
  { env: { WFA_ALLOW_PRIVATE_TARGETS: 'true' } },
);
