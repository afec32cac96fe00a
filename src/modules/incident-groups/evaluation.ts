import type { AnyExec } from '../../platform/db/database.js';
import type { GroupedIncident, IncidentGroupHooks } from '../incidents/group-hooks.js';
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

/**
 * Assigns new incidents their groups and the priority those derive, inside the ingestion
 * transaction: the incidents commit with their groups, and the workflow evaluation that runs after
 * the commit (a job) already sees the derived priority. An incident none of whose groups has a
 * priority keeps the one it was ingested with.
 */
export async function assignGroups(
  store: IncidentGroupsStore,
  hooks: Pick<IncidentGroupHooks, 'incidents' | 'setPriority'>,
  exec: AnyExec,
  orgId: number,
  ids: number[],
): Promise<void> {
  const [records, defaultGroupId] = await Promise.all([store.mappings(orgId, exec), store.defaultGroupId(orgId, exec)]);
  // Most orgs without groups pay two small reads per ingested batch, nothing per incident.
  if (!records.length && defaultGroupId === null) return;
  const [targets, groups, incidents] = await Promise.all([store.targets(orgId, exec), store.all(orgId, exec), hooks.incidents(exec, orgId, ids)]);
  const statements: Statement[] = records.map((r) => ({
    record: r,
    condition: r.condition ? (JSON.parse(r.condition) as Condition) : null,
    groupIds: targets.get(r.id) ?? [],
  }));
  const rankOf = new Map(groups.map((g) => [g.id, g.priority]));
  const members: { incidentId: number; groupId: number }[] = [];
  const byPriority = new Map<Priority, number[]>();
  for (const incident of incidents) {
    const ids = groupsFor(statements, defaultGroupId, incident);
    let best: number | null = null;
    for (const g of ids) {
      members.push({ incidentId: incident.id, groupId: g });
      const r = rankOf.get(g);
      if (r !== null && r !== undefined && (best === null || r > best)) best = r;
    }
    const derived = priorityOfRank(best);
    if (derived && derived !== incident.priority) byPriority.set(derived, [...(byPriority.get(derived) ?? []), incident.id]);
  }
  await store.addMembers(exec, orgId, members);
  for (const [p, list] of byPriority) await hooks.setPriority(exec, orgId, list, p);
}
