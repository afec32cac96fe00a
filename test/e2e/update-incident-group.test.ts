/**
 * Update Incident Group in chromium (PRODUCT.md §5): from Incident Details, move a group from
 * Available to Newly added (found by the search box), try Reset and the "nothing assigned" state,
 * submit, and see the Incident Groups field and the re-derived priority change; the focus goes
 * back to the Actions button.
 */
import { expect, it } from 'vitest';
import { describeE2E } from './harness.js';

/** A Low incident five minutes old; override any field. */
const incident = (transactionId: string, over: Record<string, unknown>) => ({
  transactionId,
  incidentDate: new Date(Date.now() - 5 * 60_000).toISOString(),
  severity: 'Low',
  sourceType: 'Inline',
  action: 'Block',
  rules: ['E2E Rule'],
  ...over,
});

describeE2E('update incident group', (h) => {
  it('moves a group in the dialog, submits, and Incident Details shows the new groups and priority', async () => {
    const api = await h.api();
    const vault = await api.post<{ id: number }>('/incident-groups', { type: 'Team', name: 'E2E Vault' });
    await api.post('/incident-groups', { type: 'Team', name: 'E2E Lobby' });
    await api.put('/priorities', { items: [{ groupId: vault.id, priority: 'Critical' }] });
    const [{ id }] = await h.ingest([incident('E2E-UPDATE-GROUP-1', { priority: 'Low', user: { name: 'Gail Roup', email: 'gail@corp.example' } })]);

    const page = await h.newPage();
    await h.login(page);
    await page.goto(`/incidents/${id}`);
    const overview = page.getByTestId('overview');
    const groupsField = overview
      .locator('div')
      .filter({ has: page.locator('dt', { hasText: /^Incident Groups$/ }) })
      .locator('dd');
    await expect.poll(() => groupsField.textContent()).toBe('None');

    const actions = page.getByRole('button', { name: 'Actions', exact: true });
    await actions.click();
    await page.getByRole('menuitem', { name: 'Update Incident Group' }).click();
    const dialog = page.getByRole('dialog', { name: 'Update Incident Group' });
    await dialog.waitFor();
    await h.settled(page);
    const available = dialog.getByTestId('groups-available');
    const added = dialog.getByTestId('groups-added');

    // Nothing assigned yet: Submit is disabled and says why.
    const submit = dialog.getByRole('button', { name: 'Submit' });
    expect(await submit.isDisabled()).toBe(true);
    await dialog.getByText('Assign at least one incident group.').waitFor();

    // The search filters the lists; Add moves the group to Newly added, with the keyboard.
    await dialog.getByRole('searchbox', { name: 'Search incident groups' }).fill('vault');
    await available.getByRole('button', { name: 'Add E2E Lobby' }).waitFor({ state: 'detached' });
    await available.getByRole('button', { name: 'Add E2E Vault' }).focus();
    await page.keyboard.press('Enter');
    await added.getByText('E2E Vault').waitFor();
    expect(await submit.isDisabled()).toBe(false);

    // Reset puts the incident's groups back (none), then add again.
    await dialog.getByRole('button', { name: 'Reset' }).click();
    await added.getByText('None yet.').waitFor();
    await available.getByRole('button', { name: 'Add E2E Vault' }).click();
    await added.getByRole('button', { name: 'Remove E2E Vault' }).waitFor();
    await submit.click();
    await dialog.waitFor({ state: 'detached' });

    await expect.poll(() => groupsField.textContent()).toBe('E2E Vault');
    await page.getByLabel('Status, priority and severity').getByText('Critical').waitFor();
    await page.getByText('Incident groups changed from none to E2E Vault. Priority changed from Low to Critical').first().waitFor();
    // The focus is back on the button that opened the menu.
    await expect.poll(() => actions.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);

    // Reopened, the dialog starts from the incident's groups: Vault under Assigned.
    await actions.click();
    await page.getByRole('menuitem', { name: 'Update Incident Group' }).click();
    await dialog.waitFor();
    await dialog.getByTestId('groups-assigned').getByRole('button', { name: 'Remove E2E Vault' }).waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('bulk: sets the chosen groups on the selected incidents from the Incidents list', async () => {
    const api = await h.api();
    const bulkUser = { name: 'Bulk Grouper', email: 'bulk@corp.example' };
    const ids = (await h.ingest([incident('E2E-BULK-GROUP-1', { user: bulkUser }), incident('E2E-BULK-GROUP-2', { user: bulkUser })])).map((r) => r.id);

    const page = await h.newPage();
    await h.login(page);
    for (const n of [1, 2]) await page.getByRole('checkbox', { name: `Select E2E-BULK-GROUP-${n}` }).check();
    await page.getByRole('button', { name: 'Actions (2)' }).click();
    await page.getByRole('menuitem', { name: 'Update Incident Group' }).click();
    const dialog = page.getByRole('dialog', { name: 'Update Incident Group' });
    await dialog.getByText('2 incidents selected').waitFor();
    await h.settled(page);
    await dialog.getByTestId('groups-available').getByRole('button', { name: 'Add E2E Lobby' }).click();
    await dialog.getByRole('button', { name: 'Submit' }).click();
    await h.see(page, 'Incident groups set on 2 incidents.');
    for (const id of ids) {
      const d = await api.get<{ incidentGroups: { name: string }[] }>(`/incidents/${id}`);
      expect(d.incidentGroups.map((g) => g.name)).toEqual(['E2E Lobby']);
    }
  });
});
