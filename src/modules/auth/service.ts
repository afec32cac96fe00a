import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../../config.js';
import { nowIso } from '../../platform/db/database.js';
import type { TableWrites } from '../../platform/db/table-writes.js';
import type { AuthDb } from './db.js';
import { AppError, tooManyRequests, unauthorized } from '../../platform/http/errors.js';
import type { Authenticator } from '../../platform/http/guard.js';
import { parsePermissions, type Permissions } from '../../platform/permissions.js';
import type { Principal } from '../../platform/principal.js';
import { randomToken, sha256 } from '../../platform/tokens.js';
import type { AdminsService } from '../admins/service.js';
import { LoginLimiter } from './login-limiter.js';
import { dummyPasswordHash, verifyPassword } from './passwords.js';

export const SESSION_COOKIE = 'wfa_session';
export const API_KEY_PREFIX = 'wfa_';

const BAD_LOGIN = 'Email or password is incorrect.';

/** What a session's request needs from its session, admin and role rows. */
type SessionRow = {
  session_id: string;
  csrf_token: string;
  expires_at: string;
  last_seen_at: string;
  admin_id: number;
  org_id: number;
  email: string;
  status: string;
  permissions: Permissions;
};

/**
 * How long a session read may answer later requests. Every write in this process to sessions,
 * admins or roles (logout, disable, role or permission change, password reset, an expiry slide,
 * and the commit of the transaction making it) drops it at once (`TableWrites`); this bounds how
 * long another process's such change can go unseen. Measured: the session + admin + role join is
 * ~20 µs of a ~330 µs list request on SQLite, and a round trip on PostgreSQL.
 */
const SESSION_CACHE_MS = 1000;
/** The longest one address stays locked out of an account, however many times it was locked. */
const MAX_LOCKOUT_MINUTES = 24 * 60;
const SESSION_CACHE_MAX = 10_000;

export class AuthService implements Authenticator {
  readonly limiter = new LoginLimiter();
  private readonly sessionCache = new Map<string, { at: number; version: number; row: SessionRow }>();

  constructor(
    private readonly db: Kysely<AuthDb>,
    private readonly config: Config,
    private readonly admins: Pick<AdminsService, 'findByEmail' | 'recordSignIn'>,
    private readonly writes: TableWrites,
  ) {}

  /** Cookies are marked Secure when the app is served over HTTPS (WFA_PUBLIC_URL). */
  get secureCookies(): boolean {
    return this.config.publicUrl?.startsWith('https://') ?? false;
  }

