import type { Kysely } from 'kysely';
import { integrationsDefaultsById } from '../../../src/modules/integrations/migrations.js';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Session, TestApp } from '../../helpers/test-app.js';
import { connect, jiraBody, serviceNowBody, withSandboxApp, type Sandbox } from './helpers.js';

let t: TestApp;
let sb: Sandbox;
let admin: Session;
let jiraId: number;

type Project = {
  id: number;
  key: string;
  name: string;
  statuses: { id: string; name: string }[];
  issueTypes: { id: string; name: string }[];
  labelsSupported: boolean;
  completeStatus: { id: string; name: string } | null;
  autoSync: { enabled: boolean; reason: string | null };
  mappedIssueTypes: { id: string; name: string }[];
  modifiedBy: string;
};

async function projects(): Promise<Project[]> {
  const res = await admin.get(`/api/v1/integrations/${jiraId}/projects`);
  expect(res.statusCode).toBe(200);
  return res.json().items;
}
const sec = async () => (await projects()).find((p) => p.key === 'SEC')!;
const ops = async () => (await projects()).find((p) => p.key === 'OPS')!;

withSandboxApp((a) => ({ t, sb, admin } = a));
beforeAll(async () => {
  jiraId = (await connect(admin, jiraBody(sb))).id;
});

