import { createHmac, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { fullPermissions } from '../../../src/platform/permissions.js';
import { systemPrincipal } from '../../../src/platform/principal.js';
import type { Session, TestApp } from '../../helpers/test-app.js';
import { connect, jiraBody, serviceNowBody, type Sandbox } from '../integrations/helpers.js';
import { incident } from '../incidents/helpers.js';

export type Kind = 'servicenow' | 'jira_cloud';

/** A connected integration with Sync ticket status on (and, unless told, Close incident when ticket is closed). */
export async function syncedIntegration(s: Session, sb: Sandbox, kind: Kind, closeIncident = true): Promise<number> {
  const body = kind === 'servicenow' ? serviceNowBody(sb) : jiraBody(sb);
  const created = await connect(s, body);
  const res = await s.patch(`/api/v1/integrations/${created.id}`, { settings: { syncTicketStatus: true, closeIncidentOnTicketClosed: closeIncident } });
  if (res.statusCode !== 200) throw new Error(`settings: ${res.statusCode} ${res.body}`);
  return created.id;
}

export type OpenTicket = { id: number; incidentId: number; externalId: string; key: string };

/**
 * An open ticket as the create path leaves it: the issue exists in the sandbox (made through the
 * connector) and our row holds its id, key and first status.
 */
export async function openTicket(t: TestApp, orgId: number, integrationId: number, kind: Kind): Promise<OpenTicket> {
  const actor = systemPrincipal(orgId, fullPermissions());
  const ingested = await t.ctx.incidents.ingestOne(actor, incident());
  const incidentId = ingested.id!;
  const connector = await t.ctx.integrations.connectorFor(orgId, integrationId);
  const marker = `wfa-t${randomUUID().slice(0, 8)}`;
  const assignee = await connector.lookupUserByEmail('abel.tuter@example.com');
  if (assignee.outcome !== 'found') throw new Error('sandbox user missing');
  const created = await connector.createTicket({
    marker,
    summary: 'DLP incident',
    description: 'From the sync tests',
    assigneeExternalId: assignee.user.externalId,
    ...(kind === 'jira_cloud' ? { projectKey: 'SEC', issueTypeId: '10001' } : {}),
  });
  const now = new Date().toISOString();
  const row = await t.ctx.db
    .withTables<{ tickets: Record<string, unknown> & { id: number } }>()
    .insertInto('tickets')
    .values({
      org_id: orgId,
      incident_id: incidentId,
      transaction_id: `txn-${incidentId}`,
      integration_id: integrationId,
      integration_type: kind,
      integration_name: 'x',
      integration_user_id: null,
      assignee_name: assignee.user.name,
      assignee_email: 'abel.tuter@example.com',
      assignee_external_id: assignee.user.externalId,
      project_id: null,
      project_key: kind === 'jira_cloud' ? 'SEC' : null,
      project_name: null,
      issue_type_id: null,
      notes: null,
      state: 'open',
      external_id: created.externalId,
      external_key: created.key,
      external_url: created.url,
      external_status: created.status.name,
      external_status_category: created.status.category ?? null,
      external_assignee_id: created.assigneeExternalId,
      requested_at: now,
      created_by: 'test',
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, incidentId, externalId: created.externalId, key: created.key };
}

export async function ticketRow(t: TestApp, id: number) {
  const r = await sql<Record<string, unknown>>`select * from tickets where id = ${id}`.execute(t.ctx.db);
  return r.rows[0] as { state: string; external_status: string | null; external_assignee_id: string | null; last_synced_at: string | null; closed_at: string | null };
}

export async function incidentOf(t: TestApp, orgId: number, incidentId: number) {
  const detail = await t.ctx.incidents.detail(orgId, incidentId);
  const events = await t.ctx.incidents.events(orgId, incidentId);
  return { status: detail.status, events };
}

export async function rotate(s: Session, integrationId: number, enable = true): Promise<string> {
  const res = await s.post(`/api/v1/integrations/${integrationId}/ticket-sync/rotate-secret`);
  if (res.statusCode !== 200) throw new Error(`rotate: ${res.statusCode} ${res.body}`);
  const secret = res.json().secret as string;
  if (enable) {
    const put = await s.put(`/api/v1/integrations/${integrationId}/ticket-sync`, { webhooksEnabled: true });
    if (put.statusCode !== 200) throw new Error(`enable webhooks: ${put.statusCode} ${put.body}`);
  }
  return secret;
}

/** A Jira `jira:issue_updated` delivery, signed as Jira signs it (computed here, independently of the server). */
export function jiraDelivery(secret: string | null, issue: { id: string; key: string }, status: { id: string; name: string; category: string }, over: { timestamp?: number; deliveryId?: string; updated?: string } = {}) {
  const payload = JSON.stringify({
    timestamp: over.timestamp ?? Date.now(),
    webhookEvent: 'jira:issue_updated',
    issue: { id: issue.id, key: issue.key, fields: { status: { id: status.id, name: status.name, statusCategory: { key: status.category } }, assignee: null, updated: over.updated ?? new Date().toISOString() } },
  });
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-atlassian-webhook-identifier': over.deliveryId ?? randomUUID() };
  if (secret !== null) headers['x-hub-signature'] = `sha256=${createHmac('sha256', secret).update(payload).digest('hex')}`;
  return { payload, headers };
}

export function serviceNowDelivery(secret: string | null, sysId: string, state: string, over: { timestamp?: number; deliveryId?: string } = {}) {
  const payload = JSON.stringify({ sys_id: sysId, number: 'INC', state, assigned_to: '', sys_updated_on: new Date().toISOString().slice(0, 19).replace('T', ' ') });
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-wfa-delivery': over.deliveryId ?? randomUUID(),
    'x-wfa-timestamp': String(over.timestamp ?? Date.now()),
  };
  if (secret !== null) headers['x-wfa-webhook-secret'] = secret;
  return { payload, headers };
}
