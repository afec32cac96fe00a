import { systemNames } from '../../connectors/descriptors.js';
import type { Kysely } from 'kysely';
import { toCsv } from '../../platform/csv.js';
import { nowIso } from '../../platform/db/database.js';
import type { Exec } from '../../platform/db/exec.js';
import type { IntegrationUsersTables as DB } from './tables.js';
import { AppError } from '../../platform/http/errors.js';
import { readImportFile } from '../../platform/imports/import-log.js';
import type { JobQueue } from '../../platform/jobs/index.js';
import { noPermissions } from '../../platform/permissions.js';
import { systemPrincipal, type Principal } from '../../platform/principal.js';
import { connectorCache, isTicketing, type IntegrationsPort } from './integrations-port.js';
import type { UserLookup } from './lookup.js';
import { MAX_IMPORT_ROWS, emailInput, type ImportView } from './schemas.js';
import type { IntegrationUsersStore } from './store.js';
import type { ImportRowResult } from './tables.js';

export const IMPORT_JOB = 'integration-users.import';

/** CSV import: the file is stored as rows, then a job looks each person up and adds the ones found. */
export class UserImport {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly store: IntegrationUsersStore,
    private readonly jobs: Pick<JobQueue, 'enqueue'>,
    private readonly integrations: () => IntegrationsPort,
    private readonly lookups: UserLookup,
  ) {}

  async startImport(actor: Principal, input: { csv: string; fileName?: string }): Promise<ImportView> {
    const parsed = readImportFile(input.csv, {
      columns: ['email', 'integration'],
      required: ['email', 'integration'],
      maxRows: MAX_IMPORT_ROWS,
      headerMessage:
        'The first line of the file must be the header "email,integration" (the email of the person and the name of the Integration, one person per line).',
      emptyMessage: 'The file has a header but no people. Add one line per person: email,integration.',
      tooManyMessage: (n) => `The file has ${n} people; import at most ${MAX_IMPORT_ROWS} at a time.`,
    });
    const id = await this.store.importLog.start(
      this.jobs,
      IMPORT_JOB,
      {
        org_id: actor.orgId,
        file_name: input.fileName ?? null,
        status: 'queued',
        total: parsed.length,
        processed: 0,
        added: 0,
        not_found: 0,
        inactive: 0,
        duplicate: 0,
        errors: 0,
        error: null,
        created_by: actor.label,
        created_by_admin_id: actor.adminId,
        created_at: nowIso(),
        started_at: null,
        finished_at: null,
      },
      (id) =>
        parsed.map((r) => ({
          import_id: id,
          org_id: actor.orgId,
          line: r.line,
          email: r.values.email,
          integration: r.values.integration,
          result: null,
          message: null,
          user_id: null,
        })),
    );
    return this.getImport(actor.orgId, id);
  }

  async getImport(orgId: number, id: number): Promise<ImportView> {
    const imp = await this.store.importLog.require(orgId, id);
    const rows = await this.store.importLog.rows(orgId, id, { limit: 1000 });
    return {
      id: imp.id,
      fileName: imp.file_name,
      status: imp.status,
      total: imp.total,
      processed: imp.processed,
      counts: { added: imp.added, not_found: imp.not_found, inactive: imp.inactive, duplicate: imp.duplicate, error: imp.errors },
      error: imp.error,
      createdBy: imp.created_by,
      createdAt: imp.created_at,
      startedAt: imp.started_at,
      finishedAt: imp.finished_at,
      rows: rows.map((r) => ({ line: r.line, email: r.email, integration: r.integration, result: r.result, message: r.message })),
    };
  }

  async importResultCsv(orgId: number, id: number): Promise<string> {
    await this.store.importLog.require(orgId, id);
    const rows = await this.store.importLog.rows(orgId, id);
    return toCsv(
      ['line', 'email', 'integration', 'result', 'message'],
      rows.map((r) => [r.line, r.email, r.integration, r.result ?? 'pending', r.message ?? '']),
    );
  }

  /** The job: each row's lookup, the user it adds and its result commit together, so a retried job never adds twice. */
  async runImport(importId: number, orgId: number): Promise<void> {
    await this.store.importLog.run(orgId, importId, { batch: 50, started: { started_at: nowIso() } }, async (imp) => {
      const actor: Principal = {
        ...systemPrincipal(orgId, noPermissions()),
        kind: imp.created_by_admin_id ? 'admin' : 'system',
        adminId: imp.created_by_admin_id,
        label: imp.created_by,
      };
      const refs = (await this.integrations().summaries(orgId)).filter(isTicketing);
      const byName = new Map(refs.map((r) => [r.name.toLowerCase(), r]));
      const conn = connectorCache(this.integrations(), orgId);
      const createdBy = `${imp.created_by} (CSV import)`;
      return async (batch) => {
        for (const row of batch) {
          const finish = (exec: Exec<DB>, result: ImportRowResult, message: string, userId: number | null = null) =>
            this.store.importLog.finishRow(exec, importId, row.id, result, message, { user_id: userId });
          const email = emailInput.safeParse(row.email);
          if (!email.success) {
            await finish(this.db, 'invalid_email', row.email ? `"${row.email}" is not a valid email address.` : 'The email is empty.');
            continue;
          }
          const ref = byName.get(row.integration.toLowerCase());
          if (!ref) {
            await finish(
              this.db,
              'unknown_integration',
              row.integration ? `This organization has no ${systemNames()} integration named "${row.integration}".` : 'The integration is empty.',
            );
            continue;
          }
          if (!ref.enabled) {
            await finish(this.db, 'integration_disabled', `The integration "${ref.name}" is disabled.`);
            continue;
          }
          const r = await this.lookups.resolve(orgId, ref, email.data, conn(ref.id));
          const message = this.lookups.message(ref, email.data, r);
          if (r.outcome !== 'found') {
            const result: ImportRowResult = r.outcome === 'already_added' ? 'duplicate' : r.outcome;
            await finish(this.db, result, message);
            continue;
          }
          try {
            await this.db.transaction().execute(async (trx) => {
              const added = await this.lookups.insertFound(trx, actor, ref, email.data, r.user, createdBy);
              if (!(await finish(trx, 'added', `Added ${r.user.name}.`, added.id))) throw new Error('row already done');
            });
          } catch (err) {
            if (err instanceof AppError && err.code === 'already_added') await finish(this.db, 'duplicate', err.message);
            else if (err instanceof Error && err.message === 'row already done') continue;
            else throw err;
          }
        }
      };
    });
  }

  /** Called when the import job gives up for good. */
  failImport(importId: number, orgId: number, reason: string): Promise<void> {
    return this.store.importLog.fail(orgId, importId, reason);
  }
}
