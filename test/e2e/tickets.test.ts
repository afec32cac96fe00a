/**
 * Tickets in chromium against the sandbox (issue 15 "Done when"), for ServiceNow and for Jira:
 * create a ticket from an incident with notes (Actions → Ticket, with its Preview), follow its link
 * to the sandbox's ticket page and see the assignee and the notes comment there, move the ticket to
 * its closed status in the sandbox, and see the status arrive — by webhook, then with webhooks off
 * by "poll now" — with the incident Resolved by System. A Jira project with a required custom field
 * gets it from the field mappings; a refused field shows Jira's own message on the ticket, and
 * Retry creates it once the field is fixed. Then the Tickets page, wide and at 400 px.
 */
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { RESULTS_DIR, describeE2E, idsByTransaction, type ApiClient } from './harness.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';

const SN = 'E2E ServiceNow';
const JIRA = 'E2E Jira';
const DATA_CLASSIFICATION = 'customfield_10050';
/** Pictures for a person to look at (not asserted), beside the Setup pages' ones. */
const SHOTS = process.env.E2E_SHOTS_DIR ?? path.join(RESULTS_DIR, 'shots');

type TicketSync = { secret: string | null; webhookUrl: string; lastWebhookAt: string | null };
type TicketOptions = { integrations: { id: number; projects: { id: number; key: string }[]; users: { id: number; email: string }[] }[] };
type TicketView = { id: number; state: string; ticketKey: string | null; externalStatus: string | null };

function incident(transactionId: string, minutesAgo: number): Record<string, unknown> {
  return {
    transactionId,
    incidentDate: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
    severity: 'High',
    sourceType: 'Inline',
    dlpType: 'Structured Data',
    action: 'Block',
    rules: ['E2E Ticket Rule'],
    engines: ['PCI'],
    url: 'https://files.e2e.example/upload/1',
    host: 'files.e2e.example',
    user: { name: 'Tina Ticket', email: 'tina.ticket@corp.example', department: 'Finance' },
    file: {
      name: `${transactionId}.xlsx`,
      md5: transactionId
        .replace(/[^0-9a-f]/gi, '')
        .padEnd(32, 'a')
        .slice(0, 32),
    },
  };
}

/** Picks the <option> whose text matches (labels carry emails whose case the ticketing system decides). */
async function selectMatching(select: Locator, text: RegExp) {
  const labels = await select.locator('option').allTextContents();
  const label = labels.find((l) => text.test(l));
  expect(label, `an option matching ${text} among ${labels.join(' | ')}`).toBeDefined();
  await select.selectOption({ label: label! });
}

let sb: Sandbox;

