import type { Kysely } from 'kysely';
import { nowIso } from '../../platform/db/database.js';
import { isUniqueViolation } from '../../platform/db/errors.js';
import type { AdminsDb } from './db.js';
import { badRequest, conflict, notFound } from '../../platform/http/errors.js';
import type { Principal } from '../../platform/principal.js';
import type { AuditRecorder } from '../audit/service.js';
import { hashPassword, verifyPassword } from '../auth/passwords.js';
import { allows, parsePermissions, type Category, type Level } from '../../platform/permissions.js';
import type { AnyExec } from '../../platform/db/database.js';
import type { RolesService } from '../roles/service.js';
import type { AdminView } from './schemas.js';
import { AdminsStore, type AdminRecord } from './store.js';

const MODULE = 'Admins';
const RESOURCE = 'Admin Configuration';

function snapshot(a: Pick<AdminRecord, 'email' | 'name' | 'role_id' | 'status'>, roleName: string) {
  return { email: a.email, name: a.name, role: roleName, status: a.status };
}

export class AdminsService {
  private readonly store: AdminsStore;
  constructor(
    private readonly db: Kysely<AdminsDb>,
    private readonly audit: AuditRecorder,
    private readonly roles: Pick<RolesService, 'requireInOrg' | 'assertWithinActor'>,
  ) {
    this.store = new AdminsStore(db);
  }

  /** The full record (password hash and lockout fields included) for signing in; null-ish when no admin has this email. */
  findByEmail(email: string): Promise<AdminRecord | undefined> {
    return this.store.byEmail(email.trim().toLowerCase());
  }

  /** Records a failed or successful sign-in; `exec` is the caller's transaction when it also opens a session. */
  recordSignIn(id: number, patch: Partial<Pick<AdminRecord, 'failed_logins' | 'locked_until' | 'last_login_at'>>, exec: AnyExec = this.db): Promise<void> {
    return this.store.update(exec, id, patch);
  }

  /** Active admins of the org whose role grants `level` on `category`, by name (e.g. who can be assigned incidents). */
  async withPermission(orgId: number, category: Category, level: Level): Promise<{ id: number; name: string; email: string }[]> {
    const rows = await this.store.activeWithRoles(orgId);
    return rows.filter((r) => allows(parsePermissions(r.permissions), category, level)).map((r) => ({ id: r.id, name: r.name, email: r.email }));
  }

  private view(a: AdminRecord & { role_name: string }): AdminView {
    return {
      id: a.id,
      email: a.email,
      name: a.name,
      roleId: a.role_id,
      roleName: a.role_name,
      status: a.status,
      locked: !!a.locked_until && a.locked_until > nowIso(),
      lastLoginAt: a.last_login_at,
      createdAt: a.created_at,
    };
  }

  async list(orgId: number, q: Parameters<AdminsStore['list']>[1]) {
    const { items, total } = await this.store.list(orgId, q);
    return { items: items.map((a) => this.view(a)), total, page: q.page, pageSize: q.pageSize };
  }

  async get(orgId: number, id: number): Promise<AdminView> {
    const a = await this.store.get(orgId, id);
    if (!a) throw notFound('Admin');
    const role = await this.roles.requireInOrg(orgId, a.role_id);
    return this.view({ ...a, role_name: role.name });
  }

