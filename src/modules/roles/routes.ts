import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { idParam } from '../../platform/http/pagination.js';
import { requires } from '../../platform/http/route-config.js';
import { createRoleBody, roleView, updateRoleBody } from './schemas.js';
import type { RolesService } from './service.js';

export function rolesRoutes(roles: RolesService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/roles', {
      config: requires('Account Settings', 'view'),
      schema: { tags: ['Roles'], summary: 'List roles', response: { 200: z.object({ items: z.array(roleView) }) } },
      handler: async (req) => ({ items: await roles.list(req.principal!.orgId) }),
    });
    app.get('/roles/:id', {
      config: requires('Account Settings', 'view'),
      schema: { tags: ['Roles'], summary: 'View a role', params: idParam, response: { 200: roleView } },
      handler: async (req) => roles.get(req.principal!.orgId, req.params.id),
    });
    app.post('/roles', {
      config: requires('Account Settings', 'edit'),
      schema: { tags: ['Roles'], summary: 'Add a role', body: createRoleBody, response: { 201: roleView } },
      handler: async (req, reply) => reply.status(201).send(await roles.create(req.principal!, req.body)),
    });
    app.patch('/roles/:id', {
      config: requires('Account Settings', 'edit'),
      schema: { tags: ['Roles'], summary: 'Edit a role', params: idParam, body: updateRoleBody, response: { 200: roleView } },
      handler: async (req) => roles.update(req.principal!, req.params.id, req.body),
    });
    app.delete('/roles/:id', {
      config: requires('Account Settings', 'edit'),
      schema: { tags: ['Roles'], summary: 'Delete a role', params: idParam, response: { 204: z.null() } },
      handler: async (req, reply) => {
        await roles.delete(req.principal!, req.params.id);
        return reply.status(204).send(null);
      },
    });
  };
}
