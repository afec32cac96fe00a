import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Session, TestApp } from '../../helpers/test-app.js';
import { auditCount, connectBoth, rowCount, type Sandbox } from './helpers.js';
import { withSandboxApp } from '../integrations/helpers.js';

let t: TestApp;
let sb: Sandbox;
let s: Session;
let sn: { id: number; name: string };
let jira: { id: number; name: string };
const E = () => sb.seededEmails;

withSandboxApp((a) => ({ t, sb, admin: s } = a));
beforeAll(async () => {
  ({ sn, jira } = await connectBoth(s, sb));
});
beforeEach(() => sb.state.clearFaults());

const lookup = (integrationId: number, email: string) => s.post('/api/v1/integration-users/lookup', { integrationId, email });

describe.each([
  ['ServiceNow', () => sn, () => E().servicenow],
  ['Jira Cloud', () => jira, () => E().jira],
] as const)('lookup on %s', (label, integ, emails) => {
  it('found: shows Name and Username, exact match whatever the case', async () => {
    const email = emails().found[1].toUpperCase();
    const res = await lookup(integ().id, email);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.outcome).toBe('found');
    expect(body.addable).toBe(true);
    expect(body.user.name).toBe('Beth Anglin');
    if (label === 'ServiceNow') expect(body.user.username).toBe('beth.anglin');
    else expect(body.user.username).toBe(body.user.externalId); // Jira has no usernames: the accountId
    expect(body.integration).toMatchObject({ id: integ().id, typeLabel: label === 'ServiceNow' ? 'ServiceNow' : 'JiraCloud' });
  });

  it('not found', async () => {
    for (const email of emails().notFound) {
      const body = (await lookup(integ().id, email)).json();
      expect(body.outcome).toBe('not_found');
      expect(body.addable).toBe(false);
      expect(body.message).toMatch(/No user with the email .* exists/);
    }
  });

  it('inactive', async () => {
    const body = (await lookup(integ().id, emails().inactive[0])).json();
    expect(body.outcome).toBe('inactive');
    expect(body.message).toMatch(/Ivan Inactive .* is inactive/);
  });

  it('ambiguous', async () => {
    const body = (await lookup(integ().id, emails().ambiguous[0])).json();
    expect(body.outcome).toBe('ambiguous');
    expect(body.message).toMatch(/^2 users in .* have the email/);
  });

  it('unreachable: the system keeps failing; the message points to the integration page', async () => {
    sb.state.setFaults(label === 'ServiceNow' ? 'servicenow' : 'jira', { errorBurst: 100 });
    const body = (await lookup(integ().id, emails().found[0])).json();
    expect(body.outcome).toBe('unreachable');
    expect(body.message).toMatch(/Could not reach/);
    // Nothing retries a lookup by itself, so the message must not promise it; the advice comes once.
    expect(body.message).not.toMatch(/retried/);
    expect(body.message.match(/Try again in a moment/g)).toHaveLength(1);
    expect(body.integration.path).toBe(`/setup/integrations/${label === 'ServiceNow' ? 'servicenow' : 'jira_cloud'}/${integ().id}`);
    const add = await s.post('/api/v1/integration-users', { integrationId: integ().id, email: emails().found[0] });
    expect(add.statusCode).toBe(502);
    expect(add.json().error.code).toBe('unreachable');
  });

  it('a person waiting is not held through long retries: a rate limit past the 10 s deadline answers at once', async () => {
    const system = label === 'ServiceNow' ? 'servicenow' : 'jira';
    sb.state.setFaults(system, { rateLimitBurst: 10, retryAfterSeconds: 20 });
    const before = sb.state.requests(system).length;
    const body = (await lookup(integ().id, emails().found[0])).json();
    expect(body.outcome).toBe('unreachable');
    expect(body.message).toMatch(/rate limiting/);
    // One request, not four: a background call would wait out the Retry-After and try again.
    expect(sb.state.requests(system).length - before).toBe(1);
  });

  it('credentials refused', async () => {
    const restore = label === 'ServiceNow' ? breakServiceNowPassword() : breakJiraToken();
    try {
      const body = (await lookup(integ().id, emails().found[0])).json();
      expect(body.outcome).toBe('credentials_refused');
      expect(body.message).toMatch(/refused our credentials/);
      expect(body.integration.path).toBe(`/setup/integrations/${label === 'ServiceNow' ? 'servicenow' : 'jira_cloud'}/${integ().id}`);
    } finally {
      restore();
    }
  });
});

function breakServiceNowPassword() {
  const u = sb.state.servicenow.users.find((x) => x.user_name === sb.credentials.servicenow.basic.username)!;
  const old = u.password;
  u.password = 'changed-elsewhere';
  return () => void (u.password = old);
}
function breakJiraToken() {
  const a = sb.state.jira.accounts.find((x) => x.email === sb.credentials.jira.email)!;
  const old = a.apiToken;
  a.apiToken = 'revoked';
  return () => void (a.apiToken = old);
}

