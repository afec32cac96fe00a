import { beforeAll, describe, expect, it } from 'vitest';
import type { Session, TestApp } from '../../helpers/test-app.js';
import { parseCsv } from '../../../src/platform/csv.js';
import { userPage } from '../../../src/modules/integration-users/schemas.js';
import { auditCount, connectBoth, drainJobs, rowCount, type Sandbox } from './helpers.js';
import { withSandboxApp } from '../integrations/helpers.js';

let t: TestApp;
let sb: Sandbox;
let s: Session;
let sn: { id: number; name: string };
let jira: { id: number; name: string };

withSandboxApp((a) => ({ t, sb, admin: s } = a));
beforeAll(async () => {
  ({ sn, jira } = await connectBoth(s, sb, { sn: 'Acme ServiceNow', jira: 'Acme Jira' }));
});

async function add(integrationId: number, email: string) {
  const res = await s.post('/api/v1/integration-users', { integrationId, email });
  if (res.statusCode !== 201) throw new Error(`add ${email}: ${res.statusCode} ${res.body}`);
  return res.json() as { id: number; name: string; email: string };
}

describe('list, search, filters, sort, pagination', () => {
  it('shows the documented columns and filters', async () => {
    await add(sn.id, 'abel.tuter@example.com');
    await add(sn.id, 'fred.luddy@example.com');
    await add(jira.id, 'abel.tuter@example.com');
    const all = (await s.get('/api/v1/integration-users?pageSize=100')).json();
    expect(all.total).toBe(3);
    expect(all.items[0]).toMatchObject({ name: 'Abel Tuter', email: 'abel.tuter@example.com' });
    expect(new Set(all.items.map((u: { integrationTypeLabel: string }) => u.integrationTypeLabel))).toEqual(new Set(['ServiceNow', 'JiraCloud']));

    expect((await s.get('/api/v1/integration-users?search=LUDDY')).json().total).toBe(1);
    expect((await s.get('/api/v1/integration-users?search=fred.l')).json().items[0].name).toBe('Fred Luddy');
    expect((await s.get('/api/v1/integration-users?search=%25')).json().total).toBe(0);
    expect((await s.get(`/api/v1/integration-users?integrationId=${jira.id}`)).json().total).toBe(1);
    expect((await s.get('/api/v1/integration-users?type=servicenow')).json().total).toBe(2);
    expect((await s.get('/api/v1/integration-users?type=jira_cloud')).json().items[0].integration).toBe('Acme Jira');

    const byName = (await s.get('/api/v1/integration-users?sort=name&order=desc')).json().items.map((u: { name: string }) => u.name);
    expect(byName[0]).toBe('Fred Luddy');
    const byType = (await s.get('/api/v1/integration-users?sort=integrationType&order=asc'))
      .json()
      .items.map((u: { integrationTypeLabel: string }) => u.integrationTypeLabel);
    expect(byType).toEqual(['JiraCloud', 'ServiceNow', 'ServiceNow']);

    const p2 = (await s.get('/api/v1/integration-users?pageSize=2&page=2')).json();
    expect(p2).toMatchObject({ total: 3, page: 2, pageSize: 2 });
    expect(p2.items).toHaveLength(1);
    expect((await s.get('/api/v1/integration-users?bogus=1')).statusCode).toBe(400);
  });

  it('integrations for the drop-down', async () => {
    const items = (await s.get('/api/v1/integration-users/integrations')).json().items;
    expect(items.map((i: { name: string; typeLabel: string }) => `${i.name}/${i.typeLabel}`)).toEqual(['Acme Jira/JiraCloud', 'Acme ServiceNow/ServiceNow']);
  });
});

