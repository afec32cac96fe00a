import { describe, expect, it } from 'vitest';
import { SecretBox } from '../../../src/platform/secrets.js';
import { rotateSealedColumns } from '../../../src/rotate-key.js';
import { systemPrincipal } from '../../../src/platform/principal.js';
import { fullPermissions } from '../../../src/platform/permissions.js';
import type { Session, TestApp } from '../../helpers/test-app.js';
import { connect, jiraBody, serviceNowBody, serviceNowOAuthBody, withSandboxApp, type Sandbox } from './helpers.js';

/**
 * "Show Deleted Accounts": deleting an integration keeps it as a Deleted account without its
 * credentials; everywhere but the list asking for deleted accounts it behaves as gone.
 */

let t: TestApp;
let sb: Sandbox;
let admin: Session;

withSandboxApp((a) => ({ t, sb, admin } = a));

type Item = {
  id: number;
  name: string;
  type: string;
  status: string;
  enabled: boolean;
  hasCredentials: boolean;
  deleted: boolean;
  deletedAt: string | null;
  deletedBy: string | null;
};

async function listed(s: Session, query = ''): Promise<Item[]> {
  const res = await s.get(`/api/v1/integrations${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items;
}

const row = (id: number) => t.ctx.db.selectFrom('integrations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

async function deleted(body: unknown) {
  const v = await connect(admin, body);
  const res = await admin.delete(`/api/v1/integrations/${v.id}`);
  expect(res.statusCode, res.body).toBe(204);
  return v;
}

describe('deleting an integration', () => {
  it('keeps the row, hidden from the default list and from GET by id, with its credentials erased', async () => {
    const v = await connect(admin, serviceNowBody(sb));
    const before = await row(v.id);
    expect(before.credentials.startsWith('v1:')).toBe(true);
    expect((await admin.delete(`/api/v1/integrations/${v.id}`)).statusCode).toBe(204);

    expect((await listed(admin)).map((i) => i.id)).not.toContain(v.id);
    expect((await listed(admin, '?type=servicenow')).map((i) => i.id)).not.toContain(v.id);
    const byId = await admin.get(`/api/v1/integrations/${v.id}`);
    expect(byId.statusCode).toBe(404);
    expect(byId.json().error.message).toMatch(/Integration/);

    const after = await row(v.id);
    expect(after).toMatchObject({ name: v.name, credentials: '', enabled: 0, deleted_by: t.admin.email });
    expect(after.deleted_at).toBeTruthy();
    expect(Date.parse(after.deleted_at!)).toBeGreaterThanOrEqual(Date.parse(before.modified_at));
  });

  it('lists deleted accounts with includeDeleted=true, marked and without credentials', async () => {
    const v = await deleted(serviceNowBody(sb));
    const live = await connect(admin, serviceNowBody(sb));
    const items = await listed(admin, '?includeDeleted=true');
    const gone = items.find((i) => i.id === v.id)!;
    expect(gone).toMatchObject({ name: v.name, status: 'Deleted', enabled: false, hasCredentials: false, deleted: true, deletedBy: t.admin.email });
    expect(new Date(gone.deletedAt!).toISOString()).toBe(gone.deletedAt);
    expect(items.find((i) => i.id === live.id)).toMatchObject({ deleted: false, deletedAt: null, deletedBy: null, status: 'Active' });
    expect((await listed(admin, '?includeDeleted=false')).map((i) => i.id)).not.toContain(v.id);
    // A deleted account is never enabled, so enabledOnly leaves it out whatever includeDeleted says.
    expect((await listed(admin, '?includeDeleted=true&enabledOnly=true')).map((i) => i.id)).not.toContain(v.id);
    expect((await listed(admin, '?includeDeleted=true&type=jira_cloud')).map((i) => i.id)).not.toContain(v.id);
  });

  it('validates includeDeleted strictly', async () => {
    for (const q of ['?includeDeleted=yes', '?includeDeleted=1', '?includeDeleted=', '?showDeleted=true']) {
      const res = await admin.get(`/api/v1/integrations${q}`);
      expect(res.statusCode, q).toBe(400);
    }
  });

  it('documents the deleted fields and includeDeleted in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const list = doc.paths['/api/v1/integrations'].get;
    expect(list.parameters.map((p: { name: string }) => p.name)).toContain('includeDeleted');
    expect(JSON.stringify(doc)).toContain('"Deleted"');
    expect(JSON.stringify(list)).toContain('deletedAt');
  });

  it('frees the tenant name, whatever its case, and keeps both rows', async () => {
    const first = await deleted(jiraBody(sb, { name: 'Reused-Name' }));
    const second = await connect(admin, jiraBody(sb, { name: 'reused-name' }));
    expect(second.id).not.toBe(first.id);
    // A name is still unique among live accounts.
    const dup = await admin.post('/api/v1/integrations', jiraBody(sb, { name: 'REUSED-NAME' }));
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.message).toContain('already exists');
    // Deleting the second too leaves two Deleted accounts of that name side by side.
    expect((await admin.delete(`/api/v1/integrations/${second.id}`)).statusCode).toBe(204);
    const named = (await listed(admin, '?includeDeleted=true')).filter((i) => i.name.toLowerCase() === 'reused-name');
    expect(named.map((i) => [i.id, i.deleted])).toEqual(
      [
        [first.id, true],
        [second.id, true],
      ].sort((a, b) => Number(a[0]) - Number(b[0])),
    );
    // And a live one can be renamed to it.
    const other = await connect(admin, jiraBody(sb));
    const renamed = await admin.patch(`/api/v1/integrations/${other.id}`, { name: 'Reused-Name' });
    expect(renamed.statusCode, renamed.body).toBe(200);
  });

  it('two concurrent connects with one name: exactly one wins, also for the name of a deleted account', async () => {
    await deleted(serviceNowBody(sb, { name: 'race-name' }));
    const results = await Promise.all([
      admin.post('/api/v1/integrations', serviceNowBody(sb, { name: 'race-name' })),
      admin.post('/api/v1/integrations', serviceNowBody(sb, { name: 'Race-Name' })),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    const live = (await listed(admin)).filter((i) => i.name.toLowerCase() === 'race-name');
    expect(live).toHaveLength(1);
  });

  it('two concurrent deletes: one succeeds, the other is a 404, and one audit entry is written', async () => {
    const v = await connect(admin, serviceNowBody(sb));
    const results = await Promise.all([admin.delete(`/api/v1/integrations/${v.id}`), admin.delete(`/api/v1/integrations/${v.id}`)]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([204, 404]);
    const entries = await t.ctx.db.selectFrom('audit_log').select('action').where('resource_id', '=', String(v.id)).where('action', '=', 'Delete').execute();
    expect(entries).toHaveLength(1);
  });

  it('still refuses while integration users use it', async () => {
    const v = await connect(admin, serviceNowBody(sb));
    const user = await admin.post('/api/v1/integration-users', { integrationId: v.id, email: sb.seededEmails.servicenow.found[0] });
    expect(user.statusCode, user.body).toBe(201);
    const refused = await admin.delete(`/api/v1/integrations/${v.id}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toContain('is still used by 1 integration users');
    expect((await row(v.id)).deleted_at).toBeNull();
    expect((await row(v.id)).credentials.startsWith('v1:')).toBe(true);
    // Once the user is removed the integration can go; the removed user's row stays behind it.
    expect((await admin.delete(`/api/v1/integration-users/${user.json().id}`)).statusCode).toBe(204);
    expect((await admin.delete(`/api/v1/integrations/${v.id}`)).statusCode).toBe(204);
    const users = (await admin.get(`/api/v1/integration-users?integrationId=${v.id}`)).json();
    expect(users.items).toEqual([]);
  });
});

