import { sql, type Kysely, type Selectable } from 'kysely';
import type { AnyExec } from '../../platform/db/database.js';
import type { Exec } from '../../platform/db/exec.js';
import { containing } from '../../platform/db/like.js';
import type { IncidentGroupMappingsTable, IncidentGroupsTable, IncidentGroupsTables } from './migrations.js';
import type { GroupListQuery } from './schemas.js';
import { chunks } from '../../platform/db/chunks.js';

export type GroupRecord = Selectable<IncidentGroupsTable>;
export type GroupMappingRecord = Selectable<IncidentGroupMappingsTable>;

const SORT_COLUMN = { type: 'type', name: 'name_lower', description: 'description' } as const;

/** The incident-groups module's tables; every query is scoped by org. */
export class IncidentGroupsStore {
  constructor(readonly db: Kysely<IncidentGroupsTables>) {}

  private x(exec?: AnyExec): Exec<IncidentGroupsTables> {
    return (exec as Exec<IncidentGroupsTables> | undefined) ?? this.db;
  }

  /* -------------------------------------------------------------- groups */

  async page(orgId: number, q: GroupListQuery): Promise<{ rows: GroupRecord[]; total: number }> {
    let base = this.db.selectFrom('incident_groups').where('org_id', '=', orgId);
    if (q.type) base = base.where('type', '=', q.type);
    if (q.search) {
      const s = q.search;
      base = base.where((eb) =>
        eb.or([
          eb(sql`lower(name)`, 'like', containing(s)),
          eb(sql`lower(type)`, 'like', containing(s)),
          eb(sql`lower(coalesce(description, ''))`, 'like', containing(s)),
        ]),
      );
    }
    const [rows, total] = await Promise.all([
      base
        .selectAll()
        .orderBy(SORT_COLUMN[q.sort], q.order)
        .orderBy('id', q.order)
        .limit(q.pageSize)
        .offset((q.page - 1) * q.pageSize)
        .execute(),
      base.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { rows, total: Number(total.n) };
  }

  all(orgId: number, exec?: AnyExec): Promise<GroupRecord[]> {
    return this.x(exec).selectFrom('incident_groups').selectAll().where('org_id', '=', orgId).orderBy('name_lower').orderBy('id').execute();
  }

  get(orgId: number, id: number, exec?: AnyExec): Promise<GroupRecord | undefined> {
    return this.x(exec).selectFrom('incident_groups').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  }

  async types(orgId: number): Promise<string[]> {
    const rows = await this.db.selectFrom('incident_groups').select('type').distinct().where('org_id', '=', orgId).orderBy('type').execute();
    return rows.map((r) => r.type);
  }

  async insert(exec: AnyExec, row: Omit<GroupRecord, 'id'>): Promise<number> {
    const r = await this.x(exec).insertInto('incident_groups').values(row).returning('id').executeTakeFirstOrThrow();
    return r.id;
  }

  async update(exec: AnyExec, orgId: number, id: number, patch: Partial<Omit<GroupRecord, 'id' | 'org_id'>>): Promise<void> {
    await this.x(exec).updateTable('incident_groups').set(patch).where('org_id', '=', orgId).where('id', '=', id).execute();
  }

  async delete(exec: AnyExec, orgId: number, id: number): Promise<void> {
    await this.x(exec).deleteFrom('incident_groups').where('org_id', '=', orgId).where('id', '=', id).execute();
  }

  /** Statements that assign each group (the list's Mapping count and the delete refusal). */
  async mappingCounts(orgId: number, groupIds: number[], exec?: AnyExec): Promise<Map<number, number>> {
    if (!groupIds.length) return new Map();
    const rows = await this.x(exec)
      .selectFrom('incident_group_mapping_targets')
      .select(['group_id', (eb) => eb.fn.countAll<number | string>().as('n')])
      .where('org_id', '=', orgId)
      .where('group_id', 'in', groupIds)
      .groupBy('group_id')
      .execute();
    return new Map(rows.map((r) => [r.group_id, Number(r.n)]));
  }

  /* -------------------------------------------------------------- mappings */

  mappings(orgId: number, exec?: AnyExec): Promise<GroupMappingRecord[]> {
    return this.x(exec).selectFrom('incident_group_mappings').selectAll().where('org_id', '=', orgId).orderBy('position').orderBy('id').execute();
  }

  async targets(orgId: number, exec?: AnyExec): Promise<Map<number, number[]>> {
    const rows = await this.x(exec)
      .selectFrom('incident_group_mapping_targets')
      .select(['mapping_id', 'group_id'])
      .where('org_id', '=', orgId)
      .orderBy('mapping_id')
      .orderBy('group_id')
      .execute();
    const out = new Map<number, number[]>();
    for (const r of rows) out.set(r.mapping_id, [...(out.get(r.mapping_id) ?? []), r.group_id]);
    return out;
  }

  async insertMapping(exec: AnyExec, row: Omit<GroupMappingRecord, 'id'>): Promise<number> {
    const r = await this.x(exec).insertInto('incident_group_mappings').values(row).returning('id').executeTakeFirstOrThrow();
    return r.id;
  }

  async updateMapping(exec: AnyExec, orgId: number, id: number, patch: Partial<Omit<GroupMappingRecord, 'id' | 'org_id'>>): Promise<void> {
    await this.x(exec).updateTable('incident_group_mappings').set(patch).where('org_id', '=', orgId).where('id', '=', id).execute();
  }

  async deleteMapping(exec: AnyExec, orgId: number, id: number): Promise<void> {
    await this.x(exec).deleteFrom('incident_group_mappings').where('org_id', '=', orgId).where('id', '=', id).execute();
  }

  async replaceTargets(exec: AnyExec, orgId: number, mappingId: number, groupIds: number[]): Promise<void> {
    await this.x(exec).deleteFrom('incident_group_mapping_targets').where('org_id', '=', orgId).where('mapping_id', '=', mappingId).execute();
    if (groupIds.length)
      await this.x(exec)
        .insertInto('incident_group_mapping_targets')
        .values(groupIds.map((g) => ({ org_id: orgId, mapping_id: mappingId, group_id: g })))
        .execute();
  }

  /* -------------------------------------------------------------- default group */

  async defaultGroupId(orgId: number, exec?: AnyExec): Promise<number | null> {
    const r = await this.x(exec).selectFrom('incident_group_settings').select('default_group_id').where('org_id', '=', orgId).executeTakeFirst();
    return r?.default_group_id ?? null;
  }

  async setDefaultGroup(exec: AnyExec, orgId: number, groupId: number | null, now: string): Promise<void> {
    await this.x(exec)
      .insertInto('incident_group_settings')
      .values({ org_id: orgId, default_group_id: groupId, updated_at: now })
      .onConflict((oc) => oc.column('org_id').doUpdateSet({ default_group_id: groupId, updated_at: now }))
      .execute();
  }

  /* -------------------------------------------------------------- memberships */

  async addMembers(exec: AnyExec, orgId: number, rows: { incidentId: number; groupId: number }[]): Promise<void> {
    // Chunks keep a big batch with many groups per incident under SQLite's bound-parameter limit.
    for (const part of chunks(rows, 500))
      await this.x(exec)
        .insertInto('incident_group_members')
        .values(part.map((r) => ({ org_id: orgId, incident_id: r.incidentId, group_id: r.groupId })))
        .onConflict((oc) => oc.columns(['incident_id', 'group_id']).doNothing())
        .execute();
  }

  async clearMembers(exec: AnyExec, orgId: number, incidentIds: number[]): Promise<void> {
    if (incidentIds.length)
      await this.x(exec).deleteFrom('incident_group_members').where('org_id', '=', orgId).where('incident_id', 'in', incidentIds).execute();
  }

  /** The group ids of each of the incidents (Update Incident Group names them for its before and after). */
  async groupIdsOf(orgId: number, incidentIds: number[], exec?: AnyExec): Promise<Map<number, number[]>> {
    const out = new Map<number, number[]>();
    for (const part of chunks(incidentIds, 500)) {
      const rows = await this.x(exec)
        .selectFrom('incident_group_members')
        .select(['incident_id', 'group_id'])
        .where('org_id', '=', orgId)
        .where('incident_id', 'in', part)
        .execute();
      for (const r of rows) out.set(r.incident_id, [...(out.get(r.incident_id) ?? []), r.group_id]);
    }
    return out;
  }

  async groupsOf(orgId: number, incidentId: number, exec?: AnyExec): Promise<GroupRecord[]> {
    return this.x(exec)
      .selectFrom('incident_group_members as m')
      .innerJoin('incident_groups as g', 'g.id', 'm.group_id')
      .selectAll('g')
      .where('m.org_id', '=', orgId)
      .where('m.incident_id', '=', incidentId)
      .orderBy('g.name_lower')
      .execute();
  }
}
