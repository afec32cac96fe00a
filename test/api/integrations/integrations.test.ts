import { describe, expect, it } from 'vitest';
import type { Session, TestApp } from '../../helpers/test-app.js';
import { connect, jiraBody, serviceNowBody, serviceNowOAuthBody, withSandboxApp, type Sandbox } from './helpers.js';

let t: TestApp;
let sb: Sandbox;
let admin: Session;

withSandboxApp((a) => ({ t, sb, admin } = a));

async function rowCount() {
  const r = await t.ctx.db
    .selectFrom('integrations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

describe('connect', () => {
  it('connects ServiceNow with Basic auth after checking the credentials, and never returns them', async () => {
    const body = serviceNowBody(sb, { name: 'snowtest' });
    const res = await admin.post('/api/v1/integrations', body);
    expect(res.statusCode).toBe(201);
    const v = res.json();
    expect(v).toMatchObject({
      type: 'servicenow',
      typeLabel: 'ServiceNow',
      name: 'snowtest',
      baseUrl: sb.servicenowUrl,
      authMethod: 'basic',
      hasCredentials: true,
      status: 'Active',
      enabled: true,
      account: { username: sb.credentials.servicenow.basic.username, adminEmail: 'admin@example.com' },
      accountName: 'Workflow Automation Integration',
      settings: { syncTicketStatus: false, closeIncidentOnTicketClosed: false, syncProjectList: false },
      projects: null,
    });
    expect(res.body).not.toContain(sb.credentials.servicenow.basic.password);
    const row = await t.ctx.db.selectFrom('integrations').selectAll().where('id', '=', v.id).executeTakeFirstOrThrow();
    expect(row.credentials.startsWith('v1:')).toBe(true);
    expect(row.credentials).not.toContain(sb.credentials.servicenow.basic.password);
    expect(t.ctx.secrets.openJson(row.credentials)).toEqual({ authMethod: 'basic', ...sb.credentials.servicenow.basic });
  });

  it('connects ServiceNow with OAuth 2.0 (password grant) and stores the tokens sealed', async () => {
    const v = await connect(admin, serviceNowOAuthBody(sb));
    expect(v).toMatchObject({ authMethod: 'oauth', status: 'Active', account: { clientId: sb.credentials.servicenow.oauth.clientId } });
    const row = await t.ctx.db.selectFrom('integrations').selectAll().where('id', '=', v.id).executeTakeFirstOrThrow();
    const creds = t.ctx.secrets.openJson<Record<string, string>>(row.credentials);
    expect(creds.refreshToken).toBeTruthy();
    expect(creds.accessToken).toBeTruthy();
    expect(JSON.stringify(v)).not.toContain(creds.refreshToken);
    expect(JSON.stringify(v)).not.toContain(sb.credentials.servicenow.oauth.clientSecret);
  });

  it('connects Jira Cloud and pulls its projects at once', async () => {
    const v = await connect(admin, jiraBody(sb));
    expect(v).toMatchObject({
      type: 'jira_cloud',
      typeLabel: 'JiraCloud',
      authMethod: 'api_token',
      status: 'Active',
      account: { email: sb.credentials.jira.email },
    });
    expect((v.projects as { total: number }).total).toBe(2);
    expect((v.settings as { syncProjectList: boolean }).syncProjectList).toBe(true);
  });

  it('refuses wrong credentials with the system’s message and stores nothing', async () => {
    const before = await rowCount();
    const sn = await admin.post(
      '/api/v1/integrations',
      serviceNowBody(sb, { credentials: { authMethod: 'basic', username: 'wfa.integration', password: 'wrong-password' } }),
    );
    expect(sn.statusCode).toBe(422);
    expect(sn.json().error.message).toMatch(/ServiceNow rejected the credentials.*check the username and password/);
    expect(sn.body).not.toContain('wrong-password');
    const oauth = await admin.post(
      '/api/v1/integrations',
      serviceNowOAuthBody(sb, { credentials: { authMethod: 'oauth', ...sb.credentials.servicenow.oauth, clientSecret: 'nope-nope' } }),
    );
    expect(oauth.statusCode).toBe(422);
    expect(oauth.json().error.message).toMatch(/ServiceNow refused the OAuth sign-in/);
    const jira = await admin.post('/api/v1/integrations', jiraBody(sb, { credentials: { email: sb.credentials.jira.email, apiToken: 'bad-token-123' } }));
    expect(jira.statusCode).toBe(422);
    expect(jira.json().error.message).toMatch(/Jira Cloud rejected the credentials.*account email and API token/);
    expect(await rowCount()).toBe(before);
  });

  it('says clearly when the system cannot be reached', async () => {
    const before = await rowCount();
    const res = await admin.post('/api/v1/integrations', serviceNowBody(sb, { baseUrl: 'http://127.0.0.1:1' }));
    expect(res.statusCode).toBe(502);
    expect(res.json().error.message).toMatch(/^Could not reach ServiceNow at 127\.0\.0\.1:1 while signing in: .*Check the URL/);
    expect(res.json().error.message).not.toMatch(/retried|check the url.*check the url/i);
    expect(await rowCount()).toBe(before);
  });

  it('refuses a duplicate tenant name, ignoring case', async () => {
    const first = await connect(admin, serviceNowBody(sb, { name: 'Dup Tenant' }));
    const res = await admin.post('/api/v1/integrations', jiraBody(sb, { name: 'dup tenant' }));
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toContain('An integration named "dup tenant" already exists');
    const rename = await admin.patch(`/api/v1/integrations/${(await connect(admin, serviceNowBody(sb))).id}`, { name: 'DUP TENANT' });
    expect(rename.statusCode).toBe(409);
    expect(first.id).toBeGreaterThan(0);
  });

  it('validates the form with messages an admin can act on', async () => {
    const missing = await admin.post('/api/v1/integrations', {
      type: 'servicenow',
      name: '',
      baseUrl: 'ftp://x',
      credentials: { authMethod: 'basic', username: 'a', password: 'b' },
    });
    expect(missing.statusCode).toBe(400);
    const url = await admin.post('/api/v1/integrations', serviceNowBody(sb, { baseUrl: 'https://user:pw@example.com' }));
    expect(url.statusCode).toBe(400);
    expect(url.json().error.message).toContain('Enter the address as https://');
    const extra = await admin.post('/api/v1/integrations', { ...jiraBody(sb), bogus: 1 });
    expect(extra.statusCode).toBe(400);
  });
});

describe('edit, settings, disable/enable, delete', () => {
  it('keeps the stored credentials when the credential fields are left blank', async () => {
    const v = await connect(admin, serviceNowBody(sb));
    const res = await admin.patch(`/api/v1/integrations/${v.id}`, { name: `${v.name}-renamed`, credentials: { username: '', password: '' } });
    expect(res.statusCode).toBe(200);
    expect(res.json().name).toBe(`${v.name}-renamed`);
    const row = await t.ctx.db.selectFrom('integrations').selectAll().where('id', '=', v.id).executeTakeFirstOrThrow();
    expect(t.ctx.secrets.openJson(row.credentials)).toEqual({ authMethod: 'basic', ...sb.credentials.servicenow.basic });
  });

  it('re-validates changed credentials and keeps the old ones when the new ones fail', async () => {
    const v = await connect(admin, jiraBody(sb));
    const bad = await admin.patch(`/api/v1/integrations/${v.id}`, { credentials: { apiToken: 'not-the-token' } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.message).toMatch(/Jira Cloud rejected the credentials/);
    let row = await t.ctx.db.selectFrom('integrations').selectAll().where('id', '=', v.id).executeTakeFirstOrThrow();
    expect(t.ctx.secrets.openJson<{ apiToken: string }>(row.credentials).apiToken).toBe(sb.credentials.jira.apiToken);
    // A different, working account is accepted.
    const ro = sb.credentials.jira.readOnly;
    const ok = await admin.patch(`/api/v1/integrations/${v.id}`, { credentials: { email: ro.email, apiToken: ro.apiToken } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().account.email).toBe(ro.email);
    row = await t.ctx.db.selectFrom('integrations').selectAll().where('id', '=', v.id).executeTakeFirstOrThrow();
    expect(t.ctx.secrets.openJson<{ apiToken: string }>(row.credentials).apiToken).toBe(ro.apiToken);
  });

  it('switches ServiceNow from Basic to OAuth only with a client ID and secret', async () => {
    const v = await connect(admin, serviceNowBody(sb));
    const missing = await admin.patch(`/api/v1/integrations/${v.id}`, { credentials: { authMethod: 'oauth' } });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.message).toBe('Client ID is required for OAuth 2.0.');
    const { clientId, clientSecret } = sb.credentials.servicenow.oauth;
    const ok = await admin.patch(`/api/v1/integrations/${v.id}`, { credentials: { authMethod: 'oauth', clientId, clientSecret } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ authMethod: 'oauth', account: { clientId } });
  });

  it('refuses a credential of the other system, saying what this one uses, and changes nothing', async () => {
    const sn = await connect(admin, serviceNowBody(sb));
    const jira = await connect(admin, jiraBody(sb));
    const before = await t.ctx.db.selectFrom('integrations').selectAll().where('id', 'in', [sn.id, jira.id]).orderBy('id').execute();
    const snRes = await admin.patch(`/api/v1/integrations/${sn.id}`, { name: `${sn.name}-x`, credentials: { apiToken: 'token' } });
    expect(snRes.statusCode).toBe(400);
    expect(snRes.json().error.message).toBe('A ServiceNow integration uses a user ID and password (and an OAuth client); apiToken does not apply.');
    const jiraRes = await admin.patch(`/api/v1/integrations/${jira.id}`, { name: `${jira.name}-x`, credentials: { authMethod: 'oauth' } });
    expect(jiraRes.statusCode).toBe(400);
    expect(jiraRes.json().error.message).toBe('A Jira Cloud integration uses an account email and API token; authMethod does not apply.');
    // Blank fields of the other system are what a form leaves behind: ignored, not refused.
    const blank = await admin.patch(`/api/v1/integrations/${jira.id}`, { credentials: { username: '', password: '' } });
    expect(blank.statusCode).toBe(200);
    const after = await t.ctx.db.selectFrom('integrations').selectAll().where('id', 'in', [sn.id, jira.id]).orderBy('id').execute();
    expect(after.map((r) => [r.name, r.credentials, r.account_info])).toEqual(before.map((r) => [r.name, r.credentials, r.account_info]));
    expect(jira.authMethod).toBe('api_token');
    expect(jira.account).toEqual({ username: null, email: sb.credentials.jira.email, clientId: null, adminEmail: null });
    expect(sn.account).toEqual({ username: sb.credentials.servicenow.basic.username, email: null, clientId: null, adminEmail: 'admin@example.com' });
  });

  it('saves settings; Close incident needs Sync ticket status; Sync project list is Jira only', async () => {
    const sn = await connect(admin, serviceNowBody(sb));
    const bad = await admin.patch(`/api/v1/integrations/${sn.id}`, { settings: { closeIncidentOnTicketClosed: true } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('needs Sync ticket status');
    const ok = await admin.patch(`/api/v1/integrations/${sn.id}`, { settings: { syncTicketStatus: true, closeIncidentOnTicketClosed: true } });
    expect(ok.json().settings).toEqual({ syncTicketStatus: true, closeIncidentOnTicketClosed: true, syncProjectList: false });
    const off = await admin.patch(`/api/v1/integrations/${sn.id}`, { settings: { syncTicketStatus: false } });
    expect(off.json().settings.closeIncidentOnTicketClosed).toBe(false);
    const projects = await admin.patch(`/api/v1/integrations/${sn.id}`, { settings: { syncProjectList: true } });
    expect(projects.statusCode).toBe(400);
    expect(projects.json().error.message).toBe('Sync project list applies to Jira Cloud integrations only.');
    const jira = await connect(admin, jiraBody(sb));
    const j = await admin.patch(`/api/v1/integrations/${jira.id}`, { settings: { syncProjectList: false, syncTicketStatus: true } });
    expect(j.json().settings).toEqual({ syncTicketStatus: true, closeIncidentOnTicketClosed: false, syncProjectList: false });
  });

  it('disables and enables; a disabled integration gives no connector', async () => {
    const v = await connect(admin, serviceNowBody(sb));
    const off = await admin.post(`/api/v1/integrations/${v.id}/disable`);
    expect(off.json()).toMatchObject({ enabled: false, status: 'Inactive' });
    await expect(t.ctx.integrations.connectorFor(t.orgId, v.id)).rejects.toThrow(/is disabled/);
    const enabledOnly = await admin.get('/api/v1/integrations?enabledOnly=true');
    expect(enabledOnly.json().items.map((i: { id: number }) => i.id)).not.toContain(v.id);
    const on = await admin.post(`/api/v1/integrations/${v.id}/enable`);
    expect(on.json()).toMatchObject({ enabled: true, status: 'Active' });
    const connector = await t.ctx.integrations.connectorFor(t.orgId, v.id);
    expect((await connector.verify()).accountName).toBe('Workflow Automation Integration');
  });

  it('lists by type', async () => {
    const res = await admin.get('/api/v1/integrations?type=jira_cloud');
    expect(res.statusCode).toBe(200);
    expect(res.json().items.length).toBeGreaterThan(0);
    expect(res.json().items.every((i: { type: string }) => i.type === 'jira_cloud')).toBe(true);
  });

  it('deletes, and refuses while another module reports usages', async () => {
    const v = await connect(admin, jiraBody(sb));
    t.ctx.integrations.registerUsage('integration users', async (_org, id) => (id === v.id ? 2 : 0));
    const refused = await admin.delete(`/api/v1/integrations/${v.id}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toContain('is still used by 2 integration users');
    t.ctx.integrations.registerUsage('integration users', async () => 0);
    const res = await admin.delete(`/api/v1/integrations/${v.id}`);
    expect(res.statusCode).toBe(204);
    expect((await admin.get(`/api/v1/integrations/${v.id}`)).statusCode).toBe(404);
    const projects = await t.ctx.db.selectFrom('jira_projects').selectAll().where('integration_id', '=', v.id).execute();
    expect(projects).toHaveLength(0);
  });
});

describe('permissions, isolation and audit', () => {
  it('View can read but not change', async () => {
    const v = await connect(admin, serviceNowBody(sb));
    const viewer = await t.sessionWith({ Integrations: 'view' });
    expect((await viewer.get('/api/v1/integrations')).statusCode).toBe(200);
    expect((await viewer.get(`/api/v1/integrations/${v.id}`)).statusCode).toBe(200);
    expect((await viewer.get('/api/v1/integrations/incident-fields')).statusCode).toBe(200);
    for (const [method, url, body] of [
      ['POST', '/api/v1/integrations', serviceNowBody(sb)],
      ['PATCH', `/api/v1/integrations/${v.id}`, { name: 'x' }],
      ['POST', `/api/v1/integrations/${v.id}/disable`, {}],
      ['POST', `/api/v1/integrations/${v.id}/verify`, {}],
      ['DELETE', `/api/v1/integrations/${v.id}`, undefined],
    ] as const) {
      const res = await viewer.request(method, url, body);
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(res.json().error.message).toContain('Edit access to Integrations');
    }
    const none = await t.sessionWith({ Incidents: 'edit' });
    expect((await none.get('/api/v1/integrations')).statusCode).toBe(403);
  });

  it('another org’s integration is a 404', async () => {
    const v = await connect(admin, jiraBody(sb));
    const other = await t.newOrg();
    expect((await other.session.get(`/api/v1/integrations/${v.id}`)).statusCode).toBe(404);
    expect((await other.session.patch(`/api/v1/integrations/${v.id}`, { name: 'mine' })).statusCode).toBe(404);
    expect((await other.session.delete(`/api/v1/integrations/${v.id}`)).statusCode).toBe(404);
    expect((await other.session.get(`/api/v1/integrations/${v.id}/projects`)).statusCode).toBe(404);
    expect((await other.session.post(`/api/v1/integrations/${v.id}/projects/sync`)).statusCode).toBe(404);
    expect((await other.session.get('/api/v1/integrations')).json().items).toEqual([]);
    // The same tenant name is fine in another org.
    expect((await other.session.post('/api/v1/integrations', jiraBody(sb, { name: v.name }))).statusCode).toBe(201);
  });

  it('audits every change with credentials redacted', async () => {
    const v = await connect(admin, serviceNowBody(sb, { name: 'audited' }));
    await admin.patch(`/api/v1/integrations/${v.id}`, {
      credentials: { password: sb.credentials.servicenow.basic.password },
      settings: { syncTicketStatus: true },
    });
    await admin.post(`/api/v1/integrations/${v.id}/disable`);
    await admin.delete(`/api/v1/integrations/${v.id}`);
    const rows = await t.ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('org_id', '=', t.orgId)
      .where('resource_id', '=', String(v.id))
      .where('resource', '=', 'Integration Configuration')
      .orderBy('id')
      .execute();
    expect(rows.map((r) => r.action)).toEqual(['Insert', 'Update', 'Update', 'Delete']);
    expect(rows.every((r) => r.module === 'Integrations')).toBe(true);
    expect(rows[0].change_notes).toBe('Connected ServiceNow integration audited');
    expect(JSON.parse(rows[0].after_json!).credentials).toBe('[REDACTED]');
    for (const r of rows) {
      const text = `${r.before_json} ${r.after_json} ${r.change_notes}`;
      expect(text).not.toContain(sb.credentials.servicenow.basic.password);
    }
  });

  it('describes the incident fields used for mappings', async () => {
    const res = await admin.get('/api/v1/integrations/incident-fields');
    const labels = res.json().items.map((f: { label: string }) => f.label);
    expect(labels).toEqual(
      expect.arrayContaining([
        'Transaction ID',
        'Severity',
        'Priority',
        'Rule(s)',
        'User',
        'Department',
        'File Name',
        'Destination',
        'Incident Date',
        'Description/Summary',
      ]),
    );
  });
});
