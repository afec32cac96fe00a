/**
 * Notify User in chromium (issue #12 "Done when"): Actions → Notify User on Incident Details →
 * the mail appears in the sandbox mailbox → its survey link opened in a fresh browser context (no
 * sign-in) → False Positive with a reason → the incident shows the response, its status and the
 * Response Available count. The same link then says it was already answered; an altered one says
 * it is not valid.
 */
import net from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { describeE2E, type ApiClient } from './harness.js';
import { startMessagingSandbox, type MessagingSandbox } from '../../src/sandbox/index.js';

/** The server's port is chosen here so its public URL (the survey links' base) is known before it starts. */
async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

const sb: MessagingSandbox = await startMessagingSandbox({ host: '127.0.0.1', port: 0, smtpPort: 0 });
const port = await freePort();
const TXN = `e2e-notify-${Date.now().toString(36)}`;
const CHAT_TXN = { slack: `${TXN}-slack`, teams: `${TXN}-teams` };
const ESCALATE_TXN = `${TXN}-manager`;
const WAIT_TXN = `${TXN}-wait`;

const incidentBody = (transactionId: string, user = { name: 'Sam Survey', email: 'sam.survey@corp.example', department: 'Finance' }) => ({
  transactionId,
  incidentDate: new Date(Date.now() - 5 * 60_000).toISOString(),
  severity: 'High',
  sourceType: 'Inline',
  dlpType: 'Web',
  action: 'Block',
  rules: ['E2E PCI Rule'],
  engines: ['PCI'],
  url: 'https://upload.e2e.example/x',
  user,
  file: { name: 'cards.xlsx', md5: 'aabbccddeeff00112233445566778899' },
});

