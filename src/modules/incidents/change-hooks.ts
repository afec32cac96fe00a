import type { AnyExec } from '../../platform/db/database.js';

/** What a ticket change says about its ticket (the tickets and status-sync modules fill it in). */
export type TicketFacts = {
  id: number;
  key: string | null;
  url: string | null;
  status: string | null;
  integrationId: number;
  integrationName: string;
  system: string;
};

/** A change to an incident that another module may follow (outbound event webhooks). */
export type IncidentChange =
  | { kind: 'incident.resolved'; incidentId: number; at: string; changedBy: string; summary: string }
  | { kind: 'ticket.created' | 'ticket.status_changed'; incidentId: number; at: string; summary: string; ticket: TicketFacts };

/** Called inside the transaction that made the changes, once per batch. */
export type ChangeListener = (exec: AnyExec, orgId: number, changes: IncidentChange[]) => Promise<void>;

/**
 * Incidents resolved (by an admin, the compatible API or a closed ticket) and tickets created or
 * moved, told to listeners in the transaction that wrote them, so a listener's outbox rows commit
 * or roll back with the change itself. Incidents stays unaware of who listens.
 */
export class IncidentChangeHooks {
  private readonly listeners: ChangeListener[] = [];

  onChanges(fn: ChangeListener): void {
    this.listeners.push(fn);
  }

  async changed(exec: AnyExec, orgId: number, changes: IncidentChange[]): Promise<void> {
    if (!changes.length) return;
    for (const fn of this.listeners) await fn(exec, orgId, changes);
  }
}
