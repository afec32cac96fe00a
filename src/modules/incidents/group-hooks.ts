import { nowIso, type AnyExec } from '../../platform/db/database.js';
import { listItem, PRIORITY_RANK, priorityOf } from './incident-view.js';
import type { IncidentDetail, IncidentListItem, Priority, Status } from './schemas.js';
import type { IncidentRecord, IncidentsStore } from './store.js';

/** A new incident as group evaluation sees it: the list fields and the ingested details. */
export type GroupedIncident = Omit<IncidentListItem, 'tickets' | 'justification' | 'incidentGroups'> & { details: IncidentDetail['details'] };

/** An incident as Update Incident Group reads it in its transaction. */
export type GroupedIncidentState = { id: number; transactionId: string; status: Status; priority: Priority };

/** What Update Incident Group did to one incident, for its State Changes entry and Last Change. */
export type GroupChange = {
  /** The priority the new groups derive; null keeps the current one. */
  priority: Priority | null;
  summary: string;
  notes?: string;
  changedBy: string;
  adminId: number | null;
};

/** A row as ingestion writes it, before the write gives it an id and a duplicate count. */
export type UnwrittenIncident = Omit<IncidentRecord, 'search_text' | 'id' | 'duplicate_count' | 'false_positive'>;

/**
 * A stored incident as rules see it: the conversion read-backs and ingestion's in-memory batch
 * share. `parsed`: the row's JSON columns as the values they were written from (ingestion), which
 * saves parsing them again. `written`: the id and duplicate count of a row given without them.
 */
export function groupedIncident(
  r: Omit<IncidentRecord, 'search_text'>,
  parsed?: Pick<GroupedIncident, 'rules' | 'engines' | 'dictionaries' | 'details'>,
): GroupedIncident;
export function groupedIncident(
  r: UnwrittenIncident,
  parsed: Pick<GroupedIncident, 'rules' | 'engines' | 'dictionaries' | 'details'>,
  written: { id: number; duplicateCount: number },
): GroupedIncident;
export function groupedIncident(
  r: UnwrittenIncident & Partial<Pick<IncidentRecord, 'id' | 'duplicate_count'>>,
  parsed?: Pick<GroupedIncident, 'rules' | 'engines' | 'dictionaries' | 'details'>,
  written?: { id: number; duplicateCount: number },
): GroupedIncident {
  // Filled in place, never by copying the row (a spread of its thirty-odd columns costs more than
  // the rest of the conversion): ingestion converts every new incident of a batch when rules read them.
  const incident = listItem(r as Omit<IncidentRecord, 'search_text'>, [], parsed) as GroupedIncident;
  if (written) {
    incident.id = written.id;
    incident.duplicateCount = written.duplicateCount;
  }
  incident.details = parsed ? parsed.details : (JSON.parse(r.details) as IncidentDetail['details']);
  return incident;
}

/**
 * What the incident-groups module does to incidents inside its transactions: read them
 * (re-evaluation; at ingestion the batch hands them over) and set the priority their groups derive,
 * in the ingestion transaction before the `onIngested` listeners (the workflows' evaluation) see the
 * batch; on Update Incident Group, re-derive the priority and write the State Changes entry.
 */
export class IncidentGroupHooks {
  constructor(private readonly store: IncidentsStore) {}

  async incidents(exec: AnyExec, orgId: number, ids: number[]): Promise<GroupedIncident[]> {
    return (await this.store.many(orgId, ids, exec)).map((r) => groupedIncident(r));
  }

  /** The org's incident ids after `afterId`, ascending (re-evaluation walks them in batches). */
  async idsAfter(orgId: number, afterId: number, limit: number): Promise<number[]> {
    return this.store.idsAfter(orgId, afterId, limit);
  }

  async setPriority(exec: AnyExec, orgId: number, ids: number[], priority: Priority): Promise<void> {
    if (!ids.length) return;
    await this.store.setPriority(exec, orgId, ids, PRIORITY_RANK[priority]);
  }

  /**
   * The org's incidents among `ids`, as the caller's transaction sees them (absent ids are left out),
   * locked first by a write: a concurrent Update Incident Group on the same incident waits for this
   * transaction, and then reads its groups as committed, instead of both replacing the same old set
   * and the incident ending up with the union of theirs.
   */
  async states(exec: AnyExec, orgId: number, ids: number[]): Promise<Map<number, GroupedIncidentState>> {
    await this.store.updateMany(
      exec,
      orgId,
      [...ids].sort((a, b) => a - b),
      { updated_at: nowIso() },
    );
    const rows = await this.store.many(orgId, ids, exec);
    return new Map(rows.map((r) => [r.id, { id: r.id, transactionId: r.transaction_id, status: r.status as Status, priority: priorityOf(r.priority) }]));
  }

  /**
   * Per incident read through `states` in the same transaction: sets the derived priority (if any)
   * and Last Change, and writes the State Changes entries; the status stays.
   */
  async recordGroupChanges(exec: AnyExec, orgId: number, changes: { incident: GroupedIncidentState; change: GroupChange }[]): Promise<void> {
    const now = nowIso();
    for (const { incident, change } of changes)
      await this.store.update(exec, orgId, incident.id, {
        ...(change.priority ? { priority: PRIORITY_RANK[change.priority] } : {}),
        updated_at: now,
        last_change: change.summary,
      });
    await this.store.addEvents(
      exec,
      changes.map(({ incident, change }) => ({
        org_id: orgId,
        incident_id: incident.id,
        state: incident.status,
        action: 'incident-groups',
        created_at: now,
        changed_by: change.changedBy,
        admin_id: change.adminId,
        comment: change.notes ? `${change.summary}. Notes: ${change.notes}` : change.summary,
      })),
    );
  }
}
