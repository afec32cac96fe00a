import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { systemNames } from '../../connectors/descriptors.js';
import { idParam } from '../../platform/http/pagination.js';
import { requires } from '../../platform/http/route-config.js';
import { INCIDENT_FIELDS } from './incident-fields.js';
import {
  connectBody,
  incidentFieldsView,
  integrationView,
  jiraProjectView,
  listQuery,
  mappingParams,
  mappingView,
  projectParams,
  saveMappingBody,
  syncResultView,
  updateBody,
  updateProjectBody,
} from './schemas.js';
import type { IntegrationsService } from './service.js';

const tags = ['Integrations'];
const VIEW = requires('Integrations', 'view');
const EDIT = requires('Integrations', 'edit');

export function integrationsRoutes(integrations: IntegrationsService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/integrations', {
      config: VIEW,
      schema: {
        tags,
        summary: `List ${systemNames('and')} integrations`,
        description: 'Deleted accounts are left out unless includeDeleted=true; the "N Connected" count is of the default list.',
        querystring: listQuery,
        response: { 200: z.object({ items: z.array(integrationView) }) },
      },
      handler: async (req) => ({ items: await integrations.list(req.principal!.orgId, req.query) }),
    });
    app.get('/integrations/incident-fields', {
      config: VIEW,
      schema: { tags, summary: 'Incident fields a Jira field can be mapped to', response: { 200: incidentFieldsView } },
      handler: async () => ({ items: INCIDENT_FIELDS.map((f) => ({ ...f })) }),
    });
    app.get('/integrations/:id', {
      config: VIEW,
      schema: {
        tags,
        summary: 'View an integration (never its credentials)',
        description: 'A deleted integration is a 404 here; list with includeDeleted=true to see it.',
        params: idParam,
        response: { 200: integrationView },
      },
      handler: async (req) => integrations.get(req.principal!.orgId, req.params.id),
    });
    app.post('/integrations', {
      config: EDIT,
      schema: {
        tags,
        summary: 'Connect a ServiceNow instance or Jira Cloud site',
        description: 'The credentials are checked against the system first; nothing is stored when they do not work.',
        body: connectBody,
        response: { 201: integrationView },
      },
      handler: async (req, reply) => reply.status(201).send(await integrations.connect(req.principal!, req.body)),
    });
    app.patch('/integrations/:id', {
      config: EDIT,
      schema: {
        tags,
        summary: 'Edit an integration’s name, address, credentials or settings',
        description: 'Credentials are write-only: a blank or absent field keeps the stored value. Changed credentials are checked before they are saved.',
        params: idParam,
        body: updateBody,
        response: { 200: integrationView },
      },
      handler: async (req) => integrations.update(req.principal!, req.params.id, req.body),
    });
    app.post('/integrations/:id/disable', {
      config: EDIT,
      schema: { tags, summary: 'Disable Integration', params: idParam, response: { 200: integrationView } },
      handler: async (req) => integrations.setEnabled(req.principal!, req.params.id, false),
    });
    app.post('/integrations/:id/enable', {
      config: EDIT,
      schema: { tags, summary: 'Enable Integration', params: idParam, response: { 200: integrationView } },
      handler: async (req) => integrations.setEnabled(req.principal!, req.params.id, true),
    });
    app.post('/integrations/:id/verify', {
      config: EDIT,
      schema: {
        tags,
        summary: 'Test the connection, or Reauthorize',
        description: 'Checks the stored credentials now; for an OAuth integration that needs re-authorization, gets new tokens.',
        params: idParam,
        response: { 200: integrationView },
      },
      handler: async (req) => integrations.verify(req.principal!, req.params.id),
    });
    app.delete('/integrations/:id', {
      config: EDIT,
      schema: {
        tags,
        summary: 'Delete an integration (refused while something uses it)',
        description:
          'The account is kept as Deleted (listed with includeDeleted=true) with its credentials erased, its Jira projects and mappings removed and its name free for a new account. It can no longer be viewed by id, edited, enabled or used.',
        params: idParam,
        response: { 204: z.null() },
      },
      handler: async (req, reply) => {
        await integrations.delete(req.principal!, req.params.id);
        return reply.status(204).send(null);
      },
    });

    app.get('/integrations/:id/projects', {
      config: VIEW,
      schema: { tags, summary: 'Jira projects of an integration', params: idParam, response: { 200: z.object({ items: z.array(jiraProjectView) }) } },
      handler: async (req) => ({ items: await integrations.listProjects(req.principal!.orgId, req.params.id) }),
    });
    app.post('/integrations/:id/projects/sync', {
      config: EDIT,
      schema: { tags, summary: 'Sync Project List', params: idParam, response: { 200: syncResultView } },
      handler: async (req) => integrations.syncProjects(req.principal!, req.params.id),
    });
    app.patch('/integrations/:id/projects/:projectId', {
      config: EDIT,
      schema: { tags, summary: 'Set a project’s Complete Status', params: projectParams, body: updateProjectBody, response: { 200: jiraProjectView } },
      handler: async (req) => integrations.setCompleteStatus(req.principal!, req.params.id, req.params.projectId, req.body.completeStatusId),
    });
    app.get('/integrations/:id/projects/:projectId/mappings/:issueTypeId', {
      config: VIEW,
      schema: { tags, summary: 'Required Fields Mappings of a project + issue type', params: mappingParams, response: { 200: mappingView } },
      handler: async (req) => integrations.getMapping(req.principal!.orgId, req.params.id, req.params.projectId, req.params.issueTypeId),
    });
    app.put('/integrations/:id/projects/:projectId/mappings/:issueTypeId', {
      config: EDIT,
      schema: {
        tags,
        summary: 'Save the field mappings of a project + issue type',
        description: 'Every required Jira field needs a Zscaler (incident) field or a default value; Issue Type and Project are filled automatically.',
        params: mappingParams,
        body: saveMappingBody,
        response: { 200: mappingView },
      },
      handler: async (req) => integrations.saveMapping(req.principal!, req.params.id, req.params.projectId, req.params.issueTypeId, req.body),
    });
    app.delete('/integrations/:id/projects/:projectId/mappings/:issueTypeId', {
      config: EDIT,
      schema: { tags, summary: 'Remove the field mappings of a project + issue type', params: mappingParams, response: { 204: z.null() } },
      handler: async (req, reply) => {
        await integrations.deleteMapping(req.principal!, req.params.id, req.params.projectId, req.params.issueTypeId);
        return reply.status(204).send(null);
      },
    });
  };
}
