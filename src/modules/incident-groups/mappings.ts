import type { Kysely } from 'kysely';
import { movedPositions } from '../workflows/reorder.js';
import type { AnyExec } from '../../platform/db/database.js';
import { nowIso } from '../../platform/db/database.js';
import { badRequest, notFound } from '../../platform/http/errors.js';
import type { Principal } from '../../platform/principal.js';
import type { AuditRecorder } from '../audit/service.js';
import { validateCondition, type Condition } from '../workflows/conditions.js';
import type { IncidentGroupsTables } from './migrations.js';
import type { GroupMappingBody, GroupMappingList, GroupMappingView, SOURCE_DLP_TYPES } from './schemas.js';
import type { IncidentGroupsStore } from './store.js';

const MODULE = 'Incident Groups';
const RESOURCE = 'Incident Group Mapping';

/**
 * Incident Group Mappings: ordered statements (the Workflow Mappings builder and its validation),
 * each naming the groups it assigns, and the default group for incidents none matches.
 */
export class GroupMappings {
  constructor(
    private readonly db: Kysely<IncidentGroupsTables>,
    private readonly store: IncidentGroupsStore,
    private readonly audit: AuditRecorder,
  ) {}

  async list(orgId: number, exec?: AnyExec): Promise<GroupMappingList> {
    const [rows, targets, groups, defaultId] = await Promise.all([
      this.store.mappings(orgId, exec),
      this.store.targets(orgId, exec),
      this.store.all(orgId, exec),
      this.store.defaultGroupId(orgId, exec),
    ]);
    const names = new Map(groups.map((g) => [g.id, g.name]));
    const ref = (id: number) => ({ id, name: names.get(id) ?? '' });
    return {
      items: rows.map((m, i) => ({
        id: m.id,
        position: i + 1,
        sourceDlpType: m.source_dlp_type as (typeof SOURCE_DLP_TYPES)[number],
        condition: m.condition ? (JSON.parse(m.condition) as Condition) : null,
        groups: (targets.get(m.id) ?? []).map(ref).sort((a, b) => a.name.localeCompare(b.name)),
      })),
      defaultGroup: defaultId === null ? null : ref(defaultId),
    };
  }

  private async find(orgId: number, id: number, exec?: AnyExec): Promise<GroupMappingView> {
    const m = (await this.list(orgId, exec)).items.find((x) => x.id === id);
    if (!m) throw notFound('Mapping statement');
    return m;
  }

  /** The same checks as Workflow Mappings (each problem names its predicate), and groups of this org. */
  private async check(orgId: number, body: GroupMappingBody, exec: AnyExec): Promise<string[]> {
    if (body.condition) {
      const problems = validateCondition(body.condition);
      if (problems.length)
        throw badRequest(
          `${problems[0].path}: ${problems[0].message}`,
          problems.map((p) => ({ field: p.path, message: p.message })),
        );
    }
    const groups = new Map((await this.store.all(orgId, exec)).map((g) => [g.id, g.name]));
    const names: string[] = [];
    for (const [i, id] of body.groupIds.entries()) {
      const name = groups.get(id);
      if (name === undefined)
        throw badRequest(`groupIds.${i}: incident group ${id} does not exist. Pick one from Setup > Incident Groups.`, [
          { field: `groupIds.${i}`, message: 'Unknown incident group.' },
        ]);
      names.push(name);
    }
    return names;
  }

  async add(actor: Principal, body: GroupMappingBody): Promise<GroupMappingView> {
    const id = await this.db.transaction().execute(async (trx) => {
      const names = await this.check(actor.orgId, body, trx);
      const all = await this.store.mappings(actor.orgId, trx);
      const now = nowIso();
      const mid = await this.store.insertMapping(trx, {
        org_id: actor.orgId,
        position: all.length ? all[all.length - 1].position + 1 : 1,
        source_dlp_type: body.sourceDlpType,
        condition: body.condition ? JSON.stringify(body.condition) : null,
        created_at: now,
        updated_at: now,
      });
      await this.store.replaceTargets(trx, actor.orgId, mid, body.groupIds);
      await this.audit.record(trx, actor, {
        action: 'Insert',
        module: MODULE,
        resource: RESOURCE,
        resourceId: mid,
        notes: `Added mapping statement for incident group${names.length === 1 ? '' : 's'} ${names.join(', ')}`,
        after: { groups: names, sourceDlpType: body.sourceDlpType, condition: body.condition },
      });
      return mid;
    });
    return this.find(actor.orgId, id);
  }

