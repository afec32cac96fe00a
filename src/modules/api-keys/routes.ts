import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { idParam } from '../../platform/http/pagination.js';
import { requires } from '../../platform/http/route-config.js';
import type { ApiKeysService } from './service.js';
import { API_KEY_KINDS } from './migrations.js';
import { bodyId, nameText } from '../../platform/http/input.js';

const apiKeyView = z.object({
  id: z.number(),
  name: z.string(),
  prefix: z.string(),
  roleId: z.number(),
  roleName: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  kind: z.enum(API_KEY_KINDS),
  keyId: z.string().nullable(),
  createdBy: z.object({ id: z.number(), name: z.string(), email: z.string(), status: z.enum(['active', 'disabled']) }).nullable(),
});

const createBody = z.strictObject({
  name: nameText().trim().min(1, 'Name is required.').max(100, 'Name must be at most 100 characters.'),
  roleId: bodyId(),
  /** `id_secret`: a key id + secret pair for the compatible API (docs/compatible-api.md). */
  kind: z.enum(API_KEY_KINDS).default('bearer'),
});

export function apiKeysRoutes(apiKeys: ApiKeysService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/api-keys', {
      config: requires('API Management', 'view'),
      schema: { tags: ['API Keys'], summary: 'List API keys', response: { 200: z.object({ items: z.array(apiKeyView) }) } },
      handler: async (req) => ({ items: await apiKeys.list(req.principal!.orgId) }),
    });
    app.post('/api-keys', {
      config: requires('API Management', 'edit'),
      schema: {
        tags: ['API Keys'],
        summary: "Create an API key (the key, or an id/secret key's secret, is shown once)",
        body: createBody,
        response: { 201: apiKeyView.extend({ key: z.string().optional(), keySecret: z.string().optional() }) },
      },
      handler: async (req, reply) => reply.status(201).send(await apiKeys.create(req.principal!, req.body)),
    });
    app.delete('/api-keys/:id', {
      config: requires('API Management', 'edit'),
      schema: { tags: ['API Keys'], summary: 'Revoke an API key', params: idParam, response: { 204: z.null() } },
      handler: async (req, reply) => {
        await apiKeys.revoke(req.principal!, req.params.id);
        return reply.status(204).send(null);
      },
    });
  };
}
