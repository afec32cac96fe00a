import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { badRequest, forbidden } from '../../platform/http/errors.js';
import { allows, type Category, type Level } from '../../platform/permissions.js';
import type { Principal } from '../../platform/principal.js';
import { LoginLimiter } from '../auth/login-limiter.js';
import { compatErrorHandler, sendError, zodMessage } from './errors.js';
import { compatOpenApi } from './openapi.js';
import type { Budget } from './rate-limit.js';
import { closeBody, filterBody, groupsBody, labelsBody, notesBody, pagingQuery, tokenRequest } from './schemas.js';
import { incidentIdOf, type CompatApiService } from './service.js';

/** What a compatible route needs: a role level, and the vendor's per-key budget for its resource. */
type CompatRoute = { permission: [Category, Level]; budget: Budget };

declare module 'fastify' {
  interface FastifyContextConfig {
    compat?: CompatRoute;
  }
}

const view = (budget: Budget): { compat: CompatRoute } => ({ compat: { permission: ['Incidents', 'view'], budget } });
const edit = (budget: Budget): { compat: CompatRoute } => ({ compat: { permission: ['Incidents', 'edit'], budget } });
const LEVEL_NAMES: Record<Level, string> = { none: 'None', view: 'View', edit: 'Edit', delete: 'Delete' };
/** Evidence files are read whole from the database: a download tool needs a few a minute, not hundreds. */
export const EVIDENCE_LINKS_PER_ADDRESS_PER_MINUTE = 60;
/** Kept out of the main /api/openapi.json: the compatible API has its own document. */
const HIDDEN = { hide: true };

function parse<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const r = schema.safeParse(value ?? {});
  if (!r.success) throw badRequest(zodMessage(where, r.error));
  return r.data;
}

/**
 * A list under both keys the vendor clients read (`incidents`/`tickets` and `logs`): the array is
 * serialized once and written twice (a page of 100 whole incidents is most of the request's cost).
 */
function sendList(reply: FastifyReply, cursor: unknown, key: 'incidents' | 'tickets', items: unknown[]) {
  const array = JSON.stringify(items);
  return reply.type('application/json').send(`{"cursor":${JSON.stringify(cursor)},"${key}":${array},"logs":${array}}`);
}

const principalOf = (req: FastifyRequest): Principal => req.principal!;
const idOf = (req: FastifyRequest) => incidentIdOf((req.params as { id: string }).id);

/**
 * The reference product's public API paths (`/v1/auth/api-key/token`, `/dlp/v1/...`) at the server
 * root. Its own authentication (tokens of id/secret keys), error shape, body parsing and rate
 * limits apply only inside this plugin; the rest of the server is untouched.
 */
