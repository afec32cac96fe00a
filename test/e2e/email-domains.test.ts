/**
 * Custom email domains in chromium: the Add Domain wizard generates the records; Verify before
 * they are published fails naming them; they are "published" on the sandbox DNS page (the
 * stand-in for a DNS provider) by copying from the wizard; Verify succeeds; a test email arrives in
 * the sandbox mailbox From the domain with a DKIM signature that verifies; Make Default shows the
 * domain In Use; Revert to default domain goes back.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { describeE2E } from './harness.js';
import { startMessagingSandbox } from '../../src/sandbox/index.js';

const sb = await startMessagingSandbox({ host: '127.0.0.1', port: 0, smtpPort: 0, dnsPort: 0 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's critical and serious violations on the page as it is now (as test/e2e/page-checks.test.ts scans the other pages). */
async function blockingViolations(page: Page): Promise<string[]> {
  await page.evaluate(`window.axe || (0, eval)(${JSON.stringify(AXE_SOURCE)})`);
  return (await page.evaluate(
    `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious').map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).join(' | ')))`,
  )) as string[];
}

describeE2E(
  'email domains',
  (h) => {
    afterAll(() => sb.close());

    it('adds a domain, publishes its records, verifies, sends a signed test email, makes it default and reverts', async () => {
      const page = await h.newPage();
      await h.login(page);
      await h.navigate(page, 'Custom Email Domains');
      await h.see(page, 'No custom email domains');
      await page.getByRole('button', { name: 'Add Domain' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('textbox', { name: 'Domain Name', exact: true }).fill('acme-e2e.example');
      expect(await dialog.getByLabel('Envelope Sender Domain Name').inputValue()).toBe('bounce.acme-e2e.example');
      await dialog.getByLabel('Originating Email Address').fill('security@other.example');
      await dialog.getByRole('button', { name: 'Generate DNS records' }).click();
      await dialog
        .getByRole('alert')
        .getByText(/must be in acme-e2e\.example/)
        .waitFor();
      await dialog.getByLabel('Originating Email Address').fill('security@acme-e2e.example');
      await dialog.getByRole('button', { name: 'Generate DNS records' }).click();
      await dialog.getByRole('table', { name: 'DNS records of acme-e2e.example' }).waitFor();
      expect(await dialog.getByTestId('domain-status').textContent()).toBe('Pending');
      expect(await blockingViolations(page)).toEqual([]);

      await dialog.getByRole('button', { name: 'Verify', exact: true }).click();
      await dialog
        .getByRole('alert')
        .getByText(/The DKIM TXT record .* is missing/)
        .waitFor();
      expect(await dialog.getByTestId('domain-status').textContent()).toBe('Failed');

      // Publish at the "DNS provider": the sandbox's DNS page, with the names and values the wizard shows.
      const records: { name: string; value: string }[] = [];
      for (const kind of ['dkim', 'spf', 'verification']) {
        records.push({
          name: (await dialog.getByTestId(`dns-name-${kind}`).textContent())!,
          value: (await dialog.getByTestId(`dns-value-${kind}`).textContent())!,
        });
      }
      const dns = await h.newPage();
      await dns.goto(`${sb.url}/dns`);
      for (const r of records) {
        await dns.getByLabel('Name', { exact: true }).fill(r.name);
        await dns.getByLabel('Type').selectOption('TXT');
        await dns.getByLabel('Value', { exact: true }).fill(r.value);
        await dns.getByRole('button', { name: 'Publish record' }).click();
        await dns.getByRole('button', { name: `Remove TXT record ${r.name}` }).waitFor();
      }
      expect(sb.dns.zone.records).toHaveLength(3);

      await dialog.getByRole('button', { name: 'Verify', exact: true }).click();
      await dialog.getByRole('button', { name: 'Next', exact: true }).waitFor();
      expect(await dialog.getByTestId('domain-status').textContent()).toBe('Success');
      await dialog.getByRole('button', { name: 'Next', exact: true }).click();
      await dialog.getByLabel('Send a test email to (optional)').fill('e2e.ops@corp.example');
      await dialog.getByRole('button', { name: 'Send test email', exact: true }).click();
      await h.see(page, 'Test email queued');
      let mail = sb.state.mails.find((m) => m.envelopeTo.includes('e2e.ops@corp.example'));
      for (let i = 0; i < 100 && !mail; i++) {
        await sleep(200);
        mail = sb.state.mails.find((m) => m.envelopeTo.includes('e2e.ops@corp.example'));
      }
      expect(mail).toMatchObject({ from: 'security@acme-e2e.example', envelopeFrom: 'security@bounce.acme-e2e.example', dkim: { result: 'pass' } });
      // The sandbox mailbox shows the verdict.
      await dns.goto(`${sb.url}/mailbox/${mail!.seq}`);
      await dns.getByText('DKIM pass').first().waitFor();

      await dialog.getByRole('button', { name: 'Make Default', exact: true }).click();
      await dialog.waitFor({ state: 'hidden' });
      const row = page.getByTestId('email-domain-row-acme-e2e.example');
      await row.getByText('In Use').waitFor();
      expect(await blockingViolations(page)).toEqual([]);
      await page.getByTestId('current-sender').getByText('security@acme-e2e.example').waitFor();

      await page.getByRole('button', { name: 'Revert to default domain' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Revert' }).click();
      await row.getByText('Success').waitFor();
      await page.getByTestId('current-sender').getByText('notifications@e2e.example.com').waitFor();
    });
  },
  {
    env: {
      WFA_SMTP_URL: sb.smtp.url,
      WFA_SMTP_FROM: 'notifications@e2e.example.com',
      WFA_DNS_SERVERS: sb.dns.servers,
      WFA_ALLOW_PRIVATE_TARGETS: 'true',
      WFA_JOB_POLL_MS: '100',
    },
  },
);
