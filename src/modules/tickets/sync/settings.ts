import type { Kysely } from 'kysely';
import { badRequest, conflict } from '../../../platform/http/errors.js';
import type { Principal } from '../../../platform/principal.js';
import type { SecretBox } from '../../../platform/secrets.js';
import type { ClosedTicketPolicy, TicketSyncView } from '../schemas.js';
import type { AuditPort, IntegrationsPort } from './ports.js';
import { newWebhookSecret } from './signatures.js';
import { setupSteps } from './setup-steps.js';
import type { SettingsRecord, TicketSyncStore } from './store.js';

export const DEFAULTS = { pollIntervalMinutes: 15, webhooksEnabled: false, closedTicketPolicy: 'create_new' as ClosedTicketPolicy };

export type SyncSettingsInput = { pollIntervalMinutes?: number; webhooksEnabled?: boolean; closedTicketPolicy?: ClosedTicketPolicy };

const AUDIT = { module: 'Integrations', resource: 'Ticket Sync Settings' } as const;

/** Per-integration status-sync settings: poll interval, webhooks and their secret, closed-ticket policy. */
export class SyncSettings {
  constructor(
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the store names its own tables
    private readonly db: Kysely<any>,
    private readonly store: TicketSyncStore,
    private readonly integrations: IntegrationsPort,
    private readonly audit: AuditPort,
    private readonly secrets: SecretBox,
    private readonly publicUrl: string | null,
  ) {}

  /** The row, created with the defaults when the integration has none yet. */
  ensure(orgId: number, integrationId: number, exec = this.db, by = 'System'): Promise<SettingsRecord> {
    return this.store.ensureSettings(exec, {
      org_id: orgId,
      integration_id: integrationId,
      poll_interval_minutes: DEFAULTS.pollIntervalMinutes,
      webhooks_enabled: DEFAULTS.webhooksEnabled ? 1 : 0,
      closed_ticket_policy: DEFAULTS.closedTicketPolicy,
      webhook_secret: null,
      poll_due_at: null,
      last_poll_at: null,
      last_webhook_at: null,
      modified_at: new Date().toISOString(),
      modified_by: by,
    });
  }

  async view(orgId: number, integrationId: number, secret: string | null = null): Promise<TicketSyncView> {
    const integration = await this.integrations.get(orgId, integrationId);
    const row = await this.store.settings(integrationId);
    const webhookUrl = `${(this.publicUrl ?? 'http://localhost:8080').replace(/\/+$/, '')}/api/v1/webhooks/${integration.type === 'jira_cloud' ? 'jira' : 'servicenow'}/${integrationId}`;
    const projectKeys = integration.type === 'jira_cloud' ? (await this.integrations.projects(orgId, integrationId)).map((p) => p.key) : [];
    return {
      integrationId,
      pollIntervalMinutes: row?.poll_interval_minutes ?? DEFAULTS.pollIntervalMinutes,
      webhooksEnabled: row ? row.webhooks_enabled === 1 : DEFAULTS.webhooksEnabled,
      closedTicketPolicy: row?.closed_ticket_policy ?? DEFAULTS.closedTicketPolicy,
      webhookUrl,
      secret,
      secretSet: !!row?.webhook_secret,
      setupSteps: setupSteps(integration.type, webhookUrl, projectKeys, !!this.publicUrl),
      lastPollAt: row?.last_poll_at ?? null,
      lastWebhookAt: row?.last_webhook_at ?? null,
    };
  }

