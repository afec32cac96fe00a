import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../helpers/test-app.js';
import { sandbox, type Sandbox } from '../integrations/helpers.js';
import { incidentOf, jiraDelivery, openTicket, rotate, serviceNowDelivery, syncedIntegration, ticketRow } from './sync-helpers.js';

let t: TestApp;
let sb: Sandbox;
let s: Session;

beforeAll(async () => {
  t = await createTestApp();
  sb = await sandbox();
  sb.state.onTicketChanged = null; // pushes are sent by the tests themselves, except where said
  s = await t.login(t.admin.email);
});
afterAll(async () => {
  await t?.close();
  await sb?.close();
});

const DONE = { id: '10001', name: 'Done', category: 'done' };
const IN_PROGRESS = { id: '3', name: 'In Progress', category: 'indeterminate' };

function push(system: 'jira' | 'servicenow', integrationId: number, d: { payload: string; headers: Record<string, string> }) {
  return t.app.inject({ method: 'POST', url: `/api/v1/webhooks/${system}/${integrationId}`, payload: d.payload, headers: d.headers });
}

describe('Jira webhooks', () => {
  it('a signed push updates the ticket, closes it and resolves the incident by System', async () => {
    const id = await syncedIntegration(s, sb, 'jira_cloud');
    const secret = await rotate(s, id);
    const tk = await openTicket(t, t.orgId, id, 'jira_cloud');
    const res = await push('jira', id, jiraDelivery(secret, { id: tk.externalId, key: tk.key }, DONE));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().outcome).toBe('closed');
    const row = await ticketRow(t, tk.id);
    expect(row.state).toBe('closed');
    expect(row.external_status).toBe('Done');
    expect(row.closed_at).not.toBeNull();
    const inc = await incidentOf(t, t.orgId, tk.incidentId);
    expect(inc.status).toBe('Resolved');
    expect(inc.events.some((e) => e.changedBy === 'System' && e.state === 'Resolved')).toBe(true);
    expect(inc.events.some((e) => e.action === 'ticket-status' && e.comment.includes(tk.key))).toBe(true);
    const view = (await s.get(`/api/v1/integrations/${id}/ticket-sync`)).json();
    expect(view.lastWebhookAt).not.toBeNull();
  });

  it('a reopened ticket shows its new status and leaves the incident Resolved, with a note', async () => {
    const id = await syncedIntegration(s, sb, 'jira_cloud');
    const secret = await rotate(s, id);
    const tk = await openTicket(t, t.orgId, id, 'jira_cloud');
    expect((await push('jira', id, jiraDelivery(secret, { id: tk.externalId, key: tk.key }, DONE))).json().outcome).toBe('closed');
    const later = new Date(Date.now() + 1000).toISOString();
    const res = await push('jira', id, jiraDelivery(secret, { id: tk.externalId, key: tk.key }, IN_PROGRESS, { updated: later }));
    expect(res.json().outcome).toBe('reopened');
    const row = await ticketRow(t, tk.id);
    expect(row.state).toBe('open');
    expect(row.external_status).toBe('In Progress');
    const inc = await incidentOf(t, t.orgId, tk.incidentId);
    expect(inc.status).toBe('Resolved');
    expect(inc.events.some((e) => e.comment.includes('reopened') && e.comment.includes('keeps its status'))).toBe(true);
  });

  it('an older push never overwrites a newer status', async () => {
    const id = await syncedIntegration(s, sb, 'jira_cloud');
    const secret = await rotate(s, id);
    const tk = await openTicket(t, t.orgId, id, 'jira_cloud');
    const now = Date.now();
    await push('jira', id, jiraDelivery(secret, { id: tk.externalId, key: tk.key }, IN_PROGRESS, { updated: new Date(now + 5000).toISOString() }));
    const res = await push('jira', id, jiraDelivery(secret, { id: tk.externalId, key: tk.key }, DONE, { updated: new Date(now + 1000).toISOString() }));
    expect(res.json().outcome).toBe('stale');
    expect((await ticketRow(t, tk.id)).state).toBe('open');
  });

  it('with Close incident when ticket is closed off, the ticket closes and the incident stays as it is', async () => {
    const id = await syncedIntegration(s, sb, 'jira_cloud', false);
    const secret = await rotate(s, id);
    const tk = await openTicket(t, t.orgId, id, 'jira_cloud');
    expect((await push('jira', id, jiraDelivery(secret, { id: tk.externalId, key: tk.key }, DONE))).json().outcome).toBe('closed');
    expect((await ticketRow(t, tk.id)).state).toBe('closed');
    expect((await incidentOf(t, t.orgId, tk.incidentId)).status).not.toBe('Resolved');
  });

  it('refuses unsigned, forged, stale, replayed and unknown-integration pushes and changes nothing', async () => {
    const id = await syncedIntegration(s, sb, 'jira_cloud');
    const secret = await rotate(s, id);
    const tk = await openTicket(t, t.orgId, id, 'jira_cloud');
    const issue = { id: tk.externalId, key: tk.key };
    const before = await ticketRow(t, tk.id);

    expect((await push('jira', id, jiraDelivery(null, issue, DONE))).statusCode).toBe(401);
    expect((await push('jira', id, jiraDelivery('not-the-secret', issue, DONE))).statusCode).toBe(401);
    const tampered = jiraDelivery(secret, issue, IN_PROGRESS);
    expect((await push('jira', id, { ...tampered, payload: tampered.payload.replace('In Progress', 'Done') })).statusCode).toBe(401);
    expect((await push('jira', id, jiraDelivery(secret, issue, DONE, { timestamp: Date.now() - 60 * 60_000 }))).statusCode).toBe(401);
    expect((await push('jira', 999_999, jiraDelivery(secret, issue, DONE))).statusCode).toBe(404);
    // A ServiceNow-style push to the Jira endpoint of this integration is not this integration's webhook.
    expect((await push('servicenow', id, serviceNowDelivery(secret, 'a'.repeat(32), '6'))).statusCode).toBe(404);
    expect(await ticketRow(t, tk.id)).toEqual(before);

    const once = jiraDelivery(secret, issue, IN_PROGRESS, { deliveryId: 'delivery-1' });
    expect((await push('jira', id, once)).statusCode).toBe(200);
    const afterFirst = await ticketRow(t, tk.id);
    const replay = await push('jira', id, jiraDelivery(secret, issue, DONE, { deliveryId: 'delivery-1' }));
    expect(replay.statusCode).toBe(409);
    expect(await ticketRow(t, tk.id)).toEqual(afterFirst);
    expect((await incidentOf(t, t.orgId, tk.incidentId)).status).not.toBe('Resolved');
  });

  it('refuses pushes while webhooks are off, and the old secret after a rotation', async () => {
    const id = await syncedIntegration(s, sb, 'jira_cloud');
    const tk = await openTicket(t, t.orgId, id, 'jira_cloud');
    const issue = { id: tk.externalId, key: tk.key };
    const first = await rotate(s, id, false);
    expect((await push('jira', id, jiraDelivery(first, issue, DONE))).statusCode).toBe(404);
    await s.put(`/api/v1/integrations/${id}/ticket-sync`, { webhooksEnabled: true });
    const second = await rotate(s, id);
    expect((await push('jira', id, jiraDelivery(first, issue, DONE))).statusCode).toBe(401);
    expect((await push('jira', id, jiraDelivery(second, issue, IN_PROGRESS))).statusCode).toBe(200);
  });
});

