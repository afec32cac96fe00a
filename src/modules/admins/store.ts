import type { Kysely } from 'kysely';
import type { AdminsDb } from './db.js';
import type { AdminsTable } from './migrations.js';
import type { Exec } from '../../platform/db/exec.js';

export type AdminRecord = Omit<AdminsTable, 'id' | 'failed_logins'> & { id: number; failed_logins: number };

const SORT_COLUMNS = { name: 'admins.name', email: 'admins.email_lower', createdAt: 'admins.created_at', lastLoginAt: 'admins.last_login_at' } as const;

export class AdminsStore {
  constructor(private readonly db: Kysely<AdminsDb>) {}

  byEmail(emailLower: string, exec: Exec<AdminsDb> = this.db): Promise<AdminRecord | undefined> {
    return exec.selectFrom('admins').selectAll().where('email_lower', '=', emailLower).executeTakeFirst();
  }

  get(orgId: number, id: number, exec: Exec<AdminsDb> = this.db): Promise<AdminRecord | undefined> {
    return exec.selectFrom('admins').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  }

  async list(orgId: number, q: { search?: string; sort: keyof typeof SORT_COLUMNS; order: 'asc' | 'desc'; page: number; pageSize: number }) {
    let base = this.db.selectFrom('admins').innerJoin('roles', 'roles.id', 'admins.role_id').where('admins.org_id', '=', orgId);
    if (q.search) {
      const like = `%${q.search.toLowerCase()}%`;
      base = base.where((eb) => eb.or([eb('admins.email_lower', 'like', like), eb(eb.fn('lower', ['admins.name']), 'like', like)]));
    }
    const [{ total }] = await base.select((eb) => eb.fn.countAll<number>().as('total')).execute();
    const items = await base
      .selectAll('admins')
      .select('roles.name as role_name')
      .orderBy(SORT_COLUMNS[q.sort], q.order)
      .orderBy('admins.id', q.order)
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize)
      .execute();
    return { items, total: Number(total) };
  }

  /** Active admins with their role's permissions JSON, by name. */
  activeWithRoles(orgId: number): Promise<{ id: number; name: string; email: string; permissions: string }[]> {
    return this.db
      .selectFrom('admins')
      .innerJoin('roles', 'roles.id', 'admins.role_id')
      .select(['admins.id', 'admins.name', 'admins.email', 'roles.permissions'])
      .where('admins.org_id', '=', orgId)
      .where('admins.status', '=', 'active')
      .orderBy('admins.name')
      .execute();
  }

  async insert(exec: Exec<AdminsDb>, row: Omit<AdminRecord, 'id' | 'failed_logins'>): Promise<number> {
    const r = await exec.insertInto('admins').values(row).returning('id').executeTakeFirstOrThrow();
    return r.id;
  }

  async update(exec: Exec<AdminsDb>, id: number, patch: Partial<Omit<AdminRecord, 'id' | 'org_id'>>): Promise<void> {
    await exec.updateTable('admins').set(patch).where('id', '=', id).execute();
  }
}