describe('export', () => {
  it('exports the documented columns as CSV, with filters', async () => {
    const res = await s.get('/api/v1/integration-users/export.csv?type=servicenow');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="integration-users-.*\.csv"/);
    const rows = parseCsv(res.body).map((r) => r.fields);
    expect(rows[0].slice(0, 4)).toEqual(['Name', 'Email ID', 'Integration Type', 'Integration']);
    expect(rows.slice(1).map((r) => r.slice(0, 4))).toEqual([
      ['Abel Tuter', 'abel.tuter@example.com', 'ServiceNow', 'Acme ServiceNow'],
      ['Fred Luddy', 'fred.luddy@example.com', 'ServiceNow', 'Acme ServiceNow'],
    ]);
  });

  it('writes a name that would start a spreadsheet formula as text', async () => {
    const abel = await t.ctx.db
      .selectFrom('integration_users')
      .select(['id', 'name'])
      .where('email_lower', '=', 'abel.tuter@example.com')
      .where('integration_id', '=', sn.id)
      .executeTakeFirstOrThrow();
    const evil = '=HYPERLINK("http://evil.example","Abel")';
    await t.ctx.db.updateTable('integration_users').set({ name: evil }).where('id', '=', abel.id).execute();
    try {
      const rows = parseCsv((await s.get('/api/v1/integration-users/export.csv?type=servicenow')).body).map((r) => r.fields);
      const row = rows.find((r) => r[1] === 'abel.tuter@example.com');
      expect(row?.[0]).toBe(`'${evil}`);
    } finally {
      await t.ctx.db.updateTable('integration_users').set({ name: abel.name }).where('id', '=', abel.id).execute();
    }
  });
});

describe('verify', () => {
  it('marks users inactive or deleted in the system, refreshes names, and they stop being assignable', async () => {
    const beth = await add(sn.id, 'beth.anglin@example.com');
    const ivanLike = await add(jira.id, 'fred@example.com');
    const snUser = sb.state.servicenow.users.find((u) => u.user_name === 'beth.anglin')!;
    snUser.name = 'Beth Anglin-Smith';
    let r = (await s.post(`/api/v1/integration-users/${beth.id}/verify`, {})).json();
    expect(r).toMatchObject({ result: 'active', changed: true });
    expect(r.user.name).toBe('Beth Anglin-Smith');

    snUser.active = 'false';
    r = (await s.post(`/api/v1/integration-users/${beth.id}/verify`, {})).json();
    expect(r).toMatchObject({ result: 'inactive', changed: true });
    expect(r.user).toMatchObject({ status: 'inactive', assignable: false, activeInSystem: false });
    expect((await t.ctx.integrationUsers.listAssignable(t.orgId, sn.id)).map((u) => u.email)).not.toContain('beth.anglin@example.com');

    // Deleted in Jira; bulk verify.
    const idx = sb.state.jira.accounts.findIndex((a) => a.email === 'fred@example.com');
    const [removed] = sb.state.jira.accounts.splice(idx, 1);
    snUser.active = 'true';
    const bulk = (await s.post('/api/v1/integration-users/verify', { ids: [beth.id, ivanLike.id] })).json();
    expect(bulk.items.map((i: { result: string }) => i.result)).toEqual(['active', 'deleted_in_system']);
    expect(bulk.summary).toMatchObject({ active: 1, deleted_in_system: 1 });
    const listed = (await s.get('/api/v1/integration-users?status=deleted_in_system')).json();
    expect(listed.items.map((u: { email: string }) => u.email)).toEqual(['fred@example.com']);
    sb.state.jira.accounts.splice(idx, 0, removed);

    // The daily job brings it back when the account returns.
    const totals = await t.ctx.integrationUsers.verifyAll();
    expect(totals.failed).toBe(0);
    expect((await s.get(`/api/v1/integration-users/${ivanLike.id}`)).json().status).toBe('active');
    const audit = await t.ctx.db.selectFrom('audit_log').selectAll().where('resource', '=', 'Integration User').where('action', '=', 'Update').execute();
    expect(audit.length).toBeGreaterThanOrEqual(4);
  });

  it('a system failure keeps the status and records the reason', async () => {
    const list = (await s.get(`/api/v1/integration-users?integrationId=${sn.id}&search=abel`)).json();
    sb.state.setFaults('servicenow', { errorBurst: 100 });
    try {
      const r = (await s.post(`/api/v1/integration-users/${list.items[0].id}/verify`, {})).json();
      expect(r).toMatchObject({ result: 'error', changed: false });
      expect(r.user.status).toBe('active');
      expect(r.user.lastVerifyError).toMatch(/Could not verify/);
    } finally {
      sb.state.clearFaults();
    }
  });
});

