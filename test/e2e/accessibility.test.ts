/**
 * Keyboard and screen-reader basics of the shell and the dialogs (issue #10, items 1 and 2): the
 * Setup group is a disclosure button a keyboard reaches, a skip link leads to the main content,
 * every route names the tab and has one h1, dialogs start on their first field and give the focus
 * back to their opener (also from a menu), and close buttons and toasts are named and announced.
 */
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { describeE2E } from './harness.js';
import { generateBatch } from '../../src/modules/incidents/generator.js';
import { arrowToMenuItem, focusSettles, focused, tabTo } from './keyboard.js';

const APP = 'Workflow Automation';

async function expectPageNamed(page: Page, title: string) {
  await page.waitForFunction(`document.title === ${JSON.stringify(`${title} · ${APP}`)}`);
  await page.locator('h1').first().waitFor();
  expect(await page.locator('h1').count(), `h1 elements on "${title}"`).toBe(1);
}

describeE2E('accessibility: navigation and dialogs', (h) => {
  it('a keyboard alone reaches a Setup page from Incidents, through the Setup disclosure button', async () => {
    const page = await h.newPage();
    await h.login(page);
    await page.goto('/incidents');
    await expectPageNamed(page, 'Incidents');

    const setup = await tabTo(page, (f) => f.inNav && f.name === 'Setup', 'the Setup button');
    expect(setup.tag).toBe('button');
    expect(setup.expanded).toBe('false');
    const controls = await page.getByRole('button', { name: 'Setup' }).getAttribute('aria-controls');
    expect(controls).toBeTruthy();
    await page.keyboard.press('Enter');
    await focusSettles(page, (f) => f?.expanded === 'true', 'the expanded Setup button');
    // The group opens with a transition: wait for the link to be shown rather than sample it once.
    await page.locator(`[id="${controls}"]`).getByRole('link', { name: 'Integration Users' }).waitFor({ state: 'visible' });

    const next = await tabTo(page, () => true, 'the next element', 1);
    expect(next.tag, 'the first Tab after Setup lands on a Setup link').toBe('a');
    await tabTo(page, (f) => f.tag === 'a' && f.name === 'Integration Users', 'the Integration Users link');
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.pathname === '/setup/integration-users');
    await expectPageNamed(page, 'Integration Users');
  });

  it('the skip link is the first Tab stop, visible on focus, and moves the focus to main', async () => {
    const page = await h.newPage();
    await h.login(page);
    // A fresh load: the focus starts at the top of the document, as for any visitor.
    await page.goto('/incidents');
    await page.getByRole('heading', { name: 'Incidents', level: 1 }).waitFor();
    const first = await tabTo(page, () => true, 'anything', 1);
    expect(first.name).toBe('Skip to main content');
    const box = await page.getByRole('link', { name: 'Skip to main content' }).boundingBox();
    expect(box!.y).toBeGreaterThanOrEqual(0);
    await page.keyboard.press('Enter');
    const f = await focusSettles(page, (x) => x?.id === 'main-content', 'main');
    expect(f!.tag).toBe('main');

    // The account menu's name starts with what it shows.
    await page.getByRole('button', { name: `${h.server.superAdmin.name}, account menu` }).waitFor();
  });

  it('every page in the navigation names the tab after itself and has exactly one h1', async () => {
    const page = await h.newPage();
    await h.login(page);
    const labels = await h.navLabels(page);
    expect(labels).toContain('Integration Users');
    for (const label of labels) {
      await h.navigate(page, label);
      await expectPageNamed(page, label);
    }
    await page.goto('/no/such/page');
    await expectPageNamed(page, 'Page not found');
  });

  it('a dialog opened from a menu starts on its field and returns the focus to the menu button after Esc', async () => {
    const now = new Date();
    const results = await h.ingest(generateBatch({ count: 2, from: new Date(now.getTime() - 3600_000), to: now, prefix: 'A11Y', seed: 5 }));

    const page = await h.newPage();
    await h.login(page);
    await page.goto(`/incidents/${results[0]!.id}`);
    await page.getByRole('heading', { level: 1, name: /^Incident / }).waitFor();
    await page.waitForFunction(`document.title === 'Incident Details · ${APP}'`);
    expect(await page.locator('h1').count()).toBe(1);

    // Keyboard: focus the Actions button, open its menu, choose Assign Priority.
    const actions = page.getByRole('button', { name: 'Actions' });
    await actions.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('menuitem', { name: 'Assign Priority' }).waitFor();
    await arrowToMenuItem(page, 'Assign Priority');
    await page.keyboard.press('Enter');

    const dialog = page.getByRole('dialog', { name: 'Assign Priority' });
    await dialog.waitFor();
    await h.settled(page);
    await focusSettles(page, (f) => !!f?.inDialog && !f.closeButton && f.tag === 'select', 'the Priority field');
    await dialog.getByRole('button', { name: 'Close dialog' }).waitFor();

    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await focusSettles(page, (f) => f?.tag === 'button' && f.name === 'Actions' && !f.inDialog, 'the Actions button');

    // The same with the mouse and the × button.
    await actions.click();
    await page.getByRole('menuitem', { name: 'Assign Priority' }).click();
    await dialog.waitFor();
    await h.settled(page);
    await dialog.getByRole('button', { name: 'Close dialog' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await focusSettles(page, (f) => f?.name === 'Actions', 'the Actions button');
  });

  it('a dialog without a marked field starts on its first field, not on ×, and Esc returns to its button', async () => {
    const page = await h.newPage();
    await h.login(page);
    await page.getByRole('heading', { name: 'Incidents', level: 1 }).waitFor();
    // Incidents' Filters window marks no field: Mantine alone would focus the × button first.
    const open = page.getByRole('button', { name: 'Filters', exact: true });
    await open.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Filters' });
    await dialog.waitFor();
    await h.settled(page);
    await focusSettles(page, (f) => !!f?.inDialog && !f.closeButton && ['input', 'select', 'textarea'].includes(f.tag), 'the first field of Filters');
    expect(await dialog.getByRole('button', { name: 'Close dialog' }).count()).toBe(1);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await focusSettles(page, (f) => f?.name === 'Filters' && !f.inDialog, 'the Filters button');
  });

  it('toasts are announced in a live region and their close buttons are named', async () => {
    const page = await h.newPage();
    await h.login(page);
    await h.navigate(page, 'Labels');
    await page.getByRole('button', { name: 'Add More' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add Label' });
    await dialog.getByRole('textbox', { name: 'Label Name' }).fill('A11y toast');
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
    const toast = page.locator('[aria-live="polite"] [role="status"]', { hasText: 'Label added' });
    await toast.waitFor();
    await toast.getByRole('button', { name: 'Dismiss notification' }).click();
    await toast.waitFor({ state: 'detached' });
  });

  it('in a narrow window the open drawer keeps Tab inside and Esc closes it, back on the burger', async () => {
    const page = await h.newPage({ width: 400 });
    await h.login(page);
    await page.getByRole('heading', { name: 'Incidents', level: 1 }).waitFor();
    const burger = page.getByRole('button', { name: 'Toggle navigation' });
    expect(await burger.getAttribute('aria-expanded')).toBe('false');
    // The closed drawer's links are not Tab stops.
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    expect(await nav.getAttribute('inert')).not.toBeNull();

    await burger.focus();
    await page.keyboard.press('Enter');
    expect(await burger.getAttribute('aria-expanded')).toBe('true');
    await focusSettles(page, (f) => !!f?.inNav, 'the open drawer');
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press(i % 4 === 3 ? 'Shift+Tab' : 'Tab');
      expect((await focused(page))?.inNav, `Tab press ${i + 1} stays in the drawer`).toBe(true);
    }
    await page.keyboard.press('Escape');
    await focusSettles(page, (f) => f?.name === 'Toggle navigation', 'the burger');
    expect(await burger.getAttribute('aria-expanded')).toBe('false');
  });
});
