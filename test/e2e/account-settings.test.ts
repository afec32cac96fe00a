import fs from 'node:fs';
import { expect, it } from 'vitest';
import { describeE2E } from './harness.js';

describeE2E('Account Settings, Approvers and User Attributes', (h) => {
  it('restricts approver domains, adds approvers with Add More, and imports user attributes from CSV', async () => {
    const page = await h.newPage();
    await h.login(page);

    // --- Account Settings: trust one domain, Save.
    await h.navigate(page, 'Account Settings');
    const domains = page.getByRole('combobox', { name: 'Trusted domains' });
    await domains.fill('corp.example');
    await domains.press('Enter');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await h.see(page, 'Account Settings saved');
    expect((await (await h.api()).get<{ approverDomains: string[] }>('/account-settings')).approverDomains).toEqual(['corp.example']);

    // --- Approvers: two rows through Add More; the one outside the domain is refused with the domain list.
    await h.navigate(page, 'Approvers');
    await h.see(page, 'No approvers yet');
    await page.getByRole('button', { name: 'Add More' }).click();
    await page.getByRole('textbox', { name: 'Name, new row 1' }).fill('Ann Lee');
    await page.getByRole('textbox', { name: 'Email ID, new row 1' }).fill('ann@corp.example');
    await page.getByRole('button', { name: 'Add More' }).click();
    await page.getByRole('textbox', { name: 'Name, new row 2' }).fill('Bob Roe');
    await page.getByRole('textbox', { name: 'Email ID, new row 2' }).fill('bob@gmail.example');
    const form = page.getByRole('form', { name: 'New approvers' });
    await form.getByRole('button', { name: 'Save' }).click();
    await form
      .getByRole('alert')
      .getByText(/bob@gmail\.example is not in the trusted approver domains \(corp\.example\)/)
      .waitFor();
    await page.getByRole('textbox', { name: 'Email ID, new row 2' }).fill('bob@corp.example');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.waitFor({ state: 'detached' });
    const list = page.getByRole('table', { name: 'Approvers' });
    await list.getByRole('row').filter({ hasText: 'ann@corp.example' }).waitFor();
    await list.getByRole('row').filter({ hasText: 'bob@corp.example' }).waitFor();

    // Search, then Delete after confirming.
    await page.getByRole('textbox', { name: 'Search approvers' }).fill('bob');
    await list.getByRole('row').filter({ hasText: 'ann@corp.example' }).waitFor({ state: 'detached' });
    await list.getByRole('button', { name: 'Delete Bob Roe' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete Approver' });
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await h.see(page, 'No matching approvers');

    // --- User Attributes: Validate shows the bad rows, Import runs with progress, errors download as CSV.
    await h.navigate(page, 'User Attributes');
    await h.see(page, 'No files imported yet');
    await page.getByRole('button', { name: 'Import CSV' }).click();
    const wizard = page.getByRole('dialog', { name: 'Import CSV' });
    const csv = [
      'email,name,manager email,department,employee id',
      'jane@corp.example,Jane Doe,mark@corp.example,Finance,E-1',
      'mark@corp.example,Mark Boss,,Finance,E-2',
      'not-an-email,Nobody,,,',
    ].join('\n');
    await wizard.locator('input[type=file]').setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await wizard.getByRole('button', { name: 'Validate', exact: true }).click();
    await wizard.getByText('2 of 3 rows are valid; 1 have problems and will not be imported.').waitFor();
    await wizard
      .getByRole('table', { name: 'Validation problems' })
      .getByRole('row')
      .filter({ hasText: 'not-an-email' })
      .getByText(/valid email/)
      .waitFor();
    await wizard.getByRole('button', { name: 'Import', exact: true }).click();
    await wizard.getByText('Import finished: 3 of 3 rows processed.').waitFor({ timeout: 30_000 });
    for (const label of ['Added: 2', 'Updated: 0', 'Unchanged: 0', 'Errors: 1']) await wizard.getByText(label).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), wizard.getByRole('link', { name: 'Download errors (CSV)' }).click()]);
    const errors = fs.readFileSync((await download.path())!, 'utf8');
    expect(errors).toContain('line,email,name,manager email,department,employee id,error');
    expect(errors).toContain('4,not-an-email,Nobody');
    await wizard.getByRole('button', { name: 'Done' }).click();

    const files = page.getByRole('table', { name: 'Imported files' });
    await files.getByRole('row').filter({ hasText: 'people.csv' }).getByText('Done').waitFor();
    const attrs = page.getByRole('table', { name: 'User attributes' });
    await attrs.getByRole('row').filter({ hasText: 'jane@corp.example' }).getByText('mark@corp.example').waitFor();
    await page.getByRole('textbox', { name: 'Search user attributes' }).fill('boss');
    await attrs.getByRole('row').filter({ hasText: 'jane@corp.example' }).waitFor({ state: 'detached' });
    await attrs.getByRole('row').filter({ hasText: 'Mark Boss' }).waitFor();
  });
});