describe('remove', () => {
  it('removes after the usage hooks allow it; the row stays for old tickets', async () => {
    const u = await add(jira.id, 'beth.anglin@example.com');
    t.ctx.integrationUsers.registerUsage('test-workflows', async (_exec, _org, user) => (user.id === u.id ? ['workflow “Auto tickets”'] : []));
    const blocked = await s.delete(`/api/v1/integration-users/${u.id}`);
    expect(blocked.statusCode).toBe(409);
    expect(blocked.json().error.message).toMatch(/default assignee of workflow “Auto tickets”/);
    t.ctx.integrationUsers.registerUsage('test-workflows', async () => []);

    const audits = await auditCount(t);
    expect((await s.delete(`/api/v1/integration-users/${u.id}`)).statusCode).toBe(204);
    expect(await auditCount(t)).toBe(audits + 1);
    expect((await s.get(`/api/v1/integration-users/${u.id}`)).statusCode).toBe(404);
    expect((await s.delete(`/api/v1/integration-users/${u.id}`)).statusCode).toBe(404);
    expect(await t.ctx.integrationUsers.getAssignee(t.orgId, u.id)).toMatchObject({ name: 'Beth Anglin', removed: true });

    // Added again later: the same row comes back.
    const again = await add(jira.id, 'Beth.Anglin@example.com');
    expect(again.id).toBe(u.id);
  });
});

