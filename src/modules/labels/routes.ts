import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { idParam } from '../../platform/http/pagination.js';
import { requires } from '../../platform/http/route-config.js';
import { createLabelBody, labelList, labelView, updateLabelBody } from './schemas.js';
import type { LabelsService } from './service.js';

export function labelsRoutes(labels: LabelsService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/labels', {
      config: requires('Labels', 'view'),
      schema: { tags: ['Labels'], summary: 'List labels with their values', response: { 200: labelList } },
      handler: async (req) => ({ items: await labels.list(req.principal!.orgId) }),
    });
    app.get('/labels/:id', {
      config: requires('Labels', 'view'),
      schema: { tags: ['Labels'], summary: 'View a label', params: idParam, response: { 200: labelView } },
      handler: async (req) => labels.get(req.principal!.orgId, req.params.id),
    });
    app.post('/labels', {
      config: requires('Labels', 'edit'),
      schema: { tags: ['Labels'], summary: 'Add a label (name and optional values)', body: createLabelBody, response: { 201: labelView } },
      handler: async (req, reply) => reply.status(201).send(await labels.create(req.principal!, req.body)),
    });
    app.patch('/labels/:id', {
      config: requires('Labels', 'edit'),
      schema: { tags: ['Labels'], summary: 'Rename a label or replace its values', params: idParam, body: updateLabelBody, response: { 200: labelView } },
      handler: async (req) => labels.update(req.principal!, req.params.id, req.body),
    });
    app.delete('/labels/:id', {
      config: requires('Labels', 'edit'),
      schema: { tags: ['Labels'], summary: 'Delete a label (incidents keep it until removed)', params: idParam, response: { 204: z.null() } },
      handler: async (req, reply) => {
        await labels.delete(req.principal!, req.params.id);
        return reply.status(204).send(null);
      },
    });
  };
}
