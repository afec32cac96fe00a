import { nowIso } from '../../platform/db/database.js';
import type { AnyExec } from '../../platform/db/database.js';
import { notFound } from '../../platform/http/errors.js';
import type { IncidentChangeHooks, TicketFacts } from './change-hooks.js';
import type { IncidentTicketSummary } from './schemas.js';
import type { IncidentsStore } from './store.js';

/** The caller's transaction (the tickets module's), whose table set is its own. */
type Exec = AnyExec;

export type IncidentEventInput = {
  /** Machine-readable action name ("ticket", "ticket-failed", "ticket-status"). */
  action: string;
  /** What happened, for State Changes and Last Change. */
  summary: string;
  /** Who: an admin's label or "System". */
  changedBy: string;
  adminId: number | null;
  /** Set when the entry reports a ticket created or moved: followers (event webhooks) are told. */
  ticket?: { change: 'created' | 'status' } & TicketFacts;
};

/** The tickets' summary for a page of incidents (the list API shows it per row). */
export type TicketSummaries = (orgId: number, incidentIds: number[], exec: Exec) => Promise<Map<number, IncidentTicketSummary[]>>;

/**
 * What the tickets module may do to incidents: write State Changes entries and resolve an incident
 * whose ticket closed, inside the caller's transaction, without reaching into the incidents store.
 */
export class IncidentTicketHooks {
  private summaries: TicketSummaries | null = null;

  constructor(
    private readonly store: IncidentsStore,
    private readonly changes: Pick<IncidentChangeHooks, 'changed'>,
  ) {}

  /** A State Changes entry (the incident's status unchanged); 404 when the org has no such incident. */
  async recordEvent(exec: Exec, orgId: number, incidentId: number, event: IncidentEventInput): Promise<void> {
    const row = await this.store.get(orgId, incidentId, exec);
    if (!row) throw notFound('Incident');
    const now = nowIso();
    await this.store.update(exec, orgId, incidentId, { updated_at: now, last_change: event.summary });
    await this.store.addEvents(exec, [
      {
        org_id: orgId,
        incident_id: incidentId,
        state: row.status,
        action: event.action,
        created_at: now,
        changed_by: event.changedBy,
        admin_id: event.adminId,
        comment: event.summary,
      },
    ]);
    if (event.ticket) {
      const { change, ...ticket } = event.ticket;
      const kind = change === 'created' ? ('ticket.created' as const) : ('ticket.status_changed' as const);
      await this.changes.changed(exec, orgId, [{ kind, incidentId, at: now, summary: event.summary, ticket }]);
    }
  }

  /**
   * Entries without a ticket (their incidents' statuses unchanged) for many incidents in a few
   * statements: a batch of workflow starts. Incidents the org does not have are skipped.
   */
  async recordEvents(exec: Exec, orgId: number, items: { incidentId: number; event: Omit<IncidentEventInput, 'ticket'> }[]): Promise<void> {
    if (!items.length) return;
    const status = await this.store.statuses(orgId, [...new Set(items.map((i) => i.incidentId))], exec);
    const now = nowIso();
    const known = items.filter((i) => status.has(i.incidentId));
    const bySummary = new Map<string, number[]>();
    for (const i of known) bySummary.set(i.event.summary, [...(bySummary.get(i.event.summary) ?? []), i.incidentId]);
    for (const [summary, ids] of bySummary) await this.store.updateMany(exec, orgId, ids, { updated_at: now, last_change: summary });
    await this.store.addEvents(
      exec,
      known.map((i) => ({
        org_id: orgId,
        incident_id: i.incidentId,
        state: status.get(i.incidentId)!,
        action: i.event.action,
        created_at: now,
        changed_by: i.event.changedBy,
        admin_id: i.event.adminId,
        comment: i.event.summary,
      })),
    );
  }

  /** Resolved by "System" with its State Changes entry; false (nothing written) when already Resolved or gone. */
  async resolveBySystem(exec: Exec, orgId: number, incidentId: number, summary: string): Promise<boolean> {
    const row = await this.store.get(orgId, incidentId, exec);
    if (!row || row.status === 'Resolved') return false;
    const now = nowIso();
    await this.store.update(exec, orgId, incidentId, { status: 'Resolved', resolution_date: now, awaiting_user: null, updated_at: now, last_change: summary });
    await this.store.addEvents(exec, [
      { org_id: orgId, incident_id: incidentId, state: 'Resolved', action: 'close', created_at: now, changed_by: 'System', admin_id: null, comment: summary },
    ]);
    await this.changes.changed(exec, orgId, [{ kind: 'incident.resolved', incidentId, at: now, changedBy: 'System', summary }]);
    return true;
  }

  /** Set once by the tickets module: incidents in the list API carry their tickets' summary. */
  useTicketSummaries(fn: TicketSummaries): void {
    this.summaries = fn;
  }

  async ticketSummaries(orgId: number, incidentIds: number[], exec: Exec): Promise<Map<number, IncidentTicketSummary[]>> {
    if (!this.summaries || incidentIds.length === 0) return new Map();
    return this.summaries(orgId, incidentIds, exec);
  }
}
