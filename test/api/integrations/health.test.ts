import { beforeEach, describe, expect, it } from 'vitest';
import type { Session, TestApp } from '../../helpers/test-app.js';
import { connect, jiraBody, serviceNowOAuthBody, withSandboxApp, type Sandbox } from './helpers.js';

let t: TestApp;
let sb: Sandbox;
let admin: Session;

withSandboxApp((a) => ({ t, sb, admin } = a));
beforeEach(() => sb.state.clearFaults());

async function activeAlerts() {
  return (await admin.get('/api/v1/alerts')).json().items as { module: string; severity: string; summary: string; detail: string }[];
}

describe('integration health', () => {
  it('raises "<name> integration is not working" after repeated failures and clears it on success', async () => {
    const v = await connect(admin, jiraBody(sb, { name: 'Jira Prod' }));
    // Each call is tried 4 times (3 retries); 503s for 3 calls in a row.
    sb.state.setFaults('jira', { errorBurst: 4 * 3 });
    for (let i = 1; i <= 3; i++) {
      const res = await admin.post(`/api/v1/integrations/${v.id}/verify`);
      expect(res.statusCode).toBe(502);
      expect(res.json().error.message).toMatch(/Jira Cloud is unavailable \(HTTP 503\)/);
      const alerts = await activeAlerts();
      expect(alerts.some((a) => a.summary === 'Jira Prod integration is not working')).toBe(i >= 3);
    }
    const page = (await admin.get(`/api/v1/integrations/${v.id}`)).json();
    expect(page.health.consecutiveFailures).toBe(3);
    expect(page.health.lastError).toMatch(/Jira Cloud is unavailable/);
    expect(page.status).toBe('Active');
    const alert = (await activeAlerts()).find((a) => a.summary === 'Jira Prod integration is not working')!;
    expect(alert).toMatchObject({ module: 'Integrations', severity: 'High' });

    const ok = await admin.post(`/api/v1/integrations/${v.id}/verify`);
    expect(ok.statusCode).toBe(200);
    expect(ok.json().health.consecutiveFailures).toBe(0);
    expect((await activeAlerts()).some((a) => a.summary === 'Jira Prod integration is not working')).toBe(false);
  });

  it('calls through connectorFor (as other modules make them) count too', async () => {
    const v = await connect(admin, jiraBody(sb, { name: 'Jira Worker' }));
    const connector = await t.ctx.integrations.connectorFor(t.orgId, v.id);
    sb.state.setFaults('jira', { errorBurst: 4 * 3 });
    for (let i = 0; i < 3; i++) await expect(connector.lookupUserByEmail('abel.tuter@example.com')).rejects.toThrow(/unavailable/);
    await t.ctx.integrations.settled();
    expect((await activeAlerts()).some((a) => a.summary === 'Jira Worker integration is not working')).toBe(true);
    await connector.lookupUserByEmail('abel.tuter@example.com');
    await t.ctx.integrations.settled();
    expect((await activeAlerts()).some((a) => a.summary === 'Jira Worker integration is not working')).toBe(false);
  });

  it('stores refreshed OAuth tokens, and a refused refresh means Reauthorization Required until Reauthorize', async () => {
    const v = await connect(admin, serviceNowOAuthBody(sb, { name: 'SN OAuth' }));
    const sealed = async () => (await t.ctx.db.selectFrom('integrations').select('credentials').where('id', '=', v.id).executeTakeFirstOrThrow()).credentials;
    const first = t.ctx.secrets.openJson<{ accessToken: string }>(await sealed());

    // The access token runs out: the connector refreshes it and the new one is stored (sealed).
    sb.state.expireAccessTokens();
    const connector = await t.ctx.integrations.connectorFor(t.orgId, v.id);
    await connector.verify();
    await t.ctx.integrations.settled();
    const second = t.ctx.secrets.openJson<{ accessToken: string }>(await sealed());
    expect(second.accessToken).not.toBe(first.accessToken);

    // Now the refresh token is revoked too.
    sb.state.expireAccessTokens();
    sb.state.revokeRefreshTokens();
    const fresh = await t.ctx.integrations.connectorFor(t.orgId, v.id);
    await expect(fresh.verify()).rejects.toMatchObject({ opts: { reauthorize: true } });
    await t.ctx.integrations.settled();
    const page = (await admin.get(`/api/v1/integrations/${v.id}`)).json();
    expect(page.status).toBe('Reauthorization Required');
    expect(page.health.lastError).toMatch(/re-authorize the integration/);
    expect((await activeAlerts()).some((a) => a.summary === 'SN OAuth integration is not working')).toBe(true);

    // "Reauthorize" gets new tokens with the stored account and clears everything.
    const re = await admin.post(`/api/v1/integrations/${v.id}/verify`);
    expect(re.statusCode).toBe(200);
    expect(re.json()).toMatchObject({ status: 'Active', health: { consecutiveFailures: 0 } });
    expect((await activeAlerts()).some((a) => a.summary === 'SN OAuth integration is not working')).toBe(false);
  });

  it('credentials that stop working turn the status to Validation Failed; new credentials fix it', async () => {
    const v = await connect(admin, jiraBody(sb, { name: 'Jira Rotated' }));
    const account = sb.state.jira.accounts.find((a) => a.email === sb.credentials.jira.email)!;
    const original = account.apiToken;
    account.apiToken = 'rotated-token-value';
    try {
      const res = await admin.post(`/api/v1/integrations/${v.id}/verify`);
      expect(res.statusCode).toBe(422);
      expect((await admin.get(`/api/v1/integrations/${v.id}`)).json().status).toBe('Validation Failed');
      const fixed = await admin.patch(`/api/v1/integrations/${v.id}`, { credentials: { apiToken: 'rotated-token-value' } });
      expect(fixed.statusCode).toBe(200);
      expect(fixed.json().status).toBe('Active');
    } finally {
      account.apiToken = original;
    }
  });

  it('a disabled integration raises nothing', async () => {
    const v = await connect(admin, jiraBody(sb, { name: 'Jira Off' }));
    const connector = await t.ctx.integrations.connectorFor(t.orgId, v.id);
    await admin.post(`/api/v1/integrations/${v.id}/disable`);
    sb.state.setFaults('jira', { errorBurst: 4 * 3 });
    for (let i = 0; i < 3; i++) await expect(connector.verify()).rejects.toThrow();
    await t.ctx.integrations.settled();
    expect((await activeAlerts()).some((a) => a.summary === 'Jira Off integration is not working')).toBe(false);
    expect((await admin.get(`/api/v1/integrations/${v.id}`)).json().status).toBe('Inactive');
  });
});
