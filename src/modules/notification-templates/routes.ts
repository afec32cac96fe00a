import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { idParam } from '../../platform/http/pagination.js';
import { requires } from '../../platform/http/route-config.js';
import {
  cloneBody,
  createDigestMappingBody,
  createIncidentMappingBody,
  createTemplateBody,
  mappingList,
  mappingListQuery,
  mappingView,
  previewBody,
  renderedView,
  saveSurveyBody,
  surveyList,
  surveyParams,
  surveyView,
  templateList,
  templateListQuery,
  templateView,
  translateBody,
  updateMappingBody,
  updateTemplateBody,
  variablesView,
} from './schemas.js';
import type { NotificationTemplatesService } from './service.js';
import { INCIDENT_VARIABLES, ROW_VARIABLES, TOP_VARIABLES } from './vocabulary.js';

const TEMPLATES = ['Notification Templates'];
const SURVEYS = ['Survey Templates'];
const MAPPINGS = ['Template Mappings'];

export function notificationTemplatesRoutes(service: NotificationTemplatesService): FastifyPluginAsyncZod {
  const { templates, mappings, surveys } = service;
  return async (app) => {
    // --- Notification Templates ---
    app.get('/notification-templates', {
      config: requires('Notification Templates', 'view'),
      schema: {
        tags: TEMPLATES,
        summary: 'List notification templates (filters: family, channel, language, status, search)',
        querystring: templateListQuery,
        response: { 200: templateList },
      },
      handler: async (req) => templates.list(req.principal!.orgId, req.query),
    });
    app.get('/notification-templates/variables', {
      config: requires('Notification Templates', 'view'),
      schema: { tags: TEMPLATES, summary: 'The variables a template may use', response: { 200: variablesView } },
      handler: async () => ({ top: [...TOP_VARIABLES], incident: [...INCIDENT_VARIABLES], row: [...ROW_VARIABLES] }) as z.infer<typeof variablesView>,
    });
    app.post('/notification-templates/preview', {
      config: requires('Notification Templates', 'view'),
      schema: {
        tags: TEMPLATES,
        summary: 'Check unsaved template text and render it with the sample incident',
        body: previewBody,
        response: { 200: renderedView },
      },
      handler: async (req) => templates.previewUnsaved(req.principal!.orgId, req.body),
    });
    app.get('/notification-templates/:id', {
      config: requires('Notification Templates', 'view'),
      schema: { tags: TEMPLATES, summary: 'View a notification template', params: idParam, response: { 200: templateView } },
      handler: async (req) => templates.get(req.principal!.orgId, req.params.id),
    });
    app.get('/notification-templates/:id/preview', {
      config: requires('Notification Templates', 'view'),
      schema: {
        tags: TEMPLATES,
        summary: 'Render a template with the sample incident exactly as its channel receives it',
        params: idParam,
        response: { 200: renderedView },
      },
      handler: async (req) => templates.preview(req.principal!.orgId, req.params.id),
    });
    app.post('/notification-templates', {
      config: requires('Notification Templates', 'edit'),
      schema: { tags: TEMPLATES, summary: 'Add a notification template (Draft unless published)', body: createTemplateBody, response: { 201: templateView } },
      handler: async (req, reply) => reply.status(201).send(await templates.create(req.principal!, req.body)),
    });
    app.patch('/notification-templates/:id', {
      config: requires('Notification Templates', 'edit'),
      schema: {
        tags: TEMPLATES,
        summary: 'Edit a template; status "draft" saves as draft, "published" publishes it',
        params: idParam,
        body: updateTemplateBody,
        response: { 200: templateView },
      },
      handler: async (req) => templates.update(req.principal!, req.params.id, req.body),
    });
    app.post('/notification-templates/:id/translate', {
      config: requires('Notification Templates', 'edit'),
      schema: {
        tags: TEMPLATES,
        summary: 'Copy a template to another language as a Draft',
        params: idParam,
        body: translateBody,
        response: { 201: templateView },
      },
      handler: async (req, reply) => reply.status(201).send(await templates.copy(req.principal!, req.params.id, req.body)),
    });
    app.post('/notification-templates/:id/clone', {
      config: requires('Notification Templates', 'edit'),
      schema: { tags: TEMPLATES, summary: 'Copy a template in its language as a Draft', params: idParam, body: cloneBody, response: { 201: templateView } },
      handler: async (req, reply) => reply.status(201).send(await templates.copy(req.principal!, req.params.id, { name: req.body.name })),
    });
    app.delete('/notification-templates/:id', {
      config: requires('Notification Templates', 'edit'),
      schema: { tags: TEMPLATES, summary: 'Delete a draft template', params: idParam, response: { 204: z.null() } },
      handler: async (req, reply) => {
        await templates.delete(req.principal!, req.params.id);
        return reply.status(204).send(null);
      },
    });

    // --- Template Mappings ---
    app.get('/template-mappings', {
      config: requires('Template Mappings', 'view'),
      schema: {
        tags: MAPPINGS,
        summary: 'List the Incident or Digest tab of Template Mappings',
        querystring: mappingListQuery,
        response: { 200: mappingList },
      },
      handler: async (req) => ({ items: await mappings.list(req.principal!.orgId, req.query.tab) }),
    });
    app.post('/template-mappings/incident', {
      config: requires('Template Mappings', 'edit'),
      schema: {
        tags: MAPPINGS,
        summary: 'Add an Incident tab row (Source DLP Type + Source Action + Notification Type → templates)',
        body: createIncidentMappingBody,
        response: { 201: mappingView },
      },
      handler: async (req, reply) => reply.status(201).send(await mappings.create(req.principal!, { ...req.body, tab: 'incident' })),
    });
    app.post('/template-mappings/digest', {
      config: requires('Template Mappings', 'edit'),
      schema: { tags: MAPPINGS, summary: 'Add a Digest tab row (digest type → templates)', body: createDigestMappingBody, response: { 201: mappingView } },
      handler: async (req, reply) => reply.status(201).send(await mappings.create(req.principal!, { ...req.body, tab: 'digest' })),
    });
    app.patch('/template-mappings/:id', {
      config: requires('Template Mappings', 'edit'),
      schema: {
        tags: MAPPINGS,
        summary: "Change a row's templates (null clears a channel)",
        params: idParam,
        body: updateMappingBody,
        response: { 200: mappingView },
      },
      handler: async (req) => mappings.update(req.principal!, req.params.id, req.body),
    });
    app.delete('/template-mappings/:id', {
      config: requires('Template Mappings', 'edit'),
      schema: { tags: MAPPINGS, summary: 'Delete a Template Mappings row', params: idParam, response: { 204: z.null() } },
      handler: async (req, reply) => {
        await mappings.delete(req.principal!, req.params.id);
        return reply.status(204).send(null);
      },
    });

    // --- Survey Templates ---
    app.get('/survey-templates', {
      config: requires('Survey Templates', 'view'),
      schema: { tags: SURVEYS, summary: 'List survey templates (English and every translation)', response: { 200: surveyList } },
      handler: async (req) => ({ items: await surveys.list(req.principal!.orgId) }),
    });
    app.get('/survey-templates/:kind/:language', {
      config: requires('Survey Templates', 'view'),
      schema: { tags: SURVEYS, summary: 'View the texts of a survey template in a language', params: surveyParams, response: { 200: surveyView } },
      handler: async (req) => surveys.get(req.principal!.orgId, req.params.kind, req.params.language),
    });
    app.put('/survey-templates/:kind/:language', {
      config: requires('Survey Templates', 'edit'),
      schema: {
        tags: SURVEYS,
        summary: 'Save the texts of a survey template in a language',
        params: surveyParams,
        body: saveSurveyBody,
        response: { 200: surveyView },
      },
      handler: async (req) => surveys.save(req.principal!, req.params.kind, req.params.language, req.body.texts),
    });
    app.delete('/survey-templates/:kind/:language', {
      config: requires('Survey Templates', 'edit'),
      schema: { tags: SURVEYS, summary: 'Reset English to the default texts, or remove a translation', params: surveyParams, response: { 204: z.null() } },
      handler: async (req, reply) => {
        await surveys.reset(req.principal!, req.params.kind, req.params.language);
        return reply.status(204).send(null);
      },
    });
  };
}
