import type { Kysely } from 'kysely';
import { AppError, notFound } from '../../../platform/http/errors.js';
import type { ApplyOutcome, TicketStatusApplier } from './apply.js';
import { terminalsByProject } from './closed-states.js';
import type { IntegrationsPort } from './ports.js';
import type { SyncSettings } from './settings.js';
import { SERVICENOW_DELIVERY_HEADER, SERVICENOW_SECRET_HEADER, SERVICENOW_TIMESTAMP_HEADER } from './setup-steps.js';
import { freshTimestamp, validHubSignature, validSharedSecret } from './signatures.js';
import { parseJiraPush, parseServiceNowPush, type ParseOutcome } from './webhook-payloads.js';
import type { TicketSyncStore } from './store.js';

export type WebhookSystem = 'jira' | 'servicenow';
export type WebhookRequest = { integrationId: number; headers: Record<string, string | string[] | undefined>; rawBody: Buffer };
export type WebhookResult = { outcome: ApplyOutcome | 'ignored'; detail?: string };

const JIRA_DELIVERY_HEADER = 'x-atlassian-webhook-identifier';
const DELIVERY_ID = /^[A-Za-z0-9._:-]{1,128}$/;

const unauthorized = (message: string) => new AppError(401, 'unauthorized', message);
const replayed = () => new AppError(409, 'replayed', 'This delivery was already received; a repeated delivery changes nothing.');

function header(h: WebhookRequest['headers'], name: string): string | undefined {
  const v = h[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Takes a status push from Jira (HMAC-SHA256 signature) or ServiceNow (shared-secret header).
 * Order matters: nothing about an integration is revealed before the sender proved it holds the
 * secret, and nothing changes unless the push is signed, fresh and not seen before.
 */
export class WebhookReceiver {
  constructor(
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the store names its own tables
    private readonly db: Kysely<any>,
    private readonly store: TicketSyncStore,
    private readonly settings: SyncSettings,
    private readonly integrations: IntegrationsPort,
    private readonly applier: TicketStatusApplier,
  ) {}

  async receive(system: WebhookSystem, req: WebhookRequest): Promise<WebhookResult> {
    const row = await this.store.settings(req.integrationId);
    const integration = row ? await this.integrations.get(row.org_id, req.integrationId).catch(() => null) : null;
    const secret = row ? this.settings.openSecret(row) : null;
    const expectedType = system === 'jira' ? 'jira_cloud' : 'servicenow';
    if (!row || !integration || integration.type !== expectedType || !secret || row.webhooks_enabled !== 1) {
      throw notFound('Webhook');
    }

    let parsed: ParseOutcome;
    let deliveryId: string | undefined;
    if (system === 'jira') {
      if (!validHubSignature(req.rawBody, secret, header(req.headers, 'x-hub-signature'))) {
        throw unauthorized('The X-Hub-Signature header is missing or does not match the body signed with this integration\'s webhook secret.');
      }
      deliveryId = header(req.headers, JIRA_DELIVERY_HEADER);
      parsed = parseJiraPush(req.rawBody);
    } else {
      if (!validSharedSecret(secret, header(req.headers, SERVICENOW_SECRET_HEADER))) {
        throw unauthorized(`The ${SERVICENOW_SECRET_HEADER} header is missing or is not this integration's webhook secret.`);
      }
      deliveryId = header(req.headers, SERVICENOW_DELIVERY_HEADER);
      parsed = parseServiceNowPush(req.rawBody, header(req.headers, SERVICENOW_TIMESTAMP_HEADER));
    }
    if (!deliveryId || !DELIVERY_ID.test(deliveryId)) {
      throw unauthorized(`A delivery id (${system === 'jira' ? 'X-Atlassian-Webhook-Identifier' : SERVICENOW_DELIVERY_HEADER}) of up to 128 letters, digits or . _ : - is required, so a replay can be refused.`);
    }
    if (!parsed.ok) throw new AppError(400, 'bad_request', parsed.message);
    if (!freshTimestamp(parsed.push.timestamp)) {
      throw unauthorized('The delivery\'s timestamp is missing or more than 10 minutes away from this server\'s clock; it may be a replay.');
    }
    if (!integration.enabled || !integration.settings.syncTicketStatus) {
      throw new AppError(409, 'conflict', `Sync ticket status is off for ${integration.name}; the push was not applied.`);
    }
    const push = parsed.push;
    const synced = { id: integration.id, orgId: row.org_id, type: integration.type, name: integration.name, closeIncident: integration.settings.closeIncidentOnTicketClosed };
    const terminals = integration.type === 'jira_cloud' ? await this.jiraTerminalsFor(row.org_id, integration.id, push) : null;

    return this.db.transaction().execute(async (trx) => {
      const now = new Date().toISOString();
      if (!(await this.store.acceptDelivery(trx, integration.id, deliveryId, now))) throw replayed();
      await this.store.updateSettings(integration.id, { last_webhook_at: now }, trx);
      if (push.kind === 'ignored') return { outcome: 'ignored' as const, detail: push.reason };
      const ticket = await this.store.ticketByExternalId(row.org_id, integration.id, push.externalId, trx);
      if (!ticket) return { outcome: 'ignored' as const, detail: 'No ticket of this integration has that id.' };
      return { outcome: await this.applier.applyIn(trx, synced, ticket, push.seen, terminals?.get(ticket.project_id ?? -1) ?? null, 'webhook') };
    });
  }

  private async jiraTerminalsFor(orgId: number, integrationId: number, push: { kind: string }) {
    return push.kind === 'ticket' ? terminalsByProject(await this.integrations.projects(orgId, integrationId)) : null;
  }
}
