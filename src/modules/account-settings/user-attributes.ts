import { z } from 'zod';
import { toCsv } from '../../platform/csv.js';
import { nowIso } from '../../platform/db/database.js';
import type { Exec } from '../../platform/db/exec.js';
import { nameText, text } from '../../platform/http/input.js';
import { readImportFile } from '../../platform/imports/import-log.js';
import type { JobQueue } from '../../platform/jobs/index.js';
import type { Principal } from '../../platform/principal.js';
import type { AuditRecorder } from '../audit/service.js';
import type { AccountSettingsTables as DB } from './migrations.js';
import {
  ATTRIBUTE_COLUMNS,
  MAX_ATTRIBUTE_ROWS,
  emailText,
  type AttributeImportBody,
  type AttributeImportView,
  type RowResult,
  type UserAttributeView,
  type ValidationResult,
} from './schemas.js';
import type { SettingsPart } from './settings.js';
import type { AccountSettingsStore, AttributeRecord, ImportRecord } from './store.js';

export const ATTRIBUTES_IMPORT_JOB = 'account-settings.user-attributes-import';

type Column = (typeof ATTRIBUTE_COLUMNS)[number];
type FileRow = { line: number; values: Record<Column, string> };
/** A row as it will be stored: optional cells left empty are null (the file is the person's whole record). */
type CleanRow = { email: string; name: string | null; managerEmail: string | null; department: string | null; employeeId: string | null };

const TEMPLATE_EXAMPLE = ['jane.doe@example.com', 'Jane Doe', 'john.smith@example.com', 'Finance', 'E-1001'];
const HEADER = ATTRIBUTE_COLUMNS.join(',');
const cell = (schema: z.ZodType<string>) => schema.optional();
const rowSchema = z.object({
  email: emailText,
  name: cell(nameText().max(200, 'A name is at most 200 characters.')),
  managerEmail: cell(emailText),
  department: cell(nameText().max(200, 'A department is at most 200 characters.')),
  employeeId: cell(text().max(100, 'An employee id is at most 100 characters.')),
});
const FIELD_LABELS: Record<string, string> = {
  email: 'email',
  name: 'name',
  managerEmail: 'manager email',
  department: 'department',
  employeeId: 'employee id',
};

