import type { Kysely } from 'kysely';
import { badRequest, notFound } from '../../platform/http/errors.js';
import type { Principal } from '../../platform/principal.js';
import type { AuditRecorder } from '../audit/service.js';
import type { GroupChange, GroupedIncidentState, IncidentGroupHooks } from '../incidents/group-hooks.js';
import type { BulkResult } from '../incidents/schemas.js';
import { priorityOfRank } from './evaluation.js';
import type { IncidentGroupsTables } from './migrations.js';
import type { IncidentGroupsStore } from './store.js';

export const MEMBERSHIP_AUDIT = { module: 'Incident Groups', resource: 'Incident' } as const;

const names = (list: string[]) => (list.length ? list.join(', ') : 'none');

/**
 * Update Incident Group (PRODUCT.md §5): an admin sets an incident's groups by hand. The groups
 * become exactly those chosen (at least one, all of the org), and the priority is re-derived as at
 * ingestion: the highest of the groups' priorities, or the current one when none of them has one.
 */
export class IncidentMembership {
  constructor(
    private readonly db: Kysely<IncidentGroupsTables>,
    private readonly store: IncidentGroupsStore,
    private readonly audit: AuditRecorder,
    private readonly hooks: Pick<IncidentGroupHooks, 'states' | 'recordGroupChanges'>,
  ) {}

  /**
   * One transaction for all the incidents: membership, priority, State Changes and audit commit
   * together. A single incident gets its refusal as an error; a bulk run reports it per id.
   */
  async set(actor: Principal, incidentIds: number[], groupIds: number[], notes: string | undefined, bulk: boolean): Promise<BulkResult> {
    const ids = [...new Set(incidentIds)];
    const results: BulkResult['results'] = [];
    await this.db.transaction().execute(async (trx) => {
      const groups = new Map((await this.store.all(actor.orgId, trx)).map((g) => [g.id, g]));
      groupIds.forEach((g, i) => {
        if (!groups.has(g))
          throw badRequest(`groupIds.${i}: incident group ${g} does not exist in your organization. Pick one from Setup > Incident Groups.`, [
            { field: `groupIds.${i}`, message: 'Unknown incident group.' },
          ]);
      });
      const chosen = groupIds.map((g) => groups.get(g)!).sort((a, b) => a.name_lower.localeCompare(b.name_lower) || a.id - b.id);
      const best = chosen.reduce<number | null>((m, g) => (g.priority !== null && (m === null || g.priority > m) ? g.priority : m), null);
      const derived = priorityOfRank(best);
      const afterNames = chosen.map((g) => g.name);

      const [states, current] = await Promise.all([this.hooks.states(trx, actor.orgId, ids), this.store.groupIdsOf(actor.orgId, ids, trx)]);
      const changes: { incident: GroupedIncidentState; change: GroupChange }[] = [];
      for (const id of ids) {
        const incident = states.get(id);
        if (!incident) {
          const e = notFound('Incident');
          if (!bulk) throw e;
          results.push({ id, ok: false, error: { code: e.code, message: e.message } });
          continue;
        }
        const beforeNames = (current.get(id) ?? [])
          .map((g) => groups.get(g)!)
          .sort((a, b) => a.name_lower.localeCompare(b.name_lower) || a.id - b.id)
          .map((g) => g.name);
        const priority = derived && derived !== incident.priority ? derived : null;
        const summary = [
          `Incident groups changed from ${names(beforeNames)} to ${names(afterNames)}`,
          priority ? `Priority changed from ${incident.priority} to ${priority}` : null,
        ]
          .filter(Boolean)
          .join('. ');
        changes.push({ incident, change: { priority, summary, notes, changedBy: actor.label, adminId: actor.adminId } });
        results.push({ id, ok: true });
        await this.audit.record(trx, actor, {
          action: 'Update',
          ...MEMBERSHIP_AUDIT,
          resourceId: id,
          notes: `Set the incident groups of incident ${incident.transactionId} to ${names(afterNames)}`,
          before: { incidentGroups: beforeNames, priority: incident.priority },
          after: { incidentGroups: afterNames, priority: priority ?? incident.priority },
        });
      }
      const done = changes.map((c) => c.incident.id);
      await this.store.clearMembers(trx, actor.orgId, done);
      await this.store.addMembers(
        trx,
        actor.orgId,
        done.flatMap((incidentId) => chosen.map((g) => ({ incidentId, groupId: g.id }))),
      );
      await this.hooks.recordGroupChanges(trx, actor.orgId, changes);
    });
    const succeeded = results.filter((r) => r.ok).length;
    return { succeeded, failed: results.length - succeeded, results };
  }
}
