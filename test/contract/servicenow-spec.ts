import type { Document } from 'openapi-backend';
import { readSpec } from './spec-validator.js';

/**
 * The vendored ServiceNow Table API export names paths and parameters only: every schema is `{}`
 * and POST is declared 200 where instances answer 201 (specs/README.md). This adds, in memory,
 * operationIds, the real status codes, the documented body shapes (all values strings; error
 * body of ticketing-apis.md §2.6) and the OAuth token endpoint of §2.1.
 */

const value = {
  oneOf: [
    { type: 'string' },
    // sysparm_display_value=all, and reference fields unless sysparm_exclude_reference_link=true
    {
      type: 'object',
      properties: { value: { type: 'string' }, display_value: { type: 'string' }, link: { type: 'string', format: 'uri' } },
      additionalProperties: false,
      minProperties: 1,
    },
  ],
};
const record = { type: 'object', additionalProperties: value };
const error = {
  type: 'object',
  required: ['error', 'status'],
  additionalProperties: false,
  properties: {
    error: {
      type: 'object',
      required: ['message', 'detail'],
      additionalProperties: false,
      properties: { message: { type: 'string' }, detail: { type: ['string', 'null'] } },
    },
    status: { const: 'failure' },
  },
};
const json = (schema: object, description = 'ok') => ({ description, content: { 'application/json': { schema } } });
const errorResponses = Object.fromEntries(['400', '401', '403', '404', '405', '429', '500', '503'].map((s) => [s, json(error, 'failure')]));

const OPERATION_IDS: Record<string, Record<string, string>> = {
  '/api/now/table/{tableName}': { get: 'listRecords', post: 'createRecord' },
  '/api/now/table/{tableName}/{sys_id}': { get: 'getRecord', put: 'replaceRecord', patch: 'updateRecord', delete: 'deleteRecord' },
};

export function serviceNowSpec(): Document {
  const spec = readSpec('servicenow-table-api-vancouver.openapi.json') as Document & { paths: Record<string, Record<string, any>> };
  for (const [path, ops] of Object.entries(OPERATION_IDS)) {
    for (const [method, operationId] of Object.entries(ops)) {
      const op = spec.paths[path][method];
      op.operationId = operationId;
      const body =
        method === 'get' && path.endsWith('{tableName}')
          ? { type: 'object', required: ['result'], additionalProperties: false, properties: { result: { type: 'array', items: record } } }
          : { type: 'object', required: ['result'], additionalProperties: false, properties: { result: record } };
      const ok = method === 'post' ? { '201': json(body, 'created') } : { '200': json(body) };
      op.responses = { ...ok, ...errorResponses };
      if (op.requestBody) {
        // Writes carry field values as strings (reference fields as sys_ids).
        op.requestBody = { required: true, content: { 'application/json': { schema: { type: 'object', additionalProperties: { type: 'string' } } } } };
      }
    }
  }
  spec.paths['/oauth_token.do'] = {
    post: {
      operationId: 'oauthToken',
      requestBody: {
        required: true,
        content: {
          'application/x-www-form-urlencoded': {
            schema: {
              type: 'object',
              required: ['grant_type', 'client_id', 'client_secret'],
              additionalProperties: false,
              properties: {
                grant_type: { enum: ['password', 'refresh_token'] },
                client_id: { type: 'string', minLength: 1 },
                client_secret: { type: 'string', minLength: 1 },
                username: { type: 'string' },
                password: { type: 'string' },
                refresh_token: { type: 'string' },
              },
            },
          },
        },
      },
      responses: {
        '200': json({
          type: 'object',
          required: ['access_token', 'token_type', 'expires_in'],
          additionalProperties: false,
          properties: {
            access_token: { type: 'string' },
            refresh_token: { type: 'string' },
            scope: { type: 'string' },
            token_type: { const: 'Bearer' },
            expires_in: { type: 'integer' },
          },
        }),
        '400': json({ type: 'object', required: ['error'], properties: { error: { type: 'string' }, error_description: { type: 'string' } } }),
        '401': json({ type: 'object', required: ['error'], properties: { error: { type: 'string' }, error_description: { type: 'string' } } }),
      },
    },
  };
  return spec;
}
