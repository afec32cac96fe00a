import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { idParam } from '../../../platform/http/pagination.js';
import { PUBLIC, requires } from '../../../platform/http/route-config.js';
import { tooManyRequests } from '../../../platform/http/errors.js';
import { LoginLimiter } from '../../auth/login-limiter.js';
import { ticketSyncInput, ticketSyncView } from '../schemas.js';
import type { TicketSyncService } from './service.js';
import type { WebhookSystem } from './webhooks.js';
import { queryId } from '../../../platform/http/input.js';

const tags = ['Tickets'];
const VIEW = requires('Integrations', 'view');
const EDIT = requires('Integrations', 'edit');
/** A push body is one issue's fields; far below the app's 1 MiB. */
const WEBHOOK_BODY_LIMIT = 256 * 1024;
/** Per integration and sender address: a busy Jira sends a few pushes a second at most. */
const WEBHOOKS_PER_MINUTE = 300;

const integrationParam = z.object({ integrationId: queryId() });
const webhookResult = z.object({ outcome: z.string(), detail: z.string().optional() });

export function ticketSyncRoutes(sync: TicketSyncService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/integrations/:id/ticket-sync', {
      config: VIEW,
      schema: { tags, summary: 'Ticket status sync settings and webhook set-up of an integration', params: idParam, response: { 200: ticketSyncView } },
      handler: async (req) => sync.view(req.principal!.orgId, req.params.id),
    });
    app.put('/integrations/:id/ticket-sync', {
      config: EDIT,
      schema: {
        tags,
        summary: 'Change the poll interval, webhooks on/off and the closed-ticket policy',
        description: 'Webhooks can be turned on only once a secret exists (rotate-secret).',
        params: idParam,
        body: ticketSyncInput,
        response: { 200: ticketSyncView },
      },
      handler: async (req) => sync.update(req.principal!, req.params.id, req.body),
    });
    app.post('/integrations/:id/ticket-sync/rotate-secret', {
      config: EDIT,
      schema: {
        tags,
        summary: 'Make a new webhook secret (shown in this answer only)',
        description: 'The previous secret stops working at once; paste the new one into the ticketing system.',
        params: idParam,
        response: { 200: ticketSyncView },
      },
      handler: async (req) => sync.rotateSecret(req.principal!, req.params.id),
    });
    app.post('/integrations/:id/ticket-sync/poll', {
      config: EDIT,
      schema: {
        tags,
        summary: 'Poll the open tickets of this integration now',
        params: idParam,
        response: { 200: z.object({ polled: z.number(), updated: z.number() }) },
      },
      handler: async (req) => {
        const r = await sync.pollNow(req.principal!, req.params.id);
        return { polled: r.polled, updated: r.updated };
      },
    });
    await app.register(webhookRoutes(sync));
  };
}

/** The push endpoints: authenticated by signature only, so they read the raw body to verify it. */
function webhookRoutes(sync: TicketSyncService): FastifyPluginAsyncZod {
  return async (app) => {
    const limiter = new LoginLimiter(WEBHOOKS_PER_MINUTE, 60_000);
    // Encapsulated: only these routes get the body as bytes (the signature covers exactly those).
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT }, (_req, body, done) => done(null, body));
    const route = (system: WebhookSystem, summary: string) =>
      app.post(`/webhooks/${system}/:integrationId`, {
        config: PUBLIC,
        bodyLimit: WEBHOOK_BODY_LIMIT,
        schema: { tags, summary, params: integrationParam, response: { 200: webhookResult } },
        handler: async (req) => {
          const wait = limiter.hit(`${system}:${req.params.integrationId}:${req.ip}`);
          if (wait !== null) throw tooManyRequests(`Too many pushes for this integration; try again in ${wait} seconds.`);
          const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
          return sync.receiveWebhook(system, { integrationId: req.params.integrationId, headers: req.headers, rawBody });
        },
      });
    route('jira', 'Jira webhook (issue updated), signed HMAC-SHA256 in X-Hub-Signature');
    route('servicenow', 'ServiceNow outbound REST message, with the X-WFA-Webhook-Secret, X-WFA-Delivery and X-WFA-Timestamp headers');
  };
}
