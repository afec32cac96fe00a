import type { Kysely } from 'kysely';
import { nowIso } from '../../platform/db/database.js';
import type { RolesDb } from './db.js';
import { badRequest, conflict, forbidden, notFound } from '../../platform/http/errors.js';
import {
  BUILTIN_ROLES,
  CATEGORIES,
  exceeding,
  noPermissions,
  parsePermissions,
  type Category,
  type Level,
  type Permissions,
} from '../../platform/permissions.js';
import type { Principal } from '../../platform/principal.js';
import type { AuditRecorder } from '../audit/service.js';
import type { RoleView } from './schemas.js';
import { RolesStore, type RoleRecord } from './store.js';
import type { AnyExec } from '../../platform/db/database.js';
import { isUniqueViolation } from '../../platform/db/errors.js';

const MODULE = 'Roles';
const RESOURCE = 'Role';

function view(r: RoleRecord, adminCount: number): RoleView {
  const permissions = parsePermissions(r.permissions);
  return {
    id: r.id,
    name: r.name,
    builtin: r.builtin === 1,
    permissions,
    editAccess: CATEGORIES.filter((c) => permissions[c] === 'edit' || permissions[c] === 'delete'),
    viewOnlyAccess: CATEGORIES.filter((c) => permissions[c] === 'view'),
    adminCount,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/**
 * Two requests naming the same role can both pass the name check; the unique index on
 * (org_id, name_lower) lets one in and refuses the other, which is the same 409 as the check's.
 */
function nameTakenOr(name: string) {
  return (e: unknown): never => {
    if (isUniqueViolation(e)) throw conflict(`A role named "${name}" already exists.`);
    throw e;
  };
}

function complete(input: Partial<Record<Category, Level>>): Permissions {
  return { ...noPermissions(), ...input };
}

export class RolesService {
  private readonly store: RolesStore;
  constructor(
    private readonly db: Kysely<RolesDb>,
    private readonly audit: AuditRecorder,
  ) {
    this.store = new RolesStore(db);
  }

  /** Called when an org is created: the documented built-in roles, not editable. */
  async createBuiltins(trx: AnyExec, orgId: number): Promise<Map<string, number>> {
    const ids = new Map<string, number>();
    const now = nowIso();
    for (const r of BUILTIN_ROLES) {
      const id = await this.store.insert(trx, {
        org_id: orgId,
        name: r.name,
        name_lower: r.name.toLowerCase(),
        builtin: 1,
        permissions: JSON.stringify(r.permissions),
        created_at: now,
        updated_at: now,
      });
      ids.set(r.name, id);
    }
    return ids;
  }

  async list(orgId: number): Promise<RoleView[]> {
    const [rows, holders] = await Promise.all([this.store.list(orgId), this.store.holders(orgId)]);
    return rows.map((r) => view(r, holders.get(r.id)?.admins ?? 0));
  }

  async get(orgId: number, id: number): Promise<RoleView> {
    const r = await this.store.get(orgId, id);
    if (!r) throw notFound('Role');
    const holders = await this.store.holders(orgId);
    return view(r, holders.get(r.id)?.admins ?? 0);
  }

  /** Permissions of a role, for the auth layer. */
  async permissionsOf(orgId: number, id: number, exec: AnyExec = this.db): Promise<Permissions | null> {
    const r = await this.store.get(orgId, id, exec);
    return r ? parsePermissions(r.permissions) : null;
  }

  async requireInOrg(orgId: number, id: number, exec: AnyExec = this.db): Promise<RoleRecord> {
    const r = await this.store.get(orgId, id, exec);
    if (!r) throw badRequest(`Role ${id} does not exist in your organization.`);
    return r;
  }

  /** Refuses when `wanted` grants more than the actor holds (see `exceeding`). */
  assertWithinActor(actor: Principal, wanted: Permissions, what: string): void {
    const over = exceeding(actor.permissions, wanted);
    if (over.length) throw forbidden(`You cannot ${what} with more access than you have yourself (${over.join(', ')}).`);
  }

  async findByName(orgId: number, name: string) {
    return this.store.findByName(orgId, name);
  }

  async create(actor: Principal, input: { name: string; permissions: Partial<Record<Category, Level>> }): Promise<RoleView> {
    const id = await this.db
      .transaction()
      .execute(async (trx) => {
        if (await this.store.findByName(actor.orgId, input.name, trx)) throw conflict(`A role named "${input.name}" already exists.`);
        const now = nowIso();
        const permissions = complete(input.permissions);
        this.assertWithinActor(actor, permissions, 'create a role');
        const id = await this.store.insert(trx, {
          org_id: actor.orgId,
          name: input.name,
          name_lower: input.name.toLowerCase(),
          builtin: 0,
          permissions: JSON.stringify(permissions),
          created_at: now,
          updated_at: now,
        });
        await this.audit.record(trx, actor, {
          action: 'Insert',
          module: MODULE,
          resource: RESOURCE,
          resourceId: id,
          notes: `Added role ${input.name}`,
          after: { name: input.name, permissions },
        });
        return id;
      })
      .catch(nameTakenOr(input.name));
    return this.get(actor.orgId, id);
  }

  async update(actor: Principal, id: number, input: { name?: string; permissions?: Partial<Record<Category, Level>> }): Promise<RoleView> {
    await this.db
      .transaction()
      .execute(async (trx) => {
        const current = await this.store.get(actor.orgId, id, trx);
        if (!current) throw notFound('Role');
        if (current.builtin) throw badRequest(`${current.name} is a built-in role and cannot be changed. Create a custom role instead.`);
        if (input.name && input.name.toLowerCase() !== current.name_lower) {
          if (await this.store.findByName(actor.orgId, input.name, trx)) throw conflict(`A role named "${input.name}" already exists.`);
        }
        const before = { name: current.name, permissions: parsePermissions(current.permissions) };
        const after = {
          name: input.name ?? current.name,
          permissions: input.permissions ? complete(input.permissions) : before.permissions,
        };
        this.assertWithinActor(actor, after.permissions, 'give a role');
        this.assertWithinActor(actor, before.permissions, 'edit a role');
        await this.store.update(trx, actor.orgId, id, {
          name: after.name,
          name_lower: after.name.toLowerCase(),
          permissions: JSON.stringify(after.permissions),
          updated_at: nowIso(),
        });
        await this.audit.record(trx, actor, {
          action: 'Update',
          module: MODULE,
          resource: RESOURCE,
          resourceId: id,
          notes: `Edited permissions of role ${after.name}`,
          before,
          after,
        });
      })
      .catch(nameTakenOr(input.name ?? ''));
    return this.get(actor.orgId, id);
  }

  async delete(actor: Principal, id: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const current = await this.store.get(actor.orgId, id, trx);
      if (!current) throw notFound('Role');
      if (current.builtin) throw badRequest(`${current.name} is a built-in role and cannot be deleted.`);
      const held = (await this.store.holders(actor.orgId, trx)).get(id);
      if (held && (held.admins > 0 || held.apiKeys > 0)) {
        const parts = [
          held.admins ? `${held.admins} admin${held.admins === 1 ? '' : 's'}` : null,
          held.apiKeys ? `${held.apiKeys} API key${held.apiKeys === 1 ? '' : 's'}` : null,
        ].filter(Boolean);
        throw conflict(`Role ${current.name} is still assigned to ${parts.join(' and ')}. Assign them another role first.`);
      }
      await this.store.delete(trx, actor.orgId, id);
      await this.audit.record(trx, actor, {
        action: 'Delete',
        module: MODULE,
        resource: RESOURCE,
        resourceId: id,
        notes: `Deleted role ${current.name}`,
        before: { name: current.name, permissions: parsePermissions(current.permissions) },
      });
    });
  }
}
