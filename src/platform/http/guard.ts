import type { FastifyInstance, FastifyRequest } from 'fastify';
import { allows } from '../permissions.js';
import type { Principal } from '../principal.js';
import { AppError, forbidden, unauthorized } from './errors.js';
import './route-config.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export type Authenticator = {
  /** Resolves the caller from the request's Bearer key or session cookie; null when there is none. */
  authenticate(request: FastifyRequest): Promise<{ principal: Principal; csrfToken: string | null } | null>;
};

/**
 * The one place permissions are enforced. Refuses to register an /api route that has not declared
 * its access, so a forgotten check is a start-up failure rather than an open endpoint.
 */
export function installGuard(app: FastifyInstance, auth: Authenticator): void {
  app.decorateRequest('principal', null);
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/')) return;
    if (route.url.startsWith('/api/docs') || route.url === '/api/openapi.json') return;
    const cfg = (route.config ?? {}) as { access?: string; permission?: unknown };
    if (!cfg.access && !cfg.permission) {
      throw new Error(`Route ${route.method} ${route.url} declares neither access nor permission`);
    }
  });
  app.addHook('onRequest', async (request) => {
    const cfg = request.routeOptions.config;
    if (!request.url.startsWith('/api/') || cfg.access === 'public') return;
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
