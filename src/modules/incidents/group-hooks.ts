import type { AnyExec } from '../../platform/db/database.js';
import { listItem, PRIORITY_RANK } from './incident-view.js';
import type { IncidentDetail, IncidentListItem, Priority } from './schemas.js';
import type { IncidentsStore } from './store.js';

/** A new incident as group evaluation sees it: the list fields and the ingested details. */
export type GroupedIncident = Omit<IncidentListItem, 'tickets' | 'justification' | 'incidentGroups'> & { details: IncidentDetail['details'] };

/**
 * What the incident-groups module does to incidents inside the ingestion transaction: read the
 * new incidents (through that transaction: the rows are not committed yet) and set the priority
 * their groups derive, before anything after the commit (the workflow evaluation job) reads it.
 */
export class IncidentGroupHooks {
  constructor(private readonly store: IncidentsStore) {}

  async incidents(exec: AnyExec, orgId: number, ids: number[]): Promise<GroupedIncident[]> {
    const rows = await this.store.many(orgId, ids, exec);
    return rows.map((r) => ({
      ...listItem({ ...r, admin_name: null, admin_email: null }, []),
      details: JSON.parse(r.details) as IncidentDetail['details'],
    }));
  }

  /** The org's incident ids after `afterId`, ascending (re-evaluation walks them in batches). */
  async idsAfter(orgId: number, afterId: number, limit: number): Promise<number[]> {
    return this.store.idsAfter(orgId, afterId, limit);
  }

  async setPriority(exec: AnyExec, orgId: number, ids: number[], priority: Priority): Promise<void> {
    if (!ids.length) return;
    await this.store.setPriority(exec, orgId, ids, PRIORITY_RANK[priority]);
  }
}
