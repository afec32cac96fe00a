import type { AnyExec } from '../../platform/db/database.js';
import type { GroupedIncident } from './group-hooks.js';
import type { Priority } from './schemas.js';

/**
 * The incidents one ingestion transaction created, ascending by id. `incidents()` is built from the
 * rows just written (what a read-back would return: the same conversion, no labels yet), on first
 * use only, so a batch whose listeners need only the ids pays nothing for it.
 */
export class IngestedBatch {
  private built: GroupedIncident[] | undefined;

  constructor(
    readonly ids: number[],
    private readonly build: () => GroupedIncident[],
    private readonly idsByTransaction: ReadonlyMap<string, number>,
  ) {}

  incidents(): GroupedIncident[] {
    this.built ??= this.build();
    return this.built;
  }

  /** The id of the incident of this transaction id, if this batch created it (a concurrent request may have). */
  idOf(transactionId: string): number | undefined {
    return this.idsByTransaction.get(transactionId);
  }
}

/** A State Changes entry a rule adds to a new incident; its summary is also the incident's Last Change. */
export type NewIncidentEvent = { action: string; summary: string; changedBy: string; adminId: number | null };

/**
 * The incidents of an ingestion before their rows are written, so rules can settle what goes in
 * them and each row is written once. `incidents()` is built on first use, as a read-back of the
 * rows would give them, except what only the write gives: `id` is 0, and duplicates are not
 * counted yet. Listeners tell the batch what to change through it, never by editing the objects
 * alone, and key what they keep for later by transaction id.
 */
export class PendingBatch {
  private built: GroupedIncident[] | undefined;
  private readonly priorities = new Map<string, Priority>();
  private readonly events = new Map<string, NewIncidentEvent[]>();

  constructor(private readonly build: () => GroupedIncident[]) {}

  incidents(): GroupedIncident[] {
    this.built ??= this.build();
    return this.built;
  }

  /** The priority the incident is stored with; later listeners see it on the incident. */
  setPriority(incident: GroupedIncident, priority: Priority): void {
    incident.priority = priority;
    this.priorities.set(incident.transactionId, priority);
  }

  /** An entry written with the incident, in order; the last one's summary is the incident's Last Change. */
  recordEvent(incident: GroupedIncident, event: NewIncidentEvent): void {
    incident.lastChange = event.summary;
    const list = this.events.get(incident.transactionId);
    if (list) list.push(event);
    else this.events.set(incident.transactionId, [event]);
  }

  priorityOf(transactionId: string): Priority | undefined {
    return this.priorities.get(transactionId);
  }

  eventsOf(transactionId: string): readonly NewIncidentEvent[] {
    return this.events.get(transactionId) ?? [];
  }
}

/** Called inside the ingestion transaction with the incidents it created. */
export type IngestedListener = (exec: AnyExec, orgId: number, batch: IngestedBatch) => Promise<void>;

/**
 * Called inside the ingestion transaction before the incidents are written; what it returns runs
 * once they are, with their ids (before the `onIngested` listeners).
 */
export type PendingListener = (exec: AnyExec, orgId: number, batch: PendingBatch) => Promise<IngestedListener | void>;

/**
 * What another module may do when incidents are ingested, without incidents importing it: settle
 * what the new rows hold and write its own rows in the same transaction (the workflows module
 * starts the matching executions), so no new incident is missed and none is seen twice.
 *
 * Three stages, so the order does not depend on the order modules are listed in: `onDerive`
 * listeners change the new incidents before they are written (incident groups set the priority
 * their groups derive); `onMatch` listeners run after them all on the incidents as they will be
 * written (workflows test their statements); `onIngested` listeners run once the rows are written
 * and every earlier listener's follow-up has run.
 */
export class IncidentIngestHooks {
  private readonly derive: PendingListener[] = [];
  private readonly match: PendingListener[] = [];
  private readonly listeners: IngestedListener[] = [];

  onDerive(fn: PendingListener): void {
    this.derive.push(fn);
  }

  onMatch(fn: PendingListener): void {
    this.match.push(fn);
  }

  onIngested(fn: IngestedListener): void {
    this.listeners.push(fn);
  }

  /** The `onDerive` then `onMatch` listeners; returns what runs once the rows are written. */
  async pending(exec: AnyExec, orgId: number, batch: PendingBatch): Promise<IngestedListener> {
    const after: IngestedListener[] = [];
    for (const fn of [...this.derive, ...this.match]) {
      const next = await fn(exec, orgId, batch);
      if (next) after.push(next);
    }
    return async (x, o, ingested) => {
      if (!ingested.ids.length) return;
      for (const fn of after) await fn(x, o, ingested);
      for (const fn of this.listeners) await fn(x, o, ingested);
    };
  }
}
