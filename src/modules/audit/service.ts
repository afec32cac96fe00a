import type { Kysely } from 'kysely';
import type { AuditTables } from './migrations.js';
import type { Principal } from '../../platform/principal.js';
import { redact } from '../../platform/redact.js';
import { AuditStore, type AuditQuery } from './store.js';
import type { AnyExec } from '../../platform/db/database.js';

export type AuditAction = 'Insert' | 'Update' | 'Delete';

export type AuditEntryInput = {
  action: AuditAction;
  module: string;
  resource: string;
  resourceId?: string | number | null;
  notes: string;
  before?: unknown;
  after?: unknown;
};

/** What other modules need from the audit log: recording their changes. */
export type AuditRecorder = Pick<AuditService, 'record'>;

export class AuditService {
  private readonly store: AuditStore;
  constructor(db: Kysely<AuditTables>) {
    this.store = new AuditStore(db);
  }

  /**
   * Must be called inside the transaction of the change it describes, so a change never lands
   * without its entry. Secrets are redacted before anything is written.
   */
  /** `trx`: the caller's transaction, whose module has other tables. */
  async record(trx: AnyExec, actor: Principal, entry: AuditEntryInput): Promise<void> {
    await this.store.insert(trx, {
      org_id: actor.orgId,
      created_at: new Date().toISOString(),
      action: entry.action,
      module: entry.module,
      resource: entry.resource,
      resource_id: entry.resourceId == null ? null : String(entry.resourceId),
      admin_id: actor.adminId,
      actor: actor.label,
      change_notes: entry.notes,
      before_json: entry.before === undefined ? null : JSON.stringify(redact(entry.before)),
      after_json: entry.after === undefined ? null : JSON.stringify(redact(entry.after)),
    });
  }

  list(orgId: number, query: AuditQuery) {
    return this.store.list(orgId, query);
  }

  get(orgId: number, id: number) {
    return this.store.get(orgId, id);
  }

  facets(orgId: number) {
    return this.store.facets(orgId);
  }
}
