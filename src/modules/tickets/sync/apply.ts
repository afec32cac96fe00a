import type { Kysely, Transaction } from 'kysely';
import type { IntegrationType } from '../../../connectors/index.js';
import { isClosedStatus, type JiraProjectTerminals } from './closed-states.js';
import type { IncidentHooks } from './ports.js';
import type { ObservedTicket, SyncedTicket, TicketSyncStore } from './store.js';

export type SyncedIntegration = { id: number; orgId: number; type: IntegrationType; name: string; closeIncident: boolean };
export type Observation = ObservedTicket & { statusId: string };
export type ApplyOutcome = 'unchanged' | 'updated' | 'closed' | 'reopened' | 'stale';

const SOURCE_LABEL = { poll: 'status sync', webhook: 'webhook' } as const;

/**
 * Applies what the ticketing system says about one ticket: stores the live status and assignee,
 * and moves the ticket between open and closed with its State Changes entry. Closing may resolve
 * the incident (the integration's "Close incident when ticket is closed"); reopening never
 * reopens the incident silently, it only notes it.
 */
export class TicketStatusApplier {
  constructor(
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the store names its own tables
    private readonly db: Kysely<any>,
    private readonly store: TicketSyncStore,
    private readonly incidents: () => IncidentHooks,
  ) {}

  apply(
    integration: SyncedIntegration,
    ticket: SyncedTicket,
    seen: Observation,
    terminals: JiraProjectTerminals | null,
    source: 'poll' | 'webhook',
  ): Promise<ApplyOutcome> {
    return this.db.transaction().execute((trx) => this.applyIn(trx, integration, ticket, seen, terminals, source));
  }

  /** The same, inside the caller's transaction (a webhook records its delivery id in the same one). */
  async applyIn(
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any transaction on the app's database
    trx: Transaction<any>,
    integration: SyncedIntegration,
    ticket: SyncedTicket,
    seen: Observation,
    terminals: JiraProjectTerminals | null,
    source: 'poll' | 'webhook',
  ): Promise<ApplyOutcome> {
    const closed = isClosedStatus(integration.type, { id: seen.statusId, category: seen.statusCategory }, terminals);
    const key = ticket.external_key ?? ticket.external_id ?? `#${ticket.id}`;
    const statusChanged = ticket.external_status !== seen.status || ticket.external_assignee_id !== seen.assigneeExternalId;
    {
      const now = new Date().toISOString();
      if (!(await this.store.recordObserved(trx, ticket, seen, now))) return 'stale';
      const hooks = this.incidents();
      const facts = () => ({
        change: 'status' as const,
        id: ticket.id,
        key: ticket.external_key,
        url: ticket.external_url,
        status: seen.status,
        integrationId: integration.id,
        integrationName: integration.name,
        system: integration.type,
      });
      if (closed && ticket.state === 'open' && (await this.store.transition(trx, ticket, 'closed', now))) {
        const summary = `${integration.name} ticket ${key} is ${seen.status} (${SOURCE_LABEL[source]}).`;
        await hooks.recordEvent(trx, ticket.org_id, ticket.incident_id, {
          action: 'ticket-status',
          summary,
          changedBy: 'System',
          adminId: null,
          ticket: facts(),
        });
        if (integration.closeIncident) {
          await hooks.resolveBySystem(
            trx,
            ticket.org_id,
            ticket.incident_id,
            `Resolved because ${integration.name} ticket ${key} was closed (${seen.status}).`,
          );
        }
        return 'closed';
      }
      if (!closed && ticket.state === 'closed' && (await this.store.transition(trx, ticket, 'open', now))) {
        const summary = `${integration.name} ticket ${key} was reopened (${seen.status}); the incident keeps its status.`;
        await hooks.recordEvent(trx, ticket.org_id, ticket.incident_id, {
          action: 'ticket-status',
          summary,
          changedBy: 'System',
          adminId: null,
          ticket: facts(),
        });
        return 'reopened';
      }
      return statusChanged ? 'updated' : 'unchanged';
    }
  }
}
