import { sql, type Kysely, type Selectable } from 'kysely';
import type { Exec } from '../../platform/db/exec.js';
import { containing } from '../../platform/db/like.js';
import type { AccountSettingsTables as DB, ApproversTable, AttributeImportRowsTable, AttributeImportsTable, UserAttributesTable } from './migrations.js';
import type { RowResult } from './schemas.js';

export type ApproverRecord = Selectable<ApproversTable>;
export type AttributeRecord = Selectable<UserAttributesTable>;
export type ImportRecord = Selectable<AttributeImportsTable>;
export type ImportRowRecord = Selectable<AttributeImportRowsTable>;
type Page = { page: number; pageSize: number };

/** The only code that reads or writes this module's tables; every query is scoped to one org. */
export class AccountSettingsStore {
  constructor(readonly db: Kysely<DB>) {}

  // ------------------------------------------------------------ account settings

  settings(orgId: number, exec: Exec<DB> = this.db) {
    return exec.selectFrom('account_settings').selectAll().where('org_id', '=', orgId).executeTakeFirst();
  }

  async saveSettings(exec: Exec<DB>, orgId: number, settings: string, updatedAt: string, updatedBy: string): Promise<void> {
    await exec
      .insertInto('account_settings')
      .values({ org_id: orgId, settings, updated_at: updatedAt, updated_by: updatedBy })
      .onConflict((oc) => oc.column('org_id').doUpdateSet({ settings, updated_at: updatedAt, updated_by: updatedBy }))
      .execute();
  }

  // ------------------------------------------------------------ approvers

