import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from './app-context.js';
import { installErrorHandler, looksLikeApiCall } from './platform/http/error-handler.js';
import { installGuard } from './platform/http/guard.js';
import { PUBLIC } from './platform/http/route-config.js';
import { REDACT_PATHS } from './platform/log.js';
import { metricsTokenMatches } from './platform/metrics.js';

const ONE_MIB = 1024 * 1024;

export function webRoot(): string | null {
  const here = path.dirname(fileURLToPath(import.meta.url));
  // src/app.ts (tsx, tests) and dist/src/app.js (built) both find the repo's web build.
  for (const candidate of [path.resolve(here, '../dist/web'), path.resolve(here, '../web')]) {
    if (fs.existsSync(path.join(candidate, 'index.html'))) return candidate;
  }
  return null;
}

export type BuildOptions = {
  logger?: boolean | object;
  /** false: API only; a folder: serve that web build (tests); default: the repository's build if any. */
  serveWeb?: boolean | string;
  /** Where the production logger (with its redaction) writes; tests pass a stream to read the log. */
  logStream?: NodeJS.WritableStream;
};

export async function buildApp(ctx: AppContext, opts: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? {
      level: ctx.config.logLevel,
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      ...(opts.logStream ? { stream: opts.logStream } : {}),
    },
    bodyLimit: ONE_MIB,
    genReqId: () => crypto.randomUUID(),
    requestIdHeader: false,
    trustProxy: false,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    reply.header('x-frame-options', 'DENY');
  });

  app.addHook('onResponse', async (req, reply) => {
    ctx.metrics.observeRequest(req.method, req.routeOptions.url ?? null, reply.statusCode, reply.elapsedTime / 1000);
  });

  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      info: { title: 'Workflow Automation API', version: '1', description: 'DLP incident workflow automation with ServiceNow and Jira Cloud ticketing.' },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'An API key from Setup > API Keys' },
          session: { type: 'apiKey', in: 'cookie', name: 'wfa_session' },
        },
      },
      security: [{ apiKey: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  installErrorHandler(app);
  installGuard(app, ctx.auth);

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.get('/healthz', { config: PUBLIC, schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get(
    '/readyz',
    { config: PUBLIC, schema: { hide: true, response: { 200: z.object({ status: z.string() }), 503: z.object({ status: z.string(), reason: z.string() }) } } },
    async (_req, reply) => {
      try {
        await ctx.database.ping();
        return { status: 'ready' };
      } catch {
        return reply.status(503).send({ status: 'unavailable', reason: 'database unreachable' });
      }
    },
  );

  const metricsToken = ctx.config.metricsToken;
  // Off (404) unless WFA_METRICS_TOKEN is set; then only a caller with that bearer token reads it.
  if (metricsToken) {
    app.get('/metrics', { config: PUBLIC, schema: { hide: true } }, async (req, reply) => {
      if (!metricsTokenMatches(req.headers.authorization, metricsToken)) {
        return reply
          .status(401)
          .header('www-authenticate', 'Bearer realm="metrics"')
          .send({ error: { code: 'unauthorized', message: 'Send the token from WFA_METRICS_TOKEN as Authorization: Bearer <token>.', requestId: req.id } });
      }
      const { contentType, body } = await ctx.metrics.render();
      return reply.header('content-type', contentType).header('cache-control', 'no-store').send(body);
    });
  }

  await app.register(
    async (v1) => {
      for (const { definition, service } of ctx.modules) {
        if (definition.routes) await v1.register(definition.routes(service));
      }
    },
    { prefix: '/api/v1' },
  );
  for (const { definition, service } of ctx.modules) {
    if (definition.rootRoutes) await app.register(definition.rootRoutes(service));
  }

  const root = opts.serveWeb === false ? null : typeof opts.serveWeb === 'string' ? opts.serveWeb : webRoot();
  if (root) {
    await app.register(fastifyStatic, { root, prefix: '/', wildcard: false, index: false });
    const indexHtml = fs.readFileSync(path.join(root, 'index.html'), 'utf8');
    // The SPA owns every non-API path; unknown /api paths still get the JSON 404.
    app.get('/*', { schema: { hide: true } }, async (req, reply) => {
      if (looksLikeApiCall(req.url)) return reply.callNotFound();
      const file = path.join(root, req.url.split('?')[0]);
      if (file.startsWith(root + path.sep) && fs.existsSync(file) && fs.statSync(file).isFile()) {
        return reply.sendFile(path.relative(root, file));
      }
      return reply.type('text/html').header('cache-control', 'no-cache').send(indexHtml);
    });
  }
  return app;
}
