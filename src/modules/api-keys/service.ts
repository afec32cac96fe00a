import type { Kysely } from 'kysely';
import { nowIso } from '../../platform/db/database.js';
import type { ApiKeysDb } from './db.js';
import { conflict, notFound } from '../../platform/http/errors.js';
import type { Principal } from '../../platform/principal.js';
import { randomToken, sha256 } from '../../platform/tokens.js';
import type { AuditRecorder } from '../audit/service.js';
import { API_KEY_PREFIX } from '../auth/service.js';
import { parsePermissions } from '../../platform/permissions.js';
import type { RolesService } from '../roles/service.js';

const MODULE = 'API Keys';
const RESOURCE = 'API Key';

export type ApiKeyView = {
  id: number;
  name: string;
  prefix: string;
  roleId: number;
  roleName: string;
  createdAt: string;
  lastUsedAt: string | null;
};

export class ApiKeysService {
  constructor(
    private readonly db: Kysely<ApiKeysDb>,
    private readonly audit: AuditRecorder,
    private readonly roles: Pick<RolesService, 'requireInOrg' | 'assertWithinActor'>,
  ) {}

  async list(orgId: number): Promise<ApiKeyView[]> {
    const rows = await this.db
      .selectFrom('api_keys')
      .innerJoin('roles', 'roles.id', 'api_keys.role_id')
      .select([
        'api_keys.id',
        'api_keys.name',
        'api_keys.prefix',
        'api_keys.role_id',
        'roles.name as role_name',
        'api_keys.created_at',
        'api_keys.last_used_at',
      ])
      .where('api_keys.org_id', '=', orgId)
      .where('api_keys.revoked_at', 'is', null)
      .orderBy('api_keys.created_at', 'desc')
      .orderBy('api_keys.id', 'desc')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      prefix: r.prefix,
      roleId: r.role_id,
      roleName: r.role_name,
      createdAt: r.created_at,
      lastUsedAt: r.last_used_at,
    }));
  }

  /** The key itself is returned once, here; only its hash is stored. */
  async create(actor: Principal, input: { name: string; roleId: number }): Promise<ApiKeyView & { key: string }> {
    const key = `${API_KEY_PREFIX}${randomToken(32)}`;
    const prefix = key.slice(0, API_KEY_PREFIX.length + 6);
    const id = await this.db.transaction().execute(async (trx) => {
      const role = await this.roles.requireInOrg(actor.orgId, input.roleId, trx);
      this.roles.assertWithinActor(actor, parsePermissions(role.permissions), 'create an API key');
      const dup = await trx
        .selectFrom('api_keys')
        .select('id')
        .where('org_id', '=', actor.orgId)
        .where('name', '=', input.name)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (dup) throw conflict(`An API key named "${input.name}" already exists.`);
      const row = await trx
        .insertInto('api_keys')
        .values({
          org_id: actor.orgId,
          name: input.name,
          prefix,
          key_hash: sha256(key),
          role_id: role.id,
          created_by: actor.adminId,
          created_at: nowIso(),
          last_used_at: null,
          revoked_at: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await this.audit.record(trx, actor, {
        action: 'Insert',
        module: MODULE,
        resource: RESOURCE,
        resourceId: row.id,
        notes: `Created API key ${input.name} with role ${role.name}`,
        after: { name: input.name, prefix, role: role.name, apiKey: key },
      });
      return row.id;
    });
    const view = (await this.list(actor.orgId)).find((k) => k.id === id)!;
    return { ...view, key };
  }

  async revoke(actor: Principal, id: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('api_keys')
        .selectAll()
        .where('org_id', '=', actor.orgId)
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (!row) throw notFound('API key');
      await trx.updateTable('api_keys').set({ revoked_at: nowIso() }).where('id', '=', id).execute();
      await this.audit.record(trx, actor, {
        action: 'Delete',
        module: MODULE,
        resource: RESOURCE,
        resourceId: id,
        notes: `Revoked API key ${row.name}`,
        before: { name: row.name, prefix: row.prefix },
      });
    });
  }
}
