/**
 * Notifications in chromium: connect a Slack channel in Setup > Integrations (a test message
 * arrives in the sandbox receiver first), send it a test message, delete it after confirming;
 * then a test email refused with 550 shows as Failed with the server's reason in the Notification
 * Center's Deliveries, and Retry delivers it to the sandbox mailbox.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeE2E, type ApiClient } from './harness.js';
import { startMessagingSandbox } from '../../src/sandbox/index.js';

const sb = await startMessagingSandbox({ host: '127.0.0.1', port: 0, smtpPort: 0 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Message = { id: number; status: string; lastError: string | null };

describeE2E(
  'notifications',
  (h) => {
    let api: ApiClient;
    beforeAll(async () => {
      api = await h.api();
    });
    afterAll(() => sb.close());

    /** Waits (bounded) until the background worker has settled the message. */
    async function until(id: number, status: string): Promise<Message> {
      for (let i = 0; i < 100; i++) {
        const m = await api.get<Message>(`/notifications/messages/${id}`);
        if (m.status === status) return m;
        await sleep(200);
      }
      throw new Error(`message ${id} did not become ${status}`);
    }

    it('connects a Slack channel with a test message, tests it again and deletes it', async () => {
      const page = await h.newPage();
      await h.login(page);
      await h.navigate(page, 'Integrations');
      await h.see(page, 'Notification channels');
      await page.getByRole('button', { name: 'Add Slack' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Name').fill('E2E Slack');
      await dialog.getByLabel('Webhook URL').fill(`${sb.url}/services/T1/B1/wrong`);
      await dialog.getByRole('button', { name: 'Send test message and add' }).click();
      await dialog
        .getByRole('alert')
        .getByText(/no_service/)
        .waitFor();
      await dialog.getByLabel('Webhook URL').fill(sb.slackWebhookUrl);
      await dialog.getByRole('button', { name: 'Send test message and add' }).click();
      await dialog.waitFor({ state: 'hidden' });
      const list = page.getByRole('table', { name: 'Notification channels' });
      await list.getByText('E2E Slack').waitFor();
      expect(await page.content()).not.toContain('sandboxSlackHookSecret01');
      expect(sb.state.chat.filter((c) => c.kind === 'slack')).toHaveLength(1);

      await page.getByRole('button', { name: 'Send test message to E2E Slack' }).click();
      await h.see(page, 'Test message sent');
      expect(sb.state.chat.filter((c) => c.kind === 'slack')).toHaveLength(2);

      await page.getByRole('button', { name: 'Delete E2E Slack' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
      await h.see(page, 'No notification channels');
    });

    it('sends a test email from Deliveries; refused, it shows with its reason, and Retry delivers it', async () => {
      sb.state.setFaults({ smtpPermanent: 1 });
      const page = await h.newPage();
      await h.login(page);
      // The Notification Center opens from the bell beside the account menu.
      await page.goto(`${h.server.url}/notifications`);
      await h.see(page, 'Notification Center');
      await page.getByRole('tab', { name: 'Deliveries' }).click();
      await page.getByRole('button', { name: 'Send test email' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Email address').fill('e2e.person@corp.example');
      await dialog.getByLabel('Name').fill('E2E Person');
      await dialog.getByRole('button', { name: 'Send' }).click();
      await h.see(page, 'Test email queued');
      const listed = await api.get<{ items: (Message & { recipient: string })[] }>('/notifications/messages?pageSize=100');
      const queued = listed.items.find((m) => m.recipient === 'e2e.person@corp.example')!;
      expect(queued).toBeDefined();
      await until(queued.id, 'failed');
      await page.reload();
      await page.getByRole('tab', { name: 'Deliveries' }).click();
      const row = page.getByTestId(`delivery-${queued.id}`);
      await row.getByText('Failed').waitFor();
      await row.getByText(/550/).waitFor();
      await row.getByRole('button', { name: 'Retry the delivery to E2E Person' }).click();
      await h.see(page, 'Delivery queued again');
      await until(queued.id, 'sent');
      await page.reload();
      await page.getByRole('tab', { name: 'Deliveries' }).click();
      await page.getByTestId(`delivery-${queued.id}`).getByText('Sent').waitFor();
      expect(sb.state.mails.filter((m) => m.envelopeTo.includes('e2e.person@corp.example'))).toHaveLength(1);
    });
  },
  {
    env: {
      WFA_SMTP_URL: sb.smtp.url,
      WFA_SMTP_FROM: 'notifications@e2e.example.com',
      WFA_ALLOW_PRIVATE_TARGETS: 'true',
      WFA_JOB_POLL_MS: '100',
    },
  },
);
