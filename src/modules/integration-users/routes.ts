import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { systemNames } from '../../connectors/descriptors.js';
import { errorBody, idParam } from '../../platform/http/pagination.js';
import { requires } from '../../platform/http/route-config.js';
import {
  addBody,
  bulkVerifyBody,
  bulkVerifyResult,
  exportQuery,
  importBody,
  importView,
  integrationsList,
  listQuery,
  lookupBody,
  lookupResult,
  userPage,
  userView,
  verifyResult,
  type ListQuery,
} from './schemas.js';
import type { IntegrationUsersService } from './service.js';

const TAGS = ['Integration Users'];
const csvText = z.string().describe('text/csv');

function csvFileName(prefix: string): string {
  return `${prefix}-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.csv`;
}

export function integrationUsersRoutes(integrationUsers: IntegrationUsersService): FastifyPluginAsyncZod {
  return async (app) => {
    // The hot read: the page arrives as JSON text (service `listJson`), and Fastify sends a string
    // with a JSON content type as it is, so the route's reply is declared a string; the response
    // schema still documents the page (tests parse with it).
    app.get<{ Querystring: ListQuery; Reply: string }>('/integration-users', {
      config: requires('Integrations', 'view'),
      schema: {
        tags: TAGS,
        summary: 'List integration users',
        description: 'The people tickets can be assigned to, with search (name or email), filters by integration, type and status, sorting and pagination.',
        querystring: listQuery,
        response: { 200: userPage },
      },
      // The hot read: the page arrives as JSON text (service `listJson`), and Fastify sends a string
      // with a JSON content type as it is. The schema above still documents it; tests parse with it.
      handler: async (req, reply) => reply.type('application/json; charset=utf-8').send(await integrationUsers.listJson(req.principal!.orgId, req.query)),
    });
    app.get('/integration-users/export.csv', {
      config: requires('Integrations', 'view'),
      schema: {
        tags: TAGS,
        summary: 'Export integration users as CSV',
        description: 'Same filters and order as the list, every matching row.',
        querystring: exportQuery,
        produces: ['text/csv'],
        response: { 200: csvText },
      },
      handler: async (req, reply) => {
        const text = await integrationUsers.exportCsv(req.principal!.orgId, req.query);
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${csvFileName('integration-users')}"`)
          .send(text);
      },
    });
    app.get('/integration-users/integrations', {
      config: requires('Integrations', 'view'),
      schema: {
        tags: TAGS,
        summary: 'Integrations users can be added for',
        description: `The organization's ${systemNames('and')} integrations (the Add User window offers the enabled ones).`,
        response: { 200: integrationsList },
      },
      handler: async (req) => ({ items: await integrationUsers.listIntegrations(req.principal!.orgId) }),
    });
    app.post('/integration-users/lookup', {
      config: requires('Integrations', 'edit'),
      schema: {
        tags: TAGS,
        summary: 'Look a person up in a ticketing system by email',
        description:
          'Exact, case-insensitive match. Every outcome (found, not found, inactive, ambiguous, already added, email hidden, unreachable, credentials refused) is a 200 with its own message.',
        body: lookupBody,
        response: { 200: lookupResult, 400: errorBody, 404: errorBody },
      },
      handler: async (req) => integrationUsers.lookup(req.principal!, req.body),
    });
    app.post('/integration-users', {
      config: requires('Integrations', 'edit'),
      schema: {
        tags: TAGS,
        summary: 'Add an integration user',
        description:
          'Looks the email up again in the ticketing system and stores Name, Username and the external id it reports. Refusals: 422 not_found / inactive / ambiguous / email_hidden, 409 already_added, 502 unreachable / credentials_refused.',
        body: addBody,
        response: { 201: userView, 400: errorBody, 404: errorBody, 409: errorBody, 422: errorBody, 502: errorBody },
      },
      handler: async (req, reply) => reply.status(201).send(await integrationUsers.add(req.principal!, req.body)),
    });
    app.post('/integration-users/verify', {
      config: requires('Integrations', 'edit'),
      schema: {
        tags: TAGS,
        summary: 'Verify several integration users now',
        description: 'Refreshes names and marks users who became inactive or were deleted in the ticketing system.',
        body: bulkVerifyBody,
        response: { 200: bulkVerifyResult },
      },
      handler: async (req) => integrationUsers.verifyMany(req.principal!, req.body.ids),
    });
    app.post('/integration-users/imports', {
      config: requires('Integrations', 'edit'),
      schema: {
        tags: TAGS,
        summary: 'Import integration users from CSV',
        description: 'Header `email,integration` (integration = the tenant name). Runs in the background; poll the import for progress and per-row results.',
        body: importBody,
        response: { 202: importView, 400: errorBody },
      },
      handler: async (req, reply) => reply.status(202).send(await integrationUsers.startImport(req.principal!, req.body)),
    });
    app.get('/integration-users/imports/:id', {
      config: requires('Integrations', 'view'),
      schema: { tags: TAGS, summary: 'Progress and results of an import', params: idParam, response: { 200: importView } },
      handler: async (req) => integrationUsers.getImport(req.principal!.orgId, req.params.id),
    });
    app.get('/integration-users/imports/:id/result.csv', {
      config: requires('Integrations', 'view'),
      schema: { tags: TAGS, summary: 'Per-row results of an import as CSV', params: idParam, produces: ['text/csv'], response: { 200: csvText } },
      handler: async (req, reply) => {
        const text = await integrationUsers.importResultCsv(req.principal!.orgId, req.params.id);
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="integration-users-import-${req.params.id}.csv"`)
          .send(text);
      },
    });
    app.get('/integration-users/:id', {
      config: requires('Integrations', 'view'),
      schema: { tags: TAGS, summary: 'View an integration user', params: idParam, response: { 200: userView } },
      handler: async (req) => integrationUsers.get(req.principal!.orgId, req.params.id),
    });
    app.delete('/integration-users/:id', {
      config: requires('Integrations', 'edit'),
      schema: {
        tags: TAGS,
        summary: 'Remove an integration user',
        description: 'Existing tickets keep their assignee. Refused (409) while a workflow names the user as its default assignee.',
        params: idParam,
        response: { 204: z.null(), 409: errorBody },
      },
      handler: async (req, reply) => {
        await integrationUsers.remove(req.principal!, req.params.id);
        return reply.status(204).send(null);
      },
    });
    app.post('/integration-users/:id/verify', {
      config: requires('Integrations', 'edit'),
      schema: { tags: TAGS, summary: 'Verify an integration user now', params: idParam, response: { 200: verifyResult } },
      handler: async (req) => integrationUsers.verify(req.principal!, req.params.id),
    });
  };
}
