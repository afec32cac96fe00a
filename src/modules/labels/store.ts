import type { Kysely } from 'kysely';
import type { LabelsTables } from './migrations.js';
import type { Exec } from '../../platform/db/exec.js';

export type LabelRecord = { id: number; org_id: number; name: string; name_lower: string; created_at: string; updated_at: string };

export class LabelsStore {
  constructor(private readonly db: Kysely<LabelsTables>) {}

  list(orgId: number, exec: Exec<LabelsTables> = this.db): Promise<LabelRecord[]> {
    return exec.selectFrom('labels').selectAll().where('org_id', '=', orgId).orderBy('name_lower').orderBy('id').execute();
  }

  get(orgId: number, id: number, exec: Exec<LabelsTables> = this.db): Promise<LabelRecord | undefined> {
    return exec.selectFrom('labels').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  }

  byName(orgId: number, name: string, exec: Exec<LabelsTables> = this.db): Promise<LabelRecord | undefined> {
    return exec.selectFrom('labels').selectAll().where('org_id', '=', orgId).where('name_lower', '=', name.toLowerCase()).executeTakeFirst();
  }

  /** Values of the given labels (all of the org's when `ids` is omitted), in their saved order. */
  async values(orgId: number, ids?: number[], exec: Exec<LabelsTables> = this.db): Promise<Map<number, string[]>> {
    let q = exec.selectFrom('label_values').select(['label_id', 'value']).where('org_id', '=', orgId);
    if (ids) {
      if (!ids.length) return new Map();
      q = q.where('label_id', 'in', ids);
    }
    const rows = await q.orderBy('label_id').orderBy('position').execute();
    const out = new Map<number, string[]>();
    for (const r of rows) {
      const list = out.get(r.label_id) ?? [];
      list.push(r.value);
      out.set(r.label_id, list);
    }
    return out;
  }

  async insert(exec: Exec<LabelsTables>, row: Omit<LabelRecord, 'id'>): Promise<number> {
    const r = await exec.insertInto('labels').values(row).returning('id').executeTakeFirstOrThrow();
    return r.id;
  }

  async update(exec: Exec<LabelsTables>, orgId: number, id: number, patch: Partial<Pick<LabelRecord, 'name' | 'name_lower' | 'updated_at'>>): Promise<void> {
    await exec.updateTable('labels').set(patch).where('org_id', '=', orgId).where('id', '=', id).execute();
  }

  async replaceValues(exec: Exec<LabelsTables>, orgId: number, labelId: number, values: string[]): Promise<void> {
    await exec.deleteFrom('label_values').where('org_id', '=', orgId).where('label_id', '=', labelId).execute();
    if (!values.length) return;
    await exec
      .insertInto('label_values')
      .values(values.map((value, position) => ({ org_id: orgId, label_id: labelId, value, value_lower: value.toLowerCase(), position })))
      .execute();
  }

  async delete(exec: Exec<LabelsTables>, orgId: number, id: number): Promise<void> {
    await exec.deleteFrom('labels').where('org_id', '=', orgId).where('id', '=', id).execute();
  }
}
