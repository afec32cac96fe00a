import type { Insertable, Kysely, Selectable, Transaction } from 'kysely';
import type { AuditTables } from './migrations.js';
import type { AuditLogTable } from './migrations.js';
import type { AuditEntry, AuditFacets } from './schemas.js';

export type AuditQuery = {
  from?: string;
  to?: string;
  adminId?: number;
  action?: string;
  module?: string;
  resource?: string;
  search?: string;
  page: number;
  pageSize: number;
};

/** What the API returns for an entry; the store builds it from a row. */
export type AuditRow = AuditEntry;

function toRow(r: Selectable<AuditLogTable>): AuditRow {
  return {
    id: r.id,
    createdAt: r.created_at,
    action: r.action,
    module: r.module,
    resource: r.resource,
    resourceId: r.resource_id,
    adminId: r.admin_id,
    actor: r.actor,
    changeNotes: r.change_notes,
    before: r.before_json ? JSON.parse(r.before_json) : null,
    after: r.after_json ? JSON.parse(r.after_json) : null,
  };
}

export class AuditStore {
  constructor(private readonly db: Kysely<AuditTables>) {}

  async insert(trx: Transaction<AuditTables> | Kysely<AuditTables>, row: Insertable<AuditLogTable>): Promise<void> {
    await trx.insertInto('audit_log').values(row).execute();
  }

  async list(orgId: number, q: AuditQuery): Promise<{ items: AuditRow[]; total: number }> {
    let base = this.db.selectFrom('audit_log').where('org_id', '=', orgId);
    if (q.from) base = base.where('created_at', '>=', q.from);
    if (q.to) base = base.where('created_at', '<=', q.to);
    if (q.adminId) base = base.where('admin_id', '=', q.adminId);
    if (q.action) base = base.where('action', '=', q.action as AuditLogTable['action']);
    if (q.module) base = base.where('module', '=', q.module);
    if (q.resource) base = base.where('resource', '=', q.resource);
    if (q.search) {
      const like = `%${q.search.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
      base = base.where((eb) =>
        eb.or([
          eb(eb.fn('lower', ['change_notes']), 'like', like),
          eb(eb.fn('lower', ['actor']), 'like', like),
          eb(eb.fn('lower', ['resource']), 'like', like),
        ]),
      );
    }
    const [{ count }] = await base.select((eb) => eb.fn.countAll<number>().as('count')).execute();
    const rows = await base
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize)
      .execute();
    return { items: rows.map(toRow), total: Number(count) };
  }

  async get(orgId: number, id: number): Promise<AuditRow | null> {
    const r = await this.db.selectFrom('audit_log').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    return r ? toRow(r) : null;
  }

  async facets(orgId: number): Promise<AuditFacets> {
    const modules = await this.db.selectFrom('audit_log').select('module').distinct().where('org_id', '=', orgId).execute();
    const resources = await this.db.selectFrom('audit_log').select('resource').distinct().where('org_id', '=', orgId).execute();
    const admins = await this.db
      .selectFrom('audit_log')
      .select(['admin_id', 'actor'])
      .distinct()
      .where('org_id', '=', orgId)
      .where('admin_id', 'is not', null)
      .execute();
    return {
      modules: modules.map((m) => m.module).sort(),
      resources: resources.map((r) => r.resource).sort(),
      admins: admins.map((a) => ({ id: a.admin_id as number, actor: a.actor })),
    };
  }
}