  /**
   * Checks the password. After `loginMaxFailures` wrong passwords in a row from one address, that
   * address is locked out of this account for `loginLockoutMinutes`, doubling with each new lock
   * (up to a day). Locking the pair rather than the account means an attacker guessing from their
   * address cannot keep the admin out from theirs. Unknown email, wrong password and a locked
   * address get the very same answer, so none of them confirms that the account exists.
   */
  async login(email: string, password: string, ip: string): Promise<{ token: string; csrfToken: string; adminId: number }> {
    const wait = this.limiter.hit(ip);
    if (wait !== null) throw tooManyRequests(`Too many sign-in attempts from your address. Try again in ${wait} seconds.`);
    const admin = await this.admins.findByEmail(email);
    if (!admin) {
      await verifyPassword(password, await dummyPasswordHash());
      throw unauthorized(BAD_LOGIN);
    }
    const now = new Date();
    const nowIsoStr = now.toISOString();
    const pair = await this.db.selectFrom('login_failures').selectAll().where('admin_id', '=', admin.id).where('address', '=', ip).executeTakeFirst();
    // Enabling an admin clears the account's locked_until: every address lock set before it is void.
    const pairLocked = !!pair?.locked_until && pair.locked_until > nowIsoStr && !!admin.locked_until && pair.locked_until <= admin.locked_until;
    if (pairLocked) {
      await verifyPassword(password, await dummyPasswordHash());
      throw unauthorized(BAD_LOGIN);
    }
    const ok = await verifyPassword(password, admin.password_hash);
    if (!ok) {
      await this.recordFailure(admin, ip, pair, now);
      throw unauthorized(BAD_LOGIN);
    }
    if (admin.status !== 'active') throw new AppError(403, 'account_disabled', 'This account is disabled. Ask another admin to enable it.');
    const token = randomToken();
    const csrfToken = randomToken();
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('login_failures').where('admin_id', '=', admin.id).where('address', '=', ip).execute();
      // Other addresses may still be locked out (an attacker's): the account keeps their latest lock.
      const stillLocked = await trx
        .selectFrom('login_failures')
        .select((eb) => eb.fn.max('locked_until').as('until'))
        .where('admin_id', '=', admin.id)
        .where('locked_until', '>', nowIsoStr)
        .executeTakeFirst();
      const lockedUntil = admin.locked_until && stillLocked?.until ? stillLocked.until : null;
      await this.admins.recordSignIn(admin.id, { failed_logins: 0, locked_until: lockedUntil, last_login_at: nowIsoStr }, trx);
      await trx
        .insertInto('sessions')
        .values({
          id: sha256(token),
          admin_id: admin.id,
          org_id: admin.org_id,
          csrf_token: csrfToken,
          created_at: nowIsoStr,
          expires_at: new Date(now.getTime() + this.config.sessionTtlMinutes * 60_000).toISOString(),
          last_seen_at: nowIsoStr,
        })
        .execute();
    });
    this.limiter.forgive(ip);
    return { token, csrfToken, adminId: admin.id };
  }

  /** One more wrong password from `ip`: counts it, and locks the pair (progressively longer) at the limit. */
  private async recordFailure(
    admin: { id: number; failed_logins: number; locked_until: string | null },
    ip: string,
    pair: { failures: number; lockouts: number } | undefined,
    now: Date,
  ): Promise<void> {
    const failures = (pair?.failures ?? 0) + 1;
    const lock = failures >= this.config.loginMaxFailures;
    const lockouts = (pair?.lockouts ?? 0) + (lock ? 1 : 0);
    const minutes = Math.min(this.config.loginLockoutMinutes * 2 ** Math.max(0, lockouts - 1), MAX_LOCKOUT_MINUTES);
    const lockedUntil = lock ? new Date(now.getTime() + minutes * 60_000).toISOString() : null;
    const row = { failures: lock ? 0 : failures, lockouts, locked_until: lockedUntil, updated_at: now.toISOString() };
    await this.db
      .insertInto('login_failures')
      .values({ admin_id: admin.id, address: ip, ...row })
      .onConflict((oc) => oc.columns(['admin_id', 'address']).doUpdateSet(row))
      .execute();
    // The account shows as locked (Admins page) while any address is; enabling it lifts them all.
    const accountLock = lockedUntil && (!admin.locked_until || lockedUntil > admin.locked_until) ? lockedUntil : admin.locked_until;
    await this.admins.recordSignIn(admin.id, { failed_logins: admin.failed_logins + 1, locked_until: accountLock });
  }

  async logout(sessionId: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id', '=', sessionId).execute();
  }

  async authenticate(request: FastifyRequest): Promise<{ principal: Principal; csrfToken: string | null } | null> {
    const header = request.headers.authorization;
    if (header) {
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      if (!m) return null;
      return this.byApiKey(m[1]);
    }
    const token = request.cookies?.[SESSION_COOKIE];
    return token ? this.bySession(token) : null;
  }

  /** The session's row, from the cache when nothing it depends on was written since (see SESSION_CACHE_MS). */
  private async sessionRow(id: string): Promise<SessionRow | undefined> {
    const at = Date.now();
    const version = this.writes.version('sessions', 'admins', 'roles');
    const cached = this.sessionCache.get(id);
    if (cached && cached.version === version && at - cached.at <= SESSION_CACHE_MS) return cached.row;
    const r = await this.db
      .selectFrom('sessions')
      .innerJoin('admins', 'admins.id', 'sessions.admin_id')
      .innerJoin('roles', 'roles.id', 'admins.role_id')
      .select([
        'sessions.id as session_id',
        'sessions.csrf_token',
        'sessions.expires_at',
        'sessions.last_seen_at',
        'admins.id as admin_id',
        'admins.org_id',
        'admins.email',
        'admins.status',
        'roles.permissions',
      ])
      .where('sessions.id', '=', id)
      .executeTakeFirst();
    if (!r) {
      this.sessionCache.delete(id);
      return undefined;
    }
    const row: SessionRow = { ...r, permissions: parsePermissions(r.permissions) };
    // A read that overlapped a write to these tables may predate it: use it once, keep nothing.
    if (this.writes.version('sessions', 'admins', 'roles') === version) {
      if (this.sessionCache.size >= SESSION_CACHE_MAX) this.sessionCache.clear();
      this.sessionCache.set(id, { at, version, row });
    }
    return row;
  }

  /** The principal of a session cookie's token (sign-in answers with the session it just made). */
  async bySession(token: string) {
    const id = sha256(token);
    const row = await this.sessionRow(id);
    if (!row) return null;
    const now = new Date();
    if (row.expires_at <= now.toISOString() || row.status !== 'active') {
      await this.db.deleteFrom('sessions').where('id', '=', id).execute();
      return null;
    }
    // Sliding expiry, written at most once a minute to keep reads cheap.
    if (now.getTime() - Date.parse(row.last_seen_at) > 60_000) {
      await this.db
        .updateTable('sessions')
        .set({ last_seen_at: now.toISOString(), expires_at: new Date(now.getTime() + this.config.sessionTtlMinutes * 60_000).toISOString() })
        .where('id', '=', id)
        .execute();
    }
    const principal: Principal = {
      kind: 'admin',
      orgId: row.org_id,
      adminId: row.admin_id,
      apiKeyId: null,
      label: row.email,
      // A copy: the cached row's permissions are shared by the session's requests.
      permissions: { ...row.permissions },
      sessionId: row.session_id,
    };
    return { principal, csrfToken: row.csrf_token };
  }

  private async byApiKey(key: string) {
    if (!key.startsWith(API_KEY_PREFIX)) return null;
    const row = await this.db
      .selectFrom('api_keys')
      .innerJoin('roles', 'roles.id', 'api_keys.role_id')
      .select(['api_keys.id', 'api_keys.org_id', 'api_keys.name', 'api_keys.revoked_at', 'api_keys.last_used_at', 'roles.permissions'])
      .where('api_keys.key_hash', '=', sha256(key))
      .executeTakeFirst();
    if (!row || row.revoked_at) return null;
    const now = nowIso();
    if (!row.last_used_at || Date.parse(now) - Date.parse(row.last_used_at) > 60_000) {
      await this.db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', row.id).execute();
    }
    const principal: Principal = {
      kind: 'api_key',
      orgId: row.org_id,
      adminId: null,
      apiKeyId: row.id,
      label: `API key ${row.name}`,
      permissions: parsePermissions(row.permissions),
      sessionId: null,
    };
    return { principal, csrfToken: null };
  }

  /** Session details for the UI, including the CSRF token it must echo on every change. */
  async sessionInfo(principal: Principal) {
    if (principal.kind !== 'admin' || !principal.sessionId) {
      return { kind: principal.kind, label: principal.label, permissions: principal.permissions, csrfToken: null, admin: null, org: null };
    }
    const row = await this.db
      .selectFrom('sessions')
      .innerJoin('admins', 'admins.id', 'sessions.admin_id')
      .innerJoin('roles', 'roles.id', 'admins.role_id')
      .innerJoin('orgs', 'orgs.id', 'admins.org_id')
      .select([
        'sessions.csrf_token',
        'sessions.expires_at',
        'admins.id',
        'admins.email',
        'admins.name',
        'roles.name as role_name',
        'orgs.id as org_id',
        'orgs.name as org_name',
      ])
      .where('sessions.id', '=', principal.sessionId)
      .executeTakeFirstOrThrow();
    return {
      kind: principal.kind,
      label: principal.label,
      permissions: principal.permissions,
      csrfToken: row.csrf_token,
      expiresAt: row.expires_at,
      admin: { id: row.id, email: row.email, name: row.name, roleName: row.role_name },
      org: { id: row.org_id, name: row.org_name },
    };
  }
}