  async approvers(orgId: number, q: Page & { search?: string }): Promise<{ rows: ApproverRecord[]; total: number }> {
    let base = this.db.selectFrom('approvers').where('org_id', '=', orgId);
    if (q.search) {
      const like = containing(q.search);
      base = base.where((eb) => eb.or([eb('email_lower', 'like', like), eb(sql`lower(name)`, 'like', like)]));
    }
    const [rows, total] = await Promise.all([
      base
        .selectAll()
        .orderBy(sql`lower(name)`)
        .orderBy('id')
        .limit(q.pageSize)
        .offset((q.page - 1) * q.pageSize)
        .execute(),
      base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { rows, total: Number(total.n) };
  }

  allApprovers(orgId: number, exec: Exec<DB> = this.db): Promise<ApproverRecord[]> {
    return exec
      .selectFrom('approvers')
      .selectAll()
      .where('org_id', '=', orgId)
      .orderBy(sql`lower(name)`)
      .orderBy('id')
      .execute();
  }

  approver(orgId: number, id: number, exec: Exec<DB> = this.db): Promise<ApproverRecord | undefined> {
    return exec.selectFrom('approvers').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  }

  approversByEmail(orgId: number, emailsLower: string[], exec: Exec<DB>): Promise<ApproverRecord[]> {
    if (!emailsLower.length) return Promise.resolve([]);
    return exec.selectFrom('approvers').selectAll().where('org_id', '=', orgId).where('email_lower', 'in', emailsLower).execute();
  }

  async insertApprover(exec: Exec<DB>, row: Omit<ApproverRecord, 'id'>): Promise<number> {
    const r = await exec.insertInto('approvers').values(row).returning('id').executeTakeFirstOrThrow();
    return r.id;
  }

  async updateApprover(exec: Exec<DB>, orgId: number, id: number, patch: Partial<Pick<ApproverRecord, 'name' | 'email' | 'email_lower' | 'updated_at'>>) {
    await exec.updateTable('approvers').set(patch).where('org_id', '=', orgId).where('id', '=', id).execute();
  }

  async deleteApprover(exec: Exec<DB>, orgId: number, id: number): Promise<void> {
    await exec.deleteFrom('approvers').where('org_id', '=', orgId).where('id', '=', id).execute();
  }

  // ------------------------------------------------------------ user attributes

  async attributes(orgId: number, q: Page & { search?: string }): Promise<{ rows: AttributeRecord[]; total: number }> {
    let base = this.db.selectFrom('user_attributes').where('org_id', '=', orgId);
    if (q.search) {
      const like = containing(q.search);
      base = base.where((eb) =>
        eb.or([
          eb('email_lower', 'like', like),
          eb(sql`lower(coalesce(name, ''))`, 'like', like),
          eb(sql`lower(coalesce(manager_email, ''))`, 'like', like),
          eb(sql`lower(coalesce(department, ''))`, 'like', like),
          eb(sql`lower(coalesce(employee_id, ''))`, 'like', like),
        ]),
      );
    }
    const [rows, total] = await Promise.all([
      base
        .selectAll()
        .orderBy('email_lower')
        .limit(q.pageSize)
        .offset((q.page - 1) * q.pageSize)
        .execute(),
      base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { rows, total: Number(total.n) };
  }

  attributeByEmail(orgId: number, emailLower: string, exec: Exec<DB> = this.db): Promise<AttributeRecord | undefined> {
    return exec.selectFrom('user_attributes').selectAll().where('org_id', '=', orgId).where('email_lower', '=', emailLower).executeTakeFirst();
  }

  /** Someone else in the org who holds this employee id (Unique Attributes: Employee ID). */
  otherWithEmployeeId(orgId: number, employeeId: string, emailLower: string, exec: Exec<DB>): Promise<{ email: string } | undefined> {
    return exec
      .selectFrom('user_attributes')
      .select('email')
      .where('org_id', '=', orgId)
      .where('employee_id', '=', employeeId)
      .where('email_lower', '!=', emailLower)
      .executeTakeFirst();
  }

  async insertAttribute(exec: Exec<DB>, row: Omit<AttributeRecord, 'id'>): Promise<void> {
    await exec.insertInto('user_attributes').values(row).execute();
  }

  async updateAttribute(exec: Exec<DB>, orgId: number, id: number, patch: Partial<Omit<AttributeRecord, 'id' | 'org_id'>>): Promise<void> {
    await exec.updateTable('user_attributes').set(patch).where('org_id', '=', orgId).where('id', '=', id).execute();
  }

  // ------------------------------------------------------------ imports

  async insertImport(exec: Exec<DB>, row: Omit<ImportRecord, 'id'>): Promise<number> {
    const r = await exec.insertInto('user_attribute_imports').values(row).returning('id').executeTakeFirstOrThrow();
    return r.id;
  }

  async insertImportRows(exec: Exec<DB>, rows: Omit<ImportRowRecord, 'id'>[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 200)
      await exec
        .insertInto('user_attribute_import_rows')
        .values(rows.slice(i, i + 200))
        .execute();
  }

  getImport(orgId: number, id: number, exec: Exec<DB> = this.db): Promise<ImportRecord | undefined> {
    return exec.selectFrom('user_attribute_imports').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  }

  async imports(orgId: number, q: Page): Promise<{ rows: ImportRecord[]; total: number }> {
    const base = this.db.selectFrom('user_attribute_imports').where('org_id', '=', orgId);
    const [rows, total] = await Promise.all([
      base
        .selectAll()
        .orderBy('id', 'desc')
        .limit(q.pageSize)
        .offset((q.page - 1) * q.pageSize)
        .execute(),
      base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { rows, total: Number(total.n) };
  }

  failedRows(orgId: number, importId: number): Promise<ImportRowRecord[]> {
    return this.db
      .selectFrom('user_attribute_import_rows')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('import_id', '=', importId)
      .where('result', '=', 'error')
      .orderBy('line')
      .execute();
  }

  pendingRows(importId: number, limit: number): Promise<ImportRowRecord[]> {
    return this.db
      .selectFrom('user_attribute_import_rows')
      .selectAll()
      .where('import_id', '=', importId)
      .where('result', 'is', null)
      .orderBy('line')
      .limit(limit)
      .execute();
  }

  async updateImport(exec: Exec<DB>, id: number, patch: Partial<Pick<ImportRecord, 'status' | 'error' | 'finished_at'>>): Promise<void> {
    await exec.updateTable('user_attribute_imports').set(patch).where('id', '=', id).execute();
  }

  /** Records one row's result and bumps the import's counters; false if the row was already done (a retried job). */
  async finishRow(exec: Exec<DB>, importId: number, rowId: number, result: RowResult, message: string): Promise<boolean> {
    const r = await exec
      .updateTable('user_attribute_import_rows')
      .set({ result, message })
      .where('id', '=', rowId)
      .where('result', 'is', null)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) return false;
    const counter = result === 'error' ? 'errors' : result;
    await exec
      .updateTable('user_attribute_imports')
      .set((eb) => ({ processed: eb('processed', '+', 1), [counter]: eb(counter, '+', 1) }))
      .where('id', '=', importId)
      .execute();
    return true;
  }
}