  /** Used by the CLI and the demo as well as the API; `actor` null means the installation itself. */
  async create(actor: Principal, input: { email: string; name: string; roleId: number; password: string }): Promise<AdminView> {
    const passwordHash = await hashPassword(input.password);
    const id = await this.db.transaction().execute(async (trx) => {
      const role = await this.roles.requireInOrg(actor.orgId, input.roleId, trx);
      this.roles.assertWithinActor(actor, parsePermissions(role.permissions), 'add an admin');
      if (await this.store.byEmail(input.email.toLowerCase(), trx)) throw conflict(`An admin with email ${input.email} already exists.`);
      const now = nowIso();
      const row = {
        org_id: actor.orgId,
        email: input.email,
        email_lower: input.email.toLowerCase(),
        name: input.name,
        password_hash: passwordHash,
        role_id: role.id,
        status: 'active' as const,
        locked_until: null,
        last_login_at: null,
        created_at: now,
        updated_at: now,
      };
      const id = await this.store.insert(trx, row).catch((e: unknown) => {
        if (isUniqueViolation(e)) throw conflict(`An admin with email ${input.email} already exists.`);
        throw e;
      });
      await this.audit.record(trx, actor, {
        action: 'Insert',
        module: MODULE,
        resource: RESOURCE,
        resourceId: id,
        notes: `Added admin ${input.email} with role ${role.name}`,
        after: { ...snapshot(row, role.name), password: input.password },
      });
      return id;
    });
    return this.get(actor.orgId, id);
  }

  async update(
    actor: Principal,
    id: number,
    input: { name?: string; roleId?: number; status?: 'active' | 'disabled'; password?: string; currentPassword?: string },
  ): Promise<AdminView> {
    const passwordHash = input.password ? await hashPassword(input.password) : undefined;
    await this.db.transaction().execute(async (trx) => {
      const current = await this.store.get(actor.orgId, id, trx);
      if (!current) throw notFound('Admin');
      if (actor.adminId === id && input.password) {
        if (!input.currentPassword) throw badRequest('Enter your current password to set a new one.', { field: 'currentPassword' });
        if (!(await verifyPassword(input.currentPassword, current.password_hash)))
          throw badRequest('The current password is not right; your password was not changed.', { field: 'currentPassword' });
      }
      if (actor.adminId === id && input.status === 'disabled') throw badRequest('You cannot disable your own account.');
      if (actor.adminId === id && input.roleId !== undefined && input.roleId !== current.role_id)
        throw badRequest('You cannot change your own role; ask another admin.');
      const oldRole = await this.roles.requireInOrg(actor.orgId, current.role_id, trx);
      const newRole = input.roleId ? await this.roles.requireInOrg(actor.orgId, input.roleId, trx) : oldRole;
      // Editing a more powerful admin (say, resetting a super admin's password) would be a way up.
      this.roles.assertWithinActor(actor, parsePermissions(oldRole.permissions), 'edit an admin');
      this.roles.assertWithinActor(actor, parsePermissions(newRole.permissions), 'give an admin a role');
      const patch: Partial<AdminRecord> = { updated_at: nowIso() };
      if (input.name !== undefined) patch.name = input.name;
      if (input.roleId !== undefined) patch.role_id = newRole.id;
      if (input.status !== undefined) patch.status = input.status;
      if (input.status === 'active') {
        patch.failed_logins = 0;
        patch.locked_until = null;
      }
      if (passwordHash) patch.password_hash = passwordHash;
      await this.store.update(trx, id, patch);
      // A disabled admin, a changed role or a reset password ends every open session at once.
      if (input.status === 'disabled' || passwordHash || (input.roleId && input.roleId !== current.role_id)) {
        await trx.deleteFrom('sessions').where('admin_id', '=', id).execute();
      }
      const after = { ...current, ...patch };
      const changes: string[] = [];
      if (input.name !== undefined && input.name !== current.name) changes.push('name');
      if (newRole.id !== oldRole.id) changes.push(`role ${oldRole.name} → ${newRole.name}`);
      if (input.status && input.status !== current.status) changes.push(input.status === 'disabled' ? 'disabled' : 'enabled');
      if (passwordHash) changes.push('password reset');
      await this.audit.record(trx, actor, {
        action: 'Update',
        module: MODULE,
        resource: RESOURCE,
        resourceId: id,
        notes: `Edited admin ${current.email}${changes.length ? `: ${changes.join(', ')}` : ''}`,
        before: snapshot(current, oldRole.name),
        after: { ...snapshot(after, newRole.name), ...(passwordHash ? { password: input.password } : {}) },
      });
    });
    return this.get(actor.orgId, id);
  }
}