/** The survey link of the newest chat message about `txn` on the sandbox's Slack or Teams page, bounded. */
async function chatLink(page: Page, kind: 'slack' | 'teams', txn: string): Promise<string> {
  for (let i = 0; i < 300; i++) {
    await page.goto(`${sb.url}/${kind}`);
    const row = page.getByRole('row').filter({ hasText: txn }).first();
    if (await row.count()) {
      const html = (await row.innerHTML()).replace(/&amp;/g, '&');
      const link = /(http:\/\/[^\s"'<>]+\/survey\/[A-Za-z0-9_-]+)/.exec(html)?.[1];
      if (link) return link;
    }
    await page.waitForTimeout(200);
  }
  throw new Error(`no ${kind} message about ${txn} with a survey link arrived`);
}

/** Reloads the mailbox until the mail about this incident is listed (delivery is a background job), bounded. */
async function openMail(page: Page, txn = TXN): Promise<void> {
  // Bounded at about a minute: a loaded machine delays the delivery job, it does not lose it.
  for (let i = 0; i < 300; i++) {
    await page.goto(sb.mailboxUrl);
    const link = page.getByRole('link', { name: new RegExp(txn) });
    if (await link.count()) return link.first().click();
    await page.waitForTimeout(200);
  }
  throw new Error(`no mail about ${txn} arrived in the sandbox mailbox`);
}

describeE2E(
  'remediation: Notify User and the justification survey',
  (h) => {
    let api: ApiClient;
    let id: number;
    beforeAll(async () => {
      api = await h.api();
      id = (await api.post<{ id: number }>('/incidents', incidentBody(TXN))).id;
    });
    afterAll(() => sb.close());

    it('Notify User → mail → survey in a fresh context → False Positive → the incident shows the response', async () => {
      const admin = await h.newPage();
      await h.login(admin);
      await admin.goto(`${h.server.url}/incidents/${id}`);
      await h.see(admin, TXN);
      await admin.getByRole('button', { name: 'Actions' }).click();
      await admin.getByRole('menuitem', { name: 'Notify User' }).click();
      const dialog = admin.getByRole('dialog', { name: 'Notify User' });
      await dialog.getByLabel('Note to user').fill('Please tell us about this upload.');
      await dialog.getByRole('button', { name: 'Notify' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await h.see(admin, 'Validating with User');
      const notifications = admin.getByTestId('user-notifications');
      await notifications.getByText('sam.survey@corp.example').first().waitFor();

      // The sandbox mailbox, as a person reading their mail.
      const mailbox = await h.newPage();
      await openMail(mailbox);
      const text = (await mailbox.locator('pre').first().textContent()) ?? '';
      const link = /(http:\/\/\S+\/survey\/[A-Za-z0-9_-]+)/.exec(text)?.[1];
      expect(link, text).toBeDefined();
      expect(link!.startsWith(h.server.url)).toBe(true);

      // A fresh browser context: no session cookie.
      const user = await h.newPage();
      await user.goto(link!);
      await h.see(user, 'Justify a data protection incident');
      // Waits for the cell: a one-shot count once found none in CI right after the title showed;
      // if the row really is missing, the wait fails with a screenshot of the page.
      await user.getByRole('table', { name: 'Incident' }).getByRole('cell', { name: 'cards.xlsx' }).waitFor();
      await user.getByRole('radio', { name: 'False Positive' }).check();
      await user.getByLabel('Justification Reason').fill('Sample data for a test, not real cards.');
      await user.getByRole('button', { name: 'Submit' }).click();
      await h.see(user, 'Your justification has been sent to the security team');

      // Final: the link now says so; an altered link says it is not valid.
      const again = await h.newPage();
      await again.goto(link!);
      await h.see(again, 'This survey was already answered');
      await again.goto(`${link!.slice(0, -2)}${link!.endsWith('AA') ? 'BB' : 'AA'}`);
      await h.see(again, 'This link is not valid');

      await admin.reload();
      await h.see(admin, 'Received Justification Response');
      const responses = admin.getByTestId('responses-section');
      await responses.getByText('False Positive').first().waitFor();
      await responses.getByText('Sample data for a test, not real cards.').first().waitFor();
      await responses.getByText('sam.survey@corp.example').first().waitFor();

      const counts = await api.get<{ counts: { responseAvailable: number } }>(
        `/incidents/counts?from=${encodeURIComponent(new Date(Date.now() - 86_400_000).toISOString())}&to=${encodeURIComponent(new Date(Date.now() + 86_400_000).toISOString())}`,
      );
      expect(counts.counts.responseAvailable).toBe(1);

      // The Incidents list offers the answer as the Justification Reason and Note columns.
      await admin.goto(`${h.server.url}/incidents`);
      await admin.getByRole('button', { name: 'Modify the table and its columns' }).click();
      for (const label of ['Justification Reason', 'Justification Note']) await admin.getByRole('checkbox', { name: label, exact: true }).check();
      await admin.keyboard.press('Escape');
      await admin.getByRole('columnheader', { name: 'Justification Note' }).waitFor();
      await admin.getByRole('cell', { name: 'Sample data for a test, not real cards.', exact: true }).first().waitFor();
      await admin.getByRole('cell', { name: 'False Positive', exact: true }).first().waitFor();
    });

    it('the same through Slack and Teams: the survey link in each channel leads to the answer on the incident', async () => {
      await api.post('/notifications/channels', { kind: 'slack', name: 'SOC Slack', webhookUrl: sb.slackWebhookUrl });
      await api.post('/notifications/channels', { kind: 'teams', name: 'SOC Teams', webhookUrl: sb.teamsWebhookUrl });
      for (const kind of ['slack', 'teams'] as const) {
        const txn = CHAT_TXN[kind];
        const incidentId = (await api.post<{ id: number }>('/incidents', incidentBody(txn))).id;
        const admin = await h.newPage();
        await h.login(admin);
        await admin.goto(`${h.server.url}/incidents/${incidentId}`);
        await h.see(admin, txn);
        await admin.getByRole('button', { name: 'Actions' }).click();
        await admin.getByRole('menuitem', { name: 'Notify User' }).click();
        const dialog = admin.getByRole('dialog', { name: 'Notify User' });
        await dialog.getByRole('checkbox', { name: kind === 'slack' ? 'Slack: SOC Slack' : 'Teams: SOC Teams' }).check();
        await dialog.getByRole('button', { name: 'Notify' }).click();
        await dialog.waitFor({ state: 'hidden' });
        await h.see(admin, 'Validating with User');

        const channel = await h.newPage();
        const link = await chatLink(channel, kind, txn);
        expect(link.startsWith(h.server.url)).toBe(true);
        const user = await h.newPage();
        await user.goto(link);
        await h.see(user, 'Justify a data protection incident');
        await user.getByRole('radio', { name: 'Others' }).check();
        await user.getByLabel('Justification Reason').fill(`Answered from ${kind}.`);
        await user.getByRole('button', { name: 'Submit' }).click();
        await h.see(user, 'Your justification has been sent to the security team');

        await admin.reload();
        await h.see(admin, 'Received Justification Response');
        await admin.getByTestId('responses-section').getByText(`Answered from ${kind}.`).first().waitFor();
      }
    });

    it("Escalate to the manager from an imported User Attributes CSV → the manager's mail → approve with a reason in a fresh context → shown on the incident", async () => {
      const admin = await h.newPage();
      await h.login(admin);

      // The manager comes from a CSV imported on Setup > User Attributes.
      await h.navigate(admin, 'User Attributes');
      await admin.getByRole('button', { name: 'Import CSV' }).click();
      const wizard = admin.getByRole('dialog', { name: 'Import CSV' });
      const csv = ['email,name,manager email,department,employee id', 'rita@corp.example,Rita Reports,max.manager@corp.example,Finance,E-77'].join('\n');
      await wizard.locator('input[type=file]').setInputFiles({ name: 'managers.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
      await wizard.getByRole('button', { name: 'Validate', exact: true }).click();
      await wizard.getByRole('button', { name: 'Import', exact: true }).click();
      await wizard.getByText('Import finished: 1 of 1 rows processed.').waitFor({ timeout: 30_000 });
      await wizard.getByRole('button', { name: 'Done' }).click();

      const incidentId = (
        await api.post<{ id: number }>('/incidents', incidentBody(ESCALATE_TXN, { name: 'Rita Reports', email: 'rita@corp.example', department: 'Finance' }))
      ).id;
      await admin.goto(`${h.server.url}/incidents/${incidentId}`);
      await h.see(admin, ESCALATE_TXN);
      await admin.getByRole('button', { name: 'Actions' }).click();
      await admin.getByRole('menuitem', { name: 'Escalate' }).click();
      const dialog = admin.getByRole('dialog', { name: 'Escalate' });
      await dialog.getByLabel('User Type').selectOption('manager');
      await expect(dialog.getByLabel('User Type').locator('option:checked').textContent()).resolves.toMatch(/max\.manager@corp\.example/);
      await dialog.getByRole('button', { name: 'Escalate' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await h.see(admin, 'Escalated');

      // The manager reads the mail in the sandbox mailbox; it is addressed to them.
      const mailbox = await h.newPage();
      await openMail(mailbox, ESCALATE_TXN);
      await h.see(mailbox, 'max.manager@corp.example');
      const text = (await mailbox.locator('pre').first().textContent()) ?? '';
      const link = /(http:\/\/\S+\/survey\/[A-Za-z0-9_-]+)/.exec(text)?.[1];
      expect(link, text).toBeDefined();

      // A fresh browser context, no sign-in: approve with a reason.
      const manager = await h.newPage();
      await manager.goto(link!);
      await h.see(manager, 'Decide on a data protection incident');
      await manager.getByRole('radio', { name: 'Approve' }).check();
      await manager.getByLabel('Reason').fill('Quarterly report for the auditors.');
      await manager.getByRole('button', { name: 'Submit' }).click();
      await h.see(manager, 'Your decision has been sent to the security team');

      await admin.reload();
      await h.see(admin, 'Received Justification Response');
      const responses = admin.getByTestId('responses-section');
      await responses.getByText('Approved').first().waitFor();
      await responses.getByText('Quarterly report for the auditors.').first().waitFor();
      await responses.getByText('max.manager@corp.example').first().waitFor();
    });

    it('Auto Notify User and Close Incident: the Workflow section shows the wait with its time zone, then the branch the answer took', async () => {
      const admin = await h.newPage();
      await h.login(admin);
      await h.navigate(admin, 'Workflow Templates');
      await admin.getByRole('button', { name: 'Add New Workflow Definition from Auto Notify User and Close Incident' }).click();
      const form = admin.getByRole('form', { name: 'Workflow Settings' });
      await form.waitFor();
      const graphic = admin.getByTestId('steps-graphic');
      await graphic.getByText('Wait for Response').waitFor();
      await graphic.getByText('if False Positive').waitFor();
      await form.getByRole('textbox', { name: 'Workflow Name', exact: true }).fill('Ask, then close false positives');
      await form.getByRole('textbox', { name: 'Time to wait for a response (hours)' }).fill('48');
      await expect(form.getByRole('checkbox', { name: 'False Positive', exact: true }).first().isChecked()).resolves.toBe(true);
      await form.getByRole('button', { name: 'Save' }).click();
      await admin.waitForURL(/\/workflows$/);

      const incidentId = (
        await api.post<{ id: number }>('/incidents', incidentBody(WAIT_TXN, { name: 'Wade Wait', email: 'wade@corp.example', department: 'Finance' }))
      ).id;
      await admin.goto(`${h.server.url}/incidents/${incidentId}`);
      await h.see(admin, WAIT_TXN);
      const section = admin.getByTestId('workflow-section');
      await section.getByRole('button', { name: 'Run workflow' }).click();
      const run = admin.getByRole('dialog', { name: 'Run workflow' });
      await run
        .getByRole('textbox', { name: 'Workflow Name' })
        .or(run.getByRole('combobox', { name: 'Workflow Name' }))
        .first()
        .click();
      await admin.getByRole('option', { name: /^Ask, then close false positives/ }).click();
      await run.getByRole('button', { name: 'Run' }).click();
      await run.waitFor({ state: 'hidden' });

      // Bounded: the steps run in the background worker.
      await h.reloadUntil(admin, section.getByTestId('workflow-waiting'));
      // "Waiting for response until Dec 5, 2026, 9:04 AM UTC": a date, a time and a zone.
      await expect(section.getByTestId('workflow-waiting').textContent()).resolves.toMatch(
        /^Waiting for response until .+\d{1,2}:\d{2}.*(?:[A-Z]{2,}|GMT[+-]?\d*)$/,
      );

      const mailbox = await h.newPage();
      await openMail(mailbox, WAIT_TXN);
      const link = /(http:\/\/\S+\/survey\/[A-Za-z0-9_-]+)/.exec((await mailbox.locator('pre').first().textContent()) ?? '')?.[1];
      const user = await h.newPage();
      await user.goto(link!);
      await user.getByRole('radio', { name: 'False Positive' }).check();
      await user.getByRole('button', { name: 'Submit' }).click();
      await h.see(user, 'Your justification has been sent to the security team');

      await h.reloadUntil(admin, section.getByText('Branch: False Positive'));
      await expect(section.getByTestId('workflow-waiting').count()).resolves.toBe(0);
      // The close step is the next job after the branch: it may run after the last reload.
      await h.reloadUntil(admin, admin.getByText('Resolved'));
    });
  },
  {
    env: {
      PORT: String(port),
      WFA_PUBLIC_URL: `http://127.0.0.1:${port}`,
      WFA_SMTP_URL: sb.smtp.url,
      WFA_SMTP_FROM: 'wfa@corp.example',
      WFA_ALLOW_PRIVATE_TARGETS: 'true',
    },
  },
);
