import { readFileSync } from 'node:fs';
import { OpenAPIBackend, type Document, type Operation } from 'openapi-backend';
import type { LoggedRequest } from '../../src/sandbox/index.js';

/**
 * Validates recorded HTTP exchanges against the vendored OpenAPI specs with openapi-backend.
 * The vendored files are read unchanged; the ServiceNow spec is extended in memory (see
 * servicenow-spec.ts) because its schemas are all `{}`.
 */

export const SPEC_DIR = new URL('./specs/', import.meta.url);

export function readSpec(file: string): Document {
  return JSON.parse(readFileSync(new URL(file, SPEC_DIR), 'utf8')) as Document;
}

/** Statuses any endpoint may answer although operations do not declare them (ticketing-apis.md §1.9, §2.7). */
const ALWAYS_POSSIBLE = new Set([429, 503]);

export async function createValidator(definition: Document): Promise<OpenAPIBackend> {
  const api = new OpenAPIBackend({
    definition,
    quick: true, // the Jira spec is 2.4 MB: compile validators lazily, per operation used
    validate: true,
    ajvOpts: { strict: false, logger: false },
    customizeAjv: (ajv) => {
      // Formats our responses must really satisfy; the rest (int32, int64, ...) are descriptive.
      ajv.addFormat('uri', (v: string) => URL.canParse(v));
      ajv.addFormat('date-time', (v: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/.test(v));
      ajv.addFormat('uuid', /^[0-9a-f-]{36}$/i);
      for (const f of ['int32', 'int64', 'double', 'float', 'binary', 'byte', 'password', 'date']) ajv.addFormat(f, true);
      return ajv;
    },
  });
  await api.init();
  return api;
}

function parseBody(text: string, contentType: string | undefined): unknown {
  if (!text) return undefined;
  if (contentType?.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export type Exchange = Pick<LoggedRequest, 'method' | 'path' | 'query' | 'headers' | 'body' | 'response'>;

export type CheckResult = { operation?: Operation; problems: string[] };

/** Every way a recorded request/response pair departs from the spec; empty when it conforms. */
export function checkExchange(api: OpenAPIBackend, ex: Exchange): CheckResult {
  const label = `${ex.method} ${ex.path}`;
  const req = { method: ex.method.toLowerCase(), path: ex.path, query: ex.query, headers: ex.headers, body: parseBody(ex.body, ex.headers['content-type']) };
  const operation = api.matchOperation(req);
  if (!operation) return { problems: [`${label}: no such operation in the spec`] };
  const problems: string[] = [];
  const name = operation.operationId ?? label;
  if (operation.deprecated) problems.push(`${name}: operation is deprecated`);
  const request = api.validateRequest(req, operation);
  for (const e of request.errors ?? []) problems.push(`${name} request ${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
  if (ex.response) {
    const status = ex.response.status;
    const declared = operation.responses?.[String(status)] ?? operation.responses?.default;
    if (!declared && !ALWAYS_POSSIBLE.has(status)) problems.push(`${name}: response status ${status} is not declared`);
    const isJson = ex.response.headers['content-type']?.includes('application/json');
    if (declared && isJson) {
      const result = api.validateResponse(JSON.parse(ex.response.body), operation, status);
      for (const e of result.errors ?? []) problems.push(`${name} response ${status} ${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
    }
  }
  return { operation, problems };
}