describe('Jira projects', () => {
  it('pulls projects with statuses and issue types on connect; Auto Sync says why it is off', async () => {
    const list = await projects();
    expect(list.map((p) => p.key).sort()).toEqual(['OPS', 'SEC']);
    const s = await sec();
    expect(s.statuses.map((x) => x.name)).toEqual(['To Do', 'In Progress', 'Done']);
    expect(s.issueTypes.map((x) => x.name)).toEqual(['Task', 'Security Incident']);
    expect(s).toMatchObject({ labelsSupported: true, completeStatus: null, autoSync: { enabled: false, reason: 'Mapping is Empty' } });
    expect(await ops()).toMatchObject({ labelsSupported: false, autoSync: { enabled: false, reason: 'Labels Not Supported' } });
  });

  it('Sync Project List keeps admin choices and picks up changes in Jira', async () => {
    const s = await sec();
    const done = s.statuses.find((x) => x.name === 'Done')!;
    expect((await admin.patch(`/api/v1/integrations/${jiraId}/projects/${s.id}`, { completeStatusId: done.id })).statusCode).toBe(200);
    sb.state.jira.projects.find((p) => p.key === 'SEC')!.name = 'Security Incidents (renamed)';
    const res = await admin.post(`/api/v1/integrations/${jiraId}/projects/sync`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ total: 2, added: 0, removed: 0, updated: 1 });
    const after = await sec();
    expect(after.id).toBe(s.id);
    expect(after.name).toBe('Security Incidents (renamed)');
    expect(after.completeStatus?.name).toBe('Done');
  });

  it('Complete Status must be one of the project’s statuses', async () => {
    const s = await sec();
    const bad = await admin.patch(`/api/v1/integrations/${jiraId}/projects/${s.id}`, { completeStatusId: 'Closed' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toBe('"Closed" is not a status of project SEC. Choose one of: To Do, In Progress, Done.');
    const byName = await admin.patch(`/api/v1/integrations/${jiraId}/projects/${s.id}`, { completeStatusId: 'done' });
    expect(byName.json().completeStatus.name).toBe('Done');
    expect(byName.json().modifiedBy).toBe(t.admin.email);
  });

  it('lists required fields per issue type with the locked Issue Type row', async () => {
    const s = await sec();
    const res = await admin.get(`/api/v1/integrations/${jiraId}/projects/${s.id}/mappings/10002`);
    expect(res.statusCode).toBe(200);
    const m = res.json();
    expect(m.issueType).toEqual({ id: '10002', name: 'Security Incident' });
    expect(m.rows).toEqual([]);
    expect(m.complete).toBe(false);
    const required = m.fields.filter((f: { required: boolean }) => f.required).map((f: { key: string }) => f.key);
    expect(required).toEqual(expect.arrayContaining(['summary', 'issuetype', 'project', 'customfield_10050']));
    expect(m.fields.find((f: { key: string }) => f.key === 'issuetype').locked).toBe(true);
    const dc = m.fields.find((f: { key: string }) => f.key === 'customfield_10050');
    expect(dc.allowedValues.map((v: { name: string }) => v.name)).toEqual(['Public', 'Internal', 'Confidential', 'Restricted']);
    expect(dc.compatibleIncidentFields).toEqual(['severity', 'priority']);
  });

  it('refuses a mapping that leaves a required field empty or uses a wrong value', async () => {
    const s = await sec();
    const url = `/api/v1/integrations/${jiraId}/projects/${s.id}/mappings/10002`;
    const missing = await admin.put(url, { rows: [{ fieldKey: 'summary', incidentField: 'summary' }] });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.message).toBe('Data Classification is required by Jira: choose a Zscaler field or enter a default value.');
    const wrong = await admin.put(url, {
      rows: [
        { fieldKey: 'summary', incidentField: 'summary' },
        { fieldKey: 'customfield_10050', defaultValue: 'Secret' },
      ],
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.message).toContain('"Secret" is not an allowed value of Data Classification');
    const incompatible = await admin.put(url, {
      rows: [
        { fieldKey: 'summary', incidentField: 'summary' },
        { fieldKey: 'customfield_10050', incidentField: 'fileName' },
      ],
    });
    expect(incompatible.statusCode).toBe(400);
    expect(incompatible.json().error.message).toContain('File Name cannot fill the Jira field Data Classification');
    const unknown = await admin.put(url, {
      rows: [
        { fieldKey: 'summary', incidentField: 'summary' },
        { fieldKey: 'customfield_99', defaultValue: 'x' },
      ],
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.message).toContain('Jira has no field "customfield_99"');
    const badKey = await admin.put(url, { rows: [{ fieldKey: 'summary', incidentField: 'notAField' }] });
    expect(badKey.statusCode).toBe(400);
    expect((await admin.get(url)).json().rows).toEqual([]);
  });

  it('saves required rows (Issue Type locked), then optional rows; Auto Sync becomes Enabled', async () => {
    const s = await sec();
    const url = `/api/v1/integrations/${jiraId}/projects/${s.id}/mappings/10002`;
    const res = await admin.put(url, {
      rows: [
        { fieldKey: 'issuetype', defaultValue: 'Bug' },
        { fieldKey: 'summary', incidentField: 'summary' },
        { fieldKey: 'customfield_10050', defaultValue: 'confidential' },
      ],
    });
    expect(res.statusCode).toBe(200);
    const m = res.json();
    expect(m.complete).toBe(true);
    const byKey = Object.fromEntries(m.rows.map((r: { fieldKey: string }) => [r.fieldKey, r]));
    expect(byKey.issuetype).toMatchObject({ locked: true, incidentField: null, defaultValue: 'Security Incident', required: true });
    expect(byKey.summary).toMatchObject({ incidentField: 'summary', locked: false });
    // Stored by the option's id, shown by its name.
    expect(byKey.customfield_10050).toMatchObject({ defaultValue: '10102', defaultLabel: 'Confidential' });
    expect(await sec()).toMatchObject({ autoSync: { enabled: true, reason: null }, mappedIssueTypes: [{ id: '10002', name: 'Security Incident' }] });
    // A default saved by name before defaults were kept by id is rewritten to its id by the migration.
    await t.ctx.db.updateTable('jira_field_mappings').set({ default_value: 'Confidential' }).where('field_key', '=', 'customfield_10050').execute();
    await integrationsDefaultsById(t.ctx.db as unknown as Kysely<unknown>);
    expect((await admin.get(url)).json().rows.find((r: { fieldKey: string }) => r.fieldKey === 'customfield_10050')).toMatchObject({ defaultValue: '10102' });

    const more = await admin.put(url, {
      rows: [
        ...m.rows.map((r: { fieldKey: string; incidentField: string | null; defaultValue: string | null }) => ({
          fieldKey: r.fieldKey,
          incidentField: r.incidentField,
          defaultValue: r.defaultValue,
        })),
        { fieldKey: 'priority', incidentField: 'priority' },
      ],
    });
    expect(more.statusCode).toBe(200);
    expect(more.json().rows.find((r: { fieldKey: string }) => r.fieldKey === 'priority')).toMatchObject({ required: false, incidentField: 'priority' });
    // Dropping the optional row deletes it; required rows cannot be dropped.
    const fewer = await admin.put(url, {
      rows: m.rows.map((r: { fieldKey: string; incidentField: string | null; defaultValue: string | null }) => ({
        fieldKey: r.fieldKey,
        incidentField: r.incidentField,
        defaultValue: r.defaultValue,
      })),
    });
    expect(fewer.json().rows.some((r: { fieldKey: string }) => r.fieldKey === 'priority')).toBe(false);
    const mappings = await t.ctx.integrations.fieldMappings(t.orgId, s.id, '10002');
    expect(mappings.map((r) => r.fieldKey).sort()).toEqual(['customfield_10050', 'issuetype', 'project', 'summary']);
    const integration = (await admin.get(`/api/v1/integrations/${jiraId}`)).json();
    expect(integration.projects).toMatchObject({ total: 2, mapped: 1 });
  });

  it('audits project changes', async () => {
    const rows = await t.ctx.db.selectFrom('audit_log').selectAll().where('org_id', '=', t.orgId).where('module', '=', 'Integrations').orderBy('id').execute();
    const notes = rows.map((r) => r.change_notes);
    expect(notes.some((n) => n.startsWith('Synced the project list of Jira integration'))).toBe(true);
    expect(notes).toContain(
      `Set the Complete Status of project SEC in Jira integration ${(await admin.get(`/api/v1/integrations/${jiraId}`)).json().name} to Done`,
    );
    expect(notes.some((n) => n.startsWith('Saved the field mappings of Security Incident in project SEC'))).toBe(true);
  });

  it('a project that disappears from Jira is removed with its mappings', async () => {
    const saved = sb.state.jira.projects;
    sb.state.jira.projects = saved.filter((p) => p.key !== 'SEC');
    try {
      const res = await admin.post(`/api/v1/integrations/${jiraId}/projects/sync`);
      expect(res.json()).toMatchObject({ total: 1, removed: 1 });
      expect((await projects()).map((p) => p.key)).toEqual(['OPS']);
      expect(await t.ctx.db.selectFrom('jira_field_mappings').selectAll().where('org_id', '=', t.orgId).execute()).toHaveLength(0);
    } finally {
      sb.state.jira.projects = saved;
    }
  });

  it('ServiceNow integrations have no projects; View cannot sync', async () => {
    const sn = await connect(admin, serviceNowBody(sb));
    const res = await admin.get(`/api/v1/integrations/${sn.id}/projects`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain('only Jira Cloud integrations have projects');
    const viewer = await t.sessionWith({ Integrations: 'view' });
    expect((await viewer.get(`/api/v1/integrations/${jiraId}/projects`)).statusCode).toBe(200);
    expect((await viewer.post(`/api/v1/integrations/${jiraId}/projects/sync`)).statusCode).toBe(403);
    const p = (await projects())[0];
    expect((await viewer.patch(`/api/v1/integrations/${jiraId}/projects/${p.id}`, { completeStatusId: null })).statusCode).toBe(403);
    expect((await viewer.put(`/api/v1/integrations/${jiraId}/projects/${p.id}/mappings/10003`, { rows: [] })).statusCode).toBe(403);
  });
});
