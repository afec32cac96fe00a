/**
 * Incidents in chromium (issue 5 "Done when"): an API key ingests a batch, the admin finds an
 * incident with filters and search, opens it, walks every action and sees each in State Changes,
 * then bulk-closes several incidents from the list. Also Setup > Labels, CSV export, and
 * screenshots at 1280px and 400px into SHOTS_DIR (default /tmp/shots) for a human to look at.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { describeE2E, type ApiClient, type E2E } from './harness.js';
import { generateBatch } from '../../src/modules/incidents/generator.js';
import type { IncidentInput } from '../../src/modules/incidents/schemas.js';

const SHOTS = process.env.SHOTS_DIR ?? '/tmp/shots';
const MD5 = 'a'.repeat(32);

function incident(transactionId: string, minutesAgo: number, extra: Partial<IncidentInput> = {}): Record<string, unknown> {
  return {
    transactionId,
    incidentDate: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
    severity: 'High',
    sourceType: 'Inline',
    dlpType: 'Structured Data',
    action: 'Block',
    rules: ['E2E Exfiltration Rule'],
    engines: ['PCI'],
    dictionaries: [{ name: 'Financial Statements', matchCount: 10 }],
    url: 'https://files.e2e.example/upload/1',
    host: 'files.e2e.example',
    user: {
      name: 'Erin Example',
      email: 'erin.example@corp.example',
      department: 'Forensics',
      clientIp: '10.9.8.7',
      manager: { name: 'Max Manager', email: 'max@corp.example' },
    },
    file: { name: 'secret-plan.docx', type: 'docx', md5: MD5, size: 123456 },
    application: { name: 'E2E Files', category: 'File Sharing' },
    ...extra,
  };
}

/** Full page normally; just the viewport while a modal is open (fixed overlays do not stitch). */
async function shot(page: Page, name: string) {
  await page.waitForTimeout(400); // let transitions settle so the picture shows the end state
  const modal = await page.getByRole('dialog').count();
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: modal === 0 });
}

async function ingest(h: E2E, key: string, items: unknown[]) {
  const res = await fetch(`${h.server.url}/api/v1/incidents`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ incidents: items }),
  });
  const body = (await res.json()) as {
    created: number;
    existing: number;
    rejected: number;
    results: { transactionId: string; id: number; duplicateOf: number | null }[];
  };
  expect(res.status, JSON.stringify(body).slice(0, 500)).toBe(200);
  return body;
}

/** A Mantine modal by its title. */
const dialog = (page: Page, title: string) => page.getByRole('dialog', { name: title });

async function expectStateChange(page: Page, text: string | RegExp) {
  await page.getByTestId('state-changes').getByRole('cell', { name: text }).first().waitFor();
}

async function runAction(page: Page, action: string) {
  await page.getByRole('button', { name: 'Actions' }).click();
  await page.getByRole('menuitem', { name: action, exact: true }).click();
}

