/**
 * The three pictures in the README's "Try it" section, taken from a running server against the
 * sandbox: the Incidents page, an incident's details with its ServiceNow ticket, and Integration
 * Users. With E2E_README_SHOTS=1 they are written into docs/images (commit them); otherwise into
 * test-results, so every CI run still proves the pages render what the pictures show.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { REPO_ROOT, RESULTS_DIR, describeE2E } from './harness.js';
import { connectServiceNow } from './sandbox-accounts.js';
import { generateBatch } from '../../src/modules/incidents/generator.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';

const OUT = process.env.E2E_README_SHOTS ? path.join(REPO_ROOT, 'docs', 'images') : path.join(RESULTS_DIR, 'readme-shots');
const SN = 'Acme ServiceNow';
let sb: Sandbox;

/** Width of a PNG, from its IHDR chunk. */
const pngWidth = (file: string) => fs.readFileSync(file).readUInt32BE(16);

describeE2E(
  'README pictures',
  (h) => {
    let incidentId: number;
    let transactionId: string;
    beforeAll(async () => {
      sb = await startSandbox({ port: 0, host: '127.0.0.1' });
      const api = await h.api();
      const sn = await connectServiceNow(api, sb, SN);
      const users: { id: number }[] = [];
      for (const email of ['beth.anglin@example.com', 'abel.tuter@example.com', 'fred.luddy@example.com'])
        users.push(await api.post<{ id: number }>('/integration-users', { integrationId: sn.id, email }));
      const now = new Date();
      const first = (await h.ingest(generateBatch({ count: 40, from: new Date(now.getTime() - 20 * 3600_000), to: now, prefix: 'INC', seed: 11 }))).at(-1)!;
      incidentId = first.id;
      transactionId = first.transactionId;
      await api.post(`/incidents/${incidentId}/tickets`, {
        integrationId: sn.id,
        integrationUserId: users[0]!.id,
        notes: 'Please check the upload with the user.',
      });
    });
    afterAll(async () => {
      await sb?.close();
    });

    it('takes the Incidents, Incident Details (with its ticket) and Integration Users pictures', async () => {
      fs.mkdirSync(OUT, { recursive: true });
      const page = await h.newPage({ width: 1280, height: 800 });
      await h.login(page);

      await page.getByRole('heading', { name: 'Incidents', level: 1 }).waitFor();
      await page.getByRole('link', { name: /^INC/ }).first().waitFor();
      const incidents = await h.screenshot(page, path.join(OUT, 'incidents.png'), { fullPage: false });

      await page.goto(`/incidents/${incidentId}`);
      await page.getByRole('heading', { name: `Incident ${transactionId}`, level: 1 }).waitFor();
      // The worker creates the ticket in the sandbox; its number links to it once it exists.
      await page
        .getByTestId('ticket-section')
        .getByRole('link', { name: /^INC\d+/ })
        .waitFor({ timeout: 30_000 });
      const details = await h.screenshot(page, path.join(OUT, 'incident-details.png'), { fullPage: true });

      await page.goto('/setup/integration-users');
      await page.getByRole('heading', { name: 'Integration Users', level: 1 }).waitFor();
      await page.getByText('abel.tuter@example.com').first().waitFor();
      const iu = await h.screenshot(page, path.join(OUT, 'integration-users.png'), { fullPage: false });

      for (const file of [incidents, details, iu]) expect(pngWidth(file), file).toBe(1280);
    });
  },
  { env: { WFA_ALLOW_PRIVATE_TARGETS: 'true' } },
);
