import { expect, it } from 'vitest';
import type { TestApp } from '../../helpers/test-app.js';
import { count, newIncident, runJobs, withTicketing, type World } from './helpers.js';

let t: TestApp;
let w: World;
withTicketing((a) => ({ t, w } = a));

async function refused(incidentId: number, body: Record<string, unknown>, status = 400) {
  const res = await w.admin.post(`/api/v1/incidents/${incidentId}/tickets`, body);
  expect(res.statusCode, res.body).toBe(status);
  return res.json().error.message as string;
}

it('refuses what cannot become a ticket, saying which field and what to do, and stores nothing', async () => {
  const inc = await newIncident(t);
  const sn = { integrationId: w.sn.id, integrationUserId: w.snUser.id };
  const jira = { integrationId: w.jira.id, integrationUserId: w.jiraUser.id, projectId: w.sec.id };
  expect(await refused(inc.id, { ...sn, integrationId: 999_999 })).toMatch(
    /^integrationId: your organization has no ServiceNow or Jira Cloud integration 999999/,
  );
  expect(await refused(inc.id, { ...sn, projectId: w.sec.id })).toMatch(/^projectId: ServiceNow incidents have no project/);
  expect(await refused(inc.id, { ...jira, projectId: undefined })).toMatch(/^projectId: pick the Jira project/);
  expect(await refused(inc.id, { ...jira, projectId: 999_999 })).toMatch(/^projectId: project 999999 is not a project of/);
  const ops = (await w.admin.get(`/api/v1/integrations/${w.jira.id}/projects`)).json().items.find((p: { key: string }) => p.key === 'OPS');
  expect(await refused(inc.id, { ...jira, projectId: ops.id })).toMatch(/^projectId: project OPS has no Labels field/);
  expect(await refused(inc.id, { ...jira, issueTypeId: '99' })).toMatch(
    /^issueTypeId: choose one of the issue types of SEC: Task \(10001\), Security Incident \(10002\)/,
  );
  expect(await refused(inc.id, { ...sn, integrationUserId: w.jiraUser.id })).toMatch(/^integrationUserId: user \d+ is not an integration user of/);
  expect(await refused(inc.id, { ...sn, integrationUserId: 999_999 })).toMatch(/^integrationUserId:/);
  expect(await refused(inc.id, { ...sn, extra: 1 })).toBeTruthy();
  expect(await refused(inc.id, { ...sn, notes: 'x'.repeat(10_001) })).toContain('Notes must be at most 10,000 characters.');
  expect(await refused(999_999, sn, 404)).toBe('Incident not found.');

  // An inactive (in the ticketing system) user cannot be assigned.
  await t.ctx.db.updateTable('integration_users').set({ status: 'inactive' }).where('id', '=', w.snUser.id).execute();
  expect(await refused(inc.id, sn)).toMatch(/^integrationUserId: abel\.tuter@example\.com is inactive and cannot be assigned tickets/);
  await t.ctx.db.updateTable('integration_users').set({ status: 'active' }).where('id', '=', w.snUser.id).execute();

  // A disabled integration is not offered and refused.
  expect((await w.admin.post(`/api/v1/integrations/${w.sn.id}/disable`)).statusCode).toBe(200);
  expect(await refused(inc.id, sn)).toMatch(/^integrationId: the integration .* is disabled/);
  const opts = (await w.admin.get(`/api/v1/incidents/${inc.id}/ticket-options`)).json();
  expect(opts.integrations.map((i: { id: number }) => i.id)).toEqual([w.jira.id]);
  expect((await w.admin.post(`/api/v1/integrations/${w.sn.id}/enable`)).statusCode).toBe(200);

  expect(await count(t, 'tickets', (q) => q.where('incident_id', '=', inc.id))).toBe(0);
  expect(await count(t, 'incident_events', (q) => q.where('incident_id', '=', inc.id).where('action', '=', 'ticket'))).toBe(0);
});

it('the ticket, its State Changes entry and its job land in one transaction: a failure after the insert leaves nothing', async () => {
  const inc = await newIncident(t);
  const jobs = t.ctx.jobs;
  const real = jobs.enqueue.bind(jobs);
  jobs.enqueue = async () => {
    throw new Error('simulated failure after the insert');
  };
  try {
    const res = await w.admin.post(`/api/v1/incidents/${inc.id}/tickets`, { integrationId: w.sn.id, integrationUserId: w.snUser.id });
    expect(res.statusCode).toBe(500);
  } finally {
    jobs.enqueue = real;
  }
  expect(await count(t, 'tickets', (q) => q.where('incident_id', '=', inc.id))).toBe(0);
  expect(await count(t, 'incident_events', (q) => q.where('incident_id', '=', inc.id).where('action', '=', 'ticket'))).toBe(0);
  // And nothing blocks the next Submit.
  expect((await w.admin.post(`/api/v1/incidents/${inc.id}/tickets`, { integrationId: w.sn.id, integrationUserId: w.snUser.id })).statusCode).toBe(202);
});

