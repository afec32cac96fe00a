/**
 * Notification Templates in chromium: clone a System Default, edit it in the editor and see the
 * live preview show the change (and name an unknown variable), publish it, and preview the
 * published template from the list exactly as Slack receives it.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { describeE2E } from './harness.js';

const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Critical and serious axe-core violations of the page as it is now. */
async function blockingViolations(page: Page): Promise<string[]> {
  await page.evaluate(`window.axe || (0, eval)(${JSON.stringify(AXE_SOURCE)})`);
  const found = (await page.evaluate(
    `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) })))`,
  )) as { id: string; impact: string; targets: string[] }[];
  return found.filter((v) => v.impact === 'critical' || v.impact === 'serious').map((v) => `${v.id}: ${v.targets.join(' | ')}`);
}

describeE2E('notification templates', (h) => {
  it('edit a template → the preview shows the change; an unknown variable is named; Publish', async () => {
    const page = await h.newPage();
    await h.login(page);
    await h.navigate(page, 'Notification Templates');
    const table = page.getByRole('table', { name: 'Notification templates' });
    await table.getByText('End-user Justification - Slack').waitFor();
    expect(await table.getByText('System Default').count()).toBeGreaterThanOrEqual(12);

    await page.getByRole('button', { name: 'Actions for End-user Justification - Slack' }).click();
    await page.getByRole('menuitem', { name: 'Clone' }).click();
    const clone = page.getByRole('dialog', { name: 'Clone Template' });
    await clone.getByRole('textbox', { name: 'Template Name' }).fill('E2E Slack justification');
    await clone.getByRole('button', { name: 'Clone' }).click();
    await page.waitForURL(/\/setup\/notification-templates\/\d+$/);
    await page.getByRole('heading', { name: 'Edit E2E Slack justification' }).waitFor();

    const body = page.getByRole('textbox', { name: 'Body' });
    await body.fill('Hello {{ recipientName }}, file {{ incident.fileName | upcase }} needs a reason.\n\n<{{ surveyUrl }}|Answer now>');
    const preview = page.getByTestId('slack-preview');
    await preview.getByText('Hello Alex Morgan, file Q3 CUSTOMER CARDS.XLSX needs a reason.').waitFor();
    await preview.getByText('Answer now (https://wfa.example.com/survey/sample-token)').waitFor();

    await body.fill('Salary: {{ incident.salary }}');
    await page
      .getByTestId('preview-error')
      .getByText(/incident\.salary/)
      .waitFor();
    await page.getByRole('button', { name: 'Publish Template' }).click();
    await page.getByRole('textbox', { name: 'Body' }).and(page.locator('[aria-invalid="true"]')).waitFor();

    await body.fill('Edited by E2E: {{ incident.transactionId }}');
    await preview.getByText('Edited by E2E: TX-2026-0001042').waitFor();
    await page.getByRole('button', { name: 'Publish Template' }).click();
    await page.getByText('E2E Slack justification was saved and published.').waitFor();

    await page.getByRole('link', { name: 'Back to Notification Templates' }).click();
    const row = table.getByRole('row').filter({ hasText: 'E2E Slack justification' });
    await row.getByText('Published').waitFor();
    await page.getByRole('button', { name: 'Actions for E2E Slack justification' }).click();
    await page.getByRole('menuitem', { name: 'View/Preview' }).click();
    const dialog = page.getByRole('dialog', { name: 'Preview: E2E Slack justification' });
    await dialog.getByTestId('slack-preview').getByText('Edited by E2E: TX-2026-0001042').waitFor();
    await dialog.getByRole('tab', { name: 'Block Kit JSON' }).click();
    await dialog.getByText('"type": "mrkdwn"').waitFor();
  });

  it('the three pages, the editor and their dialogs have no critical or serious axe violation at 1280 and 400 px', async () => {
    const problems: string[] = [];
    for (const width of [1280, 400]) {
      const page = await h.newPage({ width, height: 900 });
      await h.login(page);
      const check = async (where: string) => {
        await page.waitForLoadState('networkidle');
        for (const v of await blockingViolations(page)) problems.push(`${where} @${width}: ${v}`);
      };
      await page.goto('/setup/notification-templates');
      await page.getByText('End-user Justification - Email').first().waitFor();
      await check('Notification Templates');
      await page.goto('/setup/notification-templates/new');
      await page.getByRole('heading', { name: 'Add Template' }).waitFor();
      await page.locator('iframe[title="Email preview"]').waitFor();
      await check('Add Template');
      await page.goto('/setup/survey-templates');
      await page.getByRole('button', { name: 'Actions for End-user Justification - Questionnaire Template (English)' }).click();
      await page.getByRole('menuitem', { name: 'Edit' }).click();
      await page.getByRole('dialog').getByRole('textbox', { name: 'Option: False Positive' }).waitFor();
      await check('Survey Templates > Edit');
      await page.keyboard.press('Escape');
      await page.goto('/setup/template-mappings');
      await page.getByRole('button', { name: 'Add Mapping' }).click();
      await page.getByRole('dialog', { name: 'Add Mapping' }).waitFor();
      await check('Template Mappings > Add Mapping');
    }
    expect(problems).toEqual([]);
  });
});
