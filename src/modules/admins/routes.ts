import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { idParam } from '../../platform/http/pagination.js';
import { requires } from '../../platform/http/route-config.js';
import { adminPage, adminView, createAdminBody, listAdminsQuery, updateAdminBody } from './schemas.js';
import type { AdminsService } from './service.js';

export function adminsRoutes(admins: AdminsService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/admins', {
      config: requires('Account Settings', 'view'),
      schema: { tags: ['Admins'], summary: 'List admins', querystring: listAdminsQuery, response: { 200: adminPage } },
      handler: async (req) => admins.list(req.principal!.orgId, req.query),
    });
    app.get('/admins/:id', {
      config: requires('Account Settings', 'view'),
      schema: { tags: ['Admins'], summary: 'View an admin', params: idParam, response: { 200: adminView } },
      handler: async (req) => admins.get(req.principal!.orgId, req.params.id),
    });
    app.post('/admins', {
      config: requires('Account Settings', 'edit'),
      schema: { tags: ['Admins'], summary: 'Add an admin', body: createAdminBody, response: { 201: adminView } },
      handler: async (req, reply) => reply.status(201).send(await admins.create(req.principal!, req.body)),
    });
    app.patch('/admins/:id', {
      config: requires('Account Settings', 'edit'),
      schema: {
        tags: ['Admins'],
        summary: 'Change an admin’s name, role, status or password',
        params: idParam,
        body: updateAdminBody,
        response: { 200: adminView },
      },
      handler: async (req) => admins.update(req.principal!, req.params.id, req.body),
    });
  };
}
