import type { Kysely } from 'kysely';
import { nowIso } from '../../platform/db/database.js';
import { isUniqueViolation } from '../../platform/db/errors.js';
import type { LabelsTables } from './migrations.js';
import type { Exec } from '../../platform/db/exec.js';
import { badRequest, conflict, notFound } from '../../platform/http/errors.js';
import type { Principal } from '../../platform/principal.js';
import type { AuditRecorder } from '../audit/service.js';
import type { CreateLabelBody, LabelView, UpdateLabelBody } from './schemas.js';
import { LabelsStore, type LabelRecord } from './store.js';

const MODULE = 'Labels';
const RESOURCE = 'Label';

function view(r: LabelRecord, values: string[]): LabelView {
  return { id: r.id, name: r.name, values, createdAt: r.created_at, updatedAt: r.updated_at };
}

export class LabelsService {
  private readonly store: LabelsStore;
  constructor(
    private readonly db: Kysely<LabelsTables>,
    private readonly audit: AuditRecorder,
  ) {
    this.store = new LabelsStore(db);
  }

  async list(orgId: number, exec: Exec<LabelsTables> = this.db): Promise<LabelView[]> {
    const [rows, values] = await Promise.all([this.store.list(orgId, exec), this.store.values(orgId, undefined, exec)]);
    return rows.map((r) => view(r, values.get(r.id) ?? []));
  }

  async get(orgId: number, id: number, exec: Exec<LabelsTables> = this.db): Promise<LabelView> {
    const r = await this.store.get(orgId, id, exec);
    if (!r) throw notFound('Label');
    const values = await this.store.values(orgId, [id], exec);
    return view(r, values.get(id) ?? []);
  }

  /**
   * For the incident actions (Label, Close Incident's resolution label): checks that the label
   * exists in the org and that the value fits it — required and one of its values when the label
   * has values, absent when it has none. `field` names the request field in the error.
   */
  async resolve(
    orgId: number,
    pick: { labelId: number; value?: string | null },
    field: string,
    exec: Exec<LabelsTables> = this.db,
  ): Promise<{ labelId: number; name: string; value: string | null }> {
    const r = await this.store.get(orgId, pick.labelId, exec);
    if (!r) throw badRequest(`${field}: label ${pick.labelId} does not exist. Pick a label from Setup > Labels.`, [{ field, message: 'Unknown label.' }]);
    const values = (await this.store.values(orgId, [r.id], exec)).get(r.id) ?? [];
    const wanted = pick.value?.trim() || null;
    if (!values.length) {
      if (wanted) throw badRequest(`${field}: label "${r.name}" has no values; leave the value empty.`, [{ field, message: 'This label has no values.' }]);
      return { labelId: r.id, name: r.name, value: null };
    }
    if (!wanted) throw badRequest(`${field}: pick a value for label "${r.name}" (${values.join(', ')}).`, [{ field, message: 'A value is required.' }]);
    const match = values.find((v) => v.toLowerCase() === wanted.toLowerCase());
    if (!match)
      throw badRequest(`${field}: "${wanted}" is not a value of label "${r.name}". Choose one of: ${values.join(', ')}.`, [
        { field, message: 'Unknown value.' },
      ]);
    return { labelId: r.id, name: r.name, value: match };
  }

  async create(actor: Principal, input: CreateLabelBody): Promise<LabelView> {
    const id = await this.db.transaction().execute(async (trx) => {
      if (await this.store.byName(actor.orgId, input.name, trx)) throw conflict(`A label named "${input.name}" already exists.`);
      const now = nowIso();
      const id = await this.store
        .insert(trx, { org_id: actor.orgId, name: input.name, name_lower: input.name.toLowerCase(), created_at: now, updated_at: now })
        .catch((e: unknown) => {
          if (isUniqueViolation(e)) throw conflict(`A label named "${input.name}" already exists.`);
          throw e;
        });
      await this.store.replaceValues(trx, actor.orgId, id, input.values);
      await this.audit.record(trx, actor, {
        action: 'Insert',
        module: MODULE,
        resource: RESOURCE,
        resourceId: id,
        notes: `Added label ${input.name}`,
        after: { name: input.name, values: input.values },
      });
      return id;
    });
    return this.get(actor.orgId, id);
  }

  async update(actor: Principal, id: number, input: UpdateLabelBody): Promise<LabelView> {
    await this.db
      .transaction()
      .execute(async (trx) => {
        const current = await this.get(actor.orgId, id, trx);
        const name = input.name ?? current.name;
        if (name.toLowerCase() !== current.name.toLowerCase() && (await this.store.byName(actor.orgId, name, trx))) {
          throw conflict(`A label named "${name}" already exists.`);
        }
        const values = input.values ?? current.values;
        await this.store.update(trx, actor.orgId, id, { name, name_lower: name.toLowerCase(), updated_at: nowIso() });
        if (input.values) await this.store.replaceValues(trx, actor.orgId, id, values);
        await this.audit.record(trx, actor, {
          action: 'Update',
          module: MODULE,
          resource: RESOURCE,
          resourceId: id,
          notes: `Edited label ${name}`,
          before: { name: current.name, values: current.values },
          after: { name, values },
        });
      })
      .catch((e: unknown) => {
        // A concurrent rename to the same name passed the check too; the unique index refused it.
        if (isUniqueViolation(e)) throw conflict(`A label named "${input.name}" already exists.`);
        throw e;
      });
    return this.get(actor.orgId, id);
  }

  /** Incidents keep a deleted label (by its name) until an admin removes it from them. */
  async delete(actor: Principal, id: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const current = await this.get(actor.orgId, id, trx);
      await this.store.delete(trx, actor.orgId, id);
      await this.audit.record(trx, actor, {
        action: 'Delete',
        module: MODULE,
        resource: RESOURCE,
        resourceId: id,
        notes: `Deleted label ${current.name}`,
        before: { name: current.name, values: current.values },
      });
    });
  }
}
