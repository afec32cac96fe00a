import { ConnectorError, TICKET_BATCH_LIMIT, type ExternalTicket, type TicketingConnector } from '../../../connectors/index.js';
import type { ApplyOutcome, Observation, SyncedIntegration, TicketStatusApplier } from './apply.js';
import { terminalsByProject, type JiraProjectTerminals } from './closed-states.js';
import type { IntegrationsPort } from './ports.js';
import type { SyncSettings } from './settings.js';
import type { SyncedTicket, TicketSyncStore } from './store.js';

export type PollLimits = {
  /** Tickets per request (Jira maxResults, ServiceNow sysparm_limit). */
  batchSize: number;
  /** Requests per integration per run; what is left waits for the next run, least recently synced first. */
  maxBatchesPerRun: number;
  /** Integrations looked at per scheduled run. */
  maxIntegrationsPerRun: number;
};

export const DEFAULT_POLL_LIMITS: PollLimits = { batchSize: TICKET_BATCH_LIMIT, maxBatchesPerRun: 50, maxIntegrationsPerRun: 500 };

export type PollResult = { polled: number; updated: number; requests: number; capped: boolean; retryAfterMs?: number; error?: string };

export function observation(t: ExternalTicket): Observation {
  return { status: t.status.name || t.status.id, statusId: t.status.id, statusCategory: t.status.category ?? null, assigneeExternalId: t.assigneeExternalId, updatedAt: t.updatedAt };
}

/** Reads open tickets from their systems in batches and applies what changed. */
export class TicketPoller {
  limits: PollLimits = { ...DEFAULT_POLL_LIMITS };

  constructor(
    private readonly store: TicketSyncStore,
    private readonly applier: TicketStatusApplier,
    private readonly integrations: IntegrationsPort,
    private readonly settings: SyncSettings,
  ) {}

  /** The scheduled run: every integration with sync on, open tickets and a due interval, polled once across processes. */
  async pollDue(now = new Date()): Promise<{ integrations: number; polled: number; updated: number }> {
    const totals = { integrations: 0, polled: 0, updated: 0 };
    for (const target of await this.store.integrationsWithOpenTickets(this.limits.maxIntegrationsPerRun)) {
      const integration = await this.integrations.get(target.org_id, target.integration_id).catch(() => null);
      if (!integration?.enabled || !integration.settings.syncTicketStatus) continue;
      const settings = await this.settings.ensure(target.org_id, target.integration_id);
      const nowIso = now.toISOString();
      const next = new Date(now.getTime() + settings.poll_interval_minutes * 60_000).toISOString();
      if (!(await this.store.claimPoll(target.integration_id, nowIso, next))) continue;
      const result = await this.pollIntegration(target.org_id, integration);
      totals.integrations++;
      totals.polled += result.polled;
      totals.updated += result.updated;
    }
    return totals;
  }

  /** One integration's open tickets, bounded by the limits; also "Poll now". */
  async pollIntegration(orgId: number, integration: Awaited<ReturnType<IntegrationsPort['get']>>): Promise<PollResult> {
    const synced: SyncedIntegration = { id: integration.id, orgId, type: integration.type, name: integration.name, closeIncident: integration.settings.closeIncidentOnTicketClosed };
    const cap = this.limits.batchSize * this.limits.maxBatchesPerRun;
    const tickets = await this.store.openTickets(orgId, integration.id, cap + 1);
    const result: PollResult = { polled: 0, updated: 0, requests: 0, capped: tickets.length > cap };
    if (tickets.length > 0) {
      const connector = await this.integrations.connectorFor(orgId, integration.id);
      const terminals = integration.type === 'jira_cloud' ? await this.jiraTerminals(orgId, integration.id) : null;
      for (let i = 0; i < Math.min(tickets.length, cap); i += this.limits.batchSize) {
        const batch = tickets.slice(i, i + this.limits.batchSize);
        try {
          const found = await this.read(connector, batch, result);
          for (const t of batch) {
            const seen = found.get(t.external_id!);
            if (!seen) continue;
            result.polled++;
            const outcome: ApplyOutcome = await this.applier.apply(synced, t, observation(seen), terminals?.get(t.project_id ?? -1) ?? null, 'poll');
            if (outcome !== 'unchanged' && outcome !== 'stale') result.updated++;
          }
        } catch (err) {
          if (!(err instanceof ConnectorError)) throw err;
          // Rate limited past what the client waits inline, an outage, refused credentials: stop here
          // (health has recorded it) and come back when the system asked, else at the next interval.
          result.error = err.message;
          result.retryAfterMs = err.opts.retryAfterMs;
          break;
        }
      }
      await this.integrations.settled(integration.id);
    }
    const now = Date.now();
    const dueAgain = result.retryAfterMs !== undefined ? new Date(now + result.retryAfterMs).toISOString() : result.capped ? new Date(now).toISOString() : undefined;
    await this.settings.ensure(orgId, integration.id);
    await this.store.updateSettings(integration.id, { last_poll_at: new Date(now).toISOString(), ...(dueAgain ? { poll_due_at: dueAgain } : {}) });
    return result;
  }

  /** One request per batch; Jira refuses a whole `key in (…)` query when one key no longer exists, so then each is read alone. */
  private async read(connector: TicketingConnector, batch: SyncedTicket[], result: PollResult): Promise<Map<string, ExternalTicket>> {
    const refs = batch.map((t) => ({ externalId: t.external_id!, key: t.external_key ?? '' }));
    const out = new Map<string, ExternalTicket>();
    try {
      result.requests++;
      for (const t of await connector.getTickets(refs)) out.set(t.externalId, t);
      return out;
    } catch (err) {
      if (!(err instanceof ConnectorError) || err.kind !== 'invalid' || batch.length === 1) throw err;
    }
    for (const ref of refs) {
      result.requests++;
      const t = await connector.getTicket(ref.externalId);
      if (t) out.set(t.externalId, t);
    }
    return out;
  }

  private async jiraTerminals(orgId: number, integrationId: number): Promise<Map<number, JiraProjectTerminals>> {
    return terminalsByProject(await this.integrations.projects(orgId, integrationId));
  }
}
