import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/app.js';
import { installGuard, type GuardedRoute } from '../../../src/platform/http/guard.js';
import { AUTHENTICATED } from '../../../src/platform/http/route-config.js';
import { LEVELS, fullPermissions, noPermissions, type Level, type Permissions } from '../../../src/platform/permissions.js';
import { createTestApp, type Session } from '../../helpers/test-app.js';
import { apiKeyWith, apiRoutes, bearer, expectErrorShape, fillUrl, hasBody } from './helpers.js';

/**
 * The guard, for every /api route the app registers — including routes added later by other
 * modules: the list comes from the guard's own registry, not from this file.
 */
const t = await createTestApp();
afterAll(() => t.close());

const routes = apiRoutes(t);
const permissionRoutes = routes.filter((r) => r.permission);
const authenticatedRoutes = routes.filter((r) => r.access === 'authenticated');
const nonPublic = routes.filter((r) => r.access !== 'public');
const name = (r: GuardedRoute) => `${r.method} ${r.url}`;

const below = (level: Level): Level => LEVELS[LEVELS.indexOf(level) - 1];

// Sessions and keys are shared between routes that need the same (category, level).
const sessions = new Map<string, Promise<Session>>();
const keys = new Map<string, Promise<string>>();
function sessionFor(perms: Partial<Permissions>): Promise<Session> {
  const k = JSON.stringify(perms);
  if (!sessions.has(k)) sessions.set(k, t.sessionWith(perms));
  return sessions.get(k)!;
}
function keyFor(perms: Partial<Permissions>): Promise<string> {
  const k = JSON.stringify(perms);
  if (!keys.has(k)) keys.set(k, apiKeyWith(t, perms));
  return keys.get(k)!;
}

/** Everything at its maximum except the route's category, which is one level short. */
function oneBelow(r: GuardedRoute): Partial<Permissions> {
  const p = r.permission!;
  return { ...fullPermissions(), [p.category]: below(p.level) };
}
/** Nothing at all except exactly the level the route needs. */
function exactly(r: GuardedRoute): Partial<Permissions> {
  const p = r.permission!;
  return { ...noPermissions(), [p.category]: p.level };
}

function send(s: Session, r: GuardedRoute) {
  return s.request(r.method, fillUrl(r.url), hasBody(r.method) ? {} : undefined);
}

describe('route registry', () => {
  it('knows the platform routes and every /api route declares access', () => {
    expect(routes.length).toBeGreaterThan(10);
    for (const expected of ['GET /api/v1/roles', 'POST /api/v1/admins', 'DELETE /api/v1/api-keys/:id', 'GET /api/v1/audit-logs/:id']) {
      expect(routes.map(name)).toContain(expected);
    }
    for (const r of routes) {
      expect(r.access || r.permission, name(r)).toBeTruthy();
      if (r.permission) expect(r.permission.level, name(r)).not.toBe('none');
    }
  });

  it('matches what the app routes: every registered /api route is in the OpenAPI document or hidden', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`)),
    );
    for (const r of routes) expect(documented, name(r)).toContain(name(r));
  });
});

describe('unauthenticated', () => {
  it.each(nonPublic.map((r) => [name(r), r] as const))('%s → 401', async (_n, r) => {
    const res = await t.app.inject({ method: r.method as 'GET', url: fillUrl(r.url), ...(hasBody(r.method) ? { payload: {} } : {}) });
    expectErrorShape(res, 401);
  });

  it.each(nonPublic.map((r) => [name(r), r] as const))('%s with a made-up Bearer key or cookie → 401', async (_n, r) => {
    for (const headers of [
      { authorization: 'Bearer wfa_not-a-real-key' },
      { cookie: 'wfa_session=forged', 'x-csrf-token': 'x' },
      { authorization: 'Basic YTpi' },
    ]) {
      const res = await t.app.inject({ method: r.method as 'GET', url: fillUrl(r.url), headers, ...(hasBody(r.method) ? { payload: {} } : {}) });
      expectErrorShape(res, 401);
    }
  });

  it('a percent-encoded path reaches the same route and is still guarded', async () => {
    // The router decodes `%61` to `a`; the guard must judge by the matched route, not the raw URL.
    for (const url of ['/%61pi/v1/roles', '/api/v1/%72oles', '/%61pi/v1/admins']) {
      expectErrorShape(await t.app.inject({ method: 'GET', url }), 401);
    }
  });
});

describe.each([
  ['session', 'session'],
  ['API key', 'key'],
] as const)('permission routes via %s', (_label, via) => {
  async function call(perms: Partial<Permissions>, r: GuardedRoute) {
    if (via === 'session') return send(await sessionFor(perms), r);
    return bearer(t, await keyFor(perms), r.method, fillUrl(r.url), hasBody(r.method) ? {} : undefined);
  }

  it.each(permissionRoutes.map((r) => [`${name(r)} needs ${r.permission!.category}:${r.permission!.level}`, r] as const))('%s', async (_n, r) => {
    const refused = await call(oneBelow(r), r);
    expectErrorShape(refused, 403);
    expect(refused.json().error.code).toBe('forbidden');
    expect(refused.json().error.message).toContain(r.permission!.category);

    const allowed = await call(exactly(r), r);
    expect([401, 403], `${name(r)} with exactly ${r.permission!.level}: ${allowed.body}`).not.toContain(allowed.statusCode);
    expect(allowed.statusCode, allowed.body).toBeLessThan(500);
  });
});

describe('authenticated-only routes', () => {
  it.each(authenticatedRoutes.map((r) => [name(r), r] as const))('%s is open to a role with no permissions', async (_n, r) => {
    const s = await t.sessionWith(noPermissions()); // fresh: one of these routes is logout
    const res = await send(s, r);
    expect([401, 403], res.body).not.toContain(res.statusCode);
    expect(res.statusCode, res.body).toBeLessThan(500);
  });
});

describe('declaring access is mandatory', () => {
  const noop = { authenticate: async () => null };

  it('an /api route without access or permission stops the app from starting', async () => {
    const app = Fastify();
    installGuard(app, noop);
    const start = async () => {
      await app.register(
        async (v1) => {
          v1.get('/forgotten', async () => ({ secret: true }));
        },
        { prefix: '/api/v1' },
      );
      await app.ready();
    };
    await expect(start()).rejects.toThrow(/GET \/api\/v1\/forgotten declares neither access nor permission/);
  });

  it('the real app refuses a route added without a declaration', async () => {
    const app = await buildApp(t.ctx, { logger: false, serveWeb: false });
    await expect(
      (async () => {
        app.post('/api/v1/late-addition', async () => ({}));
        await app.ready();
      })(),
    ).rejects.toThrow(/declares neither access nor permission/);
    await app.close().catch(() => {});
  });

  it('a declared route is accepted and guarded', async () => {
    const app = Fastify();
    installGuard(app, noop);
    app.get('/api/v1/declared', { config: AUTHENTICATED }, async () => ({ ok: true }));
    await app.ready();
    expect((await app.inject({ method: 'GET', url: '/api/v1/declared' })).statusCode).toBe(401);
    await app.close();
  });
});
