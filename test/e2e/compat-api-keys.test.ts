/** Issue 13's browser test: a key id + secret made in Setup > API Keys works for the compatible API until revoked. */
import { expect, it } from 'vitest';
import { describeE2E } from './harness.js';

describeE2E('compatible API keys', (h) => {
  it('creates a key id and secret (secret shown once), exchanges it for a token, and revoking it ends the token', async () => {
    const page = await h.newPage();
    await h.login(page);
    await h.navigate(page, 'API Keys');
    await page.getByRole('button', { name: 'Create API Key' }).click();
    const dlg = page.getByRole('dialog', { name: 'Create API Key' });
    await dlg.getByRole('textbox', { name: /^Name/ }).fill('SOAR playbooks');
    await dlg.getByRole('combobox', { name: /^Role/ }).selectOption({ label: 'DLP Incident Manager' });
    await dlg.getByRole('radio', { name: 'Key ID and secret (compatible API)' }).check();
    await dlg.getByRole('button', { name: 'Create' }).click();
    const shown = page.getByRole('dialog', { name: 'API key created' });
    const keyId = (await shown.getByTestId('new-api-key-id').textContent())!.trim();
    const secret = (await shown.getByTestId('new-api-key-secret').textContent())!.trim();
    expect(keyId).toMatch(/^wfk_/);
    expect(secret).toMatch(/^wfs_/);
    await shown.getByText('This is the only time the secret is shown').waitFor();
    await shown.getByRole('button', { name: 'Copy Secret' }).waitFor();
    await shown.getByRole('button', { name: 'I have copied the secret' }).click();

    const tokenRes = await fetch(`${h.server.url}/v1/auth/api-key/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key_id: keyId, key_secret: secret }),
    });
    expect(tokenRes.status).toBe(201);
    const { token } = (await tokenRes.json()) as { token: string };
    const search = () =>
      fetch(`${h.server.url}/dlp/v1/incidents/search`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{}',
      });
    expect((await search()).status).toBe(200);

    // The list shows the key id, never the secret.
    const row = page.getByTestId('api-key-row-SOAR playbooks');
    await row.waitFor();
    const text = (await row.textContent()) ?? '';
    expect(text).toContain(keyId);
    expect(text).toContain('Key ID and secret');
    expect(text).not.toContain(secret);
    await page.getByRole('button', { name: 'Revoke SOAR playbooks' }).click();
    await page.getByRole('dialog', { name: 'Revoke API key' }).getByRole('button', { name: 'Revoke' }).click();
    await row.waitFor({ state: 'detached' });
    expect((await search()).status).toBe(401);
  });
});
