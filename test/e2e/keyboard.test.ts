/**
 * Every main task with the keyboard alone (issue #10, Done when): sign in, reach every page in the
 * navigation, add an integration user, request a ticket from an incident, close dialogs with Esc.
 * At every stop the focused element is visibly marked, and a closed dialog gives the focus back to
 * the control that opened it.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { describeE2E } from './harness.js';
import { connectServiceNow } from './sandbox-accounts.js';
import { arrowToMenuItem, focusSettles, tabTo, type Focused } from './keyboard.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';

const APP = 'Workflow Automation';
const SN = 'Keyboard ServiceNow';
let sb: Sandbox;
let incidentId: number;

/** Tab to `match`, and check the stop is visibly marked. */
async function tabToMarked(page: Page, match: (f: Focused) => boolean, what: string, max = 60): Promise<Focused> {
  const f = await tabTo(page, match, what, max);
  // Fields mark their focus with a border colour that fades in: wait for it rather than sample once.
  const shown = await focusSettles(page, (x) => !!x?.marked, `${what}, visibly marked`);
  expect(shown!.id).toBe(f.id);
  return f;
}

describeE2E(
  'keyboard only: every task',
  (h) => {
    beforeAll(async () => {
      sb = await startSandbox({ port: 0, host: '127.0.0.1' });
      const api = await h.api();
      const sn = await connectServiceNow(api, sb, SN);
      await api.post('/integration-users', { integrationId: sn.id, email: 'beth.anglin@example.com' });
      const [stored] = await h.ingest([
        {
          transactionId: 'KEYBOARD-1',
          incidentDate: new Date(Date.now() - 600_000).toISOString(),
          severity: 'High',
          sourceType: 'Inline',
          dlpType: 'Structured Data',
          action: 'Block',
          rules: ['Keyboard Rule'],
          user: { name: 'Kim Keys', email: 'kim.keys@corp.example', department: 'Finance' },
        },
      ]);
      incidentId = stored!.id;
    });
    afterAll(async () => {
      await sb?.close();
    });

    it('signs in and reaches every page in the navigation, each stop visibly focused', async () => {
      const labels = await (async () => {
        const p = await h.newPage();
        await h.login(p);
        return h.navLabels(p);
      })();
      expect(labels.length).toBeGreaterThan(8);

      const page = await h.newPage();
      await page.goto('/');
      await focusSettles(page, (f) => f?.tag === 'input' && f.marked, 'the Email field');
      await page.keyboard.type(h.server.superAdmin.email);
      await page.keyboard.press('Tab');
      await focusSettles(page, (f) => f?.tag === 'input' && f.marked, 'the Password field');
      await page.keyboard.type(h.server.superAdmin.password);
      await page.keyboard.press('Enter');
      await page.getByTestId('account-menu').waitFor();
      await page.getByRole('heading', { name: 'Incidents', level: 1 }).waitFor();

      for (const label of labels) {
        // Forward through the navigation; a closed Setup group is opened on the way, as a person would.
        let f = await tabToMarked(page, (x) => x.inNav && (x.name === label || (x.name === 'Setup' && x.expanded === 'false')), `the ${label} link`);
        if (f.name === 'Setup' && label !== 'Setup') {
          await page.keyboard.press('Enter');
          await focusSettles(page, (x) => x?.name === 'Setup' && x.expanded === 'true', 'the opened Setup button');
          await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: label, exact: true }).waitFor({ state: 'visible' });
          f = await tabToMarked(page, (x) => x.inNav && x.name === label, `the ${label} link`);
        }
        expect(f.tag).toBe('a');
        await page.keyboard.press('Enter');
        await page.waitForURL((u) => u.pathname === f.href);
        await page.waitForFunction(`document.title === ${JSON.stringify(`${label} · ${APP}`)}`);
      }
    });

    it('adds an integration user, and Esc gives the focus back to Add More', async () => {
      const page = await h.newPage();
      await h.login(page);
      await page.goto('/setup/integration-users');
      await page.getByRole('heading', { name: 'Integration Users', level: 1 }).waitFor();
      await tabToMarked(page, (f) => f.tag === 'button' && f.name === 'Add More', 'Add More');

      // Esc first: the window closes and the focus is back on Add More.
      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog', { name: 'Add User' });
      await dialog.waitFor();
      await h.settled(page);
      await focusSettles(page, (f) => !!f?.inDialog && f.tag === 'select' && f.marked, 'the Integration field');
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      await focusSettles(page, (f) => f?.name === 'Add More' && !f.inDialog && f.marked, 'Add More');

      // Then the whole task: integration by typing its name, Email, Tab to Add User, Enter.
      await page.keyboard.press('Enter');
      await dialog.waitFor();
      await h.settled(page);
      await focusSettles(page, (f) => !!f?.inDialog && f.tag === 'select', 'the Integration field');
      await page.keyboard.type('Keyboard');
      expect(await dialog.getByLabel('Integration').evaluate((el) => (el as unknown as { selectedOptions: { text: string }[] }).selectedOptions[0]!.text)).toBe(
        `${SN} (ServiceNow)`,
      );
      await tabToMarked(page, (f) => f.inDialog && f.tag === 'input', 'the Email field', 3);
      await page.keyboard.type('abel.tuter@example.com');
      // Add User waits for the lookup to find the person.
      await expect
        .poll(() =>
          dialog
            .getByLabel('Name', { exact: true })
            .inputValue()
            .catch(() => ''),
        )
        .toBe('Abel Tuter');
      await tabToMarked(page, (f) => f.inDialog && f.tag === 'button' && f.name === 'Add User', 'the Add User button', 8);
      await page.keyboard.press('Enter');
      await dialog.waitFor({ state: 'hidden' });
      await page.getByRole('table', { name: 'Integration Users' }).getByRole('row').filter({ hasText: 'abel.tuter@example.com' }).waitFor();
      await focusSettles(page, (f) => f?.name === 'Add More' && !f.inDialog, 'Add More');
    });

    it('requests a ticket from Incident Details: Actions → Ticket, fill, Submit; Esc returns to Actions', async () => {
      const page = await h.newPage();
      await h.login(page);
      await page.goto(`/incidents/${incidentId}`);
      await page.getByRole('heading', { name: 'Incident KEYBOARD-1', level: 1 }).waitFor();
      await tabToMarked(page, (f) => f.tag === 'button' && f.name === 'Actions', 'the Actions button');

      const openTicket = async () => {
        await page.keyboard.press('Enter');
        await page.getByRole('menuitem', { name: 'Ticket', exact: true }).waitFor();
        await arrowToMenuItem(page, 'Ticket');
        await page.keyboard.press('Enter');
        const dialog = page.getByRole('dialog', { name: 'Ticket' });
        await dialog.waitFor();
        await h.settled(page);
        await focusSettles(page, (f) => !!f?.inDialog && f.tag === 'select' && f.marked, 'the Ticketing Integration field');
        return dialog;
      };

      let dialog = await openTicket();
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      await focusSettles(page, (f) => f?.name === 'Actions' && !f.inDialog && f.marked, 'the Actions button');

      dialog = await openTicket();
      await page.keyboard.type('Keyboard');
      await tabToMarked(page, (f) => f.inDialog && f.tag === 'select', 'the User field', 3);
      await page.keyboard.type('Beth');
      await tabToMarked(page, (f) => f.inDialog && f.tag === 'textarea', 'the Notes field', 3);
      await page.keyboard.type('Sent with the keyboard alone.');
      await dialog.getByTestId('ticket-preview').getByText('KEYBOARD-1').first().waitFor();
      await tabToMarked(page, (f) => f.inDialog && f.tag === 'button' && f.name === 'Submit', 'Submit', 10);
      await page.keyboard.press('Enter');
      await dialog.waitFor({ state: 'hidden' });
      await page
        .getByTestId('state-changes')
        .getByText(/Ticket requested/)
        .first()
        .waitFor();
      await focusSettles(page, (f) => f?.name === 'Actions' && !f.inDialog, 'the Actions button');
    });
  },
  { env: { WFA_ALLOW_PRIVATE_TARGETS: 'true' } },
);