describe('import', () => {
  it('imports mixed rows with a per-row result; failed rows change nothing', async () => {
    const before = await rowCount(t);
    const csv = [
      'email,integration',
      'beth.anglin@example.com,Acme ServiceNow', // already added → duplicate
      'shared.mailbox@example.com,acme servicenow', // ambiguous
      'nobody@example.com,Acme Jira',
      'ivan.inactive@example.com,Acme Jira',
      'abel.tuter@example.com,"Acme Jira"', // added earlier → duplicate
      'hidden.user@example.com,Acme Jira', // email hidden
      'not-an-email,Acme Jira',
      'fred.luddy@example.com,Nope',
      '"FRED@example.com",Acme Jira', // exists (verified back) → duplicate
      'wfa.readonly@example.com,Acme Jira', // added
      'wfa.readonly@example.com,Acme Jira', // same file twice → duplicate
    ].join('\r\n');
    const started = await s.post('/api/v1/integration-users/imports', { csv, fileName: 'people.csv' });
    expect(started.statusCode).toBe(202);
    const imp = started.json();
    expect(imp).toMatchObject({ status: 'queued', total: 11, processed: 0, fileName: 'people.csv' });
    await drainJobs(t);
    const done = (await s.get(`/api/v1/integration-users/imports/${imp.id}`)).json();
    expect(done).toMatchObject({ status: 'done', processed: 11 });
    // Each row names its reason as precisely as Add User does; the counts group the refusals as "error".
    expect(done.rows.map((r: { result: string }) => r.result)).toEqual([
      'duplicate',
      'ambiguous',
      'not_found',
      'inactive',
      'duplicate',
      'email_hidden',
      'invalid_email',
      'unknown_integration',
      'duplicate',
      'added',
      'duplicate',
    ]);
    expect(done.counts).toEqual({ added: 1, not_found: 1, inactive: 1, duplicate: 4, error: 4 });
    expect(done.rows[7].message).toMatch(/no ServiceNow or Jira Cloud integration named "Nope"/);
    expect(await rowCount(t)).toBe(before + 1);

    const csvRes = await s.get(`/api/v1/integration-users/imports/${imp.id}/result.csv`);
    expect(csvRes.headers['content-type']).toMatch(/text\/csv/);
    const rows = parseCsv(csvRes.body).map((r) => r.fields);
    expect(rows[0]).toEqual(['line', 'email', 'integration', 'result', 'message']);
    expect(rows[10].slice(0, 4)).toEqual(['11', 'wfa.readonly@example.com', 'Acme Jira', 'added']);
  });

  it('writes the per-row results download with formula-looking cells neutralised', async () => {
    const started = await s.post('/api/v1/integration-users/imports', { csv: 'email,integration\r\n=cmd|calc,"@SUM(A1)"\r\n' });
    expect(started.statusCode).toBe(202);
    await drainJobs(t);
    const res = await s.get(`/api/v1/integration-users/imports/${started.json().id}/result.csv`);
    const rows = parseCsv(res.body).map((r) => r.fields);
    expect(rows[1].slice(0, 4)).toEqual(['2', "'=cmd|calc", "'@SUM(A1)", 'invalid_email']);
    expect(res.body).not.toMatch(/(^|,)[=@]/m);
  });

  it('refuses a file without the header, or empty', async () => {
    const res = await s.post('/api/v1/integration-users/imports', { csv: 'abel.tuter@example.com,Acme Jira\n' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/header "email,integration"/);
    expect((await s.post('/api/v1/integration-users/imports', { csv: 'email,integration\n' })).json().error.message).toMatch(/no people/);
    expect((await s.post('/api/v1/integration-users/imports', { csv: 'email,integration\n"abc,x\n' })).json().error.message).toMatch(/not valid CSV/);
  });
});

describe('permissions and org isolation', () => {
  it('View lists and exports; Edit is needed to change anything', async () => {
    const viewer = await t.sessionWith({ Integrations: 'view' });
    const none = await t.sessionWith({ Incidents: 'edit' });
    const editor = await t.sessionWith({ Integrations: 'edit' });
    const any = (await s.get('/api/v1/integration-users')).json().items[0];
    expect((await viewer.get('/api/v1/integration-users')).statusCode).toBe(200);
    expect((await viewer.get('/api/v1/integration-users/export.csv')).statusCode).toBe(200);
    expect((await viewer.post('/api/v1/integration-users/lookup', { integrationId: sn.id, email: 'a@example.com' })).statusCode).toBe(403);
    expect((await viewer.post('/api/v1/integration-users', { integrationId: sn.id, email: 'a@example.com' })).statusCode).toBe(403);
    expect((await viewer.delete(`/api/v1/integration-users/${any.id}`)).statusCode).toBe(403);
    expect((await viewer.post(`/api/v1/integration-users/${any.id}/verify`, {})).statusCode).toBe(403);
    expect((await viewer.post('/api/v1/integration-users/imports', { csv: 'email,integration\nx@example.com,y' })).statusCode).toBe(403);
    expect((await none.get('/api/v1/integration-users')).statusCode).toBe(403);
    expect((await editor.post('/api/v1/integration-users/lookup', { integrationId: sn.id, email: 'abel.tuter@example.com' })).statusCode).toBe(200);
    expect((await editor.post(`/api/v1/integration-users/${any.id}/verify`, {})).statusCode).toBe(200);
  });

  it("another org's users, integrations and imports are 404", async () => {
    const other = await t.newOrg();
    const mine = (await s.get('/api/v1/integration-users')).json().items[0];
    expect((await other.session.get('/api/v1/integration-users')).json().total).toBe(0);
    expect((await other.session.get(`/api/v1/integration-users/${mine.id}`)).statusCode).toBe(404);
    expect((await other.session.delete(`/api/v1/integration-users/${mine.id}`)).statusCode).toBe(404);
    expect((await other.session.post(`/api/v1/integration-users/${mine.id}/verify`, {})).statusCode).toBe(404);
    expect((await other.session.post('/api/v1/integration-users/verify', { ids: [mine.id] })).statusCode).toBe(404);
    expect((await other.session.post('/api/v1/integration-users/lookup', { integrationId: sn.id, email: 'abel.tuter@example.com' })).statusCode).toBe(404);
    expect((await other.session.post('/api/v1/integration-users', { integrationId: sn.id, email: 'beth.anglin@example.com' })).statusCode).toBe(404);
    expect((await other.session.get('/api/v1/integration-users/imports/1')).statusCode).toBe(404);
    expect((await other.session.get('/api/v1/integration-users/imports/1/result.csv')).statusCode).toBe(404);
    expect((await other.session.get('/api/v1/integration-users/integrations')).json().items).toEqual([]);
    const res = await other.session.post('/api/v1/integration-users/imports', { csv: 'email,integration\nabel.tuter@example.com,Acme ServiceNow' });
    await drainJobs(t);
    const imp = (await other.session.get(`/api/v1/integration-users/imports/${res.json().id}`)).json();
    expect(imp.rows[0]).toMatchObject({ result: 'unknown_integration' });
    expect((await s.get(`/api/v1/integration-users/${mine.id}`)).statusCode).toBe(200);
  });
});

describe('list totals', () => {
  it('stay exact through adds, removals, re-adds and status changes, with every filter', async () => {
    // Totals without a search come from per-integration counts kept by triggers; a search counts
    // the rows themselves (every email contains "@"). Both must agree with the rows listed.
    const check = async () => {
      for (const filter of [
        '',
        'status=active',
        'status=inactive',
        'status=deleted_in_system',
        'type=servicenow',
        'type=jira_cloud',
        `integrationId=${sn.id}`,
        `integrationId=${jira.id}`,
      ]) {
        const page = (await s.get(`/api/v1/integration-users?pageSize=100&${filter}`)).json();
        const searched = (await s.get(`/api/v1/integration-users?pageSize=100&search=%40&${filter}`)).json();
        expect({ filter, total: page.total }).toEqual({ filter, total: page.items.length });
        expect({ filter, total: searched.total }).toEqual({ filter, total: page.items.length });
      }
    };
    await check();
    const before = (await s.get(`/api/v1/integration-users?integrationId=${sn.id}&status=active`)).json();
    const u = before.items[0] as { id: number; email: string };
    expect((await s.delete(`/api/v1/integration-users/${u.id}`)).statusCode).toBe(204);
    expect((await s.get(`/api/v1/integration-users?integrationId=${sn.id}&status=active`)).json().total).toBe(before.total - 1);
    await check();
    await add(sn.id, u.email);
    expect((await s.get(`/api/v1/integration-users?integrationId=${sn.id}&status=active`)).json().total).toBe(before.total);
    await check();
  });

  it('are the same on every page, past the end included, with and without a search', async () => {
    // The total rides on the page's rows; a page past the end has none and counts separately.
    const all = (await s.get('/api/v1/integration-users?pageSize=100')).json();
    for (const search of ['', '&search=%40']) {
      for (const page of [1, 2, all.total, all.total + 1]) {
        const res = (await s.get(`/api/v1/integration-users?pageSize=1&page=${page}${search}`)).json();
        expect({ search, page, total: res.total, items: res.items.length }).toEqual({ search, page, total: all.total, items: page <= all.total ? 1 : 0 });
      }
    }
  });
});

describe('list reads', () => {
  it('show an integration rename at once, and the body is exactly the documented schema', async () => {
    // The list is sent as JSON text built from the database's entries (list-entries.test.ts) and
    // reads cached integration summaries (summary-cache.ts): check both here.
    for (const name of ['Acme Jira Renamed', 'Acme Jira']) {
      const res = await s.patch(`/api/v1/integrations/${jira.id}`, { name });
      expect(res.statusCode, res.body).toBe(200);
      const body = (await s.get(`/api/v1/integration-users?integrationId=${jira.id}`)).json();
      expect(body.items.length).toBeGreaterThan(0);
      expect(body.items.map((u: { integration: string }) => u.integration)).toEqual(body.items.map(() => name));
      expect(userPage.parse(body)).toEqual(body);
    }
  });
});
