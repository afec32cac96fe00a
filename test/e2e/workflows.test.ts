/**
 * Workflows in chromium against the Jira sandbox (issue 11 "Done when"): add an Auto Create Tickets
 * workflow from its template, map it with a statement (Source DLP Type Inline AND severity EQUALS
 * High), Test it against a pasted incident, ingest a batch through the API and see each matching
 * incident get exactly one ticket with no click while the others get none; then the same with an
 * Auto Close workflow added from the Workflows page.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { describeE2E, idsByTransaction, type ApiClient } from './harness.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';

const JIRA = 'E2E WF Jira';

function incident(transactionId: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    transactionId,
    incidentDate: new Date(Date.now() - 5 * 60_000).toISOString(),
    severity: 'High',
    sourceType: 'Inline',
    action: 'Block',
    rules: ['E2E Workflow Rule'],
    user: { name: 'Wendy Flow', email: 'wendy.flow@corp.example', department: 'Finance' },
    ...over,
  };
}

/** A Mantine Select: open it by its label, pick the option. */
async function pick(page: Page, scope: Page | Locator, label: string, option: string | RegExp) {
  // Mantine's Select is a combobox (searchable ones may be exposed as a textbox).
  await scope
    .getByRole('combobox', { name: label, exact: true })
    .or(scope.getByRole('textbox', { name: label, exact: true }))
    .first()
    .click();
  await page.getByRole('option', { name: option }).first().click();
}

let sb: Sandbox;

