import type { Kysely } from 'kysely';
import type { RolesDb } from './db.js';
import type { RolesTable } from './migrations.js';
import type { Exec } from '../../platform/db/exec.js';

export type RoleRecord = Omit<RolesTable, 'id'> & { id: number };

export class RolesStore {
  constructor(private readonly db: Kysely<RolesDb>) {}

  list(orgId: number): Promise<RoleRecord[]> {
    return this.db.selectFrom('roles').selectAll().where('org_id', '=', orgId).orderBy('builtin', 'desc').orderBy('name').execute();
  }

  get(orgId: number, id: number, exec: Exec<RolesDb> = this.db): Promise<RoleRecord | undefined> {
    return exec.selectFrom('roles').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  }

  findByName(orgId: number, name: string, exec: Exec<RolesDb> = this.db): Promise<RoleRecord | undefined> {
    return exec.selectFrom('roles').selectAll().where('org_id', '=', orgId).where('name_lower', '=', name.toLowerCase()).executeTakeFirst();
  }

  async insert(exec: Exec<RolesDb>, row: Omit<RoleRecord, 'id'>): Promise<number> {
    const r = await exec.insertInto('roles').values(row).returning('id').executeTakeFirstOrThrow();
    return r.id;
  }

  async update(exec: Exec<RolesDb>, orgId: number, id: number, patch: Partial<Omit<RoleRecord, 'id' | 'org_id'>>): Promise<void> {
    await exec.updateTable('roles').set(patch).where('org_id', '=', orgId).where('id', '=', id).execute();
  }

  async delete(exec: Exec<RolesDb>, orgId: number, id: number): Promise<void> {
    // Revoked API keys do not hold a role (see holders) but their rows still reference it, so the
    // delete failed on the foreign key (a 500). They can never authenticate again and their
    // history is in the audit log, so they go with the role.
    await exec.deleteFrom('api_keys').where('org_id', '=', orgId).where('role_id', '=', id).where('revoked_at', 'is not', null).execute();
    await exec.deleteFrom('roles').where('org_id', '=', orgId).where('id', '=', id).execute();
  }

  /** How many admins and API keys hold each role; a held role cannot be deleted. */
  async holders(orgId: number, exec: Exec<RolesDb> = this.db): Promise<Map<number, { admins: number; apiKeys: number }>> {
    const admins = await exec
      .selectFrom('admins')
      .select(['role_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('org_id', '=', orgId)
      .groupBy('role_id')
      .execute();
    const keys = await exec
      .selectFrom('api_keys')
      .select(['role_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('org_id', '=', orgId)
      .where('revoked_at', 'is', null)
      .groupBy('role_id')
      .execute();
    const out = new Map<number, { admins: number; apiKeys: number }>();
    for (const a of admins) out.set(a.role_id, { admins: Number(a.n), apiKeys: 0 });
    for (const k of keys) out.set(k.role_id, { admins: out.get(k.role_id)?.admins ?? 0, apiKeys: Number(k.n) });
    return out;
  }
}
