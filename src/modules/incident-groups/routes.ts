import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { idParam } from '../../platform/http/pagination.js';
import { requires } from '../../platform/http/route-config.js';
import { vocabularyView } from '../workflows/schemas.js';
import { bulkResult, incidentDetail } from '../incidents/schemas.js';
import {
  bulkSetIncidentGroupsBody,
  defaultGroupBody,
  groupBody,
  groupChoices,
  groupListQuery,
  groupMappingBody,
  groupMappingList,
  groupMappingView,
  groupPage,
  groupView,
  moveBody,
  prioritiesBody,
  priorityList,
  setIncidentGroupsBody,
  typeList,
} from './schemas.js';
import type { IncidentGroupsService } from './service.js';

const VIEW = requires('Incident Group and Mappings', 'view');
const EDIT = requires('Incident Group and Mappings', 'edit');
const TAGS = ['Incident Groups'];
const INCIDENTS_EDIT = requires('Incidents', 'edit');
const INCIDENT_TAGS = ['Incidents'];

export function incidentGroupsRoutes(svc: IncidentGroupsService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/incident-groups', {
      config: VIEW,
      schema: { tags: TAGS, summary: 'List incident groups (search, sort, pages)', querystring: groupListQuery, response: { 200: groupPage } },
      handler: async (req) => svc.list(req.principal!.orgId, req.query),
    });
    app.get('/incident-groups/choices', {
      config: VIEW,
      schema: { tags: TAGS, summary: 'Every incident group by name (pickers)', response: { 200: groupChoices } },
      handler: async (req) => svc.choices(req.principal!.orgId),
    });
    app.get('/incident-groups/types', {
      config: VIEW,
      schema: { tags: TAGS, summary: 'The Types the org has used (the Type choices)', response: { 200: typeList } },
      handler: async (req) => svc.types(req.principal!.orgId),
    });
    app.get('/incident-groups/:id', {
      config: VIEW,
      schema: { tags: TAGS, summary: 'View an incident group', params: idParam, response: { 200: groupView } },
      handler: async (req) => svc.get(req.principal!.orgId, req.params.id),
    });
    app.post('/incident-groups', {
      config: EDIT,
      schema: {
        tags: TAGS,
        summary: 'Add an incident group',
        description: 'Type (an existing one or a new one), Name (unique in the org, regardless of case: 409 otherwise), Description.',
        body: groupBody,
        response: { 201: groupView },
      },
      handler: async (req, reply) => reply.status(201).send(await svc.create(req.principal!, req.body)),
    });
    app.put('/incident-groups/:id', {
      config: EDIT,
      schema: { tags: TAGS, summary: 'Edit an incident group', params: idParam, body: groupBody, response: { 200: groupView } },
      handler: async (req) => svc.update(req.principal!, req.params.id, req.body),
    });
    app.delete('/incident-groups/:id', {
      config: EDIT,
      schema: {
        tags: TAGS,
        summary: 'Delete an incident group',
        description: 'Refused (409) while a mapping statement assigns it or it is the default group. Incidents in it leave it and keep their priority.',
        params: idParam,
        response: { 204: z.null() },
      },
      handler: async (req, reply) => {
        await svc.remove(req.principal!, req.params.id);
        return reply.status(204).send(null);
      },
    });

    app.get('/incident-group-mappings/vocabulary', {
      config: VIEW,
      schema: { tags: TAGS, summary: 'Statement builder choices (as Workflow Mappings)', response: { 200: vocabularyView } },
      handler: async () => svc.vocabulary(),
    });
    app.get('/incident-group-mappings', {
      config: VIEW,
      schema: {
        tags: TAGS,
        summary: 'Incident Group Mappings',
        description: 'Ordered statements. A new incident joins the groups of every statement that matches it; when none matches, the default incident group.',
        response: { 200: groupMappingList },
      },
      handler: async (req) => svc.mappings.list(req.principal!.orgId),
    });
    app.post('/incident-group-mappings', {
      config: EDIT,
      schema: {
        tags: TAGS,
        summary: 'Add Statement',
        description: 'Added last. An invalid predicate is refused naming it.',
        body: groupMappingBody,
        response: { 201: groupMappingView },
      },
      handler: async (req, reply) => reply.status(201).send(await svc.mappings.add(req.principal!, req.body)),
    });
    app.put('/incident-group-mappings/default', {
      config: EDIT,
      schema: { tags: TAGS, summary: 'Set or clear the default incident group', body: defaultGroupBody, response: { 200: groupMappingList } },
      handler: async (req) => svc.mappings.setDefault(req.principal!, req.body.groupId),
    });
    app.put('/incident-group-mappings/:id', {
      config: EDIT,
      schema: { tags: TAGS, summary: 'Edit a statement', params: idParam, body: groupMappingBody, response: { 200: groupMappingView } },
      handler: async (req) => svc.mappings.update(req.principal!, req.params.id, req.body),
    });
    app.post('/incident-group-mappings/:id/move', {
      config: EDIT,
      schema: { tags: TAGS, summary: 'Move a statement up or down', params: idParam, body: moveBody, response: { 200: groupMappingList } },
      handler: async (req) => svc.mappings.move(req.principal!, req.params.id, req.body.direction),
    });
    app.delete('/incident-group-mappings/:id', {
      config: EDIT,
      schema: { tags: TAGS, summary: 'Delete a statement', params: idParam, response: { 204: z.null() } },
      handler: async (req, reply) => {
        await svc.mappings.remove(req.principal!, req.params.id);
        return reply.status(204).send(null);
      },
    });

    app.get('/priorities', {
      config: requires('Priorities', 'view'),
      schema: { tags: ['Priorities'], summary: 'Priorities: incident group and priority rows', response: { 200: priorityList } },
      handler: async (req) => svc.priorities(req.principal!.orgId),
    });
    app.put('/priorities', {
      config: requires('Priorities', 'edit'),
      schema: {
        tags: ['Priorities'],
        summary: 'Save the priorities',
        description:
          "The whole list: groups left out have no priority. A new incident's priority is the highest of its groups' (kept as ingested when none has one).",
        body: prioritiesBody,
        response: { 200: priorityList },
      },
      handler: async (req) => svc.savePriorities(req.principal!, req.body),
    });
    app.delete('/priorities/:id', {
      config: requires('Priorities', 'edit'),
      schema: { tags: ['Priorities'], summary: "Delete a group's priority (id: the incident group)", params: idParam, response: { 204: z.null() } },
      handler: async (req, reply) => {
        await svc.removePriority(req.principal!, req.params.id);
        return reply.status(204).send(null);
      },
    });

    // Update Incident Group is an incident action: the Incidents permission, beside the other actions.
    app.post('/incidents/:id/incident-groups', {
      config: INCIDENTS_EDIT,
      schema: {
        tags: INCIDENT_TAGS,
        summary: 'Update Incident Group: set the incident’s groups (at least one) and re-derive its priority',
        description:
          'The groups become exactly `groupIds` (each an incident group of your organization: 400 otherwise, nothing changed). ' +
          'The priority becomes the highest priority of those groups (Setup > Priorities); when none of them has one, it stays. ' +
          'Written to State Changes and the audit log.',
        params: idParam,
        body: setIncidentGroupsBody,
        response: { 200: incidentDetail },
      },
      handler: async (req) => svc.setIncidentGroups(req.principal!, req.params.id, req.body),
    });
    app.post('/incidents/bulk/incident-groups', {
      config: INCIDENTS_EDIT,
      schema: {
        tags: INCIDENT_TAGS,
        summary: 'Bulk: Update Incident Group (per-id results)',
        description: "Sets the same groups on every incident in `ids` and re-derives each one's priority, in one transaction.",
        body: bulkSetIncidentGroupsBody,
        response: { 200: bulkResult },
      },
      handler: async (req) => svc.bulkSetIncidentGroups(req.principal!, req.body),
    });
  };
}
