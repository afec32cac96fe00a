import { describe, expect, it } from 'vitest';
import { adfToText } from '../../../src/connectors/jira-cloud/adf.js';
import type { TestApp } from '../../helpers/test-app.js';
import { WIDE } from '../incidents/helpers.js';
import { count, newIncident, runJobs, sandboxTickets, snNotes, withTicketing, type Sandbox, type World } from './helpers.js';

let t: TestApp;
let sb: Sandbox;
let w: World;
withTicketing((a) => ({ t, sb, w } = a));

describe('ServiceNow', () => {
  it('Submit answers 202 at once with a creating ticket and a State Changes entry; the job creates it assigned, with the work note', async () => {
    const inc = await newIncident(t);
    const res = await w.admin.post(`/api/v1/incidents/${inc.id}/tickets`, {
      integrationId: w.sn.id,
      integrationUserId: w.snUser.id,
      notes: 'Please call the user.',
    });
    expect(res.statusCode).toBe(202);
    const ticket = res.json();
    expect(ticket).toMatchObject({
      state: 'creating',
      ticketKey: null,
      transactionId: inc.transactionId,
      integration: { id: w.sn.id, type: 'servicenow' },
      assignee: { name: w.snUser.name },
    });
    expect(sandboxTickets(sb, ticket.id).servicenow).toHaveLength(0);
    const detail = (await w.admin.get(`/api/v1/incidents/${inc.id}`)).json();
    expect(detail.status).toBe('New');
    expect(detail.events[0]).toMatchObject({ action: 'ticket', comment: expect.stringContaining(`Ticket requested on ${w.sn.name} for ${w.snUser.name}`) });

    await runJobs(t);
    const [created] = sandboxTickets(sb, ticket.id).servicenow;
    expect(sandboxTickets(sb, ticket.id).servicenow).toHaveLength(1);
    const abel = sb.state.servicenow.users.find((u) => u.email === 'abel.tuter@example.com')!;
    expect(created.assigned_to).toBe(abel.sys_id);
    expect(created.short_description).toContain(inc.transactionId);
    expect(created.description).toContain(`Linked security incident: http://localhost:8080/incidents/${inc.id}`);
    expect(created.description).toContain('Source DLP Type: Inline / Web');
    expect(created).toMatchObject({ urgency: '1', impact: '2' });
    const notes = snNotes(sb, created.sys_id);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain('Please call the user.');

    const view = (await w.admin.get(`/api/v1/tickets/${ticket.id}`)).json();
    expect(view).toMatchObject({ state: 'open', ticketKey: created.number, externalStatus: 'New', failureReason: null });
    expect(view.ticketUrl).toBe(`${sb.servicenowUrl}/incident.do?sys_id=${created.sys_id}`);
    // The ticket page in the sandbox shows the assignee and the note.
    const page = await fetch(view.ticketUrl).then((r) => r.text());
    expect(page).toContain(abel.name);
    expect(page).toContain('Please call the user.');

    // Running the job again changes nothing: still one ticket, one note.
    await t.ctx.tickets.runCreateJob({
      id: 0,
      orgId: t.orgId,
      kind: 'tickets.create',
      payload: { ticketId: ticket.id, run: 1 },
      attempts: 1,
      maxAttempts: 10,
      runAt: '',
      lastError: null,
      interruptions: 0,
    });
    expect(sandboxTickets(sb, ticket.id).servicenow).toHaveLength(1);
    expect(snNotes(sb, created.sys_id)).toHaveLength(1);
  });

  it('refuses a second live ticket on the same integration, naming the first (409), and changes nothing', async () => {
    const inc = await newIncident(t);
    const body = { integrationId: w.sn.id, integrationUserId: w.snUser.id };
    const first = (await w.admin.post(`/api/v1/incidents/${inc.id}/tickets`, body)).json();
    const before = await count(t, 'incident_events', (q) => q.where('incident_id', '=', inc.id));
    const again = await w.admin.post(`/api/v1/incidents/${inc.id}/tickets`, body);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toContain(`already has ticket #${first.id} (being created) on ${w.sn.name}`);
    await runJobs(t);
    const key = (await w.admin.get(`/api/v1/tickets/${first.id}`)).json().ticketKey;
    const later = await w.admin.post(`/api/v1/incidents/${inc.id}/tickets`, body);
    expect(later.statusCode).toBe(409);
    expect(later.json().error.message).toContain(`already has ticket ${key}`);
    expect(await count(t, 'tickets', (q) => q.where('incident_id', '=', inc.id))).toBe(1);
    expect(await count(t, 'incident_events', (q) => q.where('incident_id', '=', inc.id))).toBe(before + 1); // + "created"
    // The preview says which ticket exists.
    const preview = (await w.admin.post(`/api/v1/incidents/${inc.id}/tickets/preview`, body)).json();
    expect(preview.existing).toMatchObject({ id: first.id, ticketKey: key });
    // Another integration is fine: one live ticket per integration.
    const jira = await w.admin.post(`/api/v1/incidents/${inc.id}/tickets`, { integrationId: w.jira.id, integrationUserId: w.jiraUser.id, projectId: w.sec.id });
    expect(jira.statusCode).toBe(202);
    const list = (await w.admin.get(`/api/v1/incidents/${inc.id}/tickets`)).json().items;
    expect(list.map((x: { id: number }) => x.id)).toEqual([jira.json().id, first.id]);
  });

  it('preview is exactly what is sent', async () => {
    const inc = await newIncident(t);
    const body = { integrationId: w.sn.id, integrationUserId: w.snUser.id };
    const preview = (await w.admin.post(`/api/v1/incidents/${inc.id}/tickets/preview`, body)).json();
    const ticket = (await w.admin.post(`/api/v1/incidents/${inc.id}/tickets`, body)).json();
    const seq = sb.state.log.length;
    await runJobs(t);
    const create = sb.state.log.slice(seq).find((r) => r.method === 'POST' && r.path === '/api/now/table/incident')!;
    expect(JSON.parse(create.body)).toEqual({ ...preview.body, correlation_id: `wfa-${ticket.id}` });
    expect(preview.assignee.email).toBe('abel.tuter@example.com');
  });
});