  async update(actor: Principal, id: number, body: GroupMappingBody): Promise<GroupMappingView> {
    await this.db.transaction().execute(async (trx) => {
      const before = await this.find(actor.orgId, id, trx);
      const names = await this.check(actor.orgId, body, trx);
      await this.store.updateMapping(trx, actor.orgId, id, {
        source_dlp_type: body.sourceDlpType,
        condition: body.condition ? JSON.stringify(body.condition) : null,
        updated_at: nowIso(),
      });
      await this.store.replaceTargets(trx, actor.orgId, id, body.groupIds);
      await this.audit.record(trx, actor, {
        action: 'Update',
        module: MODULE,
        resource: RESOURCE,
        resourceId: id,
        notes: `Updated mapping statement ${before.position}`,
        before: { groups: before.groups.map((g) => g.name), sourceDlpType: before.sourceDlpType, condition: before.condition },
        after: { groups: names, sourceDlpType: body.sourceDlpType, condition: body.condition },
      });
    });
    return this.find(actor.orgId, id);
  }

  async remove(actor: Principal, id: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const before = await this.find(actor.orgId, id, trx);
      await this.store.deleteMapping(trx, actor.orgId, id);
      await this.audit.record(trx, actor, {
        action: 'Delete',
        module: MODULE,
        resource: RESOURCE,
        resourceId: id,
        notes: `Deleted mapping statement ${before.position} (${before.groups.map((g) => g.name).join(', ')})`,
        before: { groups: before.groups.map((g) => g.name), sourceDlpType: before.sourceDlpType, condition: before.condition },
      });
    });
  }

  /** Up/down: swaps the statement with its neighbour; at an end it is refused (nothing to swap with). */
  async move(actor: Principal, id: number, direction: 'up' | 'down'): Promise<GroupMappingList> {
    await this.db.transaction().execute(async (trx) => {
      const all = await this.store.mappings(actor.orgId, trx);
      const move = movedPositions(all, id, direction);
      for (const m of move.changes) await this.store.updateMapping(trx, actor.orgId, m.id, { position: m.position });
      await this.audit.record(trx, actor, {
        action: 'Update',
        module: MODULE,
        resource: RESOURCE,
        resourceId: id,
        notes: `Moved mapping statement ${move.from} ${direction} to position ${move.to}`,
        before: { position: move.from },
        after: { position: move.to },
      });
    });
    return this.list(actor.orgId);
  }

  /** The default incident group (null: unmatched incidents get none). */
  async setDefault(actor: Principal, groupId: number | null): Promise<GroupMappingList> {
    await this.db.transaction().execute(async (trx) => {
      const before = await this.store.defaultGroupId(actor.orgId, trx);
      const group = groupId === null ? null : await this.store.get(actor.orgId, groupId, trx);
      if (groupId !== null && !group)
        throw badRequest(`groupId: incident group ${groupId} does not exist. Pick one from Setup > Incident Groups.`, [
          { field: 'groupId', message: 'Unknown incident group.' },
        ]);
      if (before === groupId) return;
      const beforeName = before === null ? null : ((await this.store.get(actor.orgId, before, trx))?.name ?? null);
      await this.store.setDefaultGroup(trx, actor.orgId, groupId, nowIso());
      await this.audit.record(trx, actor, {
        action: 'Update',
        module: MODULE,
        resource: 'Default Incident Group',
        notes: group ? `Set the default incident group to ${group.name}` : 'Removed the default incident group',
        before: { defaultGroup: beforeName },
        after: { defaultGroup: group?.name ?? null },
      });
    });
    return this.list(actor.orgId);
  }
}
