import type { Kysely } from 'kysely';
import { nowIso } from '../../platform/db/database.js';
import { unauthorized } from '../../platform/http/errors.js';
import { allows, parsePermissions } from '../../platform/permissions.js';
import type { Principal } from '../../platform/principal.js';
import { randomToken, sha256 } from '../../platform/tokens.js';
import type { ApiKeysService } from '../api-keys/service.js';
import type { CompatDb } from './db.js';

/**
 * Twelve hours, the vendor's own example: one vendor client fetches a token once and never
 * refreshes it. Revoking the key ends its tokens at once (every check joins the key).
 */
export const TOKEN_TTL_SECONDS = 43_200;
const TOKEN_PREFIX = 'wft_';
const BAD_KEY = 'The key id or secret is wrong, or the key was revoked. Create an id/secret key in Setup > API Keys.';

/** Tokens of the compatible API: issued for an id/secret API key, stored only as their SHA-256. */
export class CompatTokens {
  constructor(
    private readonly db: Kysely<CompatDb>,
    private readonly apiKeys: Pick<ApiKeysService, 'verifyIdSecret'>,
  ) {}

  /**
   * A new token for a live key id + secret (401 otherwise). Not throttled: one vendor client
   * fetches a token before every call. The key's expired tokens are pruned here, so the table
   * holds at most a key's tokens of the last twelve hours.
   */
  async issue(keyId: string, secret: string): Promise<{ token: string; expiresIn: number }> {
    const key = await this.apiKeys.verifyIdSecret(keyId, secret);
    if (!key) throw unauthorized(BAD_KEY);
    const token = `${TOKEN_PREFIX}${randomToken(32)}`;
    const now = new Date();
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('compat_tokens').where('api_key_id', '=', key.id).where('expires_at', '<=', now.toISOString()).execute();
      await trx
        .insertInto('compat_tokens')
        .values({
          org_id: key.orgId,
          api_key_id: key.id,
          token_hash: sha256(token),
          created_at: now.toISOString(),
          expires_at: new Date(now.getTime() + TOKEN_TTL_SECONDS * 1000).toISOString(),
        })
        .execute();
    });
    return { token, expiresIn: TOKEN_TTL_SECONDS };
  }

  /** The caller of a Bearer token: its key's org and role, read fresh so a revoke or role change applies to the next call. */
  async principal(authorization: string | undefined): Promise<Principal> {
    const m = authorization ? /^Bearer\s+(\S+)$/i.exec(authorization) : null;
    if (!m) throw unauthorized('Send Authorization: Bearer <token>, with a token from POST /v1/auth/api-key/token.');
    const row = await this.db
      .selectFrom('compat_tokens')
      .innerJoin('api_keys', 'api_keys.id', 'compat_tokens.api_key_id')
      .innerJoin('roles', 'roles.id', 'api_keys.role_id')
      .select(['compat_tokens.expires_at', 'api_keys.id as key_id', 'api_keys.org_id', 'api_keys.name', 'api_keys.revoked_at', 'roles.permissions'])
      .where('compat_tokens.token_hash', '=', sha256(m[1]))
      .executeTakeFirst();
    if (!row || row.revoked_at || row.expires_at <= nowIso())
      throw unauthorized('This token is unknown, expired or its key was revoked. Get a new one from POST /v1/auth/api-key/token.');
    return {
      kind: 'api_key',
      orgId: row.org_id,
      adminId: null,
      apiKeyId: row.key_id,
      label: `API key ${row.name}`,
      permissions: parsePermissions(row.permissions),
      sessionId: null,
    };
  }

  /**
   * Whether the API key an evidence link was issued to may still view that org's incidents: not
   * revoked, and its role still allows it. Read fresh on every download, as tokens are.
   */
  async keyMayViewIncidents(orgId: number, apiKeyId: number): Promise<boolean> {
    const row = await this.db
      .selectFrom('api_keys')
      .innerJoin('roles', 'roles.id', 'api_keys.role_id')
      .select(['api_keys.revoked_at', 'roles.permissions'])
      .where('api_keys.id', '=', apiKeyId)
      .where('api_keys.org_id', '=', orgId)
      .executeTakeFirst();
    return !!row && !row.revoked_at && allows(parsePermissions(row.permissions), 'Incidents', 'view');
  }
}