export function compatRoutes(service: CompatApiService): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    app.setErrorHandler((err, _req, reply) => compatErrorHandler(err as Parameters<typeof compatErrorHandler>[0], reply));

    // One vendor client sends no body at all when it has nothing to say (even with a JSON
    // Content-Type); another sends `null`. Both mean "{}".
    const json = app.getDefaultJsonParser('error', 'error');
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
      const text = typeof body === 'string' ? body : body.toString('utf8');
      if (!text.trim()) return done(null, {});
      return json(req, text, done);
    });

    app.addHook('onRequest', async (req, reply) => {
      const route = req.routeOptions.config.compat;
      if (!route) return;
      const principal = await service.tokens.principal(req.headers.authorization);
      req.principal = principal;
      const [category, level] = route.permission;
      if (!allows(principal.permissions, category, level))
        throw forbidden(`This API key's role needs ${LEVEL_NAMES[level]} access to ${category} for this. Change the key's role in Setup > API Keys.`);
      const d = service.limiter.hit(principal.apiKeyId!, `${req.method} ${req.routeOptions.url}`, route.budget);
      reply.header('ratelimit-limit', String(d.limit));
      reply.header('ratelimit-remaining', String(d.remaining));
      reply.header('ratelimit-reset', String(d.resetSeconds));
      if (!d.allowed) {
        reply.header('retry-after', String(d.resetSeconds));
        return sendError(reply, 429, 'RATE_LIMITED', `Too many requests for this API key. Try again in ${d.resetSeconds} seconds.`);
      }
    });

    app.post('/v1/auth/api-key/token', { schema: HIDDEN }, async (req, reply) => {
      const body = parse(tokenRequest, req.body, 'body');
      const { token, expiresIn } = await service.tokens.issue(body.key_id, body.key_secret);
      return reply.status(201).send({ token, token_type: 'Bearer', expires_in: expiresIn });
    });

    app.post('/dlp/v1/incidents/search', { config: view('medium'), schema: HIDDEN }, async (req, reply) => {
      const res = await service.search(principalOf(req), parse(filterBody, req.body, 'body'), parse(pagingQuery, req.query, 'query'));
      return sendList(reply, res.cursor, 'incidents', res.items);
    });
    app.get('/dlp/v1/incidents/transactions/:transactionId', { config: view('light'), schema: HIDDEN }, async (req, reply) => {
      const { transactionId } = req.params as { transactionId: string };
      const res = await service.byTransaction(principalOf(req), transactionId, parse(pagingQuery, req.query, 'query'));
      return sendList(reply, res.cursor, 'incidents', res.items);
    });
    app.get('/dlp/v1/incidents/:id', { config: view('light'), schema: HIDDEN }, async (req) => service.incident(principalOf(req), idOf(req)));
    app.delete('/dlp/v1/incidents/:id', { config: { compat: { permission: ['Incidents', 'delete'], budget: 'light' } }, schema: HIDDEN }, async (req) => {
      await service.remove(principalOf(req), idOf(req));
      return {};
    });
    app.get('/dlp/v1/incidents/:id/change-history', { config: view('light'), schema: HIDDEN }, async (req) =>
      service.changeHistory(principalOf(req).orgId, idOf(req)),
    );
    const tickets = async (req: FastifyRequest, reply: FastifyReply) => {
      const res = await service.tickets(principalOf(req).orgId, idOf(req), parse(pagingQuery, req.query, 'query'));
      return sendList(reply, res.cursor, 'tickets', res.items);
    };
    app.get('/dlp/v1/incidents/:id/tickets', { config: view('light'), schema: HIDDEN }, tickets);
    app.get('/dlp/v1/incidents/tickets/:id', { config: view('light'), schema: HIDDEN }, tickets);
    app.post('/dlp/v1/incidents/:id/incident-groups/search', { config: view('medium'), schema: HIDDEN }, async (req) => {
      const body = parse(groupsBody, req.body, 'body');
      return service.groups(principalOf(req).orgId, idOf(req), body.incidentGroupIds);
    });
    app.post('/dlp/v1/incidents/:id/close', { config: edit('light'), schema: HIDDEN }, async (req) =>
      service.close(principalOf(req), idOf(req), parse(closeBody, req.body, 'body')),
    );
    const notes = async (req: FastifyRequest) => service.notes(principalOf(req), idOf(req), parse(notesBody, req.body, 'body').notes);
    app.post('/dlp/v1/incidents/:id/notes', { config: edit('medium'), schema: HIDDEN }, notes);
    app.post('/dlp/v1/incidents/notes/:id', { config: edit('medium'), schema: HIDDEN }, notes);
    app.post('/dlp/v1/incidents/:id/labels', { config: edit('medium'), schema: HIDDEN }, async (req) =>
      service.labels(principalOf(req), idOf(req), parse(labelsBody, req.body, 'body').labels),
    );
    app.get('/dlp/v1/incidents/:id/triggers', { config: view('light'), schema: HIDDEN }, async (req) => service.triggers(principalOf(req).orgId, idOf(req)));
    app.get('/dlp/v1/incidents/:id/evidence', { config: view('light'), schema: HIDDEN }, async (req) =>
      service.evidence(principalOf(req), idOf(req), service.publicUrl ?? `${req.protocol}://${req.host}`),
    );
    // The presigned link itself: no bearer token (a download tool follows it as it is); the
    // signature names the org, incident and API key, and the link expires (evidence-links.ts).
    // Without a key to count against, downloads are bounded per address.
    const linkLimiter = new LoginLimiter(EVIDENCE_LINKS_PER_ADDRESS_PER_MINUTE, 60_000);
    app.get('/dlp/v1/evidence/:token', { schema: HIDDEN }, async (req, reply) => {
      const wait = linkLimiter.hit(req.ip);
      if (wait !== null) {
        reply.header('retry-after', String(wait));
        return sendError(reply, 429, 'RATE_LIMITED', `Too many evidence downloads from this address. Try again in ${wait} seconds.`);
      }
      const file = await service.evidenceByLink((req.params as { token: string }).token);
      return reply
        .header('content-disposition', `attachment; filename="${file.downloadName}"`)
        .header('cache-control', 'no-store')
        .header('x-content-type-options', 'nosniff')
        .type('application/xml; charset=utf-8')
        .send(file.xml);
    });
    const audit = async (req: FastifyRequest) => {
      const res = await service.audit(principalOf(req).orgId, parse(filterBody, req.body, 'body'), parse(pagingQuery, req.query, 'query'));
      return { cursor: res.cursor, logs: res.logs };
    };
    const auditConfig = { compat: { permission: ['Audit Logs', 'view'], budget: 'medium' } } as { compat: CompatRoute };
    app.post('/dlp/v1/customer/audit', { config: auditConfig, schema: HIDDEN }, audit);
    // The vendor's Postman collection writes this path with a trailing slash.
    app.post('/dlp/v1/customer/audit/', { config: auditConfig, schema: HIDDEN }, audit);

    const document = compatOpenApi();
    app.get('/dlp/openapi.json', { schema: HIDDEN }, async () => document);

    const unknown = async (req: FastifyRequest, reply: FastifyReply) =>
      sendError(reply, 404, 'NOT_FOUND', `No compatible API route ${req.method} ${req.url.split('?')[0]}. See /dlp/openapi.json.`);
    app.all('/dlp/*', { schema: HIDDEN }, unknown);
    app.all('/v1/*', { schema: HIDDEN }, unknown);
  };
}
