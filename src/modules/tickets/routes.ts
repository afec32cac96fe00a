import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { idParam } from '../../platform/http/pagination.js';
import { requires } from '../../platform/http/route-config.js';
import { bulkRetryBody, bulkRetryResult, createTicketBody, ticketListQuery, ticketOptions, ticketPage, ticketPreview, ticketView } from './schemas.js';
import type { TicketsService } from './service.js';

const TAGS = ['Tickets'];

/** The Ticket action, an incident's tickets, the Tickets page and Retry (contract in schemas.ts). */
export function ticketsRoutes(svc: TicketsService): FastifyPluginAsyncZod {
  return async (app) => {
    app.post('/incidents/:id/tickets/preview', {
      config: requires('Incidents', 'view'),
      schema: {
        tags: TAGS,
        summary: 'Preview a ticket',
        description: 'Exactly what Submit will send: summary, description, assignee, mapped fields and the request body (the marker shows as wfa-preview).',
        params: idParam,
        body: createTicketBody,
        response: { 200: ticketPreview },
      },
      handler: async (req) => svc.preview(req.principal!, req.params.id, req.body),
    });
    app.post('/incidents/:id/tickets', {
      config: requires('Incidents', 'edit'),
      schema: {
        tags: TAGS,
        summary: 'Request a ticket for an incident',
        description:
          'Stores the pending ticket, its State Changes entry and its creation job together and answers at once (202, state "creating"). The ticket is created exactly once in ServiceNow or Jira Cloud by the background worker.',
        params: idParam,
        body: createTicketBody,
        response: { 202: ticketView },
      },
      handler: async (req, reply) => reply.status(202).send(await svc.create(req.principal!, req.params.id, req.body)),
    });
    app.get('/incidents/:id/tickets', {
      config: requires('Incidents', 'view'),
      schema: { tags: TAGS, summary: "An incident's tickets, newest first", params: idParam, response: { 200: z.object({ items: z.array(ticketView) }) } },
      handler: async (req) => ({ items: await svc.forIncident(req.principal!.orgId, req.params.id) }),
    });
    app.get('/incidents/:id/ticket-options', {
      config: requires('Incidents', 'view'),
      schema: {
        tags: TAGS,
        summary: 'Choices for the Ticket window',
        description: 'Enabled ticketing integrations with their Jira projects (those that can carry the marker label) and active integration users.',
        params: idParam,
        response: { 200: ticketOptions },
      },
      handler: async (req) => svc.options(req.principal!.orgId, req.params.id),
    });
    app.get('/tickets', {
      config: requires('Incidents', 'view'),
      schema: {
        tags: TAGS,
        summary: 'List tickets',
        description:
          'Every ticket across incidents, with filters (integration, state, assignee, creation date), search by ticket key or transaction id, sorting and pagination.',
        querystring: ticketListQuery,
        response: { 200: ticketPage },
      },
      handler: async (req) => svc.list(req.principal!.orgId, req.query),
    });
    app.get('/tickets/:id', {
      config: requires('Incidents', 'view'),
      schema: { tags: TAGS, summary: 'View a ticket', params: idParam, response: { 200: ticketView } },
      handler: async (req) => svc.get(req.principal!.orgId, req.params.id),
    });
    app.post('/tickets/:id/retry', {
      config: requires('Incidents', 'edit'),
      schema: { tags: TAGS, summary: 'Retry a failed (or stuck) ticket creation', params: idParam, response: { 200: ticketView } },
      handler: async (req) => svc.retry(req.principal!, req.params.id),
    });
    app.post('/tickets/retry', {
      config: requires('Incidents', 'edit'),
      schema: { tags: TAGS, summary: 'Retry several failed ticket creations', body: bulkRetryBody, response: { 200: bulkRetryResult } },
      handler: async (req) => svc.retryMany(req.principal!, req.body.ids),
    });
  };
}
