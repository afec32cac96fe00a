import { expect, it } from 'vitest';
import { adfToText } from '../../../src/connectors/jira-cloud/adf.js';
import type { ClosedTicketPolicy } from '../../../src/modules/tickets/schemas.js';
import type { TestApp } from '../../helpers/test-app.js';
import { count, newIncident, runJobs, sandboxTickets, snNotes, withTicketing, type Sandbox, type World } from './helpers.js';

let t: TestApp;
let sb: Sandbox;
let w: World;
withTicketing((a) => ({ t, sb, w } = a));

/** The integration's setting (ticket sync) decides; here it is set by hand. */
function policy(p: ClosedTicketPolicy) {
  t.ctx.tickets.closedTicketPolicy = async () => p;
}

/** A ticket created, then closed in the ticketing system and seen closed here. */
async function closedTicket(body: Record<string, unknown>) {
  const inc = await newIncident(t);
  const ticket = (await w.admin.post(`/api/v1/incidents/${inc.id}/tickets`, { ...body, notes: 'First request.' })).json();
  await runJobs(t);
  const row = await t.ctx.db.selectFrom('tickets').selectAll().where('id', '=', ticket.id).executeTakeFirstOrThrow();
  sb.state.setTicketStatus(row.external_id!, body.integrationId === w.jira.id ? 'Done' : 'Resolved');
  await t.ctx.db.updateTable('tickets').set({ state: 'closed', closed_at: new Date().toISOString() }).where('id', '=', ticket.id).execute();
  return { inc, ticket, row };
}

it('create_new (default): a closed ticket does not block a new one', async () => {
  policy('create_new');
  const sn = { integrationId: w.sn.id, integrationUserId: w.snUser.id };
  const { inc } = await closedTicket(sn);
  const again = await w.admin.post(`/api/v1/incidents/${inc.id}/tickets`, sn);
  expect(again.statusCode).toBe(202);
  expect(await count(t, 'tickets', (q) => q.where('incident_id', '=', inc.id))).toBe(2);
});

it('comment: the notes go onto the closed ticket once; no new ticket', async () => {
  policy('comment');
  const sn = { integrationId: w.sn.id, integrationUserId: w.snUser.id };
  const { inc, ticket, row } = await closedTicket(sn);
  const noNotes = await w.admin.post(`/api/v1/incidents/${inc.id}/tickets`, sn);
  expect(noNotes.statusCode).toBe(400);
  expect(noNotes.json().error.message).toMatch(/^notes: ticket INC\d+ .* is closed/);
  const res = await w.admin.post(`/api/v1/incidents/${inc.id}/tickets`, { ...sn, notes: 'It happened again.' });
  expect(res.statusCode).toBe(202);
  expect(res.json()).toMatchObject({ id: ticket.id, state: 'closed', notes: 'It happened again.' });
  expect((await w.admin.post(`/api/v1/incidents/${inc.id}/tickets`, { ...sn, notes: 'Too soon.' })).statusCode).toBe(409);
  await runJobs(t, 2);
  const notes = snNotes(sb, row.external_id!);
  expect(notes).toHaveLength(2);
  expect(notes[1]).toContain('It happened again.');
  expect(await count(t, 'tickets', (q) => q.where('incident_id', '=', inc.id))).toBe(1);
  expect(sandboxTickets(sb, ticket.id).servicenow).toHaveLength(1);
});

it('reopen: the closed Jira issue moves back to an open status, with the new notes; the ticket is live again', async () => {
  policy('reopen');
  const jira = { integrationId: w.jira.id, integrationUserId: w.jiraUser.id, projectId: w.sec.id, issueTypeId: '10001' };
  const { inc, ticket } = await closedTicket(jira);
  const res = await w.admin.post(`/api/v1/incidents/${inc.id}/tickets`, { ...jira, notes: 'Reopened: same user again.' });
  expect(res.statusCode).toBe(202);
  expect(res.json()).toMatchObject({ id: ticket.id, state: 'open' });
  expect((await w.admin.post(`/api/v1/incidents/${inc.id}/tickets`, jira)).statusCode).toBe(409);
  await runJobs(t, 2);
  const [issue] = sandboxTickets(sb, ticket.id).jira;
  const status = sb.state.jira.projects.find((p) => p.key === 'SEC')!.statuses.find((s) => s.id === issue.statusId)!;
  expect(status.category).not.toBe('done');
  expect(issue.comments.map((c) => adfToText(c.body))).toEqual([
    expect.stringContaining('First request.'),
    expect.stringContaining('Reopened: same user again.'),
  ]);
  const view = (await w.admin.get(`/api/v1/tickets/${ticket.id}`)).json();
  expect(view).toMatchObject({ state: 'open', externalStatus: status.name, failureReason: null });
  const events = (await w.admin.get(`/api/v1/incidents/${inc.id}`)).json().events;
  expect(events[0].comment).toMatch(/^Ticket SEC-\d+ reopened on /);
});