describe('a deleted integration behaves as gone', () => {
  it('is not counted among the connected accounts of its app', async () => {
    const fresh = await t.newOrg();
    const s = fresh.session;
    await connect(s, serviceNowBody(sb));
    const gone = await connect(s, serviceNowBody(sb));
    await connect(s, jiraBody(sb));
    expect((await s.delete(`/api/v1/integrations/${gone.id}`)).statusCode).toBe(204);
    // The tiles' "N Connected" is the default list per type.
    const items = await listed(s);
    expect(items.filter((i) => i.type === 'servicenow')).toHaveLength(1);
    expect(items.filter((i) => i.type === 'jira_cloud')).toHaveLength(1);
    expect((await listed(s, '?includeDeleted=true')).filter((i) => i.type === 'servicenow')).toHaveLength(2);
  });

  it('is not offered in the Add User drop-down, and users cannot be looked up or added for it', async () => {
    const v = await deleted(serviceNowBody(sb));
    const dropDown = await admin.get('/api/v1/integration-users/integrations');
    expect(dropDown.statusCode).toBe(200);
    expect(dropDown.json().items.map((i: { id: number }) => i.id)).not.toContain(v.id);
    const email = sb.seededEmails.servicenow.found[1];
    expect((await admin.post('/api/v1/integration-users/lookup', { integrationId: v.id, email })).statusCode).toBe(404);
    expect((await admin.post('/api/v1/integration-users', { integrationId: v.id, email })).statusCode).toBe(404);
    expect((await admin.get(`/api/v1/integration-users?integrationId=${v.id}`)).json().items).toEqual([]);
  });

  it('cannot be edited, enabled, disabled, verified, deleted again or synced: each is a 404', async () => {
    const v = await deleted(jiraBody(sb));
    const projects = await t.ctx.db.selectFrom('jira_projects').select('id').where('integration_id', '=', v.id).execute();
    expect(projects).toEqual([]);
    const before = await row(v.id);
    for (const [method, url, body] of [
      ['PATCH', `/api/v1/integrations/${v.id}`, { name: 'revived' }],
      ['PATCH', `/api/v1/integrations/${v.id}`, { credentials: { apiToken: sb.credentials.jira.apiToken } }],
      ['POST', `/api/v1/integrations/${v.id}/enable`, {}],
      ['POST', `/api/v1/integrations/${v.id}/disable`, {}],
      ['POST', `/api/v1/integrations/${v.id}/verify`, {}],
      ['DELETE', `/api/v1/integrations/${v.id}`, undefined],
      ['GET', `/api/v1/integrations/${v.id}/projects`, undefined],
      ['POST', `/api/v1/integrations/${v.id}/projects/sync`, {}],
    ] as const) {
      const res = await admin.request(method, url, body);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.json().error.message, `${method} ${url}`).toMatch(/Integration/);
    }
    expect(await row(v.id)).toEqual(before);
  });

  it('gives no connector or summary to other modules', async () => {
    const v = await deleted(serviceNowBody(sb));
    await expect(t.ctx.integrations.connectorFor(t.orgId, v.id)).rejects.toMatchObject({ statusCode: 404 });
    await expect(t.ctx.integrations.connectorFor(t.orgId, v.id, { allowDisabled: true })).rejects.toMatchObject({ statusCode: 404 });
    await expect(t.ctx.integrations.get(t.orgId, v.id)).rejects.toMatchObject({ statusCode: 404 });
    expect(await t.ctx.integrations.summary(t.orgId, v.id)).toBeNull();
    expect((await t.ctx.integrations.summaries(t.orgId)).map((s) => s.id)).not.toContain(v.id);
    expect((await t.ctx.integrations.list(t.orgId)).map((s) => s.id)).not.toContain(v.id);
  });

  it('never gets credentials back from a call that was in flight when it was deleted', async () => {
    const v = await connect(admin, serviceNowOAuthBody(sb));
    const connector = await t.ctx.integrations.connectorFor(t.orgId, v.id);
    expect((await admin.delete(`/api/v1/integrations/${v.id}`)).statusCode).toBe(204);
    // The next call refreshes the OAuth token, which a live integration would store.
    sb.state.expireAccessTokens();
    const granted = sb.state.servicenow.accessTokens.size;
    await connector.verify();
    expect(sb.state.servicenow.accessTokens.size).toBeGreaterThan(granted);
    await t.ctx.integrations.settled();
    const r = await row(v.id);
    expect(r.credentials).toBe('');
    expect(r.consecutive_failures).toBe(0);
    expect(r.deleted_at).toBeTruthy();
  });

  it('is skipped by the daily project list sync', async () => {
    const v = await connect(admin, jiraBody(sb, { settings: { syncProjectList: true } }));
    const before = await t.ctx.integrations.syncAllProjectLists((orgId) => systemPrincipal(orgId, fullPermissions()));
    expect(before.synced).toBeGreaterThan(0);
    expect((await admin.delete(`/api/v1/integrations/${v.id}`)).statusCode).toBe(204);
    const syncedAt = (await row(v.id)).last_project_sync_at;
    const after = await t.ctx.integrations.syncAllProjectLists((orgId) => systemPrincipal(orgId, fullPermissions()));
    expect(after.failed).toBe(0);
    expect(after.synced).toBe(before.synced - 1);
    expect((await row(v.id)).last_project_sync_at).toBe(syncedAt);
    expect(await t.ctx.db.selectFrom('jira_projects').select('id').where('integration_id', '=', v.id).execute()).toEqual([]);
  });
});

