import type { Kysely } from 'kysely';
import { nowIso } from '../../platform/db/database.js';
import { isUniqueViolation } from '../../platform/db/errors.js';
import { badRequest, conflict, notFound } from '../../platform/http/errors.js';
import type { Principal } from '../../platform/principal.js';
import type { AuditRecorder } from '../audit/service.js';
import type { IncidentGroupHooks } from '../incidents/group-hooks.js';
import type { IncidentIngestHooks } from '../incidents/ingest-hooks.js';
import type { IncidentPrivacyHooks } from '../incidents/privacy.js';
import type { BulkResult, IncidentDetail } from '../incidents/schemas.js';
import type { WorkflowsService } from '../workflows/service.js';
import { assignGroups, assignGroupsAtIngestion, priorityOfRank, RANK_OF } from './evaluation.js';
import { IncidentMembership } from './incident-membership.js';
import { GroupMappings } from './mappings.js';
import type { IncidentGroupsTables } from './migrations.js';
import type {
  BulkSetIncidentGroupsBody,
  GroupBody,
  GroupListQuery,
  GroupPage,
  GroupView,
  PrioritiesBody,
  PriorityList,
  SetIncidentGroupsBody,
} from './schemas.js';
import { IncidentGroupsStore, type GroupRecord } from './store.js';

export const GROUPS_MODULE = 'Incident Groups';
const PRIORITIES_MODULE = 'Priorities';

export type IncidentGroupsDeps = {
  db: Kysely<IncidentGroupsTables>;
  audit: AuditRecorder;
  incidents: {
    ingestHooks: Pick<IncidentIngestHooks, 'onDerive'>;
    groupHooks: Pick<IncidentGroupHooks, 'incidents' | 'setPriority' | 'idsAfter' | 'states' | 'recordGroupChanges'>;
    /** Update Incident Group answers the incident's details, as the caller may see them. */
    detail(orgId: number, id: number): Promise<IncidentDetail>;
    privacyHooks: Pick<IncidentPrivacyHooks, 'detail'>;
  };
  workflows: Pick<WorkflowsService, 'vocabulary'>;
};

/** What the compatible API shows of an incident's group (reference §8.6). */
export type IncidentGroupInfo = { id: number; type: string; name: string; description: string | null; mapped: boolean };

/**
 * Incident Groups (PRODUCT.md §14) and Priorities (§11): the groups, the ordered statements that
 * put new incidents in them (mappings.ts), the default group, each group's priority, and the
 * assignment at ingestion (evaluation.ts).
 */
export class IncidentGroupsService {
  readonly store: IncidentGroupsStore;
  readonly mappings: GroupMappings;
  private readonly membership: IncidentMembership;

  constructor(private readonly deps: IncidentGroupsDeps) {
    this.store = new IncidentGroupsStore(deps.db);
    this.mappings = new GroupMappings(deps.db, this.store, deps.audit);
    this.membership = new IncidentMembership(deps.db, this.store, deps.audit, deps.incidents.groupHooks);
    // A derive listener: the workflows' statements, tested after it, see the derived priority.
    deps.incidents.ingestHooks.onDerive((exec, orgId, batch) => assignGroupsAtIngestion(this.store, exec, orgId, batch));
  }

  vocabulary() {
    return this.deps.workflows.vocabulary();
  }

  // ---------------------------------------------------------------- groups

  private views(rows: GroupRecord[], counts: Map<number, number>, defaultId: number | null): GroupView[] {
    return rows.map((r) => ({
      id: r.id,
      type: r.type,
      name: r.name,
      description: r.description,
      priority: priorityOfRank(r.priority),
      mappings: counts.get(r.id) ?? 0,
      isDefault: r.id === defaultId,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    }));
  }

  async list(orgId: number, q: GroupListQuery): Promise<GroupPage> {
    const { rows, total } = await this.store.page(orgId, q);
    const [counts, defaultId] = await Promise.all([
      this.store.mappingCounts(
        orgId,
        rows.map((r) => r.id),
      ),
      this.store.defaultGroupId(orgId),
    ]);
    return { items: this.views(rows, counts, defaultId), total, page: q.page, pageSize: q.pageSize };
  }

  async choices(orgId: number) {
    return { items: (await this.store.all(orgId)).map((g) => ({ id: g.id, type: g.type, name: g.name })) };
  }

  async types(orgId: number) {
    return { items: await this.store.types(orgId) };
  }

  async get(orgId: number, id: number): Promise<GroupView> {
    const r = await this.store.get(orgId, id);
    if (!r) throw notFound('Incident group');
    const [counts, defaultId] = await Promise.all([this.store.mappingCounts(orgId, [id]), this.store.defaultGroupId(orgId)]);
    return this.views([r], counts, defaultId)[0];
  }