describeE2E(
  'tickets',
  (h) => {
    let api: ApiClient;
    let ids: Record<string, number>;
    let sn: number;
    let jira: number;

    beforeAll(async () => {
      sb = await startSandbox({ port: 0, host: '127.0.0.1' });
      api = await h.api();
      const settings = { syncTicketStatus: true, closeIncidentOnTicketClosed: true };
      sn = (
        await api.post<{ id: number }>('/integrations', {
          type: 'servicenow',
          name: SN,
          baseUrl: sb.servicenowUrl,
          credentials: { authMethod: 'basic', ...sb.credentials.servicenow.basic },
          settings,
        })
      ).id;
      jira = (
        await api.post<{ id: number }>('/integrations', {
          type: 'jira_cloud',
          name: JIRA,
          baseUrl: sb.jiraUrl,
          credentials: { email: sb.credentials.jira.email, apiToken: sb.credentials.jira.apiToken },
          settings,
        })
      ).id;
      await api.post('/integration-users', { integrationId: sn, email: 'beth.anglin@example.com' });
      await api.post('/integration-users', { integrationId: jira, email: 'fred@example.com' });

      // Jira: SEC's "Security Incident" requires Data Classification; the mapping fills it.
      await api.post(`/integrations/${jira}/projects/sync`);
      const sec = (await api.get<{ items: { id: number; key: string }[] }>(`/integrations/${jira}/projects`)).items.find((p) => p.key === 'SEC')!;
      await api.patch(`/integrations/${jira}/projects/${sec.id}`, { completeStatusId: 'Done' });
      await api.put(`/integrations/${jira}/projects/${sec.id}/mappings/10002`, {
        rows: [
          { fieldKey: 'summary', incidentField: 'summary' },
          { fieldKey: DATA_CLASSIFICATION, defaultValue: 'Confidential' },
        ],
      });

      // Both systems push their changes to our webhook endpoints, signed with the rotated secret.
      for (const [system, id, url] of [
        ['servicenow', sn, sb.servicenowUrl],
        ['jira', jira, sb.jiraUrl],
      ] as const) {
        const { secret } = await api.post<TicketSync>(`/integrations/${id}/ticket-sync/rotate-secret`);
        await api.put(`/integrations/${id}/ticket-sync`, { webhooksEnabled: true });
        const res = await fetch(`${url}/__sandbox/webhooks`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ system, url: `${h.server.url}/api/v1/webhooks/${system}/${id}`, secret }),
        });
        expect(res.status, await res.text()).toBe(200);
      }

      ids = idsByTransaction(
        await h.ingest(
          ['E2E-TK-SN-HOOK', 'E2E-TK-SN-POLL', 'E2E-TK-JIRA-HOOK', 'E2E-TK-JIRA-POLL', 'E2E-TK-JIRA-REFUSED', 'E2E-TK-BULK-1', 'E2E-TK-BULK-2'].map((t, i) =>
            incident(t, 30 + i),
          ),
        ),
      );
    });
    afterAll(async () => {
      await sb?.close();
    });

    async function openIncident(page: Page, transactionId: string) {
      await page.goto(`/incidents/${ids[transactionId]}`);
      await page.getByRole('heading', { name: `Incident ${transactionId}` }).waitFor();
    }

    async function openTicketWindow(page: Page) {
      await page.getByRole('button', { name: 'Actions' }).click();
      await page.getByRole('menuitem', { name: 'Ticket', exact: true }).click();
      const dialog = page.getByRole('dialog', { name: 'Ticket' });
      await dialog.waitFor();
      return dialog;
    }

    /** Actions → Ticket, fill the window, check the Preview, Submit; returns the ticket's entry in the Ticket section. */
    async function requestTicket(
      page: Page,
      o: { transactionId: string; integration: string; project?: RegExp; user: RegExp; notes: string; previewHas?: RegExp[] },
    ) {
      await openIncident(page, o.transactionId);
      const dialog = await openTicketWindow(page);
      // Focus starts on the first field; nothing to preview until the window is filled.
      await expect.poll(() => dialog.getByLabel('Ticketing Integration').evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
      await dialog.getByRole('button', { name: 'Submit' }).click();
      await dialog.getByText('Choose the ticketing integration.').waitFor();
      await selectMatching(dialog.getByLabel('Ticketing Integration'), new RegExp(`^${o.integration} \\(`));
      if (o.project) await selectMatching(dialog.getByLabel('Project'), o.project);
      else expect(await dialog.getByLabel('Project').count()).toBe(0);
      await selectMatching(dialog.getByLabel('User'), o.user);
      await dialog.getByLabel('Notes').fill(o.notes);
      const preview = dialog.getByTestId('ticket-preview');
      await preview.getByText(o.transactionId).first().waitFor();
      for (const re of o.previewHas ?? []) await preview.getByText(re).first().waitFor();
      await dialog.getByRole('button', { name: 'Submit' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await page
        .getByTestId('state-changes')
        .getByText(/Ticket requested/)
        .first()
        .waitFor();
      return page.getByTestId('ticket-section').getByRole('listitem').filter({ hasText: o.integration }).first();
    }

    /** The ticket link in the section (it appears once the worker has created the ticket). */
    async function ticketLink(entry: Locator, key: RegExp) {
      const link = entry.getByRole('link', { name: key });
      await link.waitFor({ timeout: 30_000 });
      return link;
    }

    /** Follows the ticket's link (a new tab) and checks the sandbox's ticket page shows the assignee and our notes. */
    async function checkTicketPage(page: Page, link: Locator, assignee: RegExp, notes: string) {
      expect(await link.getAttribute('target')).toBe('_blank');
      const [tab] = await Promise.all([page.context().waitForEvent('page'), link.click()]);
      await tab.waitForLoadState();
      expect(await tab.locator('#assignee').textContent()).toMatch(assignee);
      await tab.getByText(notes).first().waitFor();
      return tab;
    }

    /** Moves the ticket on the sandbox's overview page, as someone working the ticket would. */
    async function moveInSandbox(tab: Page, key: string, status: string) {
      await tab.getByRole('link', { name: 'Sandbox overview' }).click();
      const row = tab.getByRole('row').filter({ hasText: key });
      await row.locator('select').first().selectOption({ label: status });
      await row.getByRole('button', { name: 'Move' }).first().click();
      await tab.getByRole('row').filter({ hasText: key }).filter({ hasText: status }).first().waitFor();
    }

    /** Reloads Incident Details until the ticket shows the status (the push or poll is asynchronous). */
    async function waitForStatus(page: Page, key: string, status: string) {
      await expect
        .poll(
          async () => {
            await page.reload();
            const entry = page.getByTestId('ticket-section').getByRole('listitem').filter({ hasText: key });
            await entry.first().waitFor();
            return entry.first().getByTestId('ticket-status').textContent();
          },
          { timeout: 20_000, interval: 500 },
        )
        .toContain(status);
    }

    async function expectResolvedBySystem(page: Page) {
      await page.getByLabel('Status, priority and severity').getByText('Resolved').waitFor();
      await page.getByTestId('state-changes').getByRole('row').filter({ hasText: 'System' }).first().waitFor();
    }

    /** The sandbox's Data Classification field: a Jira admin may remove the option our mapping sends. */
    function dataClassification() {
      return sb.state.jira.projects
        .find((p) => p.key === 'SEC')!
        .issueTypes.find((t) => t.id === '10002')!
        .fields.find((f) => f.key === DATA_CLASSIFICATION)!;
    }

    /** The push, not a poll, brought the status: our side recorded a webhook for the integration. */
    async function expectPushed(integrationId: number) {
      expect((await api.get<TicketSync>(`/integrations/${integrationId}/ticket-sync`)).lastWebhookAt).not.toBeNull();
    }

    /** The integration's page in another tab: its Ticket status sync panel. */
    async function syncPanel(page: Page, app: 'servicenow' | 'jira_cloud', id: number) {
      const tab = await page.context().newPage();
      await tab.goto(`/setup/integrations/${app}/${id}`);
      const panel = tab.getByTestId('ticket-sync-panel');
      await panel.waitFor();
      return panel;
    }

    /** Turns webhooks off on the integration's page, as an admin would to rely on the poll. */
    async function turnWebhooksOff(page: Page, app: 'servicenow' | 'jira_cloud', id: number) {
      const panel = await syncPanel(page, app, id);
      await panel.getByLabel('Receive webhooks').uncheck();
      await panel.getByRole('button', { name: 'Save sync settings' }).click();
      await expect.poll(async () => (await api.get<{ webhooksEnabled: boolean }>(`/integrations/${id}/ticket-sync`)).webhooksEnabled).toBe(false);
      return panel;
    }

    async function ticketOf(transactionId: string): Promise<TicketView> {
      return (await api.get<{ items: TicketView[] }>(`/incidents/${ids[transactionId]}/tickets`)).items[0]!;
    }

    it('ServiceNow: creates the ticket with notes, shows it in ServiceNow, and the closed status arrives by webhook', async () => {
      const page = await h.newPage();
      await h.login(page);
      const entry = await requestTicket(page, {
        transactionId: 'E2E-TK-SN-HOOK',
        integration: SN,
        user: /Beth Anglin/i,
        notes: 'Please check the upload with Finance.',
        previewHas: [/urgency/],
      });
      const link = await ticketLink(entry, /INC\d+/);
      const key = (await link.textContent())!.replace(/[^A-Z0-9]/g, '');
      await entry
        .getByText(/Beth Anglin/i)
        .first()
        .waitFor();

      const tab = await checkTicketPage(page, link, /Beth Anglin/i, 'Please check the upload with Finance.');
      await moveInSandbox(tab, key, 'Resolved');
      await waitForStatus(page, key, 'Resolved');
      await expectPushed(sn);
      expect((await ticketOf('E2E-TK-SN-HOOK')).state).toBe('closed');
      await expectResolvedBySystem(page);
    });

    it('ServiceNow: with webhooks off the closed status arrives by "poll now"', async () => {
      const page = await h.newPage();
      await h.login(page);
      const panel = await turnWebhooksOff(page, 'servicenow', sn);
      const entry = await requestTicket(page, { transactionId: 'E2E-TK-SN-POLL', integration: SN, user: /Beth Anglin/i, notes: 'Poll me.' });
      const link = await ticketLink(entry, /INC\d+/);
      const key = (await link.textContent())!.replace(/[^A-Z0-9]/g, '');
      const tab = await checkTicketPage(page, link, /Beth Anglin/i, 'Poll me.');
      await moveInSandbox(tab, key, 'Closed');
      await panel.getByRole('button', { name: 'Poll now' }).click();
      await waitForStatus(page, key, 'Closed');
      await expectResolvedBySystem(page);
    });

    it('Jira: fills the required custom field from the mappings, refuses a second ticket while one is open, closes by webhook', async () => {
      const page = await h.newPage();
      await h.login(page);
      const entry = await requestTicket(page, {
        transactionId: 'E2E-TK-JIRA-HOOK',
        integration: JIRA,
        project: /\(SEC\)/,
        user: /Fred Example/,
        notes: 'Jira notes from the e2e test.',
        previewHas: [new RegExp(DATA_CLASSIFICATION)],
      });
      const link = await ticketLink(entry, /SEC-\d+/);
      const key = (await link.textContent())!.replace(/[^A-Z0-9-]/g, '');
      await entry.getByText('Security Incidents (SEC)').waitFor();
      const issue = sb.state.jira.issues.find((i) => i.key === key)!;
      expect(JSON.stringify(issue.extraFields[DATA_CLASSIFICATION])).toMatch(/10102|Confidential/);

      // The window names the live ticket and will not send another.
      const dialog = await openTicketWindow(page);
      await selectMatching(dialog.getByLabel('Ticketing Integration'), new RegExp(`^${JIRA} \\(`));
      await selectMatching(dialog.getByLabel('Project'), /\(SEC\)/);
      await selectMatching(dialog.getByLabel('User'), /Fred Example/);
      const existing = dialog.getByTestId('existing-ticket');
      await existing.getByRole('link', { name: new RegExp(key) }).waitFor();
      expect(await dialog.getByRole('button', { name: 'Submit' }).isDisabled()).toBe(true);
      await dialog.getByTestId('ticket-preview').waitFor();
      await h.screenshot(page, path.join(SHOTS, 'ticket-window-1280.png'), { fullPage: false });
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });

      const tab = await checkTicketPage(page, link, /Fred Example/, 'Jira notes from the e2e test.');
      await moveInSandbox(tab, key, 'Done');
      await waitForStatus(page, key, 'Done');
      await expectPushed(jira);
      await expectResolvedBySystem(page);
    });

    it('Jira: with webhooks off the closed status arrives by "poll now"', async () => {
      const page = await h.newPage();
      await h.login(page);
      const panel = await turnWebhooksOff(page, 'jira_cloud', jira);
      const entry = await requestTicket(page, {
        transactionId: 'E2E-TK-JIRA-POLL',
        integration: JIRA,
        project: /\(SEC\)/,
        user: /Fred Example/,
        notes: 'Poll Jira.',
      });
      const link = await ticketLink(entry, /SEC-\d+/);
      const key = (await link.textContent())!.replace(/[^A-Z0-9-]/g, '');
      const tab = await checkTicketPage(page, link, /Fred Example/, 'Poll Jira.');
      await moveInSandbox(tab, key, 'Done');
      await panel.getByRole('button', { name: 'Poll now' }).click();
      await waitForStatus(page, key, 'Done');
      await expectResolvedBySystem(page);
    });

    it("Jira: a refused field shows Jira's own message on the ticket, and Retry creates it once fixed", async () => {
      // A Jira admin removes the mapped option: Jira now refuses the value we send.
      const field = dataClassification();
      const allowed = field.allowedValues!;
      field.allowedValues = allowed.filter((v) => v.value !== 'Confidential');
      const page = await h.newPage();
      await h.login(page);
      const entry = await requestTicket(page, {
        transactionId: 'E2E-TK-JIRA-REFUSED',
        integration: JIRA,
        project: /\(SEC\)/,
        user: /Fred Example/,
        notes: 'Refused at first.',
      });
      const failure = entry.getByTestId('ticket-failure');
      await failure.waitFor({ timeout: 30_000 });
      await failure.getByText(DATA_CLASSIFICATION, { exact: true }).waitFor();
      expect(await failure.textContent()).toMatch(/is not valid/);
      await entry.getByText('Failed').waitFor();
      await h.screenshot(page, path.join(SHOTS, 'ticket-section-failed-1280.png'));

      field.allowedValues = allowed;
      await entry.getByRole('button', { name: /^Retry/ }).click();
      await ticketLink(page.getByTestId('ticket-section').getByRole('listitem').filter({ hasText: JIRA }).first(), /SEC-\d+/);
      const { id } = await ticketOf('E2E-TK-JIRA-REFUSED');
      expect(sb.state.jira.issues.filter((i) => i.labels.includes(`wfa-${id}`))).toHaveLength(1);
    });

    it('Tickets page: every ticket with filters and search, a link to its incident, cards at 400 px', async () => {
      const page = await h.newPage();
      await h.login(page);
      await h.navigate(page, 'Tickets');
      await page.getByRole('heading', { name: 'Tickets' }).waitFor();
      const table = page.getByRole('table', { name: 'Tickets' });
      await table.getByRole('row').filter({ hasText: 'E2E-TK-SN-HOOK' }).waitFor();
      expect(await table.getByRole('row').count()).toBe(1 + 5);

      await page.getByLabel('Search').fill('E2E-TK-JIRA-POLL');
      await expect.poll(() => table.getByRole('row').count()).toBe(2);
      await page.getByLabel('Search').fill('');
      await page.getByLabel('Integration', { exact: true }).selectOption({ label: `${SN} (ServiceNow)` });
      await expect.poll(() => table.getByRole('row').count()).toBe(3);
      await h.screenshot(page, path.join(SHOTS, 'tickets-1280.png'));
      await page.getByLabel('Status', { exact: true }).selectOption({ label: 'Failed' });
      await page.getByText('No matching tickets').waitFor();

      // The incident link goes to Incident Details.
      await page.getByLabel('Status', { exact: true }).selectOption({ label: 'All statuses' });
      await table.getByRole('link', { name: 'E2E-TK-SN-POLL' }).click();
      await page.getByRole('heading', { name: 'Incident E2E-TK-SN-POLL' }).waitFor();

      // The Incidents list can show each incident's tickets (a column off by default).
      await page.goto('/incidents');
      await page.getByRole('button', { name: 'Modify the table and its columns' }).click();
      await page.getByRole('group', { name: 'Modify the table and its columns' }).getByLabel('Tickets', { exact: true }).check();
      const incidentRow = page.getByRole('table', { name: 'Incidents' }).getByRole('row').filter({ hasText: 'E2E-TK-JIRA-HOOK' });
      await incidentRow.getByText(/^SEC-\d+$/).waitFor();

      const narrow = await h.newPage({ width: 400, height: 800 });
      await h.login(narrow);
      await narrow.goto('/tickets');
      const cards = narrow.getByRole('list', { name: 'Tickets' });
      await cards.getByRole('listitem').filter({ hasText: 'E2E-TK-JIRA-HOOK' }).waitFor();
      expect(await narrow.getByRole('table', { name: 'Tickets' }).count()).toBe(0);
      await h.screenshot(narrow, path.join(SHOTS, 'tickets-400.png'));
    });

    it('Tickets page: bulk Retry of failed tickets, after a confirmation', async () => {
      const field = dataClassification();
      const allowed = field.allowedValues!;
      field.allowedValues = allowed.filter((v) => v.value !== 'Confidential');
      const options = (await api.get<TicketOptions>(`/incidents/${ids['E2E-TK-BULK-1']}/ticket-options`)).integrations.find((i) => i.id === jira)!;
      const body = {
        integrationId: jira,
        projectId: options.projects.find((p) => p.key === 'SEC')!.id,
        integrationUserId: options.users[0]!.id,
        notes: 'Bulk retry.',
      };
      for (const t of ['E2E-TK-BULK-1', 'E2E-TK-BULK-2']) await api.post(`/incidents/${ids[t]}/tickets`, body);
      await expect
        .poll(async () => [(await ticketOf('E2E-TK-BULK-1')).state, (await ticketOf('E2E-TK-BULK-2')).state], { timeout: 30_000 })
        .toEqual(['failed', 'failed']);

      const page = await h.newPage();
      await h.login(page);
      await page.goto('/tickets?state=failed');
      const table = page.getByRole('table', { name: 'Tickets' });
      await table.getByRole('row').filter({ hasText: 'E2E-TK-BULK-2' }).waitFor();
      expect(await table.getByRole('row').count()).toBe(3);
      await table
        .getByRole('row')
        .filter({ hasText: 'E2E-TK-BULK-1' })
        .getByText(/is not valid/)
        .first()
        .waitFor();
      await page.getByRole('checkbox', { name: 'Select every failed or stuck ticket on this page' }).check();
      await page.getByRole('button', { name: 'Retry selected (2)' }).click();
      const confirm = page.getByRole('dialog', { name: 'Retry tickets' });
      await confirm.getByText('Retry 2 tickets?').waitFor();
      field.allowedValues = allowed;
      await confirm.getByRole('button', { name: 'Retry' }).click();
      await confirm.waitFor({ state: 'hidden' });
      await expect
        .poll(async () => [(await ticketOf('E2E-TK-BULK-1')).state, (await ticketOf('E2E-TK-BULK-2')).state], { timeout: 30_000 })
        .toEqual(['open', 'open']);
      await page.reload();
      await page.getByText('No matching tickets').waitFor();
    });
  },
  { env: { WFA_ALLOW_PRIVATE_TARGETS: 'true' } },
);
