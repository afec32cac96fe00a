import type { AppContext } from './app-context.js';
import { conflict } from './platform/http/errors.js';
import { fullPermissions } from './platform/permissions.js';
import { systemPrincipal } from './platform/principal.js';

/**
 * Creates the first org (when there is none) and an admin in it. Used by `wfa admin create`, the
 * demo and tests; the audit entry names "System" as the actor.
 */
export async function createAdmin(ctx: AppContext, input: { email: string; name: string; password: string; roleName?: string; orgName?: string }) {
  let org = input.orgName
    ? await ctx.db.selectFrom('orgs').selectAll().where('name', '=', input.orgName).orderBy('id').executeTakeFirst()
    : await ctx.orgs.first();
  if (!org) {
    const created = await ctx.orgs.create(input.orgName ?? 'Default');
    org = { id: created.id, name: created.name, created_at: '' };
  }
  const roleName = input.roleName ?? 'DLP Super Admin';
  const role = await ctx.roles.findByName(org.id, roleName);
  if (!role) throw conflict(`No role named "${roleName}" in org ${org.name}.`);
  const actor = systemPrincipal(org.id, fullPermissions());
  const admin = await ctx.admins.create(actor, { email: input.email, name: input.name, roleId: role.id, password: input.password });
  return { org, admin };
}
