import { expect, it } from 'vitest';
import { describeE2E } from './harness.js';

describeE2E('sign-in and sign-out', (h) => {
  it('shows an error message for a wrong password and stays on the login page', async () => {
    const page = await h.newPage();
    await page.goto('/');
    await page.getByRole('textbox', { name: /^Email/ }).fill(h.server.superAdmin.email);
    await page.getByRole('textbox', { name: /^Password/ }).fill('not the right password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Email or password is incorrect.');
    expect(await page.getByTestId('account-menu').count()).toBe(0);
  });

  it('asks for both fields before sending anything', async () => {
    const page = await h.newPage();
    await page.goto('/');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await h.see(page, 'Enter your email and password.');
  });

  it('signs in, and logging out returns to the login page (and the session is gone)', async () => {
    const page = await h.newPage();
    await h.login(page);
    expect(await page.getByTestId('account-menu').textContent()).toContain(h.server.superAdmin.name);
    await h.logout(page);
    await page.reload();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.getByTestId('account-menu').count()).toBe(0);
  });
});
