/**
 * Screenshots of the Setup pages and their windows at 1280 px and 400 px, for a person to look at
 * (layout regressions are not asserted). Output: $E2E_SHOTS_DIR or test-results/shots.
 */
import path from 'node:path';
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { RESULTS_DIR, describeE2E } from './harness.js';

const OUT = process.env.E2E_SHOTS_DIR ?? path.join(RESULTS_DIR, 'shots');
const WIDTHS = [1280, 400];

describeE2E('screenshots of Setup pages', (h) => {
  it('seeds data and captures every page and window at 1280 and 400 px', async () => {
    const api = await h.api();
    const roles = (await api.get<{ items: { id: number; name: string }[] }>('/roles')).items;
    const manager = roles.find((r) => r.name === 'DLP Incident Manager')!.id;
    const custom = await api.post<{ id: number }>('/roles', { name: 'Audit Reviewer', permissions: { 'Audit Logs': 'view', Analytics: 'view' } });
    await api.patch(`/roles/${custom.id}`, { permissions: { 'Audit Logs': 'view', Labels: 'edit' } });
    for (let i = 1; i <= 12; i++) {
      await api.post('/admins', {
        email: `analyst${i}@example.com`,
        name: `Analyst Number ${i}`,
        roleId: i % 3 ? manager : custom.id,
        password: 'analyst-password-1',
      });
    }
    await api.post('/api-keys', { name: 'SIEM export', roleId: custom.id });

    for (const width of WIDTHS) {
      const page = await h.newPage({ width, height: 900 });
      await h.login(page);
      const shot = (name: string) =>
        h.screenshot(page, path.join(OUT, `${name}-${width}.png`), { fullPage: !/-(add|view|created|change|validation)/.test(name) });
      const open = async (p: string, heading: string) => {
        await page.goto(p);
        await page.getByRole('heading', { name: heading }).waitFor();
        await page.waitForLoadState('networkidle');
      };

      await open('/setup/admins', 'Admins');
      await page.getByTestId('admin-row-analyst1@example.com').waitFor();
      await shot('admins');
      await page.getByRole('button', { name: 'Add Admin' }).click();
      const add = page.getByRole('dialog', { name: 'Add Admin' });
      await add.getByRole('button', { name: 'Add Admin' }).click();
      await add.getByText('Email is required.').waitFor();
      await shot('admins-add-validation');
      await page.keyboard.press('Escape');

      await open('/setup/roles', 'Roles');
      await page.getByTestId('role-row-Audit Reviewer').waitFor();
      await shot('roles');
      await page.getByRole('button', { name: 'Add More' }).click();
      await page.getByRole('dialog', { name: 'Add Role' }).waitFor();
      await shot('roles-add');
      await page.keyboard.press('Escape');
      await page.getByRole('button', { name: 'View permissions of DLP Admin' }).click();
      await page.getByRole('dialog', { name: 'View Permissions' }).waitFor();
      await shot('roles-view');
      await page.keyboard.press('Escape');

      await open('/setup/api-keys', 'API Keys');
      await page.getByTestId('api-key-row-SIEM export').waitFor();
      await shot('api-keys');
      await page.getByRole('button', { name: 'Create API Key' }).click();
      const dlg = page.getByRole('dialog', { name: 'Create API Key' });
      await dlg.getByRole('textbox', { name: /^Name/ }).fill(`Screenshot ${width}`);
      await dlg.getByRole('combobox', { name: /^Role/ }).selectOption({ label: 'DLP Admin' });
      await dlg.getByRole('button', { name: 'Create' }).click();
      await page.getByRole('dialog', { name: 'API key created' }).getByTestId('new-api-key').waitFor();
      await shot('api-keys-created');
      await page.getByRole('button', { name: 'I have copied the key' }).click();

      await open('/setup/audit-logs', 'Audit Logs');
      await page.getByTestId('audit-row').first().waitFor();
      await shot('audit-logs');
      await page.getByRole('combobox', { name: 'Time range' }).selectOption({ label: 'Custom range' });
      await shot('audit-logs-custom-range');
      await page.getByRole('button', { name: 'View change: Edited permissions of role Audit Reviewer' }).click();
      await page.getByRole('dialog', { name: 'Change' }).getByTestId('audit-diff').waitFor();
      await shot('audit-logs-change');
      // Nothing in the Change window scrolls sideways, at either width.
      const sideways = await page
        .getByRole('dialog', { name: 'Change' })
        .evaluate((dialog) =>
          [dialog, ...dialog.querySelectorAll('*')]
            .filter((el) => el.scrollWidth > el.clientWidth + 1 && ['auto', 'scroll'].includes(el.ownerDocument.defaultView!.getComputedStyle(el).overflowX))
            .map((el) => el.className || el.tagName),
        );
      expect({ width, sideways }).toEqual({ width, sideways: [] });
      await page.keyboard.press('Escape');

      await narrowMenu(page, width, shot);
    }
    expect(true).toBe(true);
  });
});

async function narrowMenu(page: Page, width: number, shot: (n: string) => Promise<string>) {
  if (width >= 768) return;
  await page.getByRole('button', { name: 'Toggle navigation' }).click();
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Audit Logs' }).waitFor();
  await shot('navigation-open');
}
