import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { idParam } from '../../platform/http/pagination.js';
import { requires } from '../../platform/http/route-config.js';
import {
  bulkRunBody,
  bulkRunResult,
  createWorkflowBody,
  executionView,
  mappingBody,
  mappingView,
  moveBody,
  runBody,
  templateView,
  testBody,
  testResult,
  ticketingOptions,
  updateWorkflowBody,
  vocabularyView,
  workflowListQuery,
  workflowView,
} from './schemas.js';
import type { WorkflowsService } from './service.js';

const TAGS = ['Workflows'];
/** Workflow Mappings are for full-access admins: the top level of the category. */
const MAPPINGS = requires('Workflows and Mappings', 'edit');

/** Workflow Templates, Workflows, Workflow Mappings (with the Test panel), Run workflow and executions. */
export function workflowsRoutes(svc: WorkflowsService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/workflow-templates', {
      config: requires('Workflow Templates', 'view'),
      schema: {
        tags: TAGS,
        summary: 'Workflow Templates',
        description: 'The nine pre-defined templates, whether each can be used yet, and how many workflows use it.',
        response: { 200: z.object({ items: z.array(templateView) }) },
      },
      handler: async (req) => ({ items: await svc.templates(req.principal!.orgId) }),
    });

    app.get('/workflows', {
      config: requires('Workflows and Mappings', 'view'),
      schema: { tags: TAGS, summary: 'List workflows', querystring: workflowListQuery, response: { 200: z.object({ items: z.array(workflowView) }) } },
      handler: async (req) => ({ items: await svc.list(req.principal!.orgId, req.query) }),
    });
    app.get('/workflows/ticketing-options', {
      config: requires('Workflows and Mappings', 'view'),
      schema: {
        tags: TAGS,
        summary: 'Auto Create Tickets choices',
        description: 'Enabled ServiceNow and Jira Cloud integrations, their Jira projects and active integration users.',
        response: { 200: ticketingOptions },
      },
      handler: async (req) => svc.ticketingOptions(req.principal!.orgId),
    });
    app.get('/workflows/:id', {
      config: requires('Workflows and Mappings', 'view'),
      schema: { tags: TAGS, summary: 'A workflow', params: idParam, response: { 200: workflowView } },
      handler: async (req) => svc.get(req.principal!.orgId, req.params.id),
    });
    app.post('/workflows', {
      config: requires('Workflows and Mappings', 'edit'),
      schema: {
        tags: TAGS,
        summary: 'Add a pre-defined workflow',
        description: 'From a template, with its settings (version 1).',
        body: createWorkflowBody,
        response: { 201: workflowView },
      },
      handler: async (req, reply) => reply.status(201).send(await svc.create(req.principal!, req.body)),
    });
    app.patch('/workflows/:id', {
      config: requires('Workflows and Mappings', 'edit'),
      schema: {
        tags: TAGS,
        summary: 'Edit a workflow',
        description: 'Changed settings make a new version used by future incidents; running executions finish on the version they started with.',
        params: idParam,
        body: updateWorkflowBody,
        response: { 200: workflowView },
      },
      handler: async (req) => svc.update(req.principal!, req.params.id, req.body),
    });
    app.delete('/workflows/:id', {
      config: requires('Workflows and Mappings', 'edit'),
      schema: {
        tags: TAGS,
        summary: 'Delete a workflow',
        description: 'Refused (409) while a mapping statement uses it.',
        params: idParam,
        response: { 204: z.null() },
      },
      handler: async (req, reply) => {
        await svc.remove(req.principal!, req.params.id);
        return reply.status(204).send(null);
      },
    });

    app.get('/workflow-mappings/vocabulary', {
      config: MAPPINGS,
      schema: {
        tags: TAGS,
        summary: 'Statement builder choices',
        description: 'Source DLP Types, properties and the operations each accepts.',
        response: { 200: vocabularyView },
      },
      handler: async () => svc.vocabulary(),
    });
    app.get('/workflow-mappings', {
      config: MAPPINGS,
      schema: {
        tags: TAGS,
        summary: 'Workflow Mappings',
        description: 'Ordered statements; the first that matches a new incident chooses its workflow.',
        response: { 200: z.object({ items: z.array(mappingView) }) },
      },
      handler: async (req) => ({ items: await svc.mappings(req.principal!.orgId) }),
    });
    app.post('/workflow-mappings', {
      config: MAPPINGS,
      schema: {
        tags: TAGS,
        summary: 'Add Statement',
        description: 'Added last. An invalid predicate is refused naming it.',
        body: mappingBody,
        response: { 201: mappingView },
      },
      handler: async (req, reply) => reply.status(201).send(await svc.addMapping(req.principal!, req.body)),
    });
    app.put('/workflow-mappings/:id', {
      config: MAPPINGS,
      schema: { tags: TAGS, summary: 'Edit a statement', params: idParam, body: mappingBody, response: { 200: mappingView } },
      handler: async (req) => svc.updateMapping(req.principal!, req.params.id, req.body),
    });
    app.post('/workflow-mappings/:id/move', {
      config: MAPPINGS,
      schema: {
        tags: TAGS,
        summary: 'Move a statement up or down',
        params: idParam,
        body: moveBody,
        response: { 200: z.object({ items: z.array(mappingView) }) },
      },
      handler: async (req) => ({ items: await svc.moveMapping(req.principal!, req.params.id, req.body.direction) }),
    });
    app.delete('/workflow-mappings/:id', {
      config: MAPPINGS,
      schema: { tags: TAGS, summary: 'Delete a statement', params: idParam, response: { 204: z.null() } },
      handler: async (req, reply) => {
        await svc.deleteMapping(req.principal!, req.params.id);
        return reply.status(204).send(null);
      },
    });
    app.post('/workflow-mappings/test', {
      config: MAPPINGS,
      schema: {
        tags: TAGS,
        summary: 'Test the statements against an incident',
        description:
          'An existing incident (incidentId) or a pasted one in the ingestion format (incident). Shows which statement matches, why each earlier one did not, and what the workflow would do. Creates nothing.',
        body: testBody,
        response: { 200: testResult },
      },
      handler: async (req) => svc.test(req.principal!.orgId, req.body),
    });

    app.get('/incidents/:id/workflow-executions', {
      config: requires('Incidents', 'view'),
      schema: {
        tags: TAGS,
        summary: "An incident's workflow executions",
        description: 'Each execution with its steps, their time and outcome, and the ticket made.',
        params: idParam,
        response: { 200: z.object({ items: z.array(executionView) }) },
      },
      handler: async (req) => ({ items: await svc.executions(req.principal!.orgId, req.params.id) }),
    });
    app.post('/incidents/:id/workflow-executions', {
      config: requires('Incidents', 'edit'),
      schema: {
        tags: TAGS,
        summary: 'Run a workflow on an incident',
        description: 'Starts a new execution of the workflow (current version); the worker runs its steps.',
        params: idParam,
        body: runBody,
        response: { 202: executionView },
      },
      handler: async (req, reply) => reply.status(202).send(await svc.run(req.principal!, req.params.id, req.body.workflowId)),
    });
    app.post('/incidents/bulk/run-workflow', {
      config: requires('Incidents', 'edit'),
      schema: {
        tags: TAGS,
        summary: 'Run a workflow on many incidents',
        description:
          'Starts one execution per selected incident (at most 1,000), each with its own result. Send a requestId (a UUID per confirmation): the same request sent again reports the executions it started instead of starting more.',
        body: bulkRunBody,
        response: { 200: bulkRunResult },
      },
      handler: async (req) => svc.runMany(req.principal!, req.body.ids, req.body.workflowId, req.body.requestId),
    });
  };
}