describe('Jira Cloud', () => {
  it('creates the issue in the project with the required custom field from the mappings, assigned, with the comment', async () => {
    const mapping = await w.admin.put(`/api/v1/integrations/${w.jira.id}/projects/${w.sec.id}/mappings/10002`, {
      rows: [
        { fieldKey: 'summary', incidentField: 'summary' },
        { fieldKey: 'customfield_10050', defaultValue: 'Confidential' },
        { fieldKey: 'priority', incidentField: 'severity' },
      ],
    });
    expect(mapping.statusCode).toBe(200);
    const inc = await newIncident(t);
    const body = { integrationId: w.jira.id, projectId: w.sec.id, issueTypeId: '10002', integrationUserId: w.jiraUser.id, notes: 'Escalated by the SOC.' };
    const preview = (await w.admin.post(`/api/v1/incidents/${inc.id}/tickets/preview`, body)).json();
    expect(preview.fields).toMatchObject({ customfield_10050: { id: '10102' }, priority: { id: '2' }, project: { key: 'SEC' }, issuetype: { id: '10002' } });
    // The default is kept by the option's id: renamed in Jira (same id), it is still sent as that option.
    const renamed = JSON.stringify([
      { id: '10101', name: 'Internal' },
      { id: '10102', name: 'Restricted' },
    ]);
    await t.ctx.db.updateTable('jira_field_mappings').set({ allowed_values: renamed }).where('field_key', '=', 'customfield_10050').execute();
    const again = (await w.admin.post(`/api/v1/incidents/${inc.id}/tickets/preview`, body)).json();
    expect(again.fields.customfield_10050).toEqual({ id: '10102' });
    const rows = (await w.admin.get(`/api/v1/integrations/${w.jira.id}/projects/${w.sec.id}/mappings/10002`)).json().rows as { fieldKey: string }[];
    expect(rows.find((r) => r.fieldKey === 'customfield_10050')).toMatchObject({ defaultValue: '10102', defaultLabel: 'Restricted' });
    const res = await w.admin.post(`/api/v1/incidents/${inc.id}/tickets`, body);
    expect(res.statusCode).toBe(202);
    const ticket = res.json();
    expect(ticket.project).toEqual({ id: w.sec.id, key: 'SEC', name: 'Security Incidents' });
    const seq = sb.state.log.length;
    await runJobs(t);
    const issues = sandboxTickets(sb, ticket.id).jira;
    expect(issues).toHaveLength(1);
    const abel = sb.state.jira.accounts.find((a) => a.email === 'abel.tuter@example.com')!;
    expect(issues[0]).toMatchObject({
      projectKey: 'SEC',
      issueTypeId: '10002',
      assigneeAccountId: abel.accountId,
      extraFields: { customfield_10050: { id: '10102' } },
    });
    expect(adfToText(issues[0].description)).toContain(`http://localhost:8080/incidents/${inc.id}`);
    expect(issues[0].comments.map((c) => adfToText(c.body))).toEqual([expect.stringContaining('Escalated by the SOC.')]);
    const create = sb.state.log.slice(seq).find((r) => r.method === 'POST' && r.path === '/rest/api/3/issue')!;
    const sent = JSON.parse(create.body);
    expect(sent).toEqual({ fields: { ...preview.body.fields, labels: [`wfa-${ticket.id}`] } });

    const view = (await w.admin.get(`/api/v1/tickets/${ticket.id}`)).json();
    expect(view).toMatchObject({ state: 'open', ticketKey: issues[0].key, externalStatus: 'To Do', ticketUrl: `${sb.jiraUrl}/browse/${issues[0].key}` });
    const page = await fetch(view.ticketUrl).then((r) => r.text());
    expect(page).toContain(abel.displayName);
    expect(page).toContain('Escalated by the SOC.');
  });

  it("a field Jira refuses fails the ticket at once with Jira's own message, field by field; Retry after fixing the mapping creates it", async () => {
    await w.admin.put(`/api/v1/integrations/${w.jira.id}/projects/${w.sec.id}/mappings/10002`, {
      rows: [
        { fieldKey: 'summary', incidentField: 'summary' },
        // Severity names are not Data Classification options: Jira refuses the value.
        { fieldKey: 'customfield_10050', incidentField: 'severity' },
      ],
    });
    const inc = await newIncident(t);
    const ticket = (
      await w.admin.post(`/api/v1/incidents/${inc.id}/tickets`, {
        integrationId: w.jira.id,
        projectId: w.sec.id,
        issueTypeId: '10002',
        integrationUserId: w.jiraUser.id,
      })
    ).json();
    await runJobs(t);
    const failed = (await w.admin.get(`/api/v1/tickets/${ticket.id}`)).json();
    expect(failed.state).toBe('failed');
    expect(failed.fieldErrors).toEqual({ customfield_10050: "Option id 'High' is not valid" });
    expect(failed.failureReason).toContain('Jira');
    expect(sandboxTickets(sb, ticket.id).jira).toHaveLength(0);
    const events = (await w.admin.get(`/api/v1/incidents/${inc.id}`)).json().events;
    expect(events[0]).toMatchObject({ action: 'ticket-failed', changedBy: 'System' });
    // Only failed (or stuck) tickets can be retried; a failed one frees the integration for a new request too.
    await w.admin.put(`/api/v1/integrations/${w.jira.id}/projects/${w.sec.id}/mappings/10002`, {
      rows: [
        { fieldKey: 'summary', incidentField: 'summary' },
        { fieldKey: 'customfield_10050', defaultValue: 'Internal' },
      ],
    });
    const retried = await w.admin.post(`/api/v1/tickets/${ticket.id}/retry`);
    expect(retried.statusCode).toBe(200);
    expect(retried.json()).toMatchObject({ state: 'creating', failureReason: null, fieldErrors: null });
    expect((await w.admin.post(`/api/v1/tickets/${ticket.id}/retry`)).statusCode).toBe(409);
    await runJobs(t);
    expect((await w.admin.get(`/api/v1/tickets/${ticket.id}`)).json().state).toBe('open');
    expect(sandboxTickets(sb, ticket.id).jira).toHaveLength(1);
    const bulk = (await w.admin.post('/api/v1/tickets/retry', { ids: [ticket.id] })).json();
    expect(bulk).toMatchObject({ succeeded: 0, failed: 1, results: [{ id: ticket.id, ok: false, error: { code: 'conflict' } }] });
  });
});

