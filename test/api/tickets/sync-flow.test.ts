import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { TestApp } from '../../helpers/test-app.js';
import { newIncident, runJobs, withTicketing, type Sandbox, type World } from './helpers.js';
import { rotate } from './sync-helpers.js';

/** Tickets made by the Ticket action, then followed by webhook and by poll, as a user would see them. */
let t: TestApp;
let sb: Sandbox;
let w: World;
let address: string;

withTicketing((a) => ({ t, sb, w } = a));
beforeAll(async () => {
  for (const id of [w.sn.id, w.jira.id]) {
    const res = await w.admin.patch(`/api/v1/integrations/${id}`, { settings: { syncTicketStatus: true, closeIncidentOnTicketClosed: true } });
    expect(res.statusCode).toBe(200);
  }
  address = await t.app.listen({ port: 0, host: '127.0.0.1' });
});

async function createTicket(integrationId: number, integrationUserId: number, projectId?: number) {
  const inc = await newIncident(t);
  const res = await w.admin.post(`/api/v1/incidents/${inc.id}/tickets`, {
    integrationId,
    integrationUserId,
    ...(projectId ? { projectId } : {}),
    notes: 'Sync flow',
  });
  expect(res.statusCode, res.body).toBe(202);
  await runJobs(t);
  const view = (await w.admin.get(`/api/v1/tickets/${res.json().id}`)).json();
  expect(view.state).toBe('open');
  return { incidentId: inc.id, ticket: view as { id: number; ticketKey: string } };
}

const ticketView = async (id: number) => (await w.admin.get(`/api/v1/tickets/${id}`)).json();
const incidentStatus = async (id: number) => (await w.admin.get(`/api/v1/incidents/${id}`)).json().status as string;

describe('status sync of tickets made by the Ticket action', () => {
  it('Jira: the project’s Complete Status arrives by the sandbox’s signed webhook and resolves the incident', async () => {
    const project = await w.admin.patch(`/api/v1/integrations/${w.jira.id}/projects/${w.sec.id}`, { completeStatusId: '3' });
    expect(project.statusCode, project.body).toBe(200);
    const secret = await rotate(w.admin, w.jira.id);
    const { incidentId, ticket } = await createTicket(w.jira.id, w.jiraUser.id, w.sec.id);
    await fetch(`${sb.jiraUrl}/__sandbox/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: `${address}/api/v1/webhooks/jira/${w.jira.id}`, secret }),
    });
    const moved = await fetch(`${sb.jiraUrl}/__sandbox/tickets/${ticket.ticketKey}/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'In Progress' }),
    });
    expect(moved.status).toBe(200);
    await vi.waitFor(async () => expect((await ticketView(ticket.id)).state).toBe('closed'), { timeout: 10_000, interval: 100 });
    expect((await ticketView(ticket.id)).externalStatus).toBe('In Progress');
    expect(await incidentStatus(incidentId)).toBe('Resolved');
    // The sandbox records the delivery once it has read our answer, which may be after the ticket changed.
    await vi.waitFor(() => expect(sb.state.webhookDeliveries.at(-1)).toMatchObject({ system: 'jira', status: 200 }), { timeout: 10_000, interval: 50 });
  });

  it('ServiceNow: with webhooks off, Poll now brings the closed state and resolves the incident', async () => {
    const { incidentId, ticket } = await createTicket(w.sn.id, w.snUser.id);
    const sysId = sb.state.servicenow.incidents.find((i) => i.number === ticket.ticketKey)!.sys_id;
    sb.state.setTicketStatus(sysId, 'Closed');
    expect(await incidentStatus(incidentId)).not.toBe('Resolved');
    const res = await w.admin.post(`/api/v1/integrations/${w.sn.id}/ticket-sync/poll`);
    expect(res.statusCode).toBe(200);
    expect(res.json().updated).toBeGreaterThanOrEqual(1);
    expect(await ticketView(ticket.id)).toMatchObject({ state: 'closed', externalStatus: 'Closed' });
    expect((await ticketView(ticket.id)).lastSyncedAt).not.toBeNull();
    expect(await incidentStatus(incidentId)).toBe('Resolved');
  });

  it('a moved assignee is stored with the status', async () => {
    const { ticket } = await createTicket(w.sn.id, w.snUser.id);
    const sysId = sb.state.servicenow.incidents.find((i) => i.number === ticket.ticketKey)!.sys_id;
    const beth = sb.state.servicenow.users.find((u) => u.email.toLowerCase() === 'beth.anglin@example.com')!;
    sb.state.setTicketAssignee(sysId, beth.email);
    await w.admin.post(`/api/v1/integrations/${w.sn.id}/ticket-sync/poll`);
    const row = await t.ctx.db.selectFrom('tickets').select(['external_assignee_id']).where('id', '=', ticket.id).executeTakeFirstOrThrow();
    expect(row.external_assignee_id).toBe(beth.sys_id);
  });
});
