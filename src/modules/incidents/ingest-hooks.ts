import type { AnyExec } from '../../platform/db/database.js';

/** Called inside the ingestion transaction with the ids of the incidents it created. */
export type IngestedListener = (exec: AnyExec, orgId: number, incidentIds: number[]) => Promise<void>;

/**
 * What another module may do when incidents are ingested, without incidents importing it: write
 * its own outbox rows in the same transaction (the workflows module enqueues their evaluation),
 * so no new incident is missed and none is seen twice.
 */
export class IncidentIngestHooks {
  private readonly listeners: IngestedListener[] = [];

  onIngested(fn: IngestedListener): void {
    this.listeners.push(fn);
  }

  async ingested(exec: AnyExec, orgId: number, incidentIds: number[]): Promise<void> {
    if (!incidentIds.length) return;
    for (const fn of this.listeners) await fn(exec, orgId, incidentIds);
  }
}
