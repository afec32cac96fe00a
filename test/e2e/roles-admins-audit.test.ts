/**
 * Issue 2's browser test: a custom role, a new admin holding it who sees only what it allows, and
 * all of it in Audit Logs with its before/after.
 */
import { expect, it } from 'vitest';
import { describeE2E } from './harness.js';

const ROLE = 'Audit Reviewer';
const REVIEWER = { email: 'reviewer@example.com', name: 'Rita Reviewer', password: 'reviewer-password-1' };

describeE2E('roles, admins and audit logs', (h) => {
  it('custom role → new admin sees only what the role allows → everything is in Audit Logs', async () => {
    const page = await h.newPage();
    await h.login(page);

    // --- Add a role: Audit Logs = View, Account Settings = None (the default for every category).
    await h.navigate(page, 'Roles and Permissions');
    await page.getByTestId('role-row-DLP Super Admin').waitFor();
    await page.getByRole('button', { name: 'Add More' }).click();
    const addRole = page.getByRole('dialog', { name: 'Add Role' });
    await addRole.getByRole('button', { name: 'Add Role' }).click();
    await addRole.getByText('Role name is required.').waitFor();
    await addRole.getByRole('textbox', { name: /^Role/ }).fill(ROLE);
    expect(await addRole.getByRole('textbox', { name: /^Product/ }).inputValue()).toBe('DLP');
    await addRole.getByRole('radiogroup', { name: 'Audit Logs' }).getByText('View', { exact: true }).click();
    // Delete is offered for Incidents only.
    expect(await addRole.getByRole('radiogroup', { name: 'Incidents' }).getByText('Delete', { exact: true }).count()).toBe(1);
    expect(await addRole.getByRole('radiogroup', { name: 'Labels' }).getByText('Delete', { exact: true }).count()).toBe(0);
    await addRole.getByRole('button', { name: 'Add Role' }).click();
    await addRole.waitFor({ state: 'hidden' });
    const roleRow = page.getByTestId(`role-row-${ROLE}`);
    await roleRow.waitFor();
    expect(await roleRow.textContent()).toContain('Audit Logs');

    // Built-in roles cannot be edited or deleted.
    expect(await page.getByRole('button', { name: 'Edit permissions of DLP Super Admin' }).isDisabled()).toBe(true);

    // --- Add an admin with that role (validation first).
    await h.navigate(page, 'Admins');
    await page.getByRole('button', { name: 'Add Admin' }).click();
    const addAdmin = page.getByRole('dialog', { name: 'Add Admin' });
    await addAdmin.getByRole('button', { name: 'Add Admin' }).click();
    await addAdmin.getByText('Email is required.').waitFor();
    await addAdmin.getByText('Password is required.').waitFor();
    await addAdmin.getByRole('textbox', { name: /^Email/ }).fill(REVIEWER.email);
    await addAdmin.getByRole('textbox', { name: /^Name/ }).fill(REVIEWER.name);
    await addAdmin.getByRole('combobox', { name: /^Role/ }).selectOption({ label: ROLE });
    await addAdmin.getByRole('textbox', { name: /^Initial password/ }).fill('short');
    await addAdmin.getByRole('button', { name: 'Add Admin' }).click();
    await addAdmin.getByText('Password must be at least 12 characters.').waitFor();
    await addAdmin.getByRole('textbox', { name: /^Initial password/ }).fill(REVIEWER.password);
    await addAdmin.getByRole('textbox', { name: /^Confirm password/ }).fill(REVIEWER.password);
    await addAdmin.getByRole('button', { name: 'Add Admin' }).click();
    await addAdmin.waitFor({ state: 'hidden' });
    const adminRow = page.getByTestId(`admin-row-${REVIEWER.email}`);
    await adminRow.waitFor();
    expect(await adminRow.textContent()).toContain(ROLE);
    expect(await adminRow.textContent()).toContain('Never'); // Last Login

    // A role held by an admin cannot be deleted: the server's reason is shown.
    await h.navigate(page, 'Roles and Permissions');
    await page.getByRole('button', { name: `Delete ${ROLE}` }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete role' });
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await confirm.getByText(`Role ${ROLE} is still assigned to 1 admin`).waitFor();
    await confirm.getByRole('button', { name: 'Cancel' }).click();

    await h.logout(page);

    // --- The new admin sees Audit Logs and nothing the role does not allow.
    await h.login(page, REVIEWER);
    await page.getByRole('heading', { name: 'Audit Logs' }).waitFor();
    const labels = await h.navLabels(page);
    expect(labels).toContain('Audit Logs');
    for (const forbidden of ['Admins', 'Roles and Permissions', 'API Keys']) expect(labels).not.toContain(forbidden);
    expect(await page.getByRole('button', { name: 'Notification Center' }).count()).toBe(0);
    // A direct URL to a forbidden page shows the not-found state, not the page.
    await page.goto('/setup/admins');
    await h.see(page, 'Page not found');
    expect(await page.getByRole('heading', { name: 'Admins' }).count()).toBe(0);
    await h.logout(page);

    // --- Back as the super admin: edit the role (an Update with a real before/after), then read the log.
    await h.login(page);
    await h.navigate(page, 'Roles and Permissions');
    await page.getByRole('button', { name: `Edit permissions of ${ROLE}` }).click();
    const edit = page.getByRole('dialog', { name: 'Edit Permissions' });
    await edit.getByRole('radiogroup', { name: 'Labels' }).getByText('View', { exact: true }).click();
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'hidden' });

    // A change whose value is a list (a label's values).
    await (await h.api()).post('/labels', { name: 'Audit Region', values: ['EMEA', 'APAC'] });

    await h.navigate(page, 'Audit Logs');
    await page.getByRole('heading', { name: 'Audit Logs' }).waitFor();
    const rows = page.getByTestId('audit-row');
    await rows.first().waitFor();
    const notes = await rows.allTextContents();
    expect(notes.some((t) => t.includes(`Added role ${ROLE}`))).toBe(true);
    expect(notes.some((t) => t.includes(`Added admin ${REVIEWER.email} with role ${ROLE}`))).toBe(true);
    expect(notes.some((t) => t.includes(`Edited permissions of role ${ROLE}`))).toBe(true);

    // Filter by module: only role entries remain.
    await page.getByRole('combobox', { name: 'Module' }).selectOption('Roles');
    await page.getByTestId('audit-row').filter({ hasText: 'Added admin' }).first().waitFor({ state: 'detached' });
    expect((await rows.allTextContents()).every((t) => t.includes('Roles'))).toBe(true);
    await page.getByRole('button', { name: 'Reset' }).click();

    // The Update: Labels none → view is highlighted as changed; the rest is unchanged.
    await page.getByRole('button', { name: `View change: Edited permissions of role ${ROLE}` }).click();
    let change = page.getByRole('dialog', { name: 'Change' });
    let diff = change.getByTestId('audit-diff');
    await diff.waitFor();
    const labelsRow = diff.locator('tr', { hasText: 'permissions.Labels' });
    expect(await labelsRow.getAttribute('data-change')).toBe('changed');
    expect(await labelsRow.textContent()).toMatch(/none.*view/);
    expect(await diff.locator('tr', { hasText: 'permissions.Audit Logs' }).getAttribute('data-change')).toBe('same');
    await change.getByRole('switch', { name: 'Only changed fields' }).check({ force: true });
    expect(await diff.locator('tbody tr').count()).toBe(1);
    await change.getByRole('button', { name: 'Close', exact: true }).click();
    await change.waitFor({ state: 'hidden' });

    // The admin creation: everything is new, the password is redacted.
    await page.getByRole('button', { name: `View change: Added admin ${REVIEWER.email} with role ${ROLE}` }).click();
    change = page.getByRole('dialog', { name: 'Change' });
    diff = change.getByTestId('audit-diff');
    await diff.waitFor();
    expect(await diff.locator('tr', { hasText: 'role' }).first().textContent()).toContain(ROLE);
    const pw = diff.locator('tr', { hasText: 'password' });
    expect(await pw.textContent()).toContain('[redacted]');
    expect(await pw.textContent()).not.toContain(REVIEWER.password);
    expect(await diff.locator('tr[data-change="added"]').count()).toBeGreaterThanOrEqual(4);
    await change.getByRole('button', { name: 'Close', exact: true }).click();

    // The role creation: its permissions are listed as added.
    await page.getByRole('button', { name: `View change: Added role ${ROLE}` }).click();
    change = page.getByRole('dialog', { name: 'Change' });
    diff = change.getByTestId('audit-diff');
    await diff.waitFor();
    expect(await diff.locator('tr', { hasText: 'permissions.Audit Logs' }).textContent()).toContain('view');
    await change.getByRole('button', { name: 'Close', exact: true }).click();

    // A list value reads as a list, one item per line, not as raw JSON.
    await page.getByRole('button', { name: 'View change: Added label Audit Region' }).click();
    change = page.getByRole('dialog', { name: 'Change' });
    const list = change.getByTestId('audit-list-value');
    await list.waitFor();
    expect(await list.getByRole('listitem').allTextContents()).toEqual(['EMEA', 'APAC']);
    expect(await change.getByTestId('audit-diff').textContent()).not.toContain('["EMEA"');
  });

  it('API keys: the key is shown once with a copy button, and can be revoked', async () => {
    const page = await h.newPage();
    await h.login(page);
    await h.navigate(page, 'API Keys');
    await h.see(page, 'No API keys');
    await page.getByRole('button', { name: 'Create API Key' }).click();
    const dlg = page.getByRole('dialog', { name: 'Create API Key' });
    await dlg.getByRole('button', { name: 'Create' }).click();
    await dlg.getByText('Name is required.').waitFor();
    await dlg.getByRole('textbox', { name: /^Name/ }).fill('SIEM export');
    await dlg.getByRole('combobox', { name: /^Role/ }).selectOption({ label: 'DLP Admin' });
    await dlg.getByRole('button', { name: 'Create' }).click();
    const shown = page.getByRole('dialog', { name: 'API key created' });
    const key = (await shown.getByTestId('new-api-key').textContent())!.trim();
    expect(key.length).toBeGreaterThan(20);
    await shown.getByText('This is the only time the key is shown').waitFor();
    await shown.getByRole('button', { name: 'Copy' }).waitFor();
    await shown.getByRole('button', { name: 'I have copied the key' }).click();

    // The key works for the API until it is revoked.
    const call = () => fetch(`${h.server.url}/api/v1/roles`, { headers: { authorization: `Bearer ${key}` } });
    expect((await call()).status).toBe(200);
    const row = page.getByTestId('api-key-row-SIEM export');
    await row.waitFor();
    expect(await row.textContent()).not.toContain(key);
    await page.getByRole('button', { name: 'Revoke SIEM export' }).click();
    await page.getByRole('dialog', { name: 'Revoke API key' }).getByRole('button', { name: 'Revoke' }).click();
    await row.waitFor({ state: 'detached' });
    expect((await call()).status).toBe(401);
  });

  it('admins: search, disable with confirmation, enable again', async () => {
    const api = await h.api();
    const roles = (await api.get<{ items: { id: number; name: string }[] }>('/roles')).items;
    const roleId = roles.find((r) => r.name === 'DLP Incident Manager')!.id;
    for (let i = 1; i <= 3; i++) await api.post('/admins', { email: `analyst${i}@example.com`, name: `Analyst ${i}`, roleId, password: 'analyst-password-1' });

    const page = await h.newPage();
    await h.login(page);
    await h.navigate(page, 'Admins');
    await page.getByRole('textbox', { name: 'Search' }).fill('analyst2');
    await page.getByTestId('admin-row-analyst1@example.com').waitFor({ state: 'detached' });
    const row = page.getByTestId('admin-row-analyst2@example.com');
    await page.getByRole('button', { name: 'Actions for analyst2@example.com' }).click();
    await page.getByRole('menuitem', { name: 'Disable' }).click();
    await page.getByRole('dialog', { name: 'Disable admin' }).getByRole('button', { name: 'Disable' }).click();
    await row.getByText('Disabled').waitFor();
    await page.getByRole('button', { name: 'Actions for analyst2@example.com' }).click();
    await page.getByRole('menuitem', { name: 'Enable' }).click();
    await page.getByRole('dialog', { name: 'Enable admin' }).getByRole('button', { name: 'Enable' }).click();
    await row.getByText('Active').waitFor();
  });
});
