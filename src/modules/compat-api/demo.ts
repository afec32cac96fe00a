import type { Principal } from '../../platform/principal.js';
import type { ApiKeysService } from '../api-keys/service.js';
import type { RolesService } from '../roles/service.js';

export type DemoDeps = {
  apiKeys: Pick<ApiKeysService, 'list' | 'create' | 'revoke'>;
  roles: Pick<RolesService, 'findByName'>;
};

const DEMO_KEY = 'Compatible API demo';

/**
 * An id/secret key for trying the compatible API against the demo (docs/compatible-api.md). A
 * secret is shown only when made, so each run replaces the key, like the demo admin's password.
 */
export async function seedDemoCompatKey(deps: DemoDeps, actor: Principal): Promise<string[]> {
  for (const k of await deps.apiKeys.list(actor.orgId)) if (k.name === DEMO_KEY) await deps.apiKeys.revoke(actor, k.id);
  const role = await deps.roles.findByName(actor.orgId, 'DLP Super Admin');
  if (!role) return [];
  const key = await deps.apiKeys.create(actor, { name: DEMO_KEY, roleId: role.id, kind: 'id_secret' });
  return [`Compatible API (docs/compatible-api.md): ZWA_API_KEY_ID=${key.keyId} ZWA_API_SECRET=${key.keySecret}`];
}