describe('lists', () => {
  it('the Tickets list filters, searches and pages; incidents in the list API carry their tickets', async () => {
    const inc = await newIncident(t);
    const ticket = (await w.admin.post(`/api/v1/incidents/${inc.id}/tickets`, { integrationId: w.sn.id, integrationUserId: w.snUser.id })).json();
    await runJobs(t);
    const key = (await w.admin.get(`/api/v1/tickets/${ticket.id}`)).json().ticketKey;
    const byKey = (await w.admin.get(`/api/v1/tickets?search=${key}`)).json();
    expect(byKey.items.map((x: { id: number }) => x.id)).toEqual([ticket.id]);
    const byTxn = (await w.admin.get(`/api/v1/tickets?search=${inc.transactionId}`)).json();
    expect(byTxn.items.map((x: { id: number }) => x.id)).toEqual([ticket.id]);
    const failed = (await w.admin.get('/api/v1/tickets?state=failed')).json();
    expect(failed.items.every((x: { state: string }) => x.state === 'failed')).toBe(true);
    const jiraOnly = (await w.admin.get(`/api/v1/tickets?integrationId=${w.jira.id}`)).json();
    expect(jiraOnly.items.every((x: { integration: { id: number } }) => x.integration.id === w.jira.id)).toBe(true);
    const page = (await w.admin.get('/api/v1/tickets?pageSize=1&page=2&sort=createdAt&order=asc')).json();
    expect(page).toMatchObject({ page: 2, pageSize: 1 });
    expect(page.items).toHaveLength(1);
    expect(page.total).toBe(await count(t, 'tickets'));
    const byAssignee = (await w.admin.get(`/api/v1/tickets?assignee=${encodeURIComponent('ABEL.tuter@example.com')}`)).json();
    expect(byAssignee.total).toBe(await count(t, 'tickets'));
    expect((await w.admin.get('/api/v1/tickets?state=bogus')).statusCode).toBe(400);

    const incidents = (await w.admin.get(`/api/v1/incidents?${WIDE}&pageSize=100`)).json().items;
    const row = incidents.find((i: { id: number }) => i.id === inc.id);
    expect(row.tickets).toEqual([{ id: ticket.id, integrationName: w.sn.name, state: 'open', ticketKey: key }]);
  });

  it('ticket options list enabled integrations with their labelled projects and active users', async () => {
    const inc = await newIncident(t);
    const opts = (await w.admin.get(`/api/v1/incidents/${inc.id}/ticket-options`)).json();
    const jira = opts.integrations.find((i: { id: number }) => i.id === w.jira.id);
    expect(jira.projects.map((p: { key: string }) => p.key)).toEqual(['SEC']);
    expect(jira.users).toEqual([{ id: w.jiraUser.id, name: w.jiraUser.name, email: w.jiraUser.email }]);
    const sn = opts.integrations.find((i: { id: number }) => i.id === w.sn.id);
    expect(sn).toMatchObject({ type: 'servicenow', typeLabel: 'ServiceNow', projects: [] });
  });
});