  private nameTaken(name: string) {
    return conflict(`An incident group named "${name}" already exists. Choose another Name.`);
  }

  async create(actor: Principal, body: GroupBody): Promise<GroupView> {
    const now = nowIso();
    const id = await this.deps.db
      .transaction()
      .execute(async (trx) => {
        const gid = await this.store.insert(trx, {
          org_id: actor.orgId,
          type: body.type,
          name: body.name,
          name_lower: body.name.toLowerCase(),
          description: body.description || null,
          priority: null,
          created_at: now,
          updated_at: now,
        });
        await this.deps.audit.record(trx, actor, {
          action: 'Insert',
          module: GROUPS_MODULE,
          resource: 'Incident Group',
          resourceId: gid,
          notes: `Added incident group ${body.name} (${body.type})`,
          after: { type: body.type, name: body.name, description: body.description || null },
        });
        return gid;
      })
      .catch((e: unknown) => {
        if (isUniqueViolation(e)) throw this.nameTaken(body.name);
        throw e;
      });
    return this.get(actor.orgId, id);
  }

  async update(actor: Principal, id: number, body: GroupBody): Promise<GroupView> {
    await this.deps.db
      .transaction()
      .execute(async (trx) => {
        const before = await this.store.get(actor.orgId, id, trx);
        if (!before) throw notFound('Incident group');
        await this.store.update(trx, actor.orgId, id, {
          type: body.type,
          name: body.name,
          name_lower: body.name.toLowerCase(),
          description: body.description || null,
          updated_at: nowIso(),
        });
        await this.deps.audit.record(trx, actor, {
          action: 'Update',
          module: GROUPS_MODULE,
          resource: 'Incident Group',
          resourceId: id,
          notes: `Updated incident group ${body.name}`,
          before: { type: before.type, name: before.name, description: before.description },
          after: { type: body.type, name: body.name, description: body.description || null },
        });
      })
      .catch((e: unknown) => {
        if (isUniqueViolation(e)) throw this.nameTaken(body.name);
        throw e;
      });
    return this.get(actor.orgId, id);
  }

  /**
   * Refused while a mapping statement assigns the group or it is the default group (new incidents
   * would silently stop getting it). Incidents already in it leave it; their priority stays.
   */
  async remove(actor: Principal, id: number): Promise<void> {
    await this.deps.db.transaction().execute(async (trx) => {
      const r = await this.store.get(actor.orgId, id, trx);
      if (!r) throw notFound('Incident group');
      const used = (await this.store.mappingCounts(actor.orgId, [id], trx)).get(id) ?? 0;
      if (used)
        throw conflict(
          `Incident group ${r.name} is assigned by ${used} mapping statement${used === 1 ? '' : 's'}. Remove it from ${used === 1 ? 'that statement' : 'those statements'} on Incident Group Mappings first.`,
        );
      if ((await this.store.defaultGroupId(actor.orgId, trx)) === id)
        throw conflict(`Incident group ${r.name} is the default incident group. Choose another default on Incident Group Mappings first.`);
      await this.store.delete(trx, actor.orgId, id);
      await this.deps.audit.record(trx, actor, {
        action: 'Delete',
        module: GROUPS_MODULE,
        resource: 'Incident Group',
        resourceId: id,
        notes: `Deleted incident group ${r.name}`,
        before: { type: r.type, name: r.name, description: r.description, priority: priorityOfRank(r.priority) },
      });
    });
  }

  // ---------------------------------------------------------------- priorities

  async priorities(orgId: number): Promise<PriorityList> {
    const all = await this.store.all(orgId);
    return {
      groups: all.map((g) => ({ id: g.id, type: g.type, name: g.name })),
      items: all
        .filter((g) => g.priority !== null)
        .map((g) => ({ groupId: g.id, groupName: g.name, groupType: g.type, priority: priorityOfRank(g.priority)! })),
    };
  }