describe('audit, isolation and key rotation', () => {
  it('audits the delete, without any secret', async () => {
    const v = await deleted(serviceNowBody(sb, { name: 'audited-delete' }));
    const entry = await t.ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('org_id', '=', t.orgId)
      .where('resource', '=', 'Integration Configuration')
      .where('resource_id', '=', String(v.id))
      .where('action', '=', 'Delete')
      .executeTakeFirstOrThrow();
    expect(entry.module).toBe('Integrations');
    expect(entry.change_notes).toBe('Deleted ServiceNow integration audited-delete; its stored credentials were erased');
    expect(JSON.parse(entry.before_json!)).toMatchObject({ name: 'audited-delete', enabled: true });
    expect(`${entry.before_json} ${entry.after_json}`).not.toContain(sb.credentials.servicenow.basic.password);
  });

  it('another org cannot see, delete or reuse the id of a deleted integration', async () => {
    const other = await t.newOrg();
    const mine = await connect(admin, serviceNowBody(sb));
    expect((await other.session.delete(`/api/v1/integrations/${mine.id}`)).statusCode).toBe(404);
    expect((await row(mine.id)).deleted_at).toBeNull();

    const gone = await deleted(serviceNowBody(sb));
    expect((await listed(other.session, '?includeDeleted=true')).map((i) => i.id)).not.toContain(gone.id);
    expect((await other.session.get(`/api/v1/integrations/${gone.id}`)).statusCode).toBe(404);

    // The other org's deleted accounts are its own.
    const theirs = await connect(other.session, serviceNowBody(sb, { name: gone.name }));
    expect((await other.session.delete(`/api/v1/integrations/${theirs.id}`)).statusCode).toBe(204);
    const theirList = await listed(other.session, '?includeDeleted=true');
    expect(theirList.map((i) => i.id)).toEqual([theirs.id]);
    expect((await listed(admin, '?includeDeleted=true')).map((i) => i.id)).not.toContain(theirs.id);
  });

  it('key rotation re-encrypts the live credentials and leaves deleted rows empty', async () => {
    const live = await connect(admin, serviceNowBody(sb));
    const gone = await deleted(serviceNowBody(sb));
    const liveRows = await t.ctx.db.selectFrom('integrations').select('id').where('deleted_at', 'is', null).execute();
    const newBox = new SecretBox(Buffer.alloc(32, 9));
    expect(await rotateSealedColumns(t.ctx.db, t.ctx.secrets, newBox)).toBe(liveRows.length);
    expect((await row(gone.id)).credentials).toBe('');
    expect(newBox.openJson((await row(live.id)).credentials)).toEqual({ authMethod: 'basic', ...sb.credentials.servicenow.basic });
    // Back to the app's key, so the app keeps working.
    expect(await rotateSealedColumns(t.ctx.db, newBox, t.ctx.secrets)).toBe(liveRows.length);
    expect((await admin.post(`/api/v1/integrations/${live.id}/verify`)).statusCode).toBe(200);
  });
});

