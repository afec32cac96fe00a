import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { queryId } from '../../platform/http/input.js';
import { idParam, pageQuery, paged } from '../../platform/http/pagination.js';
import { requires } from '../../platform/http/route-config.js';
import { createWebhookBody, DELIVERY_STATUSES, deliveryView, updateWebhookBody, webhookView, webhookWithSecret } from './schemas.js';
import type { EventWebhooksService } from './service.js';

const tags = ['Webhooks'];
const deliveriesQuery = z.strictObject({ ...pageQuery, status: z.enum(DELIVERY_STATUSES).optional() });
const deliveryParams = z.strictObject({ id: queryId(), deliveryId: queryId() });

/** Setup > Webhooks: outbound event webhooks, their secrets and delivery log (API Management). */
export function eventWebhooksRoutes(webhooks: EventWebhooksService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/event-webhooks', {
      config: requires('API Management', 'view'),
      schema: { tags, summary: 'List event webhooks', response: { 200: z.object({ items: z.array(webhookView) }) } },
      handler: async (req) => ({ items: await webhooks.list(req.principal!.orgId) }),
    });
    app.post('/event-webhooks', {
      config: requires('API Management', 'edit'),
      schema: {
        tags,
        summary: 'Create an event webhook (its signing secret is shown once, in this answer)',
        body: createWebhookBody,
        response: { 201: webhookWithSecret },
      },
      handler: async (req, reply) => reply.status(201).send(await webhooks.create(req.principal!, req.body)),
    });
    app.get('/event-webhooks/:id', {
      config: requires('API Management', 'view'),
      schema: { tags, summary: 'An event webhook', params: idParam, response: { 200: webhookView } },
      handler: async (req) => webhooks.get(req.principal!.orgId, req.params.id),
    });
    app.patch('/event-webhooks/:id', {
      config: requires('API Management', 'edit'),
      schema: {
        tags,
        summary: 'Change an event webhook (name, URL, events, enabled)',
        params: idParam,
        body: updateWebhookBody,
        response: { 200: webhookView },
      },
      handler: async (req) => webhooks.update(req.principal!, req.params.id, req.body),
    });
    app.delete('/event-webhooks/:id', {
      config: requires('API Management', 'edit'),
      schema: { tags, summary: 'Delete an event webhook and its delivery log', params: idParam, response: { 204: z.null() } },
      handler: async (req, reply) => {
        await webhooks.remove(req.principal!, req.params.id);
        return reply.status(204).send(null);
      },
    });
    app.post('/event-webhooks/:id/rotate-secret', {
      config: requires('API Management', 'edit'),
      schema: { tags, summary: 'Rotate the signing secret (the new one is shown once)', params: idParam, response: { 200: webhookWithSecret } },
      handler: async (req) => webhooks.rotateSecret(req.principal!, req.params.id),
    });
    app.post('/event-webhooks/:id/test', {
      config: requires('API Management', 'edit'),
      schema: { tags, summary: 'Send a test event (a webhook.test delivery)', params: idParam, response: { 202: deliveryView } },
      handler: async (req, reply) => reply.status(202).send(await webhooks.sendTest(req.principal!, req.params.id)),
    });
    app.get('/event-webhooks/:id/deliveries', {
      config: requires('API Management', 'view'),
      schema: {
        tags,
        summary: "A webhook's delivery log, newest first",
        params: idParam,
        querystring: deliveriesQuery,
        response: { 200: paged(deliveryView) },
      },
      handler: async (req) => webhooks.deliveries(req.principal!.orgId, req.params.id, req.query),
    });
    app.post('/event-webhooks/:id/deliveries/:deliveryId/retry', {
      config: requires('API Management', 'edit'),
      schema: { tags, summary: 'Send a failed delivery again', params: deliveryParams, response: { 202: deliveryView } },
      handler: async (req, reply) => reply.status(202).send(await webhooks.retryDelivery(req.principal!, req.params.id, req.params.deliveryId)),
    });
  };
}
