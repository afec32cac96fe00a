import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { notFound } from '../../platform/http/errors.js';
import { errorBody, idParam } from '../../platform/http/pagination.js';
import { requires } from '../../platform/http/route-config.js';
import {
  accountSettingsBody,
  accountSettingsView,
  addApproversBody,
  approversAdded,
  approversPage,
  approversQuery,
  approverView,
  attributeImportBody,
  attributeImportView,
  attributeImportsPage,
  importsQuery,
  updateApproverBody,
  userAttributesPage,
  userAttributesQuery,
  validationResult,
} from './schemas.js';
import type { AccountSettingsService } from './service.js';

const csvText = z.string().describe('CSV (RFC 4180, CRLF line ends)');
const SETTINGS_VIEW = requires('Account Settings', 'view');
const SETTINGS_EDIT = requires('Account Settings', 'edit');
const APPROVERS_VIEW = requires('Approvers', 'view');
const APPROVERS_EDIT = requires('Approvers', 'edit');

export function accountSettingsRoutes(svc: AccountSettingsService): FastifyPluginAsyncZod {
  return async (app) => {
    // ------------------------------------------------------------ Account Settings
    app.get('/account-settings', {
      config: SETTINGS_VIEW,
      schema: {
        tags: ['Account Settings'],
        summary: 'Account Settings (every section) and the choices the page offers',
        response: { 200: accountSettingsView },
      },
      handler: async (req) => svc.view(req.principal!.orgId),
    });
    app.put('/account-settings', {
      config: SETTINGS_EDIT,
      schema: {
        tags: ['Account Settings'],
        summary: 'Save Account Settings (every section at once)',
        description:
          'Notifications (link expiry 1–30 days per recipient kind, end-user and admin digests), Approvers Domain Management (up to 10 domains; refused while an approver is outside them), Unique Attributes and Privacy and Security (attributes obfuscated for roles that cannot edit Account Settings).',
        body: accountSettingsBody,
        response: { 200: accountSettingsView, 400: errorBody },
      },
      handler: async (req) => svc.update(req.principal!, req.body),
    });

    // ------------------------------------------------------------ Approvers
    app.get('/approvers', {
      config: APPROVERS_VIEW,
      schema: { tags: ['Approvers'], summary: 'List approvers (search by name or email)', querystring: approversQuery, response: { 200: approversPage } },
      handler: async (req) => svc.listApprovers(req.principal!.orgId, req.query),
    });
    app.get('/approvers/:id', {
      config: APPROVERS_VIEW,
      schema: { tags: ['Approvers'], summary: 'View an approver', params: idParam, response: { 200: approverView } },
      handler: async (req) => {
        const a = await svc.getApprover(req.principal!.orgId, req.params.id);
        if (!a) throw notFound('Approver');
        return a;
      },
    });
    app.post('/approvers', {
      config: APPROVERS_EDIT,
      schema: {
        tags: ['Approvers'],
        summary: 'Add approvers (the rows of "Add More", all or none)',
        description: 'Emails are unique per organization (case-insensitive) and, when Account Settings lists trusted domains, must be in one of them.',
        body: addApproversBody,
        response: { 201: approversAdded, 400: errorBody, 409: errorBody },
      },
      handler: async (req, reply) => reply.status(201).send({ items: await svc.addApprovers(req.principal!, req.body.approvers) }),
    });
    app.patch('/approvers/:id', {
      config: APPROVERS_EDIT,
      schema: { tags: ['Approvers'], summary: 'Edit an approver', params: idParam, body: updateApproverBody, response: { 200: approverView } },
      handler: async (req) => svc.updateApprover(req.principal!, req.params.id, req.body),
    });
    app.delete('/approvers/:id', {
      config: APPROVERS_EDIT,
      schema: { tags: ['Approvers'], summary: 'Delete an approver', params: idParam, response: { 204: z.null() } },
      handler: async (req, reply) => {
        await svc.deleteApprover(req.principal!, req.params.id);
        return reply.status(204).send(null);
      },
    });

    // ------------------------------------------------------------ User Attributes
    app.get('/user-attributes', {
      config: SETTINGS_VIEW,
      schema: {
        tags: ['User Attributes'],
        summary: 'List user attributes (search by email, name, manager, department or employee id)',
        querystring: userAttributesQuery,
        response: { 200: userAttributesPage },
      },
      handler: async (req) => svc.attributes.list(req.principal!.orgId, req.query),
    });
    app.get('/user-attributes/template.csv', {
      config: SETTINGS_VIEW,
      schema: { tags: ['User Attributes'], summary: 'The CSV template (header and one example line)', produces: ['text/csv'], response: { 200: csvText } },
      handler: async (_req, reply) =>
        reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="user-attributes-template-v1.csv"')
          .send(svc.attributes.templateCsv()),
    });
    app.post('/user-attributes/imports/validate', {
      config: SETTINGS_EDIT,
      schema: {
        tags: ['User Attributes'],
        summary: 'Validate a CSV file without importing it (per-row problems)',
        body: attributeImportBody,
        response: { 200: validationResult, 400: errorBody },
      },
      handler: async (req) => svc.validateImport(req.principal!.orgId, req.body),
    });
    app.post('/user-attributes/imports', {
      config: SETTINGS_EDIT,
      schema: {
        tags: ['User Attributes'],
        summary: 'Import user attributes from CSV (upsert by email; runs in the background)',
        description:
          'Header `email,name,manager email,department,employee id` (only email is required). Poll the import for progress; download the rows that failed as CSV.',
        body: attributeImportBody,
        response: { 202: attributeImportView, 400: errorBody },
      },
      handler: async (req, reply) => reply.status(202).send(await svc.startImport(req.principal!, req.body)),
    });
    app.get('/user-attributes/imports', {
      config: SETTINGS_VIEW,
      schema: { tags: ['User Attributes'], summary: 'Imported files, newest first', querystring: importsQuery, response: { 200: attributeImportsPage } },
      handler: async (req) => svc.attributes.imports(req.principal!.orgId, req.query),
    });
    app.get('/user-attributes/imports/:id', {
      config: SETTINGS_VIEW,
      schema: { tags: ['User Attributes'], summary: 'Progress and counts of an import', params: idParam, response: { 200: attributeImportView } },
      handler: async (req) => svc.attributes.getImport(req.principal!.orgId, req.params.id),
    });
    app.get('/user-attributes/imports/:id/errors.csv', {
      config: SETTINGS_VIEW,
      schema: {
        tags: ['User Attributes'],
        summary: 'The rows of an import that failed, with the reason, as CSV',
        params: idParam,
        produces: ['text/csv'],
        response: { 200: csvText },
      },
      handler: async (req, reply) => {
        const text = await svc.attributes.errorsCsv(req.principal!.orgId, req.params.id);
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="user-attributes-import-${req.params.id}-errors.csv"`)
          .send(text);
      },
    });
  };
}
