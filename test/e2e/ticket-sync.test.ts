import { expect, it } from 'vitest';
import { describeE2E, sandboxForFile } from './harness.js';

const sandbox = sandboxForFile();

describeE2E(
  'Integration page > Ticket status sync',
  (h) => {
    it('rotates the secret (shown once, after confirming a second rotation), turns webhooks on and saves the interval and policy', async () => {
      const sb = sandbox();
      const api = await h.api();
      const created = await api.post<{ id: number }>('/integrations', {
        type: 'servicenow',
        name: 'snow-sync',
        baseUrl: sb.servicenowUrl,
        adminEmail: 'admin@example.com',
        credentials: { authMethod: 'basic', ...sb.credentials.servicenow.basic },
      });
      await api.patch(`/integrations/${created.id}`, { settings: { syncTicketStatus: true } });
      const page = await h.newPage();
      await h.login(page);
      await page.goto(`/setup/integrations/servicenow/${created.id}`);
      const panel = page.getByTestId('ticket-sync-panel');
      await panel.waitFor();
      await h.see(page, 'Business Rules');
      expect(await panel.getByLabel('Webhook URL', { exact: true }).inputValue()).toMatch(new RegExp(`/api/v1/webhooks/servicenow/${created.id}$`));
      expect(await panel.getByText('Webhook secret: none yet').count()).toBe(1);

      await panel.getByRole('button', { name: 'Rotate secret' }).click();
      await h.see(page, 'Copy the secret now');
      const first = await panel.getByLabel('Webhook secret', { exact: true }).inputValue();
      expect(first).toMatch(/^wfa_whsec_/);

      await panel.getByRole('button', { name: 'Rotate secret' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByText('The current secret stops working at once').waitFor();
      await dialog.getByRole('button', { name: 'Rotate secret' }).click();
      await dialog.waitFor({ state: 'hidden' });
      const second = await panel.getByLabel('Webhook secret', { exact: true }).inputValue();
      expect(second).not.toBe(first);

      await panel.getByLabel('Poll interval (minutes)').fill('0');
      await h.see(page, 'Enter whole minutes from 1 to 1440.');
      await panel.getByLabel('Poll interval (minutes)').fill('5');
      await panel.getByLabel("When the incident's ticket is closed").click();
      await page.getByRole('option', { name: 'Reopen the closed ticket' }).click();
      await panel.getByLabel('Receive webhooks').check();
      await panel.getByRole('button', { name: 'Save sync settings' }).click();
      await h.see(page, 'Ticket sync settings saved.');
      await h.screenshot(page, 'ticket-sync-panel');

      await page.reload();
      await panel.waitFor();
      await h.see(page, 'Webhook secret: set (hidden)');
      expect(await page.content()).not.toContain(second);
      const view = await api.get<{ pollIntervalMinutes: number; webhooksEnabled: boolean; closedTicketPolicy: string }>(
        `/integrations/${created.id}/ticket-sync`,
      );
      expect(view).toMatchObject({ pollIntervalMinutes: 5, webhooksEnabled: true, closedTicketPolicy: 'reopen' });
    });
  },
  { env: { WFA_ALLOW_PRIVATE_TARGETS: 'true' } },
);
