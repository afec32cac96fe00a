/** Issue 13 item 5 in the browser: Setup > Webhooks adds a webhook (secret shown once), sends a test event to the sandbox receiver, and the delivery log shows it delivered. */
import { expect, it } from 'vitest';
import { describeE2E, sandboxForFile } from './harness.js';

const sandbox = sandboxForFile();

describeE2E(
  'Setup > Webhooks',
  (h) => {
    it('adds a webhook, shows its secret once, sends a signed test event and lists the delivery', async () => {
      const sb = sandbox();
      const page = await h.newPage();
      await h.login(page);
      await h.navigate(page, 'Webhooks');
      await h.see(page, 'No webhooks');
      await page.getByRole('button', { name: 'Add Webhook' }).click();
      const form = page.getByRole('dialog', { name: 'Add Webhook' });
      await form.getByRole('textbox', { name: /^Name/ }).fill('SIEM');
      await form.getByRole('textbox', { name: /^URL/ }).fill(`${sb.servicenowUrl}/__sandbox/events`);
      await form.getByRole('checkbox', { name: 'Ticket created' }).uncheck();
      await form.getByRole('button', { name: 'Add' }).click();

      const shown = page.getByRole('dialog', { name: 'Signing secret' });
      const secret = (await shown.getByTestId('webhook-secret').textContent())!.trim();
      expect(secret).toMatch(/^whsec_/);
      await shown.getByRole('button', { name: 'I have copied the secret' }).click();
      sb.state.events.secret = secret;

      const row = page.getByTestId('webhook-row-SIEM');
      await row.waitFor();
      const text = (await row.textContent()) ?? '';
      expect(text).toContain('Incident created');
      expect(text).not.toContain('Ticket created');
      expect(text).not.toContain(secret);

      await page.getByRole('button', { name: 'Actions for SIEM' }).click();
      await page.getByRole('menuitem', { name: 'Send test event' }).click();
      const log = page.getByRole('region', { name: 'Delivery log of SIEM' });
      await log.getByText('Delivered').waitFor();
      expect(await log.textContent()).toContain('webhook.test');
      expect(sb.state.events.received.map((r) => [r.event, r.valid])).toEqual([['webhook.test', true]]);

      await page.getByRole('button', { name: 'Actions for SIEM' }).click();
      await page.getByRole('menuitem', { name: 'Delete' }).click();
      await page.getByRole('dialog', { name: 'Delete webhook' }).getByRole('button', { name: 'Delete' }).click();
      await row.waitFor({ state: 'detached' });
    });
  },
  { env: { WFA_ALLOW_PRIVATE_TARGETS: 'true' } },
);