  /** Save on Setup > Priorities: the list as shown; a group left out has no priority. Affects new incidents. */
  async savePriorities(actor: Principal, body: PrioritiesBody): Promise<PriorityList> {
    const seen = new Map<number, number>();
    body.items.forEach((row, i) => {
      const first = seen.get(row.groupId);
      if (first !== undefined)
        throw badRequest(`items.${i}.groupId: this incident group already has a priority in row ${first + 1}; keep one row per group.`, [
          { field: `items.${i}.groupId`, message: 'Duplicate incident group.' },
        ]);
      seen.set(row.groupId, i);
    });
    await this.deps.db.transaction().execute(async (trx) => {
      const groups = await this.store.all(actor.orgId, trx);
      const byId = new Map(groups.map((g) => [g.id, g]));
      body.items.forEach((row, i) => {
        if (!byId.has(row.groupId))
          throw badRequest(`items.${i}.groupId: incident group ${row.groupId} does not exist. Pick one from Setup > Incident Groups.`, [
            { field: `items.${i}.groupId`, message: 'Unknown incident group.' },
          ]);
      });
      const wanted = new Map(body.items.map((r) => [r.groupId, RANK_OF[r.priority]]));
      // Lists of "group: priority", not objects keyed by group name: audit redaction goes by key name.
      const before: string[] = [];
      const after: string[] = [];
      const now = nowIso();
      for (const g of groups) {
        const next = wanted.get(g.id) ?? null;
        if (g.priority !== null) before.push(`${g.name}: ${priorityOfRank(g.priority)}`);
        if (next !== null) after.push(`${g.name}: ${priorityOfRank(next)}`);
        if (next !== g.priority) await this.store.update(trx, actor.orgId, g.id, { priority: next, updated_at: now });
      }
      if (JSON.stringify(before) !== JSON.stringify(after))
        await this.deps.audit.record(trx, actor, {
          action: 'Update',
          module: PRIORITIES_MODULE,
          resource: 'Priorities',
          notes: `Saved priorities of ${body.items.length} incident group${body.items.length === 1 ? '' : 's'}`,
          before,
          after,
        });
    });
    return this.priorities(actor.orgId);
  }

  /** Delete on a row of Setup > Priorities: the group keeps existing, without a priority. */
  async removePriority(actor: Principal, groupId: number): Promise<void> {
    await this.deps.db.transaction().execute(async (trx) => {
      const g = await this.store.get(actor.orgId, groupId, trx);
      if (!g || g.priority === null) throw notFound('Priority');
      await this.store.update(trx, actor.orgId, groupId, { priority: null, updated_at: nowIso() });
      await this.deps.audit.record(trx, actor, {
        action: 'Delete',
        module: PRIORITIES_MODULE,
        resource: 'Priority',
        resourceId: groupId,
        notes: `Removed the priority of incident group ${g.name}`,
        before: { group: g.name, priority: priorityOfRank(g.priority) },
      });
    });
  }

  // ---------------------------------------------------------------- incidents

  /**
   * Runs today's statements, default group and priorities over the org's existing incidents (new
   * ones get them at ingestion), a batch per transaction. Used by the demo after its incidents are
   * in; returns how many incidents were evaluated.
   */
  async reevaluate(orgId: number, batch = 500): Promise<number> {
    let after = 0;
    let n = 0;
    for (;;) {
      const ids = await this.deps.incidents.groupHooks.idsAfter(orgId, after, batch);
      if (!ids.length) return n;
      await this.deps.db.transaction().execute(async (trx) => {
        await this.store.clearMembers(trx, orgId, ids);
        await assignGroups(this.store, this.deps.incidents.groupHooks, trx, orgId, () => this.deps.incidents.groupHooks.incidents(trx, orgId, ids));
      });
      n += ids.length;
      after = ids[ids.length - 1];
    }
  }

  /** Update Incident Group on one incident: its details after the change, as the caller may see them. */
  async setIncidentGroups(actor: Principal, incidentId: number, body: SetIncidentGroupsBody): Promise<IncidentDetail> {
    await this.membership.set(actor, [incidentId], body.groupIds, body.notes, false);
    return this.deps.incidents.privacyHooks.detail(actor, await this.deps.incidents.detail(actor.orgId, incidentId));
  }

  /** Update Incident Group on the selected incidents, with a result per incident. */
  bulkSetIncidentGroups(actor: Principal, body: BulkSetIncidentGroupsBody): Promise<BulkResult> {
    return this.membership.set(actor, body.ids, body.groupIds, body.notes, true);
  }

  /** An incident's groups as the compatible API shows them; the caller checked the incident exists. */
  async groupsOfIncident(orgId: number, incidentId: number): Promise<IncidentGroupInfo[]> {
    const rows = await this.store.groupsOf(orgId, incidentId);
    const [counts, defaultId] = await Promise.all([
      this.store.mappingCounts(
        orgId,
        rows.map((r) => r.id),
      ),
      this.store.defaultGroupId(orgId),
    ]);
    return rows.map((r) => ({
      id: r.id,
      type: r.type,
      name: r.name,
      description: r.description,
      mapped: (counts.get(r.id) ?? 0) > 0 || r.id === defaultId,
    }));
  }
}
