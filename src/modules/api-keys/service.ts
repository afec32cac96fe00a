import { timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { nowIso } from '../../platform/db/database.js';
import { isUniqueViolation } from '../../platform/db/errors.js';
import type { ApiKeysDb } from './db.js';
import { conflict, notFound } from '../../platform/http/errors.js';
import type { Principal } from '../../platform/principal.js';
import { randomToken, sha256 } from '../../platform/tokens.js';
import type { AuditRecorder } from '../audit/service.js';
import { API_KEY_PREFIX } from '../auth/service.js';
import { parsePermissions } from '../../platform/permissions.js';
import type { RolesService } from '../roles/service.js';
import type { ApiKeyKind } from './migrations.js';

/** Starts an id/secret key's public id and its secret; a secret never starts like a Bearer key, so it cannot be sent as one. */
export const KEY_ID_PREFIX = 'wfk_';
export const KEY_SECRET_PREFIX = 'wfs_';

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
  kind: ApiKeyKind;
  /** The public key id of an id/secret key (sent as `key_id`); null for a Bearer key. */
  keyId: string | null;
  /**
   * Who created the key; null once that admin was deleted. A key belongs to the org, not to its
   * creator: it keeps working when they are disabled or deleted (an integration must not stop
   * because a person left), so the list shows the creator's state for admins to decide on revoking.
   */
  createdBy: { id: number; name: string; email: string; status: 'active' | 'disabled' } | null;
};

/** What creation shows once: the Bearer key, or the id/secret pair. */
export type CreatedApiKey = ApiKeyView & { key?: string; keySecret?: string };

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
      .leftJoin('admins', 'admins.id', 'api_keys.created_by')
      .select([
        'admins.id as creator_id',
        'admins.name as creator_name',
        'admins.email as creator_email',
        'admins.status as creator_status',
        'api_keys.id',
        'api_keys.name',
        'api_keys.prefix',
        'api_keys.role_id',
        'roles.name as role_name',
        'api_keys.created_at',
        'api_keys.last_used_at',
        'api_keys.kind',
        'api_keys.key_id',
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
      kind: r.kind,
      keyId: r.key_id,
      createdBy:
        r.creator_id === null ? null : { id: r.creator_id, name: r.creator_name ?? '', email: r.creator_email ?? '', status: r.creator_status ?? 'active' },
    }));
  }

  /**
   * The key (or an id/secret key's secret) is returned once, here; only its hash is stored. An
   * id/secret key's id is public and shown in the list; its secret is what the hash checks.
   */
  async create(actor: Principal, input: { name: string; roleId: number; kind?: 'bearer' }): Promise<ApiKeyView & { key: string }>;
  async create(actor: Principal, input: { name: string; roleId: number; kind: 'id_secret' }): Promise<ApiKeyView & { keySecret: string }>;
  async create(actor: Principal, input: { name: string; roleId: number; kind?: ApiKeyKind }): Promise<CreatedApiKey>;
  async create(actor: Principal, input: { name: string; roleId: number; kind?: ApiKeyKind }): Promise<CreatedApiKey> {
    const kind = input.kind ?? 'bearer';
    const key = kind === 'bearer' ? `${API_KEY_PREFIX}${randomToken(32)}` : `${KEY_SECRET_PREFIX}${randomToken(32)}`;
    const keyId = kind === 'id_secret' ? `${KEY_ID_PREFIX}${randomToken(12)}` : null;
    const prefix = keyId ?? key.slice(0, API_KEY_PREFIX.length + 6);
    const id = await this.db
      .transaction()
      .execute(async (trx) => {
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
            kind,
            key_id: keyId,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await this.audit.record(trx, actor, {
          action: 'Insert',
          module: MODULE,
          resource: RESOURCE,
          resourceId: row.id,
          notes: `Created ${kind === 'bearer' ? 'API key' : 'id/secret API key'} ${input.name} with role ${role.name}`,
          after: kind === 'bearer' ? { name: input.name, prefix, role: role.name, apiKey: key } : { name: input.name, keyId, role: role.name, keySecret: key },
        });
        return row.id;
      })
      .catch((e: unknown) => {
        // Concurrent creates with one name all pass the check above; the partial unique index on
        // live keys' (org_id, name) admits one and refuses the rest with the same 409.
        if (isUniqueViolation(e)) throw conflict(`An API key named "${input.name}" already exists.`);
        throw e;
      });
    const view = (await this.list(actor.orgId)).find((k) => k.id === id)!;
    return kind === 'bearer' ? { ...view, key } : { ...view, keySecret: key };
  }

  /**
   * The id/secret key a `key_id` + `key_secret` pair names, when it is live and the secret is its
   * own (compared as hashes in constant time); null otherwise, without saying which part was wrong.
   */
  async verifyIdSecret(keyId: string, secret: string): Promise<{ id: number; orgId: number } | null> {
    const row = await this.db
      .selectFrom('api_keys')
      .select(['id', 'org_id', 'key_hash', 'revoked_at', 'last_used_at'])
      .where('key_id', '=', keyId)
      .where('kind', '=', 'id_secret')
      .executeTakeFirst();
    const given = Buffer.from(sha256(secret), 'hex');
    const stored = Buffer.from(row?.key_hash ?? sha256(''), 'hex');
    const same = given.length === stored.length && timingSafeEqual(given, stored);
    if (!row || row.revoked_at || !same) return null;
    const now = nowIso();
    if (!row.last_used_at || Date.parse(now) - Date.parse(row.last_used_at) > 60_000) {
      await this.db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', row.id).execute();
    }
    return { id: row.id, orgId: row.org_id };
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
