import { sql, type Kysely, type Selectable } from 'kysely';
import type { Exec } from '../../platform/db/exec.js';
import { containing } from '../../platform/db/like.js';
import { ImportLog } from '../../platform/imports/import-log.js';
import type { AccountSettingsTables as DB, ApproversTable, AttributeImportRowsTable, AttributeImportsTable, UserAttributesTable } from './migrations.js';
import type { RowResult } from './schemas.js';

export type ApproverRecord = Selectable<ApproversTable>;
export type AttributeRecord = Selectable<UserAttributesTable>;
export type ImportRecord = Selectable<AttributeImportsTable>;
/** The column holds text; what the job writes there is one of the row results. */
export type ImportRowRecord = Omit<Selectable<AttributeImportRowsTable>, 'result'> & { result: RowResult | null };
type Page = { page: number; pageSize: number };

/** The only code that reads or writes this module's tables; every query is scoped to one org. */
export class AccountSettingsStore {
  constructor(readonly db: Kysely<DB>) {
    this.importLog = new ImportLog(db, { imports: 'user_attribute_imports', rows: 'user_attribute_import_rows' }, (result) =>
      result === 'error' ? 'errors' : result,
    );
  }

  // ------------------------------------------------------------ account settings

  settings(orgId: number, exec: Exec<DB> = this.db) {
    return exec.selectFrom('account_settings').selectAll().where('org_id', '=', orgId).executeTakeFirst();
  }

  /** Orgs that saved Account Settings (only they can have a digest switched on; the defaults are off). */
  async orgsWithSettings(): Promise<number[]> {
    return (await this.db.selectFrom('account_settings').select('org_id').orderBy('org_id').execute()).map((r) => r.org_id);
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

  /** Employee ids held by more than one person (Employee ID cannot become a unique attribute while any exist). */
  async sharedEmployeeIds(orgId: number, exec: Exec<DB>, limit = 5): Promise<string[]> {
    const rows = await exec
      .selectFrom('user_attributes')
      .select('employee_id')
      .where('org_id', '=', orgId)
      .where('employee_id', 'is not', null)
      .groupBy('employee_id')
      .having((eb) => eb.fn.countAll(), '>', 1)
      .orderBy('employee_id')
      .limit(limit)
      .execute();
    return rows.map((r) => r.employee_id!);
  }

  async insertAttribute(exec: Exec<DB>, row: Omit<AttributeRecord, 'id'>): Promise<void> {
    await exec.insertInto('user_attributes').values(row).execute();
  }

  async updateAttribute(exec: Exec<DB>, orgId: number, id: number, patch: Partial<Omit<AttributeRecord, 'id' | 'org_id'>>): Promise<void> {
    await exec.updateTable('user_attributes').set(patch).where('org_id', '=', orgId).where('id', '=', id).execute();
  }

  // ------------------------------------------------------------ imports

  /** User Attributes CSV imports; every row that is not an error counts as its own result (added, updated, unchanged). */
  readonly importLog: ImportLog<ImportRecord, ImportRowRecord>;
}