it('permissions: creating and retrying need Incidents edit; reading needs Incidents view', async () => {
  const inc = await newIncident(t);
  const body = { integrationId: w.sn.id, integrationUserId: w.snUser.id };
  const viewer = await t.sessionWith({ Incidents: 'view' });
  expect((await viewer.post(`/api/v1/incidents/${inc.id}/tickets`, body)).statusCode).toBe(403);
  expect((await viewer.post(`/api/v1/incidents/${inc.id}/tickets/preview`, body)).statusCode).toBe(200);
  const ticket = (await w.admin.post(`/api/v1/incidents/${inc.id}/tickets`, body)).json();
  expect((await viewer.get(`/api/v1/tickets/${ticket.id}`)).statusCode).toBe(200);
  expect((await viewer.get(`/api/v1/incidents/${inc.id}/tickets`)).statusCode).toBe(200);
  expect((await viewer.get('/api/v1/tickets')).statusCode).toBe(200);
  expect((await viewer.post(`/api/v1/tickets/${ticket.id}/retry`)).statusCode).toBe(403);
  expect((await viewer.post('/api/v1/tickets/retry', { ids: [ticket.id] })).statusCode).toBe(403);
  const nobody = await t.sessionWith({ Integrations: 'view' });
  expect((await nobody.get('/api/v1/tickets')).statusCode).toBe(403);
  expect((await nobody.get(`/api/v1/incidents/${inc.id}/ticket-options`)).statusCode).toBe(403);
  const editor = await t.sessionWith({ Incidents: 'edit' });
  const inc2 = await newIncident(t);
  expect((await editor.post(`/api/v1/incidents/${inc2.id}/tickets`, body)).statusCode).toBe(202);
});

it("another org's tickets, incidents and integrations are not found", async () => {
  const inc = await newIncident(t);
  const ticket = (await w.admin.post(`/api/v1/incidents/${inc.id}/tickets`, { integrationId: w.sn.id, integrationUserId: w.snUser.id })).json();
  const other = await t.newOrg();
  const otherInc = await newIncident(t, other.orgId);
  expect((await other.session.get(`/api/v1/tickets/${ticket.id}`)).statusCode).toBe(404);
  expect((await other.session.post(`/api/v1/tickets/${ticket.id}/retry`)).statusCode).toBe(404);
  expect((await other.session.get(`/api/v1/incidents/${inc.id}/tickets`)).statusCode).toBe(404);
  expect((await other.session.get('/api/v1/tickets')).json()).toMatchObject({ items: [], total: 0 });
  const res = await other.session.post(`/api/v1/incidents/${otherInc.id}/tickets`, { integrationId: w.sn.id, integrationUserId: w.snUser.id });
  expect(res.statusCode).toBe(400);
  expect(res.json().error.message).toMatch(/^integrationId: your organization has no/);
});

it('an integration with open tickets cannot be deleted, nor their assignee removed; a failed ticket does not count', async () => {
  const inc = await newIncident(t);
  const ticket = (await w.admin.post(`/api/v1/incidents/${inc.id}/tickets`, { integrationId: w.sn.id, integrationUserId: w.snUser.id })).json();
  const open = await count(t, 'tickets', (q) => q.where('integration_id', '=', w.sn.id).where('state', 'in', ['creating', 'open']));
  const del = await w.admin.delete(`/api/v1/integrations/${w.sn.id}`);
  expect(del.statusCode).toBe(409);
  expect(del.json().error.message).toContain(`${open} open tickets`);
  const remove = await w.admin.delete(`/api/v1/integration-users/${w.snUser.id}`);
  expect(remove.statusCode).toBe(409);
  expect(remove.json().error.message).toContain(`${open} open ticket`);
  // Once every ticket of that user has failed, they can be removed and the tickets keep their name.
  await t.ctx.db.updateTable('tickets').set({ state: 'failed' }).where('integration_user_id', '=', w.snUser.id).execute();
  expect((await w.admin.delete(`/api/v1/integration-users/${w.snUser.id}`)).statusCode).toBe(204);
  expect((await w.admin.get(`/api/v1/tickets/${ticket.id}`)).json().assignee).toMatchObject({ name: w.snUser.name, email: w.snUser.email });
  await runJobs(t);
});
