import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { loadConfig, type Config } from '../../src/config.js';
import { buildApp } from '../../src/app.js';
import { createContext, type AppContext } from '../../src/app-context.js';
import { openDatabase } from '../../src/platform/db/database.js';
import { migrateToLatest } from '../../src/db.js';
import { createAdmin } from '../../src/bootstrap.js';
import { randomToken } from '../../src/platform/tokens.js';
import { fullPermissions, type Category, type Level } from '../../src/platform/permissions.js';
import { systemPrincipal } from '../../src/platform/principal.js';
import { testDatabasePlace } from './test-database.js';

/**
 * Test database: SQLite in a temp file by default; PostgreSQL when TEST_DATABASE_URL is set, each
 * test app in its own schema (created here, dropped on close) so files can run in parallel.
 */
export function testDatabaseKind(): 'sqlite' | 'postgres' {
  return process.env.TEST_DATABASE_URL ? 'postgres' : 'sqlite';
}

export const TEST_PASSWORD = 'correct-horse-battery-staple';

export type TestApp = {
  app: FastifyInstance;
  ctx: AppContext;
  config: Config;
  orgId: number;
  admin: { id: number; email: string; password: string };
  /** A signed-in admin session (cookie + CSRF) speaking to the app via inject. */
  login(email: string, password?: string): Promise<Session>;
  /** New org with its own super admin; returns a session for it. */
  newOrg(name?: string): Promise<{ orgId: number; session: Session; adminEmail: string }>;
  /** A custom role with the given permissions and an admin holding it, signed in. */
  sessionWith(perms: Partial<Record<Category, Level>>, orgId?: number): Promise<Session>;
  close(): Promise<void>;
};

export type Session = {
  cookie: string;
  csrf: string;
  request(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  get(url: string): Promise<LightMyRequestResponse>;
  post(url: string, body?: unknown): Promise<LightMyRequestResponse>;
  patch(url: string, body?: unknown): Promise<LightMyRequestResponse>;
  put(url: string, body?: unknown): Promise<LightMyRequestResponse>;
  delete(url: string): Promise<LightMyRequestResponse>;
};

let counter = 0;

export async function createTestApp(overrides: Record<string, string> = {}): Promise<TestApp> {
  const place = await testDatabasePlace('t');
  const config = loadConfig({
    WFA_DATA_DIR: place.dataDir,
    DATABASE_URL: place.url,
    WFA_ALLOW_PRIVATE_TARGETS: 'true',
    LOG_LEVEL: 'silent',
    WFA_PUBLIC_URL: 'http://localhost:8080',
    ...overrides,
  });
  if (place.schema && config.database.kind === 'postgres') config.database.schema = place.schema;
  const database = openDatabase(config.database);
  await migrateToLatest(database);
  const ctx = createContext(config, database, silentLog);
  const app = await buildApp(ctx, { logger: false, serveWeb: false });
  await app.ready();

  const password = TEST_PASSWORD;
  const email = `admin${counter++}@example.com`;
  const { org, admin } = await createAdmin(ctx, { email, name: 'Test Admin', password, orgName: `Org ${counter}` });

  async function login(userEmail: string, userPassword = password): Promise<Session> {
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: userEmail, password: userPassword } });
    if (res.statusCode !== 200) throw new Error(`login failed for ${userEmail}: ${res.statusCode} ${res.body}`);
    const setCookie = res.headers['set-cookie'];
    const cookie = (Array.isArray(setCookie) ? setCookie[0] : setCookie)!.split(';')[0];
    const csrf = res.json().csrfToken as string;
    const request = (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) =>
      app.inject({
        method: method as 'GET',
        url,
        headers: { cookie, 'x-csrf-token': csrf, ...headers },
        ...(body === undefined ? {} : { payload: body as object }),
      });
    return {
      cookie,
      csrf,
      request,
      get: (url) => request('GET', url),
      post: (url, body) => request('POST', url, body ?? {}),
      patch: (url, body) => request('PATCH', url, body ?? {}),
      put: (url, body) => request('PUT', url, body ?? {}),
      delete: (url) => request('DELETE', url),
    };
  }

  async function newOrg(name = `Other org ${counter++}`) {
    const adminEmail = `other${counter++}@example.org`;
    const created = await createAdmin(ctx, { email: adminEmail, name: 'Other Admin', password, orgName: name });
    return { orgId: created.org.id, session: await login(adminEmail), adminEmail };
  }

  async function sessionWith(perms: Partial<Record<Category, Level>>, orgId = org.id) {
    const actor = systemPrincipal(orgId, fullPermissions());
    const role = await ctx.roles.create(actor, { name: `role-${randomToken(6)}`, permissions: perms });
    const userEmail = `limited-${randomToken(6).toLowerCase()}@example.com`;
    await ctx.admins.create(actor, { email: userEmail, name: 'Limited', roleId: role.id, password });
    return login(userEmail);
  }

  return {
    app,
    ctx,
    config,
    orgId: org.id,
    admin: { id: admin.id, email, password },
    login,
    newOrg,
    sessionWith,
    async close() {
      await app.close();
      await database.close();
      await place.drop();
    },
  };
}

const noop = () => {};
export const silentLog = {
  info: noop,
  warn: noop,
  error: noop,
  debug: noop,
  trace: noop,
  fatal: noop,
  child: () => silentLog,
  level: 'silent',
  silent: noop,
} as never;
