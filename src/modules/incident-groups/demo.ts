import type { Principal } from '../../platform/principal.js';
import type { Priority } from '../incidents/vocabulary.js';
import type { Condition } from '../workflows/conditions.js';
import type { IncidentGroupsService } from './service.js';

const GROUPS: { type: string; name: string; description: string; priority: Priority | null }[] = [
  { type: 'Department', name: 'Finance', description: 'Incidents of the Finance department', priority: 'High' },
  { type: 'Department', name: 'Human Resources', description: 'Incidents of the Human Resources department', priority: 'Medium' },
  { type: 'Data Class', name: 'Critical Data', description: 'Critical severity, whoever raised it', priority: 'Critical' },
  { type: 'Catch-all', name: 'General', description: 'Incidents no statement matches (the default group)', priority: null },
];

const STATEMENTS: { groups: string[]; condition: Condition }[] = [
  { groups: ['Finance'], condition: { type: 'predicate', property: 'department', operation: 'EQUALS', value: 'Finance' } },
  { groups: ['Human Resources'], condition: { type: 'predicate', property: 'department', operation: 'EQUALS', value: 'Human Resources' } },
  { groups: ['Critical Data'], condition: { type: 'predicate', property: 'severity', operation: 'EQUALS', value: 'Critical' } },
];

/**
 * Demo incident groups, their mappings, a default group and priorities; the demo incidents (seeded
 * before this module) are then evaluated, so the Incidents page shows their groups. Idempotent:
 * nothing is added once the org has incident groups.
 */
export async function seedDemoIncidentGroups(svc: IncidentGroupsService, actor: Principal): Promise<string[]> {
  if ((await svc.choices(actor.orgId)).items.length) return [];
  const ids = new Map<string, number>();
  for (const g of GROUPS) ids.set(g.name, (await svc.create(actor, { type: g.type, name: g.name, description: g.description })).id);
  for (const s of STATEMENTS) await svc.mappings.add(actor, { sourceDlpType: 'Any', condition: s.condition, groupIds: s.groups.map((n) => ids.get(n)!) });
  await svc.mappings.setDefault(actor, ids.get('General')!);
  await svc.savePriorities(actor, { items: GROUPS.filter((g) => g.priority).map((g) => ({ groupId: ids.get(g.name)!, priority: g.priority! })) });
  await svc.reevaluate(actor.orgId);
  return [];
}
