import type { FastifyInstance, FastifyRequest } from 'fastify';
import { allows, type Category, type Level } from '../permissions.js';
import type { Principal } from '../principal.js';
import { AppError, forbidden, unauthorized } from './errors.js';
import './route-config.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export type Authenticator = {
  /** Resolves the caller from the request's Bearer key or session cookie; null when there is none. */
  authenticate(request: FastifyRequest): Promise<{ principal: Principal; csrfToken: string | null } | null>;
};

/** What the guard saw for one /api route: its method, full URL and declared access. */
export type GuardedRoute = {
  method: string;
  url: string;
  access?: 'public' | 'authenticated';
  permission?: { category: Category; level: Level };
  /** Whether the route validates a request body (tests send bad bodies to exactly these). */
  body: boolean;
  /** The route's own body limit when it overrides the app's 1 MiB. */
  bodyLimit?: number;
};

const registries = new WeakMap<FastifyInstance, GuardedRoute[]>();

/**
 * Every /api route the guard governs, in registration order (GET routes also appear as HEAD).
 * Tests iterate it so a route added later is covered by the permission and isolation tests
 * without anyone remembering to list it.
 */
export function guardedRoutes(app: FastifyInstance): readonly GuardedRoute[] {
  return registries.get(app) ?? [];
}

/**
 * The one place permissions are enforced. Refuses to register an /api route that has not declared
 * its access, so a forgotten check is a start-up failure rather than an open endpoint.
 */
export function installGuard(app: FastifyInstance, auth: Authenticator): void {
  app.decorateRequest('principal', null);
  const registry: GuardedRoute[] = [];
  registries.set(app, registry);
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/')) return;
    if (route.url.startsWith('/api/docs') || route.url === '/api/openapi.json') return;
    const cfg = (route.config ?? {}) as Omit<GuardedRoute, 'method' | 'url' | 'body' | 'bodyLimit'>;
    if (!cfg.access && !cfg.permission) {
      throw new Error(`Route ${route.method} ${route.url} declares neither access nor permission`);
    }
    for (const method of [route.method].flat()) {
      registry.push({ method, url: route.url, access: cfg.access, permission: cfg.permission, body: !!route.schema?.body, bodyLimit: route.bodyLimit });
    }
  });
  app.addHook('onRequest', async (request) => {
    // Decide by the matched route's declaration, never by request.url: the router decodes the
    // path, so `/%61pi/v1/roles` reaches the /api/v1/roles handler while its raw url does not
    // start with /api/ (that used to skip authentication). Every /api route declares access
    // (checked in onRoute above); only non-API routes (health, docs, the SPA) declare none.
    const cfg = request.routeOptions.config;
    if (cfg.access === 'public') return;
    if (!cfg.access && !cfg.permission) return;
    const resolved = await auth.authenticate(request);
    if (!resolved) throw unauthorized();
    request.principal = resolved.principal;
    if (resolved.principal.kind === 'admin' && !SAFE_METHODS.has(request.method)) {
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !resolved.csrfToken || sent !== resolved.csrfToken) {
        throw new AppError(403, 'csrf_failed', 'Missing or invalid CSRF token. Reload the page and try again.');
      }
    }
    const need = cfg.permission;
    if (need && !allows(resolved.principal.permissions, need.category, need.level)) {
      throw forbidden(`Your role needs ${need.level === 'view' ? 'View' : need.level === 'edit' ? 'Edit' : 'Delete'} access to ${need.category} for this.`);
    }
  });
}
