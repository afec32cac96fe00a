import { z } from 'zod';
import * as s from './schemas.js';

/**
 * The compatible API's own OpenAPI document (GET /dlp/openapi.json), built from the same zod
 * schemas the conformance tests check answers with.
 */

const json = (schema: z.ZodType, io: 'input' | 'output' = 'output') =>
  z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'openapi-3.0' }) as Record<string, unknown>;
const content = (schema: z.ZodType, io: 'input' | 'output' = 'output') => ({ 'application/json': { schema: json(schema, io) } });

const ERRORS = {
  400: { description: 'Bad request: the message names the field', content: content(s.errorBody) },
  401: { description: 'Missing, unknown or expired token, or its key was revoked', content: content(s.errorBody) },
  403: { description: "The key's role lacks the permission", content: content(s.errorBody) },
  404: { description: 'No such incident in your organization', content: content(s.errorBody) },
  429: {
    description: 'Per-key rate limit: retry after `Retry-After` seconds',
    headers: {
      'Retry-After': { schema: { type: 'integer' }, description: 'Seconds to wait' },
      'RateLimit-Limit': { schema: { type: 'integer' } },
      'RateLimit-Remaining': { schema: { type: 'integer' } },
      'RateLimit-Reset': { schema: { type: 'integer' }, description: 'Seconds until the window resets (a delta, never an epoch)' },
    },
    content: content(s.errorBody),
  },
};

const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: 'internalId of the incident' };
const paging = [
  { name: 'page', in: 'query', schema: { type: 'integer', minimum: 0 }, description: '0-based page number' },
  { name: 'pageSize', in: 'query', schema: { type: 'integer' }, description: 'Clamped to 1..100 (default 50)' },
  { name: 'pageId', in: 'query', schema: { type: 'string' }, description: "The previous answer's cursor.pageId (faster than page)" },
];

function op(summary: string, response: z.ZodType, extra: Record<string, unknown> = {}, status = '200') {
  return { summary, security: [{ bearer: [] }], responses: { [status]: { description: 'OK', content: content(response) }, ...ERRORS }, ...extra };
}
const body = (schema: z.ZodType) => ({ requestBody: { required: false, content: content(schema, 'input') } });

export function compatOpenApi() {
  const byId = (summary: string, response: z.ZodType, extra: Record<string, unknown> = {}) => op(summary, response, { parameters: [idParam], ...extra });
  return {
    openapi: '3.0.3',
    info: {
      title: 'Workflow Automation — compatible DLP incident API',
      version: '1',
      description:
        "The paths, bodies and answers of the reference product's public API, so existing scripts work with only their base URL changed. See docs/compatible-api.md. List answers carry the array under both keys (`incidents`/`tickets` and `logs`).",
    },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A token from POST /v1/auth/api-key/token' } } },
    paths: {
      '/v1/auth/api-key/token': {
        post: {
          summary: 'Exchange an id/secret API key (Setup > API Keys) for a Bearer token',
          requestBody: { required: true, content: content(s.tokenRequest, 'input') },
          responses: { 201: { description: 'Token', content: content(s.tokenResponse) }, 400: ERRORS[400], 401: ERRORS[401] },
        },
      },
      '/dlp/v1/incidents/search': { post: op('Search incidents', s.incidentList, { parameters: paging, ...body(s.filterBody) }) },
      '/dlp/v1/incidents/transactions/{transactionId}': {
        get: op('Incidents of one transaction', s.incidentList, {
          parameters: [{ name: 'transactionId', in: 'path', required: true, schema: { type: 'string' } }, ...paging],
        }),
      },
      '/dlp/v1/incidents/{id}': {
        get: byId('One incident', s.incident),
        delete: byId('Delete an incident (permanent; needs Incidents Delete)', z.object({})),
      },
      '/dlp/v1/incidents/{id}/change-history': { get: byId('Change history', s.changeHistory) },
      '/dlp/v1/incidents/{id}/tickets': { get: byId('Tickets of an incident', s.ticketList) },
      '/dlp/v1/incidents/tickets/{id}': { get: byId("Tickets of an incident (the Go SDK's path form)", s.ticketList) },
      '/dlp/v1/incidents/{id}/incident-groups/search': {
        post: byId('Incident groups of an incident (only the listed ids when incidentGroupIds is not empty)', s.incidentGroupList, body(s.groupsBody)),
      },
      '/dlp/v1/incidents/{id}/close': { post: byId('Resolve an incident (needs Incidents Edit)', s.incident, body(s.closeBody)) },
      '/dlp/v1/incidents/{id}/notes': { post: byId('Set the notes (needs Incidents Edit)', s.incident, body(s.notesBody)) },
      '/dlp/v1/incidents/notes/{id}': { post: byId("Set the notes (the Go SDK's path form)", s.incident, body(s.notesBody)) },
      '/dlp/v1/incidents/{id}/labels': { post: byId('Add labels (needs Incidents Edit)', s.incident, body(s.labelsBody)) },
      '/dlp/v1/incidents/{id}/triggers': { get: byId('What matched (string values)', s.triggers) },
      '/dlp/v1/incidents/{id}/evidence': {
        get: byId(
          'Evidence: evidenceURL is a presigned link (15 minutes, this incident only) to the XML file, or null when the DLP engine sent no content',
          s.evidence,
        ),
      },
      '/dlp/v1/evidence/{token}': {
        get: {
          summary: 'The evidence file an evidenceURL points at (no bearer token: the signed link is the credential)',
          parameters: [{ name: 'token', in: 'path', required: true, schema: { type: 'string' }, description: 'As evidenceURL carries it' }],
          responses: {
            200: {
              description: 'The evidence as an XML attachment',
              content: { 'application/xml': { schema: { type: 'string' } } },
              headers: { 'Content-Disposition': { schema: { type: 'string' }, description: 'attachment; filename="evidence-<id>.xml"' } },
            },
            403: {
              description: 'The link was altered or never issued, or its API key was revoked or no longer views incidents',
              content: content(s.errorBody),
            },
            404: { description: 'The incident or its evidence no longer exists', content: content(s.errorBody) },
            410: { description: 'The link has expired: ask GET /dlp/v1/incidents/{id}/evidence for a new one', content: content(s.errorBody) },
            429: { description: 'Too many downloads from this address (60 a minute); Retry-After says when to try again', content: content(s.errorBody) },
          },
        },
      },
      '/dlp/v1/customer/audit': { post: op('Search the audit log (needs Audit Logs View)', s.auditList, { parameters: paging, ...body(s.filterBody) }) },
    },
  };
}
