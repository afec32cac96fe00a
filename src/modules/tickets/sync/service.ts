import type { Kysely } from 'kysely';
import type { SecretBox } from '../../../platform/secrets.js';
import type { Principal } from '../../../platform/principal.js';
import type { ClosedTicketPolicy, TicketSyncView } from '../schemas.js';
import { TicketStatusApplier } from './apply.js';
import { TicketPoller, type PollResult } from './poller.js';
import type { AuditPort, IncidentHooks, IntegrationsPort } from './ports.js';
import { SyncSettings, type SyncSettingsInput } from './settings.js';
import { TicketSyncStore } from './store.js';
import { WebhookReceiver, type WebhookRequest, type WebhookResult, type WebhookSystem } from './webhooks.js';

export type TicketSyncDeps = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the store names its own tables
  db: Kysely<any>;
  secrets: SecretBox;
  publicUrl: string | null;
  audit: AuditPort;
  integrations: IntegrationsPort;
  /** A getter: the incidents hooks may be wired after this service is built. */
  incidents: () => IncidentHooks;
};

/** Accepted delivery ids are kept this long: far past the timestamp window, so a replay is refused by either check. */
const DELIVERY_RETENTION_MS = 2 * 24 * 60 * 60_000;

/**
 * Ticket status sync: the scheduled poll, the two webhook endpoints, auto-close, and the
 * per-integration settings (interval, webhooks and their secret, closed-ticket policy).
 */
export class TicketSyncService {
  private readonly settings: SyncSettings;
  readonly poller: TicketPoller;
  private readonly webhooks: WebhookReceiver;
  private readonly store: TicketSyncStore;

  constructor(private readonly deps: TicketSyncDeps) {
    this.store = new TicketSyncStore(deps.db);
    const applier = new TicketStatusApplier(deps.db, this.store, deps.incidents);
    this.settings = new SyncSettings(deps.db, this.store, deps.integrations, deps.audit, deps.secrets, deps.publicUrl);
    this.poller = new TicketPoller(this.store, applier, deps.integrations, this.settings);
    this.webhooks = new WebhookReceiver(deps.db, this.store, this.settings, deps.integrations, applier);
  }

  view(orgId: number, integrationId: number): Promise<TicketSyncView> {
    return this.settings.view(orgId, integrationId);
  }

  update(actor: Principal, integrationId: number, input: SyncSettingsInput): Promise<TicketSyncView> {
    return this.settings.update(actor, integrationId, input);
  }

  rotateSecret(actor: Principal, integrationId: number): Promise<TicketSyncView> {
    return this.settings.rotateSecret(actor, integrationId);
  }

  /** What the create path does when the incident's ticket on this integration is closed. */
  closedTicketPolicy(orgId: number, integrationId: number): Promise<ClosedTicketPolicy> {
    return this.settings.closedTicketPolicy(orgId, integrationId);
  }

  /** "Poll now": the integration's open tickets at once, within the same bounds as the schedule. */
  async pollNow(actor: Principal, integrationId: number): Promise<PollResult> {
    const integration = await this.deps.integrations.get(actor.orgId, integrationId);
    SyncSettings.requireSync(integration);
    return this.poller.pollIntegration(actor.orgId, integration);
  }

  /** The every-minute schedule: polls what is due, and forgets delivery ids too old to matter. */
  async pollDue(): Promise<void> {
    await this.poller.pollDue();
    await this.store.purgeDeliveries(new Date(Date.now() - DELIVERY_RETENTION_MS).toISOString());
  }

  /** For the demo only: see demo.ts. */
  secretForDemo(actor: Principal, integrationId: number): Promise<string> {
    return this.settings.secretForDemo(actor, integrationId);
  }

  receiveWebhook(system: WebhookSystem, req: WebhookRequest): Promise<WebhookResult> {
    return this.webhooks.receive(system, req);
  }
}
