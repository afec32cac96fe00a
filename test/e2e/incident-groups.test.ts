/**
 * Incident groups in chromium (issue 11 item 6): add a group with "Save and create mapping", map
 * it, give it a priority on Setup > Priorities, ingest through the API, and see the incident's
 * group in the Incident Groups column, its derived priority, and the group on Incident Details.
 */
import { it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { describeE2E } from './harness.js';

/** A Mantine Select: open it by its label, pick the option. */
async function pick(page: Page, scope: Page | Locator, label: string, option: string | RegExp) {
  await scope
    .getByRole('combobox', { name: label, exact: true })
    .or(scope.getByRole('textbox', { name: label, exact: true }))
    .first()
    .click();
  await page.getByRole('option', { name: option }).first().click();
}

describeE2E('incident groups', (h) => {
  it('group with "Save and create mapping" → statement → priority → ingestion shows the group column and the derived priority', async () => {
    const page = await h.newPage();
    await h.login(page);
    await h.navigate(page, 'Incident Groups');
    await page.getByRole('button', { name: 'Add Incident Group' }).click();
    const add = page.getByRole('dialog', { name: 'Add Incident Group' });
    await add.waitFor();
    await h.settled(page);
    await add.getByRole('button', { name: 'Add Type' }).click();
    await add.getByRole('textbox', { name: 'New Type' }).fill('Department');
    await add.getByRole('textbox', { name: 'Name' }).fill('E2E Treasury');
    await add.getByRole('textbox', { name: 'Description' }).fill('Treasury desk incidents');
    await add.getByRole('button', { name: 'Save and create mapping' }).click();

    // The mapping dialog opens for the new group.
    await page.waitForURL(/\/setup\/incident-group-mappings/);
    const statement = page.getByRole('dialog', { name: 'Add Statement' });
    await statement.waitFor();
    await h.settled(page);
    await statement.getByText('E2E Treasury (Department)').waitFor();
    await statement.getByRole('button', { name: 'Add Condition' }).click();
    const cond = statement.getByTestId('condition-0');
    await pick(page, cond, 'Property', 'Department');
    await pick(page, cond, 'Operation', 'EQUALS');
    await cond.getByRole('textbox', { name: 'Value' }).fill('Treasury');
    await statement.getByRole('button', { name: 'Save' }).click();
    await statement.waitFor({ state: 'hidden' });
    const row = page.getByTestId('group-statement-1');
    await row.getByText('E2E Treasury').waitFor();
    await row.getByText('department EQUALS "Treasury"').waitFor();

    await h.navigate(page, 'Priorities');
    await page.getByTestId('add-more-priorities').click();
    await pick(page, page, 'Incident Group, row 1', 'E2E Treasury (Department)');
    await pick(page, page, 'Priority, row 1', 'Critical');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await h.see(page, 'Priorities saved');

    const [{ id }] = await h.ingest([
      {
        transactionId: 'E2E-GROUPS-1',
        incidentDate: new Date(Date.now() - 5 * 60_000).toISOString(),
        severity: 'Low',
        sourceType: 'Inline',
        action: 'Block',
        rules: ['E2E Groups Rule'],
        user: { name: 'Tess Reasury', email: 'tess@corp.example', department: 'Treasury' },
      },
    ]);

    await h.navigate(page, 'Incidents');
    await page.getByRole('button', { name: 'Modify the table and its columns' }).click();
    await page.getByRole('checkbox', { name: 'Incident Groups' }).check();
    await page.keyboard.press('Escape');
    await page.getByRole('columnheader', { name: 'Incident Groups' }).waitFor();
    const listed = page.getByRole('row').filter({ hasText: 'E2E-GROUPS-1' });
    await listed.getByRole('cell', { name: 'E2E Treasury' }).waitFor();
    await listed.getByText('Critical').waitFor();

    await page.goto(`/incidents/${id}`);
    const overview = page.getByTestId('overview');
    await overview.getByText('E2E Treasury').waitFor();
    await overview.getByText('Critical').first().waitFor();
  });
});
