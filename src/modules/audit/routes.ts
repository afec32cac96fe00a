import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { notFound } from '../../platform/http/errors.js';
import { idParam, pageQuery, paged } from '../../platform/http/pagination.js';
import { requires } from '../../platform/http/route-config.js';
import { auditEntry, auditFacets } from './schemas.js';
import type { AuditService } from './service.js';
import { queryId, text } from '../../platform/http/input.js';

const isoTime = z.iso.datetime({ offset: true, message: 'Use an ISO 8601 time such as 2026-11-27T00:00:00Z.' });

const listQuery = z.strictObject({
  ...pageQuery,
  from: isoTime.optional(),
  to: isoTime.optional(),
  adminId: queryId().optional(),
  action: z.enum(['Insert', 'Update', 'Delete']).optional(),
  module: text().max(100).optional(),
  resource: text().max(100).optional(),
  search: text().trim().max(200).optional(),
});

export function auditRoutes(audit: AuditService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/audit-logs', {
      config: requires('Audit Logs', 'view'),
      schema: { tags: ['Audit Logs'], summary: 'Search audit entries', querystring: listQuery, response: { 200: paged(auditEntry) } },
      handler: async (req) => {
        const q = req.query;
        const norm = (t?: string) => (t ? new Date(t).toISOString() : undefined);
        const { items, total } = await audit.list(req.principal!.orgId, { ...q, from: norm(q.from), to: norm(q.to) });
        return { items, total, page: q.page, pageSize: q.pageSize };
      },
    });
    app.get('/audit-logs/facets', {
      config: requires('Audit Logs', 'view'),
      schema: {
        tags: ['Audit Logs'],
        summary: 'Values for the Admin, Module and Resource filters',
        response: { 200: auditFacets },
      },
      handler: async (req) => audit.facets(req.principal!.orgId),
    });
    app.get('/audit-logs/:id', {
      config: requires('Audit Logs', 'view'),
      schema: { tags: ['Audit Logs'], summary: 'One audit entry with its before/after', params: idParam, response: { 200: auditEntry } },
      handler: async (req) => {
        const e = await audit.get(req.principal!.orgId, req.params.id);
        if (!e) throw notFound('Audit entry');
        return e;
      },
    });
  };
}
