import type { AnyExec } from '../../platform/db/database.js';
import type { GroupedIncident, IncidentGroupHooks } from '../incidents/group-hooks.js';
import type { IngestedListener, PendingBatch } from '../incidents/ingest-hooks.js';
import { PRIORITIES, type Priority } from '../incidents/vocabulary.js';
import { attributesOf } from '../workflows/attributes.js';
import { matches, type Condition } from '../workflows/conditions.js';
import type { GroupMappingRecord, IncidentGroupsStore } from './store.js';

/** Ranks as the incidents table stores them (0 Low … 3 Critical). */
export const RANK_OF: Record<Priority, number> = { Low: 0, Medium: 1, High: 2, Critical: 3 };
export const priorityOfRank = (n: number | null): Priority | null => (n === null ? null : (PRIORITIES.find((p) => RANK_OF[p] === n) ?? null));

type Statement = { record: GroupMappingRecord; condition: Condition | null; groupIds: number[] };

/** Does the statement's Source DLP Type and condition hold for the incident? (The same evaluator as Workflow Mappings.) */
export function statementHolds(s: Pick<Statement, 'record' | 'condition'>, incident: GroupedIncident): boolean {
  if (s.record.source_dlp_type !== 'Any' && s.record.source_dlp_type !== incident.sourceType) return false;
  return s.condition ? matches(s.condition, attributesOf(incident)) : true;
}

/**
 * The groups of one incident: those of **every** statement that matches (an incident can be in
 * several groups, and its priority is the highest of theirs), or the default group when none does.
 * Statement order only orders the Mappings page; it does not stop evaluation.
 */
export function groupsFor(statements: Statement[], defaultGroupId: number | null, incident: GroupedIncident): number[] {
  const out = new Set<number>();
  for (const s of statements) if (statementHolds(s, incident)) for (const g of s.groupIds) out.add(g);
  if (!out.size && defaultGroupId !== null) out.add(defaultGroupId);
  return [...out];
}

/** What the org's statements, default group and priorities give a set of incidents. */
type Assignment = {
  members: { incident: GroupedIncident; groupId: number }[];
  /** The incidents whose groups derive a priority other than the one they have. */
  derived: { incident: GroupedIncident; priority: Priority }[];
};

/** Null when the org has neither statements nor a default group; `incidents` is only asked for otherwise. */
async function assignmentOf(
  store: IncidentGroupsStore,
  exec: AnyExec,
  orgId: number,
  incidentsOf: () => GroupedIncident[] | Promise<GroupedIncident[]>,
): Promise<Assignment | null> {
  const [records, defaultGroupId] = await Promise.all([store.mappings(orgId, exec), store.defaultGroupId(orgId, exec)]);
  // Most orgs without groups pay two small reads per ingested batch, nothing per incident.
  if (!records.length && defaultGroupId === null) return null;
  const [targets, groups, incidents] = await Promise.all([store.targets(orgId, exec), store.all(orgId, exec), incidentsOf()]);
  const statements: Statement[] = records.map((r) => ({
    record: r,
    condition: r.condition ? (JSON.parse(r.condition) as Condition) : null,
    groupIds: targets.get(r.id) ?? [],
  }));
  const rankOf = new Map(groups.map((g) => [g.id, g.priority]));
  const out: Assignment = { members: [], derived: [] };
  for (const incident of incidents) {
    let best: number | null = null;
    for (const g of groupsFor(statements, defaultGroupId, incident)) {
      out.members.push({ incident, groupId: g });
      const r = rankOf.get(g);
      if (r !== null && r !== undefined && (best === null || r > best)) best = r;
    }
    const derived = priorityOfRank(best);
    if (derived && derived !== incident.priority) out.derived.push({ incident, priority: derived });
  }
  return out;
}

/**
 * New incidents, before their rows are written: each is stored with the priority its groups derive
 * (the workflows' statements, tested next, see it), and joins its groups once it has an id. An
 * incident none of whose groups has a priority keeps the one it was ingested with.
 */
export async function assignGroupsAtIngestion(
  store: IncidentGroupsStore,
  exec: AnyExec,
  orgId: number,
  batch: PendingBatch,
): Promise<IngestedListener | undefined> {
  const a = await assignmentOf(store, exec, orgId, () => batch.incidents());
  if (!a) return undefined;
  for (const { incident, priority } of a.derived) batch.setPriority(incident, priority);
  return async (x, o, ingested) => {
    const members: { incidentId: number; groupId: number }[] = [];
    for (const m of a.members) {
      const incidentId = ingested.idOf(m.incident.transactionId);
      if (incidentId !== undefined) members.push({ incidentId, groupId: m.groupId });
    }
    await store.addMembers(x, o, members);
  };
}

/**
 * Stored incidents (re-evaluation): their groups and the priority those derive, in the caller's
 * transaction. An incident none of whose groups has a priority keeps its own.
 */
export async function assignGroups(
  store: IncidentGroupsStore,
  hooks: Pick<IncidentGroupHooks, 'setPriority'>,
  exec: AnyExec,
  orgId: number,
  incidentsOf: () => GroupedIncident[] | Promise<GroupedIncident[]>,
): Promise<void> {
  const a = await assignmentOf(store, exec, orgId, incidentsOf);
  if (!a) return;
  await store.addMembers(
    exec,
    orgId,
    a.members.map((m) => ({ incidentId: m.incident.id, groupId: m.groupId })),
  );
  const byPriority = new Map<Priority, number[]>();
  for (const { incident, priority } of a.derived) byPriority.set(priority, [...(byPriority.get(priority) ?? []), incident.id]);
  for (const [p, ids] of byPriority) await hooks.setPriority(exec, orgId, ids, p);
}
