/**
 * Automated WCAG scan (issue #10): axe-core runs on every state of the tour (`tour.ts`: every page
 * of the navigation, the pages reached from them and the main dialogs) at 1280 and 400 px. Critical and serious violations fail the test; moderate and minor
 * ones are printed so they stay visible without blocking.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { describeE2E } from './harness.js';
import { seedTour, walkTour } from './tour.js';

const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

type Violation = { id: string; impact: string; help: string; nodes: { target: string[]; failureSummary?: string }[] };

/** Runs axe on the page as it is now (evaluated through the devtools protocol, so the app's CSP does not apply). */
async function scan(page: Page, state: string): Promise<{ state: string; blocking: Violation[]; other: Violation[] }> {
  await page.evaluate(`window.axe || (0, eval)(${JSON.stringify(AXE_SOURCE)})`);
  const violations = (await page.evaluate(
    `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) })))`,
  )) as Violation[];
  return {
    state,
    blocking: violations.filter((v) => v.impact === 'critical' || v.impact === 'serious'),
    other: violations.filter((v) => v.impact !== 'critical' && v.impact !== 'serious'),
  };
}

function describeViolations(results: Awaited<ReturnType<typeof scan>>[], key: 'blocking' | 'other'): string[] {
  return results.flatMap((r) =>
    r[key].map(
      (v) =>
        `${r.state}: [${v.impact}] ${v.id} (${v.help}) × ${v.nodes.length}: ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(' | ')}${key === 'blocking' && v.nodes[0]?.failureSummary ? ` — ${v.nodes[0].failureSummary.replace(/\s+/g, ' ')}` : ''}`,
    ),
  );
}

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await sb?.close();
});

describeE2E(
  'accessibility: axe-core scan of every page and main dialog',
  (h) => {
    beforeAll(async () => {
      await seedTour(await h.api(), h.server.url, sb);
    });

    for (const width of [1280, 400]) {
      it(`finds no critical or serious violation at ${width} px`, { timeout: 600_000 }, async () => {
        const page = await h.newPage({ width, height: 900 });
        await h.login(page);
        const results: Awaited<ReturnType<typeof scan>>[] = [];
        await walkTour(h, page, async (state) => void results.push(await scan(page, `${state} @${width}`)));
        const other = describeViolations(results, 'other');
        console.log(
          `axe @${width}: ${results.length} states scanned; ${other.length ? `moderate/minor violations (not blocking):\n${other.join('\n')}` : 'no moderate or minor violation'}`,
        );
        expect(describeViolations(results, 'blocking')).toEqual([]);
      });
    }
  },
  // The sandbox's Jira listens on plain http on 127.0.0.1.
  { env: { WFA_ALLOW_PRIVATE_TARGETS: 'true' } },
);
