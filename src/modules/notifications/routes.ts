import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { idParam } from '../../platform/http/pagination.js';
import { requires } from '../../platform/http/route-config.js';
import { channelCreate, channelUpdate, channelView, messageListQuery, messagePage, messageView, testEmailBody } from './schemas.js';
import type { NotificationsService } from './service.js';

const CHANNEL_TAGS = ['Notification channels'];
const DELIVERY_TAGS = ['Notification deliveries'];

/** Chat channels (Setup > Integrations), deliveries (Notification Center) and an incident's notifications (contract in schemas.ts). */
export function notificationsRoutes(svc: NotificationsService): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('onClose', async () => svc.close());

    app.get('/notifications/channels', {
      config: requires('Integrations', 'view'),
      schema: { tags: CHANNEL_TAGS, summary: 'Slack and Microsoft Teams channels', response: { 200: z.object({ items: z.array(channelView) }) } },
      handler: async (req) => ({ items: await svc.listChannels(req.principal!.orgId) }),
    });
    app.post('/notifications/channels', {
      config: requires('Integrations', 'edit'),
      schema: {
        tags: CHANNEL_TAGS,
        summary: 'Connect a Slack or Microsoft Teams channel',
        description:
          'Sends a test message to the webhook first; the channel is saved only when the receiver accepts it (otherwise a 400 with its reason). The URL is sealed and never returned.',
        body: channelCreate,
        response: { 201: channelView },
      },
      handler: async (req, reply) => reply.status(201).send(await svc.createChannel(req.principal!, req.body)),
    });
    app.patch('/notifications/channels/:id', {
      config: requires('Integrations', 'edit'),
      schema: {
        tags: CHANNEL_TAGS,
        summary: 'Rename a channel or change its webhook URL',
        params: idParam,
        body: channelUpdate,
        response: { 200: channelView },
      },
      handler: async (req) => svc.updateChannel(req.principal!, req.params.id, req.body),
    });
    app.delete('/notifications/channels/:id', {
      config: requires('Integrations', 'edit'),
      schema: { tags: CHANNEL_TAGS, summary: 'Delete a channel', params: idParam, response: { 204: z.null() } },
      handler: async (req, reply) => {
        await svc.deleteChannel(req.principal!, req.params.id);
        return reply.status(204).send(null);
      },
    });
    app.post('/notifications/channels/:id/test', {
      config: requires('Integrations', 'edit'),
      schema: { tags: CHANNEL_TAGS, summary: 'Send a test message to a channel', params: idParam, response: { 200: channelView } },
      handler: async (req) => svc.testChannel(req.principal!, req.params.id),
    });

    app.get('/notifications/messages', {
      config: requires('Notification Center', 'view'),
      schema: {
        tags: DELIVERY_TAGS,
        summary: 'Notification deliveries',
        description: 'Every message to every recipient with its status (queued, sent, failed), attempts and the reason of the last failure.',
        querystring: messageListQuery,
        response: { 200: messagePage },
      },
      handler: async (req) => svc.listMessages(req.principal!.orgId, req.query),
    });
    app.get('/notifications/messages/:id', {
      config: requires('Notification Center', 'view'),
      schema: { tags: DELIVERY_TAGS, summary: 'One delivery', params: idParam, response: { 200: messageView } },
      handler: async (req) => svc.message(req.principal!.orgId, req.params.id),
    });
    app.post('/notifications/messages/:id/retry', {
      config: requires('Notification Center', 'edit'),
      schema: { tags: DELIVERY_TAGS, summary: 'Retry a failed delivery', params: idParam, response: { 200: messageView } },
      handler: async (req) => svc.retry(req.principal!, req.params.id),
    });
    app.post('/notifications/test-email', {
      config: requires('Notification Center', 'edit'),
      schema: { tags: DELIVERY_TAGS, summary: 'Send a test notification by email', body: testEmailBody, response: { 202: messageView } },
      handler: async (req, reply) => reply.status(202).send(await svc.sendTestEmail(req.principal!, req.body)),
    });
    app.get('/incidents/:id/notifications', {
      config: requires('Incidents', 'view'),
      schema: {
        tags: DELIVERY_TAGS,
        summary: "An incident's notifications, newest first",
        params: idParam,
        response: { 200: z.object({ items: z.array(messageView) }) },
      },
      handler: async (req) => ({ items: await svc.forIncidentChecked(req.principal!.orgId, req.params.id) }),
    });
  };
}