/** One file row checked on its own: the clean row, or the sentence that says what to fix. */
export function checkRow(values: Record<Column, string>): { ok: true; row: CleanRow } | { ok: false; message: string } {
  const opt = (s: string) => (s === '' ? undefined : s);
  const parsed = rowSchema.safeParse({
    email: values.email,
    name: opt(values.name),
    managerEmail: opt(values['manager email']),
    department: opt(values.department),
    employeeId: opt(values['employee id']),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = FIELD_LABELS[String(issue.path[0])] ?? String(issue.path[0]);
    if (field === 'email' && values.email === '') return { ok: false, message: 'The email is empty; every line needs the person’s email.' };
    return { ok: false, message: `${field}: ${issue.message}` };
  }
  const r = parsed.data;
  if (r.managerEmail && r.managerEmail.toLowerCase() === r.email.toLowerCase())
    return { ok: false, message: 'manager email: a person cannot be their own manager.' };
  return {
    ok: true,
    row: { email: r.email, name: r.name ?? null, managerEmail: r.managerEmail ?? null, department: r.department ?? null, employeeId: r.employeeId ?? null },
  };
}

const employeeIdTaken = (id: string, email: string) => `employee id: ${id} already belongs to ${email}; Employee ID is a unique attribute.`;

/**
 * Problems only the whole file shows, by line: an email on two lines (the later line is refused)
 * and, when Employee ID is a unique attribute, an employee id on two lines. Rows with a bad cell
 * are left to `checkRow`.
 */
export function inFileProblems(rows: FileRow[], uniqueEmployeeId: boolean): Map<number, string> {
  const problems = new Map<number, string>();
  const emails = new Map<string, number>();
  const employeeIds = new Map<string, number>();
  for (const r of rows) {
    const checked = checkRow(r.values);
    if (!checked.ok) continue;
    const key = checked.row.email.toLowerCase();
    const eid = checked.row.employeeId;
    if (emails.has(key)) problems.set(r.line, `This email is also on line ${emails.get(key)}; keep one line per person.`);
    else if (uniqueEmployeeId && eid && employeeIds.has(eid))
      problems.set(r.line, `employee id: ${eid} is also on line ${employeeIds.get(eid)}; Employee ID is a unique attribute.`);
    else {
      emails.set(key, r.line);
      if (eid) employeeIds.set(eid, r.line);
    }
  }
  return problems;
}

const attributeView = (r: AttributeRecord): UserAttributeView => ({
  id: r.id,
  email: r.email,
  name: r.name,
  managerEmail: r.manager_email,
  department: r.department,
  employeeId: r.employee_id,
  updatedAt: r.updated_at,
});

const importView = (r: ImportRecord): AttributeImportView => ({
  id: r.id,
  fileName: r.file_name,
  status: r.status as AttributeImportView['status'],
  total: r.total,
  processed: r.processed,
  counts: { added: r.added, updated: r.updated, unchanged: r.unchanged, error: r.errors },
  error: r.error,
  createdBy: r.created_by,
  createdAt: r.created_at,
  finishedAt: r.finished_at,
});

/**
 * Setup > User Attributes: people's name, manager, department and employee id by email, loaded
 * from CSV. Validate checks a file without storing it; Import stores the file's rows and a job
 * upserts them by email (case-insensitive), recording each row's outcome, so a retried job never
 * applies a row twice and importing the same file again changes nothing.
 */
export class UserAttributesPart {
  constructor(
    private readonly store: AccountSettingsStore,
    private readonly audit: AuditRecorder,
    private readonly jobs: Pick<JobQueue, 'enqueue'>,
    private readonly settings: SettingsPart,
  ) {}

  templateCsv(): string {
    return toCsv(ATTRIBUTE_COLUMNS, [TEMPLATE_EXAMPLE]);
  }

  private read(csv: string): FileRow[] {
    return readImportFile(csv, {
      columns: ATTRIBUTE_COLUMNS,
      required: ['email'],
      maxRows: MAX_ATTRIBUTE_ROWS,
      headerMessage: `The first line of the file must be the header "${HEADER}" (download the template; only email is required).`,
      emptyMessage: `The file has a header but no people. Add one line per person: ${HEADER}.`,
      tooManyMessage: (n) => `The file has ${n} people; import at most ${MAX_ATTRIBUTE_ROWS} at a time.`,
    });
  }

  /**
   * Every problem of the file, row by row, without storing anything: bad cells, an email twice in
   * the file and, when Employee ID is a unique attribute, an employee id used twice or held by
   * someone else already (the checks the import job makes).
   */
  async validate(orgId: number, input: AttributeImportBody): Promise<ValidationResult> {
    const rows = this.read(input.csv);
    const uniqueEmployeeId = (await this.settings.get(orgId)).uniqueAttributes.includes('employeeId');
    const inFile = inFileProblems(rows, uniqueEmployeeId);
    const errors: ValidationResult['errors'] = [];
    for (const r of rows) {
      const checked = checkRow(r.values);
      const problem = !checked.ok ? checked.message : inFile.get(r.line);
      if (problem) {
        errors.push({ line: r.line, email: r.values.email, message: problem });
        continue;
      }
      if (uniqueEmployeeId && checked.ok && checked.row.employeeId) {
        const other = await this.store.otherWithEmployeeId(orgId, checked.row.employeeId, checked.row.email.toLowerCase(), this.store.db);
        if (other) errors.push({ line: r.line, email: r.values.email, message: employeeIdTaken(checked.row.employeeId, other.email) });
      }
    }
    return { total: rows.length, valid: rows.length - errors.length, errors: errors.slice(0, 1000) };
  }

  /** Stores the file's rows and enqueues the job in the same transaction. A bad header is a 400; bad rows are reported per row. */
  async startImport(actor: Principal, input: AttributeImportBody): Promise<AttributeImportView> {
    const rows = this.read(input.csv);
    const uniqueEmployeeId = (await this.settings.get(actor.orgId)).uniqueAttributes.includes('employeeId');
    // Duplicates within the file are decided now, with the whole file at hand; the job does the rest row by row.
    const inFile = inFileProblems(rows, uniqueEmployeeId);
    const id = await this.store.importLog.start(
      this.jobs,
      ATTRIBUTES_IMPORT_JOB,
      {
        org_id: actor.orgId,
        file_name: input.fileName ?? null,
        status: 'queued',
        total: rows.length,
        processed: inFile.size,
        added: 0,
        updated: 0,
        unchanged: 0,
        errors: inFile.size,
        error: null,
        created_by: actor.label,
        created_by_admin_id: actor.adminId,
        created_at: nowIso(),
        finished_at: null,
      },
      (id) =>
        rows.map((r) => ({
          import_id: id,
          org_id: actor.orgId,
          line: r.line,
          email: r.values.email,
          name: r.values.name,
          manager_email: r.values['manager email'],
          department: r.values.department,
          employee_id: r.values['employee id'],
          result: inFile.has(r.line) ? 'error' : null,
          message: inFile.get(r.line) ?? null,
        })),
      (trx, id) =>
        this.audit.record(trx, actor, {
          action: 'Insert',
          module: 'User Attributes',
          resource: 'User Attributes Import',
          resourceId: id,
          notes: `Imported ${input.fileName ?? 'a CSV file'} (${rows.length} people)`,
          after: { fileName: input.fileName ?? null, rows: rows.length },
        }),
    );
    return this.getImport(actor.orgId, id);
  }

  async getImport(orgId: number, id: number): Promise<AttributeImportView> {
    return importView(await this.store.importLog.require(orgId, id));
  }

  async imports(orgId: number, q: { page: number; pageSize: number }) {
    const { rows, total } = await this.store.importLog.page(orgId, q);
    return { items: rows.map(importView), total, page: q.page, pageSize: q.pageSize };
  }

  /** The rows that were not imported, with the reason: fix them in this file and import it again. */
  async errorsCsv(orgId: number, id: number): Promise<string> {
    await this.store.importLog.require(orgId, id);
    const rows = await this.store.importLog.rows(orgId, id, { result: 'error' });
    return toCsv(
      ['line', ...ATTRIBUTE_COLUMNS, 'error'],
      rows.map((r) => [r.line, r.email, r.name, r.manager_email, r.department, r.employee_id, r.message ?? '']),
    );
  }

  async list(orgId: number, q: { page: number; pageSize: number; search?: string }) {
    const { rows, total } = await this.store.attributes(orgId, q);
    return { items: rows.map(attributeView), total, page: q.page, pageSize: q.pageSize };
  }

  async byEmail(orgId: number, email: string): Promise<UserAttributeView | null> {
    const r = await this.store.attributeByEmail(orgId, email.trim().toLowerCase());
    return r ? attributeView(r) : null;
  }

  /** The job: rows in batches, each batch's upserts and results in one transaction. */
  async runImport(importId: number, orgId: number): Promise<void> {
    await this.store.importLog.run(orgId, importId, { batch: 200 }, async () => {
      const uniqueEmployeeId = (await this.settings.get(orgId)).uniqueAttributes.includes('employeeId');
      return (batch) =>
        this.store.db.transaction().execute(async (trx) => {
          for (const row of batch) {
            const outcome = await this.applyRow(trx, orgId, uniqueEmployeeId, {
              email: row.email,
              name: row.name,
              'manager email': row.manager_email,
              department: row.department,
              'employee id': row.employee_id,
            });
            await this.store.importLog.finishRow(trx, importId, row.id, outcome.result, outcome.message);
          }
        });
    });
  }

  private async applyRow(
    trx: Exec<DB>,
    orgId: number,
    uniqueEmployeeId: boolean,
    values: Record<Column, string>,
  ): Promise<{ result: RowResult; message: string }> {
    const checked = checkRow(values);
    if (!checked.ok) return { result: 'error', message: checked.message };
    const r = checked.row;
    const emailLower = r.email.toLowerCase();
    if (uniqueEmployeeId && r.employeeId) {
      const other = await this.store.otherWithEmployeeId(orgId, r.employeeId, emailLower, trx);
      if (other) return { result: 'error', message: employeeIdTaken(r.employeeId, other.email) };
    }
    const existing = await this.store.attributeByEmail(orgId, emailLower, trx);
    const fields = { name: r.name, manager_email: r.managerEmail, department: r.department, employee_id: r.employeeId };
    const now = nowIso();
    if (!existing) {
      await this.store.insertAttribute(trx, { org_id: orgId, email: r.email, email_lower: emailLower, ...fields, created_at: now, updated_at: now });
      return { result: 'added', message: `Added ${r.email}.` };
    }
    const same =
      existing.email === r.email &&
      existing.name === fields.name &&
      existing.manager_email === fields.manager_email &&
      existing.department === fields.department &&
      existing.employee_id === fields.employee_id;
    if (same) return { result: 'unchanged', message: 'Already up to date.' };
    await this.store.updateAttribute(trx, orgId, existing.id, { email: r.email, ...fields, updated_at: now });
    return { result: 'updated', message: `Updated ${r.email}.` };
  }

  /** Called when the import job gives up for good. */
  failImport(importId: number, orgId: number, reason: string): Promise<void> {
    return this.store.importLog.fail(orgId, importId, reason);
  }
}
