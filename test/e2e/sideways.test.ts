/**
 * No sideways scrolling (issue #10, "Done when"): every page and main dialog of the tour
 * (`tour.ts`), with realistic data, at 1280 px and 400 px. At 1280 px nothing may scroll sideways,
 * not even a table inside its own scroll region (the Incidents table must fit by default). At
 * 400 px the page itself never does; only a data table may, inside its own scroll region that
 * shows a "Scroll sideways" cue and takes the keyboard's focus. The selects of a Jira project's
 * Required Fields Mappings window must show their whole value (not "Nor…").
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { describeE2E } from './harness.js';
import { TOUR_JIRA, seedTour, walkTour } from './tour.js';

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await sb?.close();
});

/**
 * What scrolls sideways on the page: the document itself, or any element whose content is wider
 * than its box and that lets it scroll. `tablesMayScroll` spares scroll regions that hold a table
 * and show their cue.
 */
function sidewaysScrollers(page: Page, tablesMayScroll: boolean): Promise<string[]> {
  // A string, because the test project has no DOM types; it runs in the page.
  return page.evaluate(`(() => {
    const found = [];
    const root = document.scrollingElement;
    if (root.scrollWidth > root.clientWidth + 1) found.push('the page (' + root.scrollWidth + ' px in ' + root.clientWidth + ' px)');
    for (const el of document.querySelectorAll('body *')) {
      if (el.scrollWidth <= el.clientWidth + 1) continue;
      if (!['auto', 'scroll'].includes(getComputedStyle(el).overflowX)) continue;
      if (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA') continue;
      // A table may scroll in its own region at narrow widths, if the region says so where it can be seen.
      const cue = el.hasAttribute('data-scroll-region') && el.parentElement.querySelector('[data-scroll-cue]');
      if (${tablesMayScroll} && el.querySelector('table') && cue && cue.offsetParent && el.getAttribute('tabindex') === '0') continue;
      const name = el.getAttribute('aria-label') || el.querySelector('table')?.getAttribute('aria-label') || String(el.className) || el.tagName;
      // For a table, each column's width says which ones to narrow.
      const cols = [...el.querySelectorAll('th')].map((th) => (th.textContent.trim() || '□') + ' ' + Math.round(th.getBoundingClientRect().width));
      found.push(name + ' (' + el.scrollWidth + ' px in ' + el.clientWidth + ' px' + (cols.length ? ': ' + cols.join(', ') : '') + ')');
    }
    return found;
  })()`);
}

/** Inputs in the locator whose value is wider than the box (shown cut off, e.g. "Nor…"). */
function cutInputs(page: Page, selector: string): Promise<string[]> {
  return page.evaluate(`[...document.querySelectorAll(${JSON.stringify(selector)})]
    .filter((i) => i.value && i.offsetParent && i.scrollWidth > i.clientWidth + 1)
    .map((i) => i.getAttribute('aria-label') + ': ' + i.value)`);
}

describeE2E(
  'no sideways scrolling',
  (h) => {
    beforeAll(async () => {
      await seedTour(await h.api(), h.server.url, sb);
    });

    for (const width of [1280, 400]) {
      it(`no page or main dialog scrolls sideways at ${width} px`, { timeout: 600_000 }, async () => {
        const page = await h.newPage({ width, height: 900 });
        await h.login(page);
        const problems: string[] = [];
        const check = async (where: string) => {
          await h.settled(page);
          for (const p of await sidewaysScrollers(page, width < 768)) problems.push(`${where}: ${p}`);
        };
        const closeDialog = async () => {
          await page.keyboard.press('Escape');
          await page.getByRole('dialog').waitFor({ state: 'detached' });
        };

        // Every page and main dialog of the tour.
        await walkTour(h, page, check);

        // Jira's Required Fields Mappings.
        await page.goto('/setup/integrations/jira_cloud');
        await page.getByRole('button', { name: `Expand ${TOUR_JIRA}` }).click();
        await page.getByTestId('project-SEC').waitFor();
        await page.getByRole('button', { name: 'Add Field Mapping for Security Incidents' }).click();
        const mapping = page.getByRole('dialog', { name: /Required Fields Mappings/ });
        await mapping.getByTestId('mapping-row-summary').waitFor();
        await check('Required Fields Mappings');
        // Its selects show their whole value: none is cut to "Nor…".
        const cut = await cutInputs(page, '[role=dialog] input');
        expect({ width, cut }).toEqual({ width, cut: [] });
        await closeDialog();

        expect({ width, problems }).toEqual({ width, problems: [] });
      });
    }
  },
  // The sandbox's Jira listens on plain http on 127.0.0.1.
  { env: { WFA_ALLOW_PRIVATE_TARGETS: 'true' } },
);