describeE2E('incidents', (h) => {
  let api: ApiClient;
  let key: string;
  const ids: Record<string, number> = {};

  it('creates an API key and ingests a batch through the API', async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    api = await h.api();
    const roles = (await api.get<{ items: { id: number; name: string }[] }>('/roles')).items;
    const roleId = roles.find((r) => r.name === 'DLP Super Admin')!.id;
    key = (await api.post<{ key: string }>('/api-keys', { name: 'E2E DLP engine', roleId })).key;

    const now = new Date();
    const weekStart = new Date(now.getFullYear(), now.getMonth(), now.getDate() - now.getDay());
    const from = new Date(Math.max(weekStart.getTime(), now.getTime() - 3 * 3600_000));
    const batch: unknown[] = [
      ...generateBatch({ count: 60, from, to: now, prefix: 'E2E-GEN', seed: 11 }),
      incident('E2E-TARGET-1', 30, { evidence: { content: 'E2E evidence: card 4111-1111 <b>' } }),
      // Same host, user email, content MD5 and file name within 2 hours: a duplicate of TARGET-1.
      incident('E2E-TARGET-1-DUP', 20),
      incident('E2E-NEIGHBOUR', 25, { file: { name: 'other.docx', md5: 'b'.repeat(32) } }),
      incident('E2E-DELETE-1', 15, { file: { name: 'delete-me.txt', md5: 'c'.repeat(32) } }),
      ...[1, 2, 3, 4].map((n) =>
        incident(`E2E-BULK-${n}`, 10 + n, {
          severity: 'Low',
          user: { name: `Bulk User ${n}`, email: `bulk${n}@corp.example`, department: 'Bulk Department' },
          file: { name: `bulk-${n}.csv`, md5: `${n}`.repeat(32) },
        }),
      ),
    ];
    const res = await ingest(h, key, batch);
    expect(res.rejected).toBe(0);
    for (const r of res.results) ids[r.transactionId] = r.id;
    expect(res.results.find((r) => r.transactionId === 'E2E-TARGET-1-DUP')!.duplicateOf).toBe(ids['E2E-TARGET-1']);
    // Idempotent: the same batch again changes nothing.
    const again = await ingest(h, key, batch.slice(-6));
    expect(again.existing).toBe(6);
  });

  it('Setup > Labels: add with values (Enter and Tab), edit, delete, search', async () => {
    const page = await h.newPage();
    await h.login(page);
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    await nav.getByText('Setup', { exact: true }).click();
    await nav.getByRole('link', { name: 'Labels', exact: true }).click();
    await h.see(page, 'No labels yet');
    await shot(page, 'labels-empty-1280');

    await page.getByRole('button', { name: 'Add More' }).click();
    const add = dialog(page, 'Add Label');
    await add.getByRole('button', { name: 'Add', exact: true }).click();
    await h.see(page, 'Label name is required.');
    await add.getByLabel('Label Name').fill('Resolution');
    const values = add.getByLabel('Label Values');
    await values.fill('Policy Violation');
    await values.press('Enter');
    await values.fill('Business Justified');
    await values.press('Tab');
    await values.fill('Not a Violation');
    await values.press('Enter');
    await shot(page, 'labels-add-dialog-1280');
    await add.getByRole('button', { name: 'Add', exact: true }).click();
    await h.see(page, 'Label added');
    const row = page.getByRole('row', { name: /Resolution/ });
    await row.getByText('Business Justified').waitFor();

    // Edit: rename is possible; add a value, delete one.
    await page.getByRole('button', { name: 'Edit Resolution' }).click();
    const edit = dialog(page, 'Edit Label');
    const editValues = edit.getByLabel('Label Values');
    await editValues.fill('False Positive');
    await editValues.press('Enter');
    await edit.locator('.mantine-Pill-root', { hasText: 'Not a Violation' }).locator('.mantine-Pill-remove').click();
    await edit.getByRole('button', { name: 'Update' }).click();
    await h.see(page, 'Label updated');
    await row.getByText('False Positive').waitFor();
    expect(await row.getByText('Not a Violation').count()).toBe(0);

    // A label without values, then delete it with confirmation.
    await page.getByRole('button', { name: 'Add More' }).click();
    await dialog(page, 'Add Label').getByLabel('Label Name').fill('Temporary');
    await dialog(page, 'Add Label').getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('row', { name: /Temporary/ }).waitFor();
    await page.getByRole('button', { name: 'Delete Temporary' }).click();
    await dialog(page, 'Delete Label').getByRole('button', { name: 'Delete' }).click();
    await h.see(page, 'Label deleted');
    await page.getByRole('row', { name: /Temporary/ }).waitFor({ state: 'detached' });
    await api.post('/labels', { name: 'Reviewed', values: [] });
    await page.reload();
    await page.getByPlaceholder('Search label names and values').fill('justified');
    await page.getByRole('row', { name: /Resolution/ }).waitFor();
    await expect.poll(() => page.getByRole('row', { name: /Reviewed/ }).count()).toBe(0);
    await page.getByPlaceholder('Search label names and values').fill('');
    await shot(page, 'labels-1280');

    const narrow = await h.newPage({ width: 400 });
    await h.login(narrow);
    await narrow.goto('/setup/labels');
    // A phone shows the labels as cards, one per label.
    await narrow.getByRole('list', { name: 'Labels' }).getByRole('listitem').filter({ hasText: 'Resolution' }).waitFor();
    await shot(narrow, 'labels-400');
    await narrow.getByRole('button', { name: 'Add More' }).click();
    await shot(narrow, 'labels-add-dialog-400');
  });

  it('finds an incident with filters and search; the URL keeps the list across reloads', async () => {
    const page = await h.newPage();
    await h.login(page);
    // Incidents is the landing page.
    await page.waitForURL(/\/incidents$/);
    await page.getByRole('table', { name: 'Incidents' }).waitFor();
    await expect.poll(() => page.getByTestId('widget-all').innerText()).toMatch(/All\s+\d+/);
    await shot(page, 'incidents-1280');

    // Filters window: Department = Forensics.
    await page.getByRole('button', { name: /^Filters/ }).click();
    const filters = dialog(page, 'Filters');
    await filters.getByRole('combobox', { name: 'Department' }).click();
    await page.getByRole('option', { name: 'Forensics' }).click();
    await shot(page, 'incidents-filters-1280');
    await filters.getByRole('combobox', { name: 'Department' }).press('Tab'); // leaving the field closes its dropdown
    await page.getByRole('listbox').waitFor({ state: 'hidden' });
    await filters.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/department=Forensics/);
    await page.getByRole('link', { name: 'E2E-TARGET-1' }).waitFor();
    await expect.poll(() => page.getByRole('link', { name: /E2E-GEN/ }).count()).toBe(0);
    // Duplicates are counted on the parent, not listed as rows.
    await expect.poll(() => page.getByRole('link', { name: 'E2E-TARGET-1-DUP' }).count()).toBe(0);
    await page.getByLabel('1 duplicates').waitFor();

    // Exclude turns the same filter around.
    await page.getByRole('button', { name: /^Filters/ }).click();
    await filters.getByRole('radio', { name: 'Exclude' }).first().waitFor({ state: 'attached' });
    await filters.getByTestId('filter-department').getByText('Exclude').click();
    await filters.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/exclude=department/);
    await page
      .getByRole('link', { name: /E2E-GEN/ })
      .first()
      .waitFor();
    await expect.poll(() => page.getByRole('link', { name: 'E2E-TARGET-1' }).count()).toBe(0);
    await page.goBack();
    await page.getByRole('link', { name: 'E2E-TARGET-1' }).waitFor();

    // Search "All": every term must match (ANDed).
    await page.getByRole('button', { name: 'Reset' }).click();
    await page.getByRole('textbox', { name: 'Search incidents' }).fill('secret-plan erin');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(/search=secret-plan/);
    await page.getByRole('link', { name: 'E2E-TARGET-1' }).waitFor();
    await page.getByRole('textbox', { name: 'Search incidents' }).fill('secret-plan nobody-matches-this');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await h.see(page, 'No incidents');

    // Transaction ID mode: up to 10, comma separated.
    await page.getByRole('combobox', { name: 'Search by' }).selectOption('transactionId');
    await page.getByRole('textbox', { name: 'Search incidents' }).fill(Array.from({ length: 11 }, (_, i) => `T${i}`).join(','));
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await h.see(page, /at most 10 Transaction IDs/);
    await page.getByRole('textbox', { name: 'Search incidents' }).fill('E2E-TARGET-1, E2E-NEIGHBOUR');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(/searchMode=transactionId/);
    await page.getByRole('link', { name: 'E2E-NEIGHBOUR' }).waitFor();
    await page.getByRole('link', { name: 'E2E-TARGET-1' }).waitFor();
    await expect.poll(() => page.getByTestId('incident-link').count()).toBe(2);

    // Reload keeps the list.
    await page.reload();
    await page.getByRole('link', { name: 'E2E-NEIGHBOUR' }).waitFor();
    expect(await page.getByRole('textbox', { name: 'Search incidents' }).inputValue()).toBe('E2E-TARGET-1, E2E-NEIGHBOUR');

    // Sort by Transaction ID ascending, count widget toggles, High Only quick filter, rows per page.
    await page.getByRole('button', { name: 'Reset' }).click();
    await page.getByRole('button', { name: /Sort by Transaction ID/ }).click();
    await page.waitForURL(/sort=transactionId&order=asc/);
    // Two clicks before the list renders: descending, then ascending again.
    await page.getByRole('button', { name: /Sort by Transaction ID/ }).dblclick();
    expect(new URL(page.url()).searchParams.get('order')).toBe('asc');
    await page.getByRole('button', { name: /Unassigned/ }).click();
    await page.waitForURL(/widget=unassigned/);
    await page.getByRole('button', { name: /Unassigned/ }).click();
    await page.waitForURL((u) => !u.search.includes('widget='));
    // A second click before the first has rendered still toggles back (it reads the newest state).
    await page.getByRole('button', { name: /Unassigned/ }).dblclick();
    expect(new URL(page.url()).searchParams.has('widget')).toBe(false);
    await page.getByRole('switch', { name: 'Severity: High Only' }).click();
    await page.waitForURL(/severity=Critical&severity=High/);
    await expect.poll(() => page.getByRole('link', { name: 'E2E-BULK-1' }).count()).toBe(0);
    await page.getByRole('combobox', { name: 'Rows per page' }).selectOption('25');
    await page.waitForURL(/pageSize=25/);
    // Reset, then at once Rows per page (before the list reloads): both changes stand (10 rows is
    // the default, so the URL names neither).
    await page.getByRole('button', { name: 'Reset' }).click();

    // Keyset pages: Next, Previous and the browser's Back button.
    await page.getByRole('combobox', { name: 'Rows per page' }).selectOption('10');
    await page.waitForURL((u) => !u.searchParams.has('pageSize') && !u.searchParams.has('severity'));
    await h.see(page, /Showing 1–10 of \d+ incidents/);
    await page.getByRole('button', { name: 'Next page' }).click();
    await h.see(page, /Showing 11–20 of \d+ incidents/);
    await page.getByRole('button', { name: 'Next page' }).click();
    await h.see(page, /Showing 21–30 of \d+ incidents/);
    await page.getByRole('button', { name: 'Previous page' }).click();
    await h.see(page, /Showing 11–20 of \d+ incidents/);
    await page.goBack();
    await h.see(page, /Showing 21–30 of \d+ incidents/);
    await page.reload();
    await h.see(page, /Showing 21–30 of \d+ incidents/);
    await page.getByRole('button', { name: 'Reset' }).click();

    // "Select All" selects the page; "Select All Incidents" then takes the whole filtered set.
    const selectedCount = async () => Number(/\((\d+)\)/.exec(await page.getByRole('button', { name: /^Actions \(\d+\)/ }).innerText())![1]);
    await page.getByRole('checkbox', { name: 'Select All' }).check();
    const onPage = await page.getByTestId('incident-link').count();
    await expect.poll(selectedCount).toBe(onPage);
    await page.getByRole('button', { name: /^Select All Incidents/ }).click();
    await h.see(page, /All \d+ incidents are selected/);
    expect(await selectedCount()).toBeGreaterThan(onPage);
    await page.getByRole('button', { name: 'Clear selection' }).click();
    await page.getByRole('button', { name: 'Actions', exact: true }).waitFor();

    // Column chooser: show Dictionary Match Counts ("Name [n]").
    await page.getByRole('button', { name: 'Modify the table and its columns' }).click();
    await page.getByRole('checkbox', { name: 'Dictionary Match Counts' }).check();
    await page.keyboard.press('Escape');
    await page.getByRole('columnheader', { name: 'Dictionary Match Counts' }).waitFor();
    await page.getByRole('textbox', { name: 'Search incidents' }).fill('secret-plan');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('cell', { name: 'Financial Statements [10]' }).first().waitFor();

    // Columns read from the ingested details (Client IP, File Size, Application Category): the list
    // asks for the details only once such a column is shown.
    const withDetails = page.waitForRequest((r) => r.url().includes('/api/v1/incidents?') && r.url().includes('withDetails=true'));
    await page.getByRole('button', { name: 'Modify the table and its columns' }).click();
    for (const label of ['Client IP', 'File Size', 'Application Category']) await page.getByRole('checkbox', { name: label, exact: true }).check();
    await page.keyboard.press('Escape');
    await withDetails;
    await page.getByRole('columnheader', { name: 'Client IP' }).waitFor();
    for (const text of ['10.9.8.7', '120.6 KB', 'File Sharing']) await page.getByRole('cell', { name: text, exact: true }).first().waitFor();

    // CSV export of the filtered set.
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export' }).click();
    const file = await (await download).path();
    const csv = fs.readFileSync(file!, 'utf8');
    expect(csv).toContain('E2E-TARGET-1');
    expect(csv).not.toContain('E2E-GEN');

    const narrow = await h.newPage({ width: 400 });
    await h.login(narrow);
    await narrow.getByRole('table', { name: 'Incidents' }).waitFor();
    await shot(narrow, 'incidents-400');
    await narrow.getByRole('button', { name: /^Filters/ }).click();
    await shot(narrow, 'incidents-filters-400');
  });

  it('opens the incident, walks every action and sees each in State Changes', async () => {
    const page = await h.newPage();
    await h.login(page);
    await page.getByRole('textbox', { name: 'Search incidents' }).fill('erin.example');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('link', { name: 'E2E-TARGET-1' }).click();
    await page.waitForURL(new RegExp(`/incidents/${ids['E2E-TARGET-1']}\\?`));
    await h.see(page, 'Violation Details');
    for (const section of ['Overview', 'Current State Details', 'Notes', 'State Changes']) await page.getByRole('heading', { name: section }).waitFor();
    await page.getByTestId('violation-details').getByText('Erin Example').waitFor();
    await page.getByTestId('violation-details').getByText('Financial Statements [10]').waitFor();
    // The evidence the engine sent comes down as an XML file.
    const [evidence] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /^Download evidence: secret-plan\.docx/ }).click()]);
    expect(evidence.suggestedFilename()).toBe(`evidence-${ids['E2E-TARGET-1']}.xml`);
    expect(fs.readFileSync((await evidence.path())!, 'utf8')).toContain('<content>E2E evidence: card 4111-1111 &lt;b&gt;</content>');

    // Duplicate banner and dialog.
    await page.getByTestId('duplicate-banner').waitFor();
    await page.getByRole('button', { name: 'Duplicate Incidents' }).click();
    await dialog(page, 'Duplicate Incidents').getByRole('cell', { name: 'E2E-TARGET-1-DUP' }).waitFor();
    await shot(page, 'incident-details-duplicates-1280');
    await page.keyboard.press('Escape');

    // Assign to Me
    await runAction(page, 'Assign to Me');
    await dialog(page, 'Assign to Me').getByRole('button', { name: 'Assign' }).click();
    await expectStateChange(page, /Assigned to me \(Super Admin\)/);

    // Assign DLP Admin (DLP Admin + Notes); validation first.
    await runAction(page, 'Assign DLP Admin');
    const assign = dialog(page, 'Assign DLP Admin');
    await assign.getByRole('button', { name: 'Assign' }).click();
    await assign.getByText('Choose a DLP Admin.').waitFor();
    await assign.getByLabel('DLP Admin').selectOption({ label: 'Super Admin (super@example.com)' });
    await assign.getByLabel('Notes').fill('Owner of the finance cases');
    await assign.getByRole('button', { name: 'Assign' }).click();
    await expectStateChange(page, /Assigned DLP Admin Super Admin.*Owner of the finance cases/);

    // Assign Priority (Priority + Notes → Assign)
    await runAction(page, 'Assign Priority');
    const prio = dialog(page, 'Assign Priority');
    await prio.getByLabel('Priority').selectOption('Critical');
    await prio.getByLabel('Notes').fill('Board-level data');
    await prio.getByRole('button', { name: 'Assign' }).click();
    await expectStateChange(page, /Priority changed from High to Critical/);

    // Investigating (Notes)
    await runAction(page, 'Investigating');
    await dialog(page, 'Investigating').getByLabel('Notes').fill('Looking into it');
    await dialog(page, 'Investigating').getByRole('button', { name: 'Submit' }).click();
    await expectStateChange(page, /Marked as Investigating.*Looking into it/);
    await page.getByTestId('current-state').getByText('Investigating').waitFor();

    // Label: rows of Label + Value, add and delete rows → Submit
    await runAction(page, 'Label');
    const label = dialog(page, 'Label');
    await label.getByLabel('Label 1').selectOption({ label: 'Resolution' });
    await label.getByLabel('Value 1').selectOption('Business Justified');
    await label.getByRole('button', { name: 'Add Row' }).click();
    await label.getByLabel('Label 2').selectOption({ label: 'Reviewed' });
    await label.getByRole('button', { name: 'Add Row' }).click();
    await label.getByRole('button', { name: 'Delete row 3' }).click();
    await shot(page, 'incident-details-label-dialog-1280');
    await label.getByRole('button', { name: 'Submit' }).click();
    await expectStateChange(page, /Set labels Resolution: Business Justified, Reviewed/);
    await page.getByTestId('overview').getByText('Resolution: Business Justified').waitFor();

    // Notes
    await page.getByLabel('Add a note').fill('Called the user, waiting for the manager.');
    await page.getByRole('button', { name: 'Add Note' }).click();
    await expectStateChange(page, /Notes updated.*Called the user/);

    // Close Incident: Notes, Resolution Label + value, False Positive → Yes
    await runAction(page, 'Close Incident');
    const close = dialog(page, 'Close Incident');
    await close.getByLabel('Notes').fill('Approved transfer');
    await close.getByLabel('Resolution Label').selectOption({ label: 'Resolution' });
    await close.getByRole('button', { name: 'Close Incident' }).click();
    await close.getByText('Choose a value for Resolution.').waitFor();
    await close.getByLabel('Resolution Value').selectOption('False Positive');
    await close.getByLabel('False Positive').check();
    await close.getByRole('button', { name: 'Close Incident' }).click();
    await shot(page, 'incident-details-close-confirm-1280');
    await close.getByRole('button', { name: 'Yes' }).click();
    await expectStateChange(page, /Closed with resolution label Resolution: False Positive as a false positive/);
    await page.getByTestId('current-state').getByText('Resolved').waitFor();

    // After Resolved: Investigating is gone, Reopen appears.
    await page.getByRole('button', { name: 'Actions' }).click();
    expect(await page.getByRole('menuitem', { name: 'Investigating' }).count()).toBe(0);
    await page.getByRole('menuitem', { name: 'Reopen' }).click();
    await dialog(page, 'Reopen').getByRole('button', { name: 'Reopen' }).click();
    await expectStateChange(page, /Reopened/);
    await page.getByTestId('current-state').getByText('Investigating').waitFor();
    await page.getByRole('button', { name: 'Actions' }).click();
    expect(await page.getByRole('menuitem', { name: 'Reopen' }).count()).toBe(0);
    await page.keyboard.press('Escape');

    // Newest first: Reopened is the top row.
    const firstRow = page.getByTestId('state-changes').getByRole('row').nth(1);
    expect(await firstRow.innerText()).toMatch(/Reopened/);
    await shot(page, 'incident-details-1280');

    // Next / Previous Incident follow the list's order (here: the default list, Current Week).
    await page.goto(`/incidents/${ids['E2E-TARGET-1']}`);
    await page.getByRole('heading', { name: 'State Changes' }).waitFor();
    const detailUrl = page.url();
    await page.getByRole('button', { name: 'Next Incident' }).click();
    await page.waitForURL((u) => u.href !== detailUrl);
    await page.getByRole('button', { name: 'Previous Incident' }).click();
    await page.waitForURL(detailUrl);

    const narrow = await h.newPage({ width: 400 });
    await h.login(narrow);
    await narrow.goto(`/incidents/${ids['E2E-TARGET-1']}`);
    await narrow.getByRole('heading', { name: 'State Changes' }).waitFor();
    await shot(narrow, 'incident-details-400');
    await runAction(narrow, 'Close Incident');
    await shot(narrow, 'incident-details-close-dialog-400');
  });

  it('deletes an incident permanently after the "Delete Incidents" confirmation', async () => {
    const page = await h.newPage();
    await h.login(page);
    await page.goto(`/incidents/${ids['E2E-DELETE-1']}`);
    await runAction(page, 'Delete');
    const confirm = dialog(page, 'Delete Incidents');
    await shot(page, 'incident-details-delete-1280');
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await h.see(page, 'Incident deleted');
    await page.waitForURL(/\/incidents$/);
    await expect(api.get(`/incidents/${ids['E2E-DELETE-1']}`)).rejects.toThrow(/404/);
  });

  it('bulk-closes several incidents from the list', async () => {
    const page = await h.newPage();
    await h.login(page);
    await page.getByRole('textbox', { name: 'Search incidents' }).fill('Bulk Department');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect.poll(() => page.getByTestId('incident-link').count()).toBe(4);
    await page.getByRole('checkbox', { name: 'Select All' }).check();
    await page.getByRole('button', { name: 'Actions (4)' }).click();
    await page.getByRole('menuitem', { name: 'Close Incident' }).click();
    const close = dialog(page, 'Close Incident');
    await close.getByText('4 incidents selected').waitFor();
    await close.getByLabel('Notes').fill('Bulk review done');
    await close.getByRole('button', { name: 'Close Incident' }).click();
    await close.getByRole('button', { name: 'Yes' }).click();
    await h.see(page, 'Close Incident applied to 4 incidents.');
    await expect.poll(async () => (await page.getByRole('table', { name: 'Incidents' }).innerText()).match(/Resolved/g)?.length ?? 0).toBe(4);
    await shot(page, 'incidents-bulk-closed-1280');
    for (let n = 1; n <= 4; n++) {
      const d = await api.get<{ status: string; events: { comment: string }[] }>(`/incidents/${ids[`E2E-BULK-${n}`]}`);
      expect(d.status).toBe('Resolved');
      expect(d.events[0]!.comment).toMatch(/Bulk review done/);
    }
  });

  it('a View-only role sees incidents and labels but no actions', async () => {
    const role = await api.post<{ id: number }>('/roles', { name: 'Incident Viewer', permissions: { Incidents: 'view', Labels: 'view' } });
    const viewer = { email: 'viewer@example.com', password: 'viewer-password-1' };
    await api.post('/admins', { ...viewer, name: 'Vera Viewer', roleId: role.id });
    const page = await h.newPage();
    await h.login(page, viewer);
    await page.waitForURL(/\/incidents$/);
    await page.getByRole('table', { name: 'Incidents' }).waitFor();
    expect(await page.getByRole('checkbox', { name: 'Select All' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Actions/ }).count()).toBe(0);
    await page.goto(`/incidents/${ids['E2E-TARGET-1']}`);
    await page.getByRole('heading', { name: 'State Changes' }).waitFor();
    expect(await page.getByRole('button', { name: 'Actions' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Add Note' }).count()).toBe(0);
    await page.goto('/setup/labels');
    await page.getByRole('row', { name: /Resolution/ }).waitFor();
    expect(await page.getByRole('button', { name: 'Add More' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Edit / }).count()).toBe(0);
  });
});
