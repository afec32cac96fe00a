import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../helpers/test-app.js';
import { sandbox, type Sandbox } from '../integrations/helpers.js';
import { DEFAULT_POLL_LIMITS } from '../../../src/modules/tickets/sync/poller.js';
import { incidentOf, openTicket, syncedIntegration, ticketRow } from './sync-helpers.js';

let t: TestApp;
let sb: Sandbox;
let s: Session;
let sleeps: number[];

beforeAll(async () => {
  t = await createTestApp();
  sb = await sandbox();
  sb.state.onTicketChanged = null;
  s = await t.login(t.admin.email);
});
afterAll(async () => {
  await t?.close();
  await sb?.close();
});
beforeEach(() => {
  sleeps = [];
  // Retries and their waits still happen, recorded instead of slept through.
  t.ctx.integrations.connectorOverrides = { sleep: async (ms) => void sleeps.push(ms) };
  t.ctx.ticketSync.poller.limits = { ...DEFAULT_POLL_LIMITS };
  sb.state.clearFaults();
});

const batchReads = (system: 'servicenow' | 'jira') =>
  sb.state
    .requests(system)
    .filter((r) => (system === 'servicenow' ? r.method === 'GET' && r.path === '/api/now/table/incident' && (r.query.sysparm_query ?? '').startsWith('sys_idIN') : r.path === '/rest/api/3/search/jql' && r.body.includes('key in')));

