import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requires } from '../../platform/http/route-config.js';
import type { AlertsService } from './service.js';

const alertView = z.object({
  id: z.number(),
  module: z.string(),
  severity: z.enum(['High', 'Medium', 'Low']),
  summary: z.string(),
  detail: z.string().nullable(),
  firstDetected: z.string(),
  lastDetected: z.string(),
  active: z.boolean(),
});

export function alertsRoutes(alerts: AlertsService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/alerts', {
      config: requires('Notification Center', 'view'),
      schema: {
        tags: ['Notification Center'],
        summary: 'Notification Center alerts',
        querystring: z.strictObject({
          includeCleared: z
            .enum(['true', 'false'])
            .default('false')
            .transform((v) => v === 'true'),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: { 200: z.object({ items: z.array(alertView) }) },
      },
      handler: async (req) => ({ items: await alerts.list(req.principal!.orgId, req.query) }),
    });
  };
}
