import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { AUTHENTICATED, PUBLIC } from '../../platform/http/route-config.js';
import { SESSION_COOKIE, type AuthService } from './service.js';
import { text } from '../../platform/http/input.js';

const loginBody = z.strictObject({
  email: text().trim().min(1, 'Email is required.').max(254),
  password: z.string().min(1, 'Password is required.').max(256),
});

const sessionView = z.object({
  kind: z.enum(['admin', 'api_key', 'system']),
  label: z.string(),
  permissions: z.record(z.string(), z.string()),
  csrfToken: z.string().nullable(),
  expiresAt: z.string().optional(),
  admin: z.object({ id: z.number(), email: z.string(), name: z.string(), roleName: z.string() }).nullable(),
  org: z.object({ id: z.number(), name: z.string() }).nullable(),
});

export function authRoutes(auth: AuthService): FastifyPluginAsyncZod {
  const secureCookie = auth.secureCookies;
  return async (app) => {
    app.post('/auth/login', {
      config: PUBLIC,
      schema: { tags: ['Auth'], summary: 'Sign in with email and password', body: loginBody, response: { 200: sessionView } },
      handler: async (req, reply) => {
        const { token } = await auth.login(req.body.email, req.body.password, req.ip);
        reply.setCookie(SESSION_COOKIE, token, {
          httpOnly: true,
          sameSite: 'strict',
          secure: secureCookie,
          path: '/',
          // No Max-Age: the server slides the session's expiry on activity, and a cookie fixed at
          // sign-in time would end an active admin's session anyway. It also ends with the browser.
        });
        const resolved = await auth.bySession(token);
        return auth.sessionInfo(resolved!.principal);
      },
    });
    app.post('/auth/logout', {
      config: AUTHENTICATED,
      schema: { tags: ['Auth'], summary: 'Sign out', response: { 204: z.null() } },
      handler: async (req, reply) => {
        if (req.principal?.sessionId) await auth.logout(req.principal.sessionId);
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return reply.status(204).send(null);
      },
    });
    app.get('/auth/session', {
      config: AUTHENTICATED,
      schema: { tags: ['Auth'], summary: 'The signed-in admin, permissions and CSRF token', response: { 200: sessionView } },
      handler: async (req) => auth.sessionInfo(req.principal!),
    });
  };
}