describe('an edit that loses a race with a delete', () => {
  it('changes nothing and writes no audit entry (edit, disable and enable alike)', async () => {
    const v = await connect(admin, jiraBody(sb));
    const store = t.ctx.integrations.store;
    const update = store.update.bind(store);
    const audited = async () =>
      Number(
        (
          await t.ctx.db
            .selectFrom('audit_log')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('resource_id', '=', String(v.id))
            .executeTakeFirstOrThrow()
        ).n,
      );
    for (const [method, url, body] of [
      ['patch', `/api/v1/integrations/${v.id}`, { name: `${v.name} renamed` }],
      ['post', `/api/v1/integrations/${v.id}/disable`, {}],
    ] as const) {
      const entries = await audited();
      // Another admin's delete lands between this request's read and its write (same transaction,
      // so the test is the same on both databases; it is rolled back with the refused request).
      store.update = async (exec, orgId, id, patch) => {
        store.update = update;
        await exec.updateTable('integrations').set({ deleted_at: new Date().toISOString(), deleted_by: 'someone else' }).where('id', '=', id).execute();
        return update(exec, orgId, id, patch);
      };
      const res = method === 'patch' ? await admin.patch(url, body) : await admin.post(url, body);
      expect({ url, status: res.statusCode }).toEqual({ url, status: 404 });
      expect(await audited()).toBe(entries);
      expect(await row(v.id)).toMatchObject({ name: v.name, deleted_at: null });
    }
  });
});
