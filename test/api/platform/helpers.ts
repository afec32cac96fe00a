import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { expect } from 'vitest';
import type { TestApp } from '../../helpers/test-app.js';
import { guardedRoutes, type GuardedRoute } from '../../../src/platform/http/guard.js';
import { fullPermissions, type Permissions } from '../../../src/platform/permissions.js';
import { systemPrincipal } from '../../../src/platform/principal.js';
import { randomToken } from '../../../src/platform/tokens.js';

/** A valid id that no test row will ever have (fits the idParam range, so it reaches the handler). */
export const DUMMY_ID = 2_147_483_000;

/** Fills every `:param` (and a trailing wildcard) of a route URL. */
export function fillUrl(url: string, id: string | number = DUMMY_ID): string {
  return url.replace(/:[A-Za-z_][A-Za-z0-9_]*/g, String(id)).replace(/\*$/, 'x');
}

/** The guard's registry without the HEAD twins Fastify adds for GET routes. */
export function apiRoutes(t: TestApp): GuardedRoute[] {
  return guardedRoutes(t.app).filter((r) => r.method !== 'HEAD');
}

export const hasBody = (method: string) => ['POST', 'PUT', 'PATCH'].includes(method);

/** A request with an API key (Bearer, no cookie, no CSRF token). */
export function bearer(t: TestApp, key: string, method: string, url: string, body?: unknown): Promise<LightMyRequestResponse> {
  return t.app.inject({
    method: method as 'GET',
    url,
    headers: { authorization: `Bearer ${key}` },
    ...(body === undefined ? {} : { payload: body as object }),
  });
}

/** An API key in `orgId` whose role has exactly `perms`. */
export async function apiKeyWith(t: TestApp, perms: Partial<Permissions>, orgId = t.orgId): Promise<string> {
  const actor = systemPrincipal(orgId, fullPermissions());
  const role = await t.ctx.roles.create(actor, { name: `key-role-${randomToken(6)}`, permissions: perms });
  const { key } = await t.ctx.apiKeys.create(actor, { name: `key-${randomToken(6)}`, roleId: role.id });
  return key;
}

/** Table names of the app's database (both dialects), without Kysely's bookkeeping tables. */
export async function tableNames(t: TestApp): Promise<string[]> {
  const rows =
    t.ctx.database.dialect === 'sqlite'
      ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(t.ctx.db)).rows
      : (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema()`.execute(t.ctx.db)).rows;
  return rows
    .map((r) => r.name)
    .filter((n) => !n.startsWith('kysely_'))
    .sort();
}

// Columns that a read may legitimately touch (sliding session expiry, key last-use stamps).
const VOLATILE = new Set(['last_seen_at', 'last_used_at', 'expires_at']);

/**
 * Every row of every table (sessions excluded: reading with a session may slide its expiry), as
 * comparable JSON. Used to prove that a refused request changed nothing anywhere.
 */
export async function snapshot(t: TestApp): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of await tableNames(t)) {
    if (table === 'sessions') continue;
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(t.ctx.db);
    out[table] = rows
      .map((r) =>
        JSON.stringify(
          Object.fromEntries(
            Object.entries(r)
              .filter(([k]) => !VOLATILE.has(k))
              .sort(([a], [b]) => a.localeCompare(b)),
          ),
        ),
      )
      .sort();
  }
  return out;
}

export async function count(t: TestApp, table: string): Promise<number> {
  const { rows } = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(t.ctx.db);
  return Number(rows[0].n);
}

/** The API's one error shape. */
export function expectErrorShape(res: LightMyRequestResponse, status?: number): void {
  if (status !== undefined) expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/application\/json/);
  const body = res.json();
  expect(body).toMatchObject({ error: { code: expect.any(String), message: expect.any(String), requestId: expect.any(String) } });
  expect(body.error.requestId).toBe(res.headers['x-request-id']);
  expect(res.body).not.toMatch(/\bat .+\.(ts|js):\d+/); // no stack trace
}