describe('status poll', () => {
  it('reads ServiceNow tickets in batches of sys_idIN and applies what changed', async () => {
    const id = await syncedIntegration(s, sb, 'servicenow');
    const tickets = [];
    for (let i = 0; i < 5; i++) tickets.push(await openTicket(t, t.orgId, id, 'servicenow'));
    sb.state.setTicketStatus(tickets[0].externalId, 'Resolved');
    sb.state.setTicketStatus(tickets[1].externalId, 'In Progress');
    t.ctx.ticketSync.poller.limits = { ...DEFAULT_POLL_LIMITS, batchSize: 2 };
    const before = batchReads('servicenow').length;
    const res = await s.post(`/api/v1/integrations/${id}/ticket-sync/poll`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ polled: 5, updated: 2 });
    expect(batchReads('servicenow').length - before).toBe(3);
    expect((await ticketRow(t, tickets[0].id)).state).toBe('closed');
    expect((await ticketRow(t, tickets[1].id)).external_status).toBe('In Progress');
    expect((await ticketRow(t, tickets[2].id)).last_synced_at).not.toBeNull();
    expect((await incidentOf(t, t.orgId, tickets[0].incidentId)).status).toBe('Resolved');
    expect((await s.get(`/api/v1/integrations/${id}/ticket-sync`)).json().lastPollAt).not.toBeNull();
  });

  it('reads Jira issues with key in (…) and falls back to one by one when an issue is gone', async () => {
    const id = await syncedIntegration(s, sb, 'jira_cloud');
    const a = await openTicket(t, t.orgId, id, 'jira_cloud');
    const b = await openTicket(t, t.orgId, id, 'jira_cloud');
    const c = await openTicket(t, t.orgId, id, 'jira_cloud');
    sb.state.setTicketStatus(a.key, 'Done');
    let before = batchReads('jira').length;
    expect((await s.post(`/api/v1/integrations/${id}/ticket-sync/poll`)).json()).toEqual({ polled: 3, updated: 1 });
    expect(batchReads('jira').length - before).toBe(1);
    expect((await ticketRow(t, a.id)).state).toBe('closed');

    sb.state.jira.issues = sb.state.jira.issues.filter((i) => i.id !== b.externalId);
    sb.state.setTicketStatus(c.key, 'In Progress');
    before = sb.state.requests('jira').length;
    expect((await s.post(`/api/v1/integrations/${id}/ticket-sync/poll`)).json()).toEqual({ polled: 1, updated: 1 });
    // One refused batch, then one read per ticket.
    expect(sb.state.requests('jira').length - before).toBe(3);
    expect((await ticketRow(t, c.id)).external_status).toBe('In Progress');
    expect((await ticketRow(t, b.id)).state).toBe('open');
  });

  it('waits as long as a 429 Retry-After asks, then carries on', async () => {
    const id = await syncedIntegration(s, sb, 'servicenow');
    const tk = await openTicket(t, t.orgId, id, 'servicenow');
    sb.state.setTicketStatus(tk.externalId, 'Closed');
    sb.state.setFaults('servicenow', { rateLimitBurst: 2, retryAfterSeconds: 7 });
    expect((await s.post(`/api/v1/integrations/${id}/ticket-sync/poll`)).json()).toEqual({ polled: 1, updated: 1 });
    expect(sleeps.filter((ms) => ms >= 7000).length).toBe(2);
    expect((await ticketRow(t, tk.id)).state).toBe('closed');
  });

  it('stops at a Retry-After longer than it waits inline and comes back after it', async () => {
    const id = await syncedIntegration(s, sb, 'servicenow');
    const tk = await openTicket(t, t.orgId, id, 'servicenow');
    sb.state.setFaults('servicenow', { rateLimitBurst: 10, retryAfterSeconds: 600 });
    expect((await s.post(`/api/v1/integrations/${id}/ticket-sync/poll`)).json()).toEqual({ polled: 0, updated: 0 });
    const due = await sql<{ poll_due_at: string }>`select poll_due_at from ticket_sync_settings where integration_id = ${id}`.execute(t.ctx.db);
    expect(Date.parse(due.rows[0].poll_due_at)).toBeGreaterThan(Date.now() + 500_000);
    expect((await ticketRow(t, tk.id)).last_synced_at).toBeNull();
  });

  it('is bounded: at most maxBatchesPerRun requests, the rest next run, least recently synced first', async () => {
    const id = await syncedIntegration(s, sb, 'servicenow');
    const tickets = [];
    for (let i = 0; i < 5; i++) tickets.push(await openTicket(t, t.orgId, id, 'servicenow'));
    t.ctx.ticketSync.poller.limits = { ...DEFAULT_POLL_LIMITS, batchSize: 2, maxBatchesPerRun: 2 };
    const before = batchReads('servicenow').length;
    expect((await s.post(`/api/v1/integrations/${id}/ticket-sync/poll`)).json().polled).toBe(4);
    expect(batchReads('servicenow').length - before).toBe(2);
    const synced = await Promise.all(tickets.map((x) => ticketRow(t, x.id)));
    expect(synced.filter((r) => r.last_synced_at === null).length).toBe(1);
    const due = await sql<{ poll_due_at: string }>`select poll_due_at from ticket_sync_settings where integration_id = ${id}`.execute(t.ctx.db);
    expect(Date.parse(due.rows[0].poll_due_at)).toBeLessThanOrEqual(Date.now());
    expect((await s.post(`/api/v1/integrations/${id}/ticket-sync/poll`)).json().polled).toBe(4);
    const after = await Promise.all(tickets.map((x) => ticketRow(t, x.id)));
    expect(after.every((r) => r.last_synced_at !== null)).toBe(true);
  });

  it('the schedule polls an integration once per interval, and not when sync is off', async () => {
    const other = await t.newOrg();
    const id = await syncedIntegration(other.session, sb, 'servicenow');
    const tk = await openTicket(t, other.orgId, id, 'servicenow');
    const off = await syncedIntegration(other.session, sb, 'servicenow');
    const offTicket = await openTicket(t, other.orgId, off, 'servicenow');
    await other.session.patch(`/api/v1/integrations/${off}`, { settings: { syncTicketStatus: false } });
    sb.state.setTicketStatus(tk.externalId, 'On Hold');
    sb.state.setTicketStatus(offTicket.externalId, 'On Hold');
    await t.ctx.ticketSync.pollDue();
    expect((await ticketRow(t, tk.id)).external_status).toBe('On Hold');
    expect((await ticketRow(t, offTicket.id)).external_status).not.toBe('On Hold');
    sb.state.setTicketStatus(tk.externalId, 'In Progress');
    await t.ctx.ticketSync.pollDue();
    expect((await ticketRow(t, tk.id)).external_status).toBe('On Hold');
    // A shorter interval starts over from now.
    await other.session.put(`/api/v1/integrations/${id}/ticket-sync`, { pollIntervalMinutes: 1 });
    await t.ctx.ticketSync.pollDue();
    expect((await ticketRow(t, tk.id)).external_status).toBe('In Progress');
  });

  it('poll now is refused with the reason when sync is off', async () => {
    const id = await syncedIntegration(s, sb, 'servicenow');
    await s.patch(`/api/v1/integrations/${id}`, { settings: { syncTicketStatus: false } });
    const res = await s.post(`/api/v1/integrations/${id}/ticket-sync/poll`);
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toContain('Sync ticket status is off');
  });
});