describe('Jira only', () => {
  it('email hidden is refused plainly', async () => {
    const body = (await lookup(jira.id, E().jira.emailHidden[0])).json();
    expect(body.outcome).toBe('email_hidden');
    expect(body.message).toMatch(/hides the email address/);
    const add = await s.post('/api/v1/integration-users', { integrationId: jira.id, email: E().jira.emailHidden[0] });
    expect(add.statusCode).toBe(422);
    expect(add.json().error.code).toBe('email_hidden');
  });
});

describe('add', () => {
  it('adds with what the system reports, then the same email is "already added"', async () => {
    const before = await auditCount(t);
    const res = await s.post('/api/v1/integration-users', { integrationId: sn.id, email: 'ABEL.TUTER@example.com' });
    expect(res.statusCode).toBe(201);
    const u = res.json();
    expect(u).toMatchObject({
      name: 'Abel Tuter',
      username: 'abel.tuter',
      integration: sn.name,
      integrationTypeLabel: 'ServiceNow',
      status: 'active',
      assignable: true,
    });
    expect(u.externalId).toMatch(/^[0-9a-f]{32}$/);
    expect(await auditCount(t)).toBe(before + 1);
    const audit = await t.ctx.db.selectFrom('audit_log').selectAll().where('resource', '=', 'Integration User').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ module: 'Integrations', action: 'Insert', resource_id: String(u.id) });

    const again = (await lookup(sn.id, 'abel.tuter@EXAMPLE.com')).json();
    expect(again.outcome).toBe('already_added');
    expect(again.existingId).toBe(u.id);
    const dup = await s.post('/api/v1/integration-users', { integrationId: sn.id, email: 'abel.tuter@example.com' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('already_added');
  });

  it('never trusts a name or username from the client', async () => {
    const res = await s.post('/api/v1/integration-users', { integrationId: jira.id, email: 'fred@example.com', name: 'Mallory', username: 'root' });
    expect(res.statusCode).toBe(400);
    const ok = await s.post('/api/v1/integration-users', { integrationId: jira.id, email: 'fred@example.com' });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ name: 'Fred Example', integrationTypeLabel: 'JiraCloud' });
    expect(ok.json().username).toBe(ok.json().externalId);
  });

  it('two simultaneous adds of the same email create one row', async () => {
    const before = await rowCount(t);
    const body = { integrationId: jira.id, email: 'beth.anglin@example.com' };
    const [a, b] = await Promise.all([s.post('/api/v1/integration-users', body), s.post('/api/v1/integration-users', body)]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([201, 409]);
    expect(await rowCount(t)).toBe(before + 1);
    const rows = await t.ctx.db
      .selectFrom('integration_users')
      .selectAll()
      .where('integration_id', '=', jira.id)
      .where('email_lower', '=', 'beth.anglin@example.com')
      .execute();
    expect(rows).toHaveLength(1);
  });

  it('a failed lookup changes nothing', async () => {
    const [rows, audits] = [await rowCount(t), await auditCount(t)];
    for (const email of [E().servicenow.notFound[0], E().servicenow.inactive[0], E().servicenow.ambiguous[0]]) {
      const res = await s.post('/api/v1/integration-users', { integrationId: sn.id, email });
      expect(res.statusCode).toBe(422);
    }
    expect(await rowCount(t)).toBe(rows);
    expect(await auditCount(t)).toBe(audits);
  });

  it('validates the email and the integration', async () => {
    const bad = await s.post('/api/v1/integration-users', { integrationId: sn.id, email: 'not-an-email' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/valid email/);
    expect((await s.post('/api/v1/integration-users', { integrationId: 999999, email: 'a@example.com' })).statusCode).toBe(404);
  });

  it('only enabled integrations', async () => {
    expect((await s.post(`/api/v1/integrations/${sn.id}/disable`, {})).statusCode).toBe(200);
    try {
      const res = await lookup(sn.id, E().servicenow.found[2]);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.message).toMatch(/disabled/);
    } finally {
      await s.post(`/api/v1/integrations/${sn.id}/enable`, {});
    }
  });

  it('an integration with users cannot be deleted', async () => {
    const res = await s.delete(`/api/v1/integrations/${sn.id}`);
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toMatch(/integration users/);
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    for (const p of [
      '/api/v1/integration-users',
      '/api/v1/integration-users/lookup',
      '/api/v1/integration-users/{id}',
      '/api/v1/integration-users/{id}/verify',
      '/api/v1/integration-users/verify',
      '/api/v1/integration-users/imports',
      '/api/v1/integration-users/imports/{id}',
      '/api/v1/integration-users/export.csv',
    ]) {
      expect(doc.paths[p], p).toBeDefined();
    }
  });
});
