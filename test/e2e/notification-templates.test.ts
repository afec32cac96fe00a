/**
 * Notification Templates in chromium: clone a System Default, edit it in the editor and see the
 * live preview show the change (and name an unknown variable), publish it, and preview the
 * published template from the list exactly as Slack receives it.
 */
import { expect, it } from 'vitest';
import { describeE2E } from './harness.js';

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
    await page.getByTestId('preview-error').getByText(/incident\.salary/).waitFor();
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
});