  async update(actor: Principal, integrationId: number, input: SyncSettingsInput): Promise<TicketSyncView> {
    await this.integrations.get(actor.orgId, integrationId);
    await this.db.transaction().execute(async (trx) => {
      const row = await this.ensure(actor.orgId, integrationId, trx, actor.label);
      if (input.webhooksEnabled && !row.webhook_secret) {
        throw badRequest('Webhooks need a secret first: click Rotate secret, set it up in the ticketing system, then turn webhooks on.');
      }
      const before = publicSettings(row);
      const after = {
        pollIntervalMinutes: input.pollIntervalMinutes ?? before.pollIntervalMinutes,
        webhooksEnabled: input.webhooksEnabled ?? before.webhooksEnabled,
        closedTicketPolicy: input.closedTicketPolicy ?? before.closedTicketPolicy,
      };
      if (JSON.stringify(before) === JSON.stringify(after)) return;
      await this.store.updateSettings(integrationId, {
        poll_interval_minutes: after.pollIntervalMinutes,
        webhooks_enabled: after.webhooksEnabled ? 1 : 0,
        closed_ticket_policy: after.closedTicketPolicy,
        // A shorter interval takes effect from now rather than after the old one runs out.
        ...(after.pollIntervalMinutes !== before.pollIntervalMinutes ? { poll_due_at: null } : {}),
        modified_at: new Date().toISOString(),
        modified_by: actor.label,
      }, trx);
      await this.audit.record(trx, actor, { action: 'Update', ...AUDIT, resourceId: integrationId, notes: 'Changed ticket status sync settings.', before, after });
    });
    return this.view(actor.orgId, integrationId);
  }

  /** A new webhook secret, returned in this answer only; the old one stops working at once. */
  async rotateSecret(actor: Principal, integrationId: number): Promise<TicketSyncView> {
    await this.integrations.get(actor.orgId, integrationId);
    const secret = newWebhookSecret();
    await this.db.transaction().execute(async (trx) => {
      const row = await this.ensure(actor.orgId, integrationId, trx, actor.label);
      await this.store.updateSettings(integrationId, { webhook_secret: this.secrets.seal(secret), modified_at: new Date().toISOString(), modified_by: actor.label }, trx);
      await this.audit.record(trx, actor, {
        action: 'Update',
        ...AUDIT,
        resourceId: integrationId,
        notes: row.webhook_secret ? 'Rotated the webhook secret.' : 'Created the webhook secret.',
        // Redacted by key name: the entry says that it changed, never what it is.
        before: { webhookSecret: row.webhook_secret ? 'set' : null },
        after: { webhookSecret: 'set' },
      });
    });
    return this.view(actor.orgId, integrationId, secret);
  }

  /** Read by the create path when the incident's ticket on this integration is closed. */
  async closedTicketPolicy(orgId: number, integrationId: number): Promise<ClosedTicketPolicy> {
    const row = await this.store.settings(integrationId);
    return row && row.org_id === orgId ? row.closed_ticket_policy : DEFAULTS.closedTicketPolicy;
  }

  /**
   * The demo's sandbox must sign with the secret stored here: the stored one in clear, or a new one
   * (rotated, audited) when there is none. Never exposed by a route.
   */
  async secretForDemo(actor: Principal, integrationId: number): Promise<string> {
    const row = await this.store.settings(integrationId);
    const stored = row && row.org_id === actor.orgId ? this.openSecret(row) : null;
    if (stored) return stored;
    return (await this.rotateSecret(actor, integrationId)).secret!;
  }

  /** The secret in clear, for verifying a push; null when none was made. */
  openSecret(row: SettingsRecord): string | null {
    return row.webhook_secret ? this.secrets.open(row.webhook_secret) : null;
  }

  /** Refuses a poll-now for an integration whose sync is off, with the setting to change. */
  static requireSync(integration: { name: string; enabled: boolean; settings: { syncTicketStatus: boolean } }): void {
    if (!integration.enabled) throw conflict(`${integration.name} is disabled. Enable it on Setup > Integrations first.`);
    if (!integration.settings.syncTicketStatus) throw conflict(`Sync ticket status is off for ${integration.name}. Turn it on in the integration's settings first.`);
  }
}

function publicSettings(row: SettingsRecord) {
  return { pollIntervalMinutes: row.poll_interval_minutes, webhooksEnabled: row.webhooks_enabled === 1, closedTicketPolicy: row.closed_ticket_policy };
}
