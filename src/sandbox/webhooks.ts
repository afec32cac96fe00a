import { createHmac, randomUUID } from 'node:crypto';
import { SN_STATES, type SandboxState, type SandboxSystem } from './state.js';

/**
 * Outbound status pushes, as the real systems send them once set up per the product's steps:
 * Jira admin webhooks (`jira:issue_updated`, HMAC-SHA256 of the body in X-Hub-Signature, a delivery
 * id in X-Atlassian-Webhook-Identifier) and the ServiceNow Business Rule + outbound REST message
 * (shared secret, delivery id and timestamp headers, the record's state and assignee).
 */

const TIMEOUT_MS = 5_000;

function jiraDelivery(state: SandboxState, id: string): { body: string; headers: Record<string, string> } | null {
  const issue = state.jira.issues.find((i) => i.id === id);
  if (!issue) return null;
  const project = state.jira.projects.find((p) => p.key === issue.projectKey)!;
  const status = project.statuses.find((s) => s.id === issue.statusId)!;
  const assignee = state.jira.accounts.find((a) => a.accountId === issue.assigneeAccountId);
  const body = JSON.stringify({
    timestamp: Date.now(),
    webhookEvent: 'jira:issue_updated',
    issue_event_type_name: 'issue_generic',
    issue: {
      id: issue.id,
      key: issue.key,
      fields: {
        status: { id: status.id, name: status.name, statusCategory: { key: status.category } },
        assignee: assignee ? { accountId: assignee.accountId, displayName: assignee.displayName } : null,
        labels: issue.labels,
        updated: issue.updated,
      },
    },
  });
  return { body, headers: { 'X-Atlassian-Webhook-Identifier': randomUUID() } };
}

function serviceNowDelivery(state: SandboxState, sysId: string): { body: string; headers: Record<string, string> } | null {
  const incident = state.servicenow.incidents.find((i) => i.sys_id === sysId);
  if (!incident) return null;
  const body = JSON.stringify({
    sys_id: incident.sys_id,
    number: incident.number,
    state: incident.state,
    state_name: SN_STATES.find(([v]) => v === incident.state)?.[1] ?? incident.state,
    assigned_to: incident.assigned_to,
    sys_updated_on: incident.sys_updated_on,
  });
  return { body, headers: { 'X-WFA-Delivery': randomUUID(), 'X-WFA-Timestamp': String(Date.now()) } };
}

/** Sends the push for one changed ticket to the configured URL, if any; the outcome goes to `state.webhookDeliveries`. */
export async function sendTicketWebhook(state: SandboxState, system: SandboxSystem, id: string): Promise<void> {
  const target = state.webhooks[system];
  if (!target) return;
  const delivery = system === 'jira' ? jiraDelivery(state, id) : serviceNowDelivery(state, id);
  if (!delivery) return;
  const headers: Record<string, string> = { 'Content-Type': 'application/json', ...delivery.headers };
  if (system === 'jira') headers['X-Hub-Signature'] = `sha256=${createHmac('sha256', target.secret).update(delivery.body).digest('hex')}`;
  else headers['X-WFA-Webhook-Secret'] = target.secret;
  const at = new Date().toISOString();
  try {
    const res = await fetch(target.url, { method: 'POST', headers, body: delivery.body, signal: AbortSignal.timeout(TIMEOUT_MS) });
    await res.arrayBuffer();
    state.recordDelivery({ system, ticket: id, url: target.url, at, status: res.status });
  } catch (err) {
    state.recordDelivery({ system, ticket: id, url: target.url, at, status: null, error: (err as Error).message });
  }
}

/** The URL must be http(s); the secret is what the product's integration page showed after Rotate secret. */
export function parseWebhookTarget(body: Record<string, unknown>): { url: string; secret: string } | null | string {
  if (body.url === null || body.url === '') return null;
  if (typeof body.url !== 'string' || !/^https?:\/\/\S+$/.test(body.url)) return 'url must be an http(s) URL, or empty to stop sending';
  if (typeof body.secret !== 'string' || body.secret.length < 1 || body.secret.length > 500) return 'secret must be 1–500 characters';
  return { url: body.url, secret: body.secret };
}