describeE2E(
  'workflows',
  (h) => {
    let api: ApiClient;

    const ingest = async (items: unknown[]) => idsByTransaction(await h.ingest(items));

    beforeAll(async () => {
      sb = await startSandbox({ port: 0, host: '127.0.0.1' });
      api = await h.api();
      const jira = (
        await api.post<{ id: number }>('/integrations', {
          type: 'jira_cloud',
          name: JIRA,
          baseUrl: sb.jiraUrl,
          credentials: { email: sb.credentials.jira.email, apiToken: sb.credentials.jira.apiToken },
        })
      ).id;
      await api.post('/integration-users', { integrationId: jira, email: 'fred@example.com' });
      await api.post(`/integrations/${jira}/projects/sync`);
    });
    afterAll(async () => {
      await sb?.close();
    });

    it('Auto Create Tickets: template → workflow → statement → Test → ingestion gives each matching incident one ticket, the others none', async () => {
      const page = await h.newPage();
      await h.login(page);
      await h.navigate(page, 'Workflow Templates');
      const templates = page.getByRole('table', { name: 'Workflow Templates' });
      await templates.getByText('Auto Notify User and Escalate to Manager').waitFor();
      expect(await templates.getByRole('row').count()).toBe(10); // header + nine
      expect(await templates.getByText('Not available yet').count()).toBe(0);
      await page.getByRole('button', { name: 'Add New Workflow Definition from Auto Create Tickets' }).click();

      const form = page.getByRole('form', { name: 'Workflow Settings' });
      await form.waitFor();
      await page.getByTestId('steps-graphic').getByText('Create Ticket').waitFor();
      await form.getByRole('textbox', { name: 'Workflow Name', exact: true }).fill('Inline High to Jira');
      await pick(page, form, 'Ticketing Service', 'JiraCloud');
      await pick(page, form, 'Default Ticketing System', JIRA);
      await pick(page, form, 'Jira Project', /^SEC — /);
      await pick(page, form, 'Default Ticket Assignee Email', /^fred@example\.com/);
      await form.getByRole('button', { name: 'Save' }).click();
      await page.waitForURL(/\/workflows$/);
      const row = page.getByRole('table', { name: 'Workflows' }).getByRole('row').filter({ hasText: 'Inline High to Jira' });
      await row.getByText('Auto Create Tickets').waitFor();
      await row.getByText('Published').waitFor();

      // Mapping → Add Statement, from the row's Mapping "Add".
      await row.getByRole('button', { name: 'Add mapping for Inline High to Jira' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add Statement' });
      await dialog.waitFor();
      await h.settled(page);
      await pick(page, dialog, 'Source DLP Type', 'Inline');
      await dialog.getByRole('button', { name: 'Add Condition' }).click();
      const cond = dialog.getByTestId('condition-0');
      await pick(page, cond, 'Property', 'Severity');
      await pick(page, cond, 'Operation', 'EQUALS');
      await pick(page, cond, 'Value', 'High');
      await dialog.getByRole('button', { name: 'Save' }).click();
      await dialog.waitFor({ state: 'hidden' });
      const statement = page.getByTestId('statement-1');
      await statement.getByText('Inline High to Jira').waitFor();
      await statement.getByText('severity EQUALS "High"').waitFor();

      // Test: a pasted Inline High incident matches and would make a Jira ticket; nothing is created.
      const test = page.getByRole('region', { name: 'Test' });
      await test.getByText('Paste incident JSON').click();
      await test.getByRole('textbox', { name: 'Incident JSON' }).fill(JSON.stringify(incident('E2E-WF-PASTED')));
      await test.getByRole('button', { name: 'Test', exact: true }).click();
      const result = page.getByTestId('test-result');
      await result.getByText(/Statement 1 \(Inline High to Jira\): severity EQUALS "High" is true/).waitFor();
      await result.getByText(/Create a JiraCloud ticket on E2E WF Jira in project SEC assigned to fred@example\.com/).waitFor();
      await test.getByRole('textbox', { name: 'Incident JSON' }).fill(JSON.stringify(incident('E2E-WF-PASTED', { severity: 'Medium' })));
      await test.getByRole('button', { name: 'Test', exact: true }).click();
      await result.getByText('No statement matches: no workflow would run.').waitFor();

      const ids = await ingest([
        incident('E2E-WF-HIGH-1'),
        incident('E2E-WF-MEDIUM', { severity: 'Medium' }),
        incident('E2E-WF-ENDPOINT', { sourceType: 'Endpoint', channel: 'USB' }),
        incident('E2E-WF-HIGH-2'),
      ]);
      const tickets = async (id: number) =>
        (await api.get<{ items: { id: number; state: string; ticketKey: string | null }[] }>(`/incidents/${id}/tickets`)).items;
      for (const t of ['E2E-WF-HIGH-1', 'E2E-WF-HIGH-2']) {
        await expect.poll(async () => (await tickets(ids[t])).map((x) => x.state), { timeout: 30_000, interval: 250 }).toEqual(['open']);
      }
      for (const t of ['E2E-WF-HIGH-1', 'E2E-WF-HIGH-2']) {
        const [ticket] = await tickets(ids[t]);
        expect(sb.state.jira.issues.filter((i) => i.labels.includes(`wfa-${ticket.id}`))).toHaveLength(1);
      }

      await page.goto(`/incidents/${ids['E2E-WF-HIGH-1']}`);
      const section = page.getByTestId('workflow-section');
      await section.getByText('Inline High to Jira').waitFor();
      await section.getByText('completed').first().waitFor();
      await section.getByText(/Ticket requested on E2E WF Jira/).waitFor();
      await page
        .getByTestId('state-changes')
        .getByRole('row')
        .filter({ hasText: 'Workflow Inline High to Jira completed' })
        .filter({ hasText: 'System' })
        .waitFor();
      // The incidents that do not match got nothing (their evaluation ran in the same job as the others').
      for (const t of ['E2E-WF-MEDIUM', 'E2E-WF-ENDPOINT']) {
        expect(await tickets(ids[t])).toEqual([]);
        expect((await api.get<{ items: unknown[] }>(`/incidents/${ids[t]}/workflow-executions`)).items).toEqual([]);
      }
      // Still exactly one each, after everything settled.
      for (const t of ['E2E-WF-HIGH-1', 'E2E-WF-HIGH-2']) expect(await tickets(ids[t])).toHaveLength(1);
    });

    it('Auto Close: added from the Workflows page, mapped second; matching incidents are Resolved by System', async () => {
      const page = await h.newPage();
      await h.login(page);
      await h.navigate(page, 'Workflows');
      await page.getByTestId('add-predefined-workflow').click();
      await page.getByRole('menuitem', { name: 'Auto Close Data Protection Incident', exact: true }).click();
      const form = page.getByRole('form', { name: 'Workflow Settings' });
      await form.waitFor();
      await form.getByRole('textbox', { name: 'Workflow Name', exact: true }).fill('Close bot noise');
      await form.getByRole('textbox', { name: 'Notes' }).fill('Automated test traffic.');
      await form.getByRole('checkbox', { name: 'False Positive' }).check();
      await form.getByRole('button', { name: 'Save' }).click();
      await page.waitForURL(/\/workflows$/);

      await h.navigate(page, 'Workflow Mappings');
      await page.getByTestId('add-statement').click();
      const dialog = page.getByRole('dialog', { name: 'Add Statement' });
      await dialog.waitFor();
      await h.settled(page);
      await pick(page, dialog, 'Workflow Name', 'Close bot noise');
      await dialog.getByRole('button', { name: 'Add Condition' }).click();
      const cond = dialog.getByTestId('condition-0');
      await pick(page, cond, 'Property', 'User Email');
      await pick(page, cond, 'Operation', 'LIKE');
      await cond.getByRole('textbox', { name: 'Value' }).fill('%@bots.example');
      await dialog.getByRole('button', { name: 'Save' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await page.getByTestId('statement-2').getByText('Close bot noise').waitFor();

      const ids = await ingest([
        incident('E2E-WF-BOT', { severity: 'Low', user: { email: 'crawler@bots.example' } }),
        incident('E2E-WF-HUMAN', { severity: 'Low' }),
      ]);
      const status = async (id: number) => (await api.get<{ status: string }>(`/incidents/${id}`)).status;
      await expect.poll(() => status(ids['E2E-WF-BOT']), { timeout: 30_000, interval: 250 }).toBe('Resolved');
      await page.goto(`/incidents/${ids['E2E-WF-BOT']}`);
      await page.getByTestId('workflow-section').getByText('Close bot noise').waitFor();
      await page.getByTestId('state-changes').getByRole('row').filter({ hasText: 'Automated test traffic.' }).filter({ hasText: 'System' }).waitFor();
      expect(await status(ids['E2E-WF-HUMAN'])).toBe('New');

      // Run by hand from Incident Details: the page follows the steps, no reload needed.
      await page.goto(`/incidents/${ids['E2E-WF-HUMAN']}`);
      const header = page.getByLabel('Status, priority and severity');
      await header.getByText('New', { exact: true }).waitFor();
      await page.getByTestId('workflow-section').getByRole('button', { name: 'Run workflow' }).click();
      const run = page.getByRole('dialog', { name: 'Run workflow' });
      await pick(page, run, 'Workflow Name', /^Close bot noise/);
      await run.getByRole('button', { name: 'Run', exact: true }).click();
      await run.waitFor({ state: 'hidden' });
      await header.getByText('Resolved', { exact: true }).waitFor({ timeout: 30_000 });
      await page.getByTestId('state-changes').getByRole('row').filter({ hasText: 'Automated test traffic.' }).first().waitFor();

      // Delete is refused while the statement uses the workflow; the dialog says why.
      await h.navigate(page, 'Workflows');
      await page.getByRole('button', { name: 'Delete Close bot noise' }).click();
      const confirm = page.getByRole('dialog', { name: 'Delete Workflow' });
      await confirm.getByRole('button', { name: 'Delete' }).click();
      await confirm
        .getByText(/is used by 1 mapping statement/)
        .first()
        .waitFor();
    });

    it('Run workflow on the selected incidents of the list: confirmation naming the count, a result per incident, each run once', async () => {
      const wf = await api.post<{ id: number }>('/workflows', {
        template: 'auto_close',
        name: 'Bulk review close',
        settings: { close: { notes: 'Closed from the list in bulk.' } },
      });
      // Low Endpoint incidents of a department of their own: no statement of the tests above maps them.
      const ids = await ingest(
        ['E2E-WF-BULK-1', 'E2E-WF-BULK-2', 'E2E-WF-BULK-3'].map((t) =>
          incident(t, {
            severity: 'Low',
            sourceType: 'Endpoint',
            channel: 'USB',
            user: { name: 'Bulk Person', email: 'bulk.person@corp.example', department: 'Bulk Run Department' },
          }),
        ),
      );
      const page = await h.newPage();
      await h.login(page);
      await page.getByRole('textbox', { name: 'Search incidents' }).fill('Bulk Run Department');
      await page.getByRole('button', { name: 'Search', exact: true }).click();
      await expect.poll(() => page.getByTestId('incident-link').count()).toBe(3);
      await page.getByRole('checkbox', { name: 'Select All' }).check();
      await page.getByRole('button', { name: 'Actions (3)' }).click();
      await page.getByRole('menuitem', { name: 'Run workflow' }).click();
      const dialog = page.getByRole('dialog', { name: 'Run workflow' });
      await dialog.getByText('Pick the workflow to run on the 3 incidents selected.').waitFor();
      expect(await dialog.getByRole('button', { name: 'Run on 3 incidents' }).isDisabled()).toBe(true);
      await pick(page, dialog, 'Workflow Name', /^Bulk review close/);
      await dialog.getByText('Bulk review close will start on the 3 incidents selected, each as its own execution.').waitFor();
      await dialog.getByRole('button', { name: 'Run on 3 incidents' }).click();
      const summary = dialog.getByRole('status');
      await summary.getByText('Bulk review close: started on 3 incidents').waitFor();
      // The summary's Close button has the focus, so Enter closes it and the selection is cleared.
      await page.keyboard.press('Enter');
      await dialog.waitFor({ state: 'hidden' });
      await page.getByRole('button', { name: 'Actions', exact: true }).waitFor();

      const status = async (id: number) => (await api.get<{ status: string; events: { action: string; changedBy: string }[] }>(`/incidents/${id}`)).status;
      for (const t of Object.keys(ids)) await expect.poll(() => status(ids[t]), { timeout: 30_000, interval: 250 }).toBe('Resolved');
      for (const t of Object.keys(ids)) {
        const execs = (await api.get<{ items: { workflowId: number; status: string }[] }>(`/incidents/${ids[t]}/workflow-executions`)).items;
        expect(execs).toEqual([expect.objectContaining({ workflowId: wf.id, status: 'completed' })]);
      }
    });

    it('Auto Escalate and Auto Notify: their settings are saved from the form and reopen as saved', async () => {
      const page = await h.newPage();
      await h.login(page);
      await h.navigate(page, 'Workflows');
      await page.getByTestId('add-predefined-workflow').click();
      await page.getByRole('menuitem', { name: 'Auto Escalate', exact: true }).click();
      const form = page.getByRole('form', { name: 'Workflow Settings' });
      await form.waitFor();
      await form.getByRole('textbox', { name: 'Workflow Name', exact: true }).fill('Escalate to the desk');
      await pick(page, form, 'Escalate To', 'Email');
      await form.getByRole('button', { name: 'Save' }).click();
      await form.getByText('Enter the email address to escalate to.').waitFor();
      await form.getByRole('textbox', { name: 'Email', exact: true }).fill('desk@corp.example');
      await form.getByRole('textbox', { name: 'Note' }).fill('Please decide today.');
      await form.getByRole('button', { name: 'Save' }).click();
      await page.waitForURL(/\/workflows$/);
      const saved = (await api.get<{ items: { id: number; name: string; settings: unknown }[] }>('/workflows')).items.find(
        (x) => x.name === 'Escalate to the desk',
      )!;
      expect(saved.settings).toEqual({
        escalate: { userType: 'email', email: 'desk@corp.example', note: 'Please decide today.' },
        delivery: { language: 'en' },
      });
      await page.goto(`/workflows/${saved.id}/edit`);
      await page.getByRole('form', { name: 'Workflow Settings' }).getByRole('textbox', { name: 'Email', exact: true }).waitFor();
      expect(await page.getByRole('form', { name: 'Workflow Settings' }).getByRole('textbox', { name: 'Email', exact: true }).inputValue()).toBe(
        'desk@corp.example',
      );

      await h.navigate(page, 'Workflows');
      await page.getByTestId('add-predefined-workflow').click();
      await page.getByRole('menuitem', { name: 'Auto Notify', exact: true }).click();
      const notify = page.getByRole('form', { name: 'Workflow Settings' });
      await notify.waitFor();
      await page.getByTestId('steps-graphic').getByText('Notify User').first().waitFor();
      await notify.getByRole('textbox', { name: 'Workflow Name', exact: true }).fill('Ask the user');
      await notify.getByRole('textbox', { name: 'Note to user' }).fill('Tell us why.');
      await notify.getByText('Connect Slack or Microsoft Teams in Setup > Integrations').waitFor();
      await notify.getByRole('combobox', { name: 'Language' }).selectOption('fr');
      await notify.getByRole('button', { name: 'Save' }).click();
      await page.waitForURL(/\/workflows$/);
      const asked = (await api.get<{ items: { id: number; name: string; settings: unknown }[] }>('/workflows')).items.find((x) => x.name === 'Ask the user')!;
      expect(asked.settings).toEqual({ notify: { note: 'Tell us why.' }, delivery: { language: 'fr' } });
      await page.goto(`/workflows/${asked.id}/edit`);
      await expect.poll(() => page.getByRole('form', { name: 'Workflow Settings' }).getByRole('combobox', { name: 'Language' }).inputValue()).toBe('fr');
    });

    it('the templates that wait for an answer: their branches and wait are set on the form, drawn on the graphic, and reopen as saved', async () => {
      const page = await h.newPage();
      await h.login(page);
      await h.navigate(page, 'Workflows');
      await page.getByTestId('add-predefined-workflow').click();
      await page.getByRole('menuitem', { name: 'Auto Notify User and Escalate to Manager', exact: true }).click();
      const form = page.getByRole('form', { name: 'Workflow Settings' });
      await form.waitFor();
      const graphic = page.getByTestId('steps-graphic');
      await graphic.getByText('Wait for Response').waitFor();
      await graphic.getByText('if Others or No Response').waitFor();
      await form.getByRole('textbox', { name: 'Workflow Name', exact: true }).fill('Ask, then the manager');
      await form.getByRole('checkbox', { name: 'No Response' }).uncheck();
      await graphic.getByText(/if Others$/).waitFor();
      await form.getByRole('textbox', { name: 'Time to wait for a response (hours)' }).fill('abc');
      await form.getByRole('button', { name: 'Save' }).click();
      await form.getByText('Enter a whole number of hours').waitFor();
      await form.getByRole('textbox', { name: 'Time to wait for a response (hours)' }).fill('24');
      await form.getByRole('button', { name: 'Save' }).click();
      await page.waitForURL(/\/workflows$/);
      type Saved = { id: number; name: string; settings: unknown; steps: unknown[] };
      const manager = (await api.get<{ items: Saved[] }>('/workflows')).items.find((x) => x.name === 'Ask, then the manager')!;
      expect(manager.settings).toEqual({
        notify: {},
        escalate: { userType: 'manager', when: ['Others'] },
        wait: { timeoutHours: 24 },
        delivery: { language: 'en' },
      });
      await page.goto(`/workflows/${manager.id}/edit`);
      const edit = page.getByRole('form', { name: 'Workflow Settings' });
      await edit.getByRole('textbox', { name: 'Time to wait for a response (hours)' }).waitFor();
      expect(await edit.getByRole('textbox', { name: 'Time to wait for a response (hours)' }).inputValue()).toBe('24');
      expect(await edit.getByRole('checkbox', { name: 'No Response' }).isChecked()).toBe(false);
      expect(await edit.getByRole('checkbox', { name: 'Others' }).isChecked()).toBe(true);

      await h.navigate(page, 'Workflows');
      await page.getByTestId('add-predefined-workflow').click();
      await page.getByRole('menuitem', { name: 'Auto Notify User and Concurrently Escalate', exact: true }).click();
      const both = page.getByRole('form', { name: 'Workflow Settings' });
      await both.waitFor();
      await both.getByRole('textbox', { name: 'Workflow Name', exact: true }).fill('Ask both, close when approved');
      await pick(page, both, 'Escalate To', 'Email');
      await both.getByRole('textbox', { name: 'Email', exact: true }).fill('desk@corp.example');
      expect(await graphic.getByText('Close Incident').count()).toBe(0);
      await both.getByRole('checkbox', { name: 'Close the incident after the decision' }).check();
      await graphic.getByText('if Approved').waitFor();
      await both.getByRole('textbox', { name: 'Notes' }).fill('Approved by the desk');
      await both.getByRole('button', { name: 'Save' }).click();
      await page.waitForURL(/\/workflows$/);
      const concurrent = (await api.get<{ items: Saved[] }>('/workflows')).items.find((x) => x.name === 'Ask both, close when approved')!;
      expect(concurrent.steps.map((x) => (x as { kind: string }).kind)).toEqual(['notify_user', 'escalate', 'wait_for_response', 'close_incident']);
      expect(concurrent.settings).toMatchObject({
        close: { notes: 'Approved by the desk', when: ['Approved'] },
        escalate: { userType: 'email', email: 'desk@corp.example' },
      });
    });
  },
  { env: { WFA_ALLOW_PRIVATE_TARGETS: 'true' } },
);