describe('ServiceNow webhooks', () => {
  it('a push with the shared secret updates and closes the ticket; a wrong or missing secret changes nothing', async () => {
    const id = await syncedIntegration(s, sb, 'servicenow');
    const secret = await rotate(s, id);
    const tk = await openTicket(t, t.orgId, id, 'servicenow');
    const before = await ticketRow(t, tk.id);
    expect((await push('servicenow', id, serviceNowDelivery(null, tk.externalId, '7'))).statusCode).toBe(401);
    expect((await push('servicenow', id, serviceNowDelivery(`${secret}x`, tk.externalId, '7'))).statusCode).toBe(401);
    expect((await push('servicenow', id, serviceNowDelivery(secret, tk.externalId, '7', { timestamp: Date.now() + 3_600_000 }))).statusCode).toBe(401);
    const noDelivery = serviceNowDelivery(secret, tk.externalId, '7');
    delete noDelivery.headers['x-wfa-delivery'];
    expect((await push('servicenow', id, noDelivery)).statusCode).toBe(401);
    expect(await ticketRow(t, tk.id)).toEqual(before);

    const res = await push('servicenow', id, serviceNowDelivery(secret, tk.externalId, '8', { deliveryId: 'sn-1' }));
    expect(res.statusCode, res.body).toBe(200);
    const row = await ticketRow(t, tk.id);
    expect(row.state).toBe('closed');
    expect(row.external_status).toBe('Canceled');
    expect((await incidentOf(t, t.orgId, tk.incidentId)).status).toBe('Resolved');
    expect((await push('servicenow', id, serviceNowDelivery(secret, tk.externalId, '2', { deliveryId: 'sn-1' }))).statusCode).toBe(409);
    expect((await ticketRow(t, tk.id)).state).toBe('closed');
  });

  it('the sandbox pushes a status moved on its page to the configured URL, signed, within seconds', async () => {
    const id = await syncedIntegration(s, sb, 'servicenow');
    const secret = await rotate(s, id);
    const tk = await openTicket(t, t.orgId, id, 'servicenow');
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { sendTicketWebhook } = await import('../../../src/sandbox/webhooks.js');
    sb.state.onTicketChanged = (system, ext) => void sendTicketWebhook(sb.state, system, ext);
    try {
      const set = await fetch(`${sb.servicenowUrl}/__sandbox/webhooks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ url: `${address}/api/v1/webhooks/servicenow/${id}`, secret }),
      });
      expect(set.status).toBe(200);
      const moved = await fetch(`${sb.servicenowUrl}/__sandbox/tickets/${tk.externalId}/status`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 'Resolved' }) });
      expect(moved.status).toBe(200);
      await vi.waitFor(() => expect(sb.state.webhookDeliveries.some((d) => d.ticket === tk.externalId && d.status === 200)).toBe(true), { timeout: 10_000, interval: 50 });
      expect((await ticketRow(t, tk.id)).state).toBe('closed');
      expect((await incidentOf(t, t.orgId, tk.incidentId)).status).toBe('Resolved');
    } finally {
      sb.state.onTicketChanged = null;
      sb.state.webhooks.servicenow = null;
    }
  });
});

describe('sync settings', () => {
  it('shows defaults, validates changes, and needs a secret before webhooks', async () => {
    const id = await syncedIntegration(s, sb, 'servicenow');
    const view = (await s.get(`/api/v1/integrations/${id}/ticket-sync`)).json();
    expect(view).toMatchObject({ pollIntervalMinutes: 15, webhooksEnabled: false, closedTicketPolicy: 'create_new', secret: null, secretSet: false });
    expect(view.webhookUrl).toBe(`http://localhost:8080/api/v1/webhooks/servicenow/${id}`);
    expect(view.setupSteps.join('\n')).toContain('X-WFA-Webhook-Secret');
    for (const bad of [{ pollIntervalMinutes: 0 }, { pollIntervalMinutes: 1441 }, { closedTicketPolicy: 'delete' }, { other: 1 }]) {
      expect((await s.put(`/api/v1/integrations/${id}/ticket-sync`, bad)).statusCode).toBe(400);
    }
    const noSecret = await s.put(`/api/v1/integrations/${id}/ticket-sync`, { webhooksEnabled: true });
    expect(noSecret.statusCode).toBe(400);
    expect(noSecret.json().error.message).toContain('Rotate secret');
    const ok = await s.put(`/api/v1/integrations/${id}/ticket-sync`, { pollIntervalMinutes: 5, closedTicketPolicy: 'reopen' });
    expect(ok.json()).toMatchObject({ pollIntervalMinutes: 5, closedTicketPolicy: 'reopen', webhooksEnabled: false });
    expect(await t.ctx.ticketSync.closedTicketPolicy(t.orgId, id)).toBe('reopen');
  });

  it('Integrations view may read, only edit may change, and another org sees a 404', async () => {
    const id = await syncedIntegration(s, sb, 'jira_cloud');
    const viewer = await t.sessionWith({ Integrations: 'view' });
    expect((await viewer.get(`/api/v1/integrations/${id}/ticket-sync`)).statusCode).toBe(200);
    expect((await viewer.put(`/api/v1/integrations/${id}/ticket-sync`, { pollIntervalMinutes: 3 })).statusCode).toBe(403);
    expect((await viewer.post(`/api/v1/integrations/${id}/ticket-sync/rotate-secret`)).statusCode).toBe(403);
    expect((await viewer.post(`/api/v1/integrations/${id}/ticket-sync/poll`)).statusCode).toBe(403);
    const none = await t.sessionWith({ Incidents: 'view' });
    expect((await none.get(`/api/v1/integrations/${id}/ticket-sync`)).statusCode).toBe(403);
    const other = await t.newOrg();
    expect((await other.session.get(`/api/v1/integrations/${id}/ticket-sync`)).statusCode).toBe(404);
    expect((await other.session.put(`/api/v1/integrations/${id}/ticket-sync`, { pollIntervalMinutes: 3 })).statusCode).toBe(404);
    expect((await s.get(`/api/v1/integrations/${id}/ticket-sync`)).json().pollIntervalMinutes).toBe(15);
  });

  it('the secret is shown once, stored sealed, and never in a later answer or the audit log', async () => {
    const id = await syncedIntegration(s, sb, 'jira_cloud');
    const secret = await rotate(s, id, false);
    expect(secret).toMatch(/^wfa_whsec_/);
    const later = await s.get(`/api/v1/integrations/${id}/ticket-sync`);
    expect(later.body).not.toContain(secret);
    expect(later.json()).toMatchObject({ secret: null, secretSet: true });
    const stored = await sql<{ webhook_secret: string }>`select webhook_secret from ticket_sync_settings where integration_id = ${id}`.execute(t.ctx.db);
    expect(stored.rows[0].webhook_secret).not.toContain(secret);
    const audit = await sql<{ before_json: string | null; after_json: string | null; change_notes: string }>`select before_json, after_json, change_notes from audit_log where resource = 'Ticket Sync Settings'`.execute(t.ctx.db);
    expect(audit.rows.length).toBeGreaterThan(0);
    for (const r of audit.rows) expect(JSON.stringify(r)).not.toContain(secret);
    const dump = await sql<Record<string, unknown>>`select * from audit_log`.execute(t.ctx.db);
    expect(JSON.stringify(dump.rows)).not.toContain(secret);
  });
});
