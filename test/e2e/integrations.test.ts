import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { describeE2E, sandboxForFile } from './harness.js';

const sandbox = sandboxForFile();

async function pick(page: Page, label: string, option: string) {
  await page.getByLabel(label, { exact: true }).first().click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

describeE2E(
  'Setup > Integrations',
  (h) => {
    it('connects ServiceNow (wrong credentials refused first) and edits its settings', async () => {
      const sb = sandbox();
      const page = await h.newPage();
      await h.login(page);
      await page.goto('/setup/integrations');
      await h.see(page, 'Connect the ticketing systems incidents can be sent to.');
      await page.getByRole('link', { name: 'Integrations', exact: true }).waitFor();
      await page.getByTestId('tile-servicenow').getByRole('link', { name: 'Connect' }).click();
      await page.getByRole('tab', { name: 'Configuration Steps' }).click();
      await h.see(page, 'Application Registry');
      await page.getByRole('tab', { name: 'Configuration', exact: true }).click();
      await h.see(page, 'No connected accounts');
      await page.getByTestId('connect-account').click();
      const dialog = page.getByRole('dialog');
      // Required fields are checked before anything is sent.
      await dialog.getByRole('button', { name: 'Connect' }).click();
      await h.see(page, 'Integration name is required.');
      await dialog.getByLabel('Integration Name').fill('snowtest');
      await dialog.getByLabel('Instance URL').fill(sb.servicenowUrl);
      await dialog.getByLabel('User ID').fill(sb.credentials.servicenow.basic.username);
      await dialog.getByLabel('User Password').fill('definitely-wrong');
      await dialog.getByLabel('Admin Email ID').fill('admin@example.com');
      await dialog.getByRole('button', { name: 'Connect' }).click();
      const alert = dialog.getByRole('alert');
      await alert.waitFor();
      expect(await alert.textContent()).toContain('ServiceNow rejected the credentials');
      await dialog.getByLabel('User Password').fill(sb.credentials.servicenow.basic.password);
      await dialog.getByRole('button', { name: 'Connect' }).click();
      await page.getByTestId('account-snowtest').waitFor();
      expect(await page.getByTestId('account-snowtest').textContent()).toContain('Enabled');

      await page.getByRole('button', { name: 'Edit snowtest' }).click();
      await h.see(page, 'ServiceNow Integration');
      // Identifiers are shown as stored; secrets are write-only, and OAuth asks for its client.
      expect(await page.getByLabel('User ID').inputValue()).toBe(sb.credentials.servicenow.basic.username);
      expect(await page.getByLabel('Admin Email ID').inputValue()).toBe('admin@example.com');
      expect(await page.getByLabel('User Password').inputValue()).toBe('');
      expect(await page.getByLabel('Client ID').count()).toBe(0);
      await page.getByText('OAuth 2.0', { exact: true }).click();
      await page.getByLabel('Client ID').waitFor();
      await page.getByText('Basic', { exact: true }).click();
      expect(await page.getByLabel('Close incident when ticket is closed').count()).toBe(0);
      await page.getByLabel('Sync ticket status').check();
      await page.getByLabel('Close incident when ticket is closed').check();
      await page.getByRole('button', { name: 'Save Changes' }).click();
      await h.see(page, 'Changes saved.');
      await page.getByRole('button', { name: 'Disable Integration' }).click();
      // Disabling stops tickets and lookups: it asks first.
      const confirm = page.getByRole('dialog', { name: 'Disable snowtest?' });
      await confirm.getByRole('button', { name: 'Cancel' }).click();
      await confirm.waitFor({ state: 'hidden' });
      await page.getByRole('button', { name: 'Disable Integration' }).click();
      await page.getByRole('dialog', { name: 'Disable snowtest?' }).getByRole('button', { name: 'Disable Integration' }).click();
      // Gone before going on: while it fades out, its own "Disable Integration" button is still there.
      await page.getByRole('dialog', { name: 'Disable snowtest?' }).waitFor({ state: 'hidden' });
      await page.getByRole('button', { name: 'Enable Integration' }).waitFor();
      await page.getByRole('button', { name: 'Enable Integration' }).click();
      await page.getByRole('button', { name: 'Disable Integration' }).waitFor();

      const api = await h.api();
      const list = await api.get<{ items: { name: string; settings: Record<string, boolean>; enabled: boolean }[] }>('/integrations');
      expect(list.items.find((i) => i.name === 'snowtest')).toMatchObject({
        enabled: true,
        settings: { syncTicketStatus: true, closeIncidentOnTicketClosed: true },
      });
    });

    it('connects Jira Cloud, syncs projects, sets a Complete Status and maps the required fields', async () => {
      const sb = sandbox();
      const page = await h.newPage();
      await h.login(page);
      await page.goto('/setup/integrations/jira_cloud');
      await page.getByTestId('connect-account').click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Integration Name').fill('jiratest');
      await dialog.getByLabel('Atlassian site URL').fill(sb.jiraUrl);
      // The system's credential schema is checked before anything is sent, with the server's message.
      await dialog.getByLabel('Account email').fill('not-an-email');
      await dialog.getByLabel('API token').fill('wrong-token');
      await dialog.getByRole('button', { name: 'Connect' }).click();
      await h.see(page, 'Enter a valid account email, such as jane@example.com.');
      expect(await dialog.getByRole('alert').count()).toBe(0);
      await dialog.getByLabel('Account email').fill(sb.credentials.jira.email);
      await dialog.getByRole('button', { name: 'Connect' }).click();
      await dialog.getByRole('alert').waitFor();
      expect(await dialog.getByRole('alert').textContent()).toContain('Jira Cloud rejected the credentials');
      await dialog.getByLabel('API token').fill(sb.credentials.jira.apiToken);
      await dialog.getByRole('button', { name: 'Connect' }).click();
      await page.getByTestId('account-jiratest').waitFor();

      // The new account is expanded with its projects.
      await page.getByTestId('project-SEC').waitFor();
      expect(await page.getByTestId('project-OPS').textContent()).toContain('Labels Not Supported');
      expect(await page.getByTestId('project-SEC').textContent()).toContain('Mapping is Empty');
      await page.getByRole('button', { name: 'Sync Project List' }).click();
      await h.see(page, /Project list synced: 2 projects/);

      await pick(page, 'Complete Status of Security Incidents', 'Done');
      await h.see(page, 'Complete Status of Security Incidents is Done.');

      await page.getByRole('button', { name: 'Add Field Mapping for Security Incidents' }).click();
      const modal = page.getByRole('dialog');
      await h.see(page, 'Required Fields Mappings — Security Incidents');
      await pick(page, 'Issue Type', 'Security Incident');
      await modal.getByTestId('mapping-row-customfield_10050').waitFor();
      expect(await modal.getByRole('button', { name: 'Add More' }).isDisabled()).toBe(true);
      await modal.getByRole('button', { name: 'Save' }).click();
      await modal.getByRole('alert').waitFor();
      expect(await modal.getByRole('alert').textContent()).toContain('is required by Jira');
      await pick(page, 'Zscaler field for Summary', 'Description/Summary');
      await pick(page, 'Default value for Data Classification', 'Confidential');
      await modal.getByRole('button', { name: 'Save' }).click();
      await h.see(page, 'Field mappings of Security Incident in Security Incidents saved.');
      // Optional rows come after the required ones.
      await pick(page, 'Optional Jira field to add', 'Priority');
      await modal.getByRole('button', { name: 'Add More' }).click();
      await modal.getByTestId('mapping-row-priority').waitFor();
      await modal.getByRole('button', { name: 'Close dialog' }).click();
      await page.getByTestId('project-SEC').getByText('Enabled').waitFor();
      // The focus is back on the project's button that opened the mappings window (now "View ...").
      await page.waitForFunction(`/Field Mapping for Security Incidents$/.test(document.activeElement?.getAttribute('aria-label') ?? '')`);

      const api = await h.api();
      const jira = (await api.get<{ items: { id: number; name: string }[] }>('/integrations')).items.find((i) => i.name === 'jiratest')!;
      const projects = await api.get<{ items: { key: string; completeStatus: { name: string } | null; autoSync: { enabled: boolean } }[] }>(
        `/integrations/${jira.id}/projects`,
      );
      expect(projects.items.find((p) => p.key === 'SEC')).toMatchObject({ completeStatus: { name: 'Done' }, autoSync: { enabled: true } });
    });

    it('deletes an account after confirmation; it shows again, marked Deleted, under "Show Deleted Accounts"', async () => {
      const sb = sandbox();
      const api = await h.api();
      const body = (name: string) => ({
        type: 'servicenow',
        name,
        baseUrl: sb.servicenowUrl,
        credentials: { authMethod: 'basic', ...sb.credentials.servicenow.basic },
      });
      await api.post('/integrations', body('snow-keep'));
      await api.post('/integrations', body('snow-gone'));
      const page = await h.newPage();
      await h.login(page);
      await page.goto('/setup/integrations/servicenow');
      await page.getByTestId('account-snow-gone').waitFor();

      await page.getByRole('button', { name: 'Edit snow-gone' }).click();
      await page.getByRole('button', { name: 'Delete', exact: true }).click();
      const confirm = page.getByRole('dialog', { name: 'Delete snow-gone?' });
      await h.see(page, 'stays listed under "Show Deleted Accounts"');
      await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
      await h.see(page, 'snow-gone is deleted.');
      await page.getByTestId('account-snow-keep').waitFor();
      await page.getByTestId('account-snow-gone').waitFor({ state: 'detached' });
      expect(await page.getByTestId('deleted-account-snow-gone').count()).toBe(0);

      // The switch works from the keyboard.
      const toggle = page.getByRole('switch', { name: 'Show Deleted Accounts' });
      expect(await toggle.isChecked()).toBe(false);
      await toggle.focus();
      await page.keyboard.press('Space');
      const row = page.getByTestId('deleted-account-snow-gone');
      await row.waitFor();
      expect(await toggle.isChecked()).toBe(true);
      expect(await row.textContent()).toContain('Deleted');
      expect(await row.locator('time').count()).toBe(1);
      expect(await row.getByRole('button').count()).toBe(0);
      expect(await row.getByRole('link').count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Edit snow-gone' }).count()).toBe(0);
      await page.getByTestId('account-snow-keep').waitFor();
      await page.keyboard.press('Space');
      await row.waitFor({ state: 'detached' });

      // The tile counts connected accounts only.
      const connected = (await api.get<{ items: { type: string }[] }>('/integrations')).items.filter((i) => i.type === 'servicenow').length;
      await page.goto('/setup/integrations');
      await page.getByTestId('tile-servicenow').getByText(`${connected} Connected`).waitFor();
      expect(await page.getByTestId('tile-servicenow').textContent()).not.toContain('snow-gone');
    });
  },
  { env: { WFA_ALLOW_PRIVATE_TARGETS: 'true' } },
);
