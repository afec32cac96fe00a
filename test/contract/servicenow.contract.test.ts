import type { OpenAPIBackend } from 'openapi-backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnector } from '../../src/connectors/index.js';
import type { ServiceNowCredentials } from '../../src/connectors/types.js';
import { startSandbox, type LoggedRequest, type Sandbox } from '../../src/sandbox/index.js';
import { serviceNowIncidentBody, serviceNowTokenRequest, serviceNowUpdateBody } from './body-schemas.js';
import { serviceNowSpec } from './servicenow-spec.js';
import { checkExchange, createValidator } from './spec-validator.js';

let api: OpenAPIBackend;
let sandbox: Sandbox;
let recorded: LoggedRequest[];

function connector(credentials: ServiceNowCredentials) {
  return createConnector({ type: 'servicenow', baseUrl: sandbox.servicenowUrl, credentials }, { allowPrivateTargets: true, sleep: async () => {} });
}

async function settle(p: Promise<unknown>) {
  await p.catch(() => undefined);
}

async function scenario() {
  const basic = connector({ authMethod: 'basic', ...sandbox.credentials.servicenow.basic });
  const oauth = connector({ authMethod: 'oauth', ...sandbox.credentials.servicenow.oauth });
  await basic.verify();
  await oauth.verify(); // password grant
  for (const email of ['abel.tuter@example.com', 'shared.mailbox@example.com', 'ivan.inactive@example.com', 'nobody@example.com'])
    await oauth.lookupUserByEmail(email);
  const found = await basic.lookupUserByEmail('abel.tuter@example.com');
  if (found.outcome !== 'found') throw new Error('seed changed');
  await basic.getUser(found.user.externalId);
  await basic.getUser('0123456789abcdef0123456789abcdef'); // 404
  await basic.findTicketByMarker('wfa-c1');
  const ticket = await oauth.createTicket({
    marker: 'wfa-c1',
    summary: 'Security incident c1',
    description: 'Policy matched',
    incidentUrl: 'https://wfa.example/incidents/c1',
    assigneeExternalId: found.user.externalId,
    fields: { urgency: '1', impact: '2' },
  });
  await basic.findTicketByMarker('wfa-c1');
  await basic.addComment(ticket.externalId, 'Admin notes');
  await basic.listComments(ticket.externalId);
  sandbox.state.setTicketStatus(ticket.key, 'Resolved');
  await basic.reopenTicket(ticket.externalId);
  sandbox.state.expireAccessTokens();
  await oauth.getTicket(ticket.externalId); // 401, refresh grant, 200
  await basic.getTicket('0123456789abcdef0123456789abcdef'); // 404
  await basic.getTickets([
    { externalId: ticket.externalId, key: ticket.key },
    { externalId: '0123456789abcdef0123456789abcdef', key: 'INC0' },
  ]); // status sync's batched read
  await settle(basic.createTicket({ marker: 'wfa-c2', summary: ' ', description: 'd', assigneeExternalId: found.user.externalId })); // 400
  await settle(
    connector({ authMethod: 'basic', ...sandbox.credentials.servicenow.readOnlyBasic }).createTicket({
      marker: 'wfa-c3',
      summary: 's',
      description: 'd',
      assigneeExternalId: found.user.externalId,
    }),
  ); // 403
  await settle(connector({ authMethod: 'basic', username: 'wfa.integration', password: 'wrong' }).verify()); // 401
  sandbox.state.revokeRefreshTokens();
  sandbox.state.expireAccessTokens();
  await settle(oauth.verify()); // 401, refused refresh (401)
  sandbox.state.setFaults('servicenow', { rateLimitBurst: 1, errorBurst: 1 });
  await basic.verify(); // 429, then 503, then 200
}

beforeAll(async () => {
  api = await createValidator(serviceNowSpec());
  sandbox = await startSandbox({ port: 0 });
  await scenario();
  recorded = sandbox.state.requests('servicenow');
}, 60_000);
afterAll(() => sandbox?.close());

describe('ServiceNow traffic against the vendored Table API spec (extended in memory)', () => {
  it('recorded the whole scenario, errors included', () => {
    const statuses = new Set(recorded.map((r) => r.response?.status));
    for (const s of [200, 201, 400, 401, 403, 404, 429, 503]) expect(statuses).toContain(s);
    expect(recorded.filter((r) => r.path === '/oauth_token.do').map((r) => new URLSearchParams(r.body).get('grant_type'))).toEqual([
      'password',
      'refresh_token',
      'refresh_token',
    ]);
  });

  it('every request and response matches the spec', () => {
    expect(recorded.flatMap((ex) => checkExchange(api, ex).problems)).toEqual([]);
  });

  it('every incident, work note and token body satisfies our stricter schemas', () => {
    const seen: string[] = [];
    for (const ex of recorded) {
      const id = checkExchange(api, ex).operation?.operationId;
      const schema =
        id === 'createRecord'
          ? serviceNowIncidentBody
          : id === 'updateRecord'
            ? serviceNowUpdateBody
            : id === 'oauthToken'
              ? serviceNowTokenRequest
              : undefined;
      if (!schema) continue;
      seen.push(id!);
      const body = id === 'oauthToken' ? Object.fromEntries(new URLSearchParams(ex.body)) : JSON.parse(ex.body);
      const result = schema.safeParse(body);
      expect(result.success, `${id}: ${JSON.stringify(result.error?.issues)}`).toBe(true);
    }
    expect(new Set(seen)).toEqual(new Set(['createRecord', 'updateRecord', 'oauthToken']));
  });

  it('sends JSON content type on writes and form encoding to the token endpoint', () => {
    for (const ex of recorded.filter((r) => r.method !== 'GET')) {
      const expected = ex.path === '/oauth_token.do' ? 'application/x-www-form-urlencoded' : 'application/json';
      expect(ex.headers['content-type']).toBe(expected);
      expect(ex.headers.accept).toBe('application/json');
    }
  });
});

describe('the validator catches drift (negative controls)', () => {
  it('rejects an incident body with a display name where a sys_id belongs', () => {
    const good = JSON.parse(recorded.find((r) => r.method === 'POST' && r.path === '/api/now/table/incident' && r.response?.status === 201)!.body);
    expect(serviceNowIncidentBody.safeParse(good).success).toBe(true);
    const result = serviceNowIncidentBody.safeParse({ ...good, assigned_to: 'Abel Tuter' });
    expect(result.success).toBe(false);
  });

  it('rejects a non-string value in a request body and in a record response', () => {
    const post = { method: 'POST', path: '/api/now/table/incident', query: {}, headers: { 'content-type': 'application/json' } };
    expect(checkExchange(api, { ...post, body: JSON.stringify({ short_description: 's', urgency: 2 }) }).problems.join()).toMatch(/must be string/);
    const response = { status: 201, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ result: { sys_id: 'x', active: true } }) };
    expect(checkExchange(api, { ...post, body: '{}', response }).problems.join()).toMatch(/must/);
  });

  it('rejects an error body of the wrong shape and an undeclared query parameter', () => {
    const get = { method: 'GET', path: '/api/now/table/sys_user', headers: {}, body: '' };
    const wrongError = { status: 404, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: 'No Record found' }) };
    expect(checkExchange(api, { ...get, query: {}, response: wrongError }).problems).not.toEqual([]);
    expect(checkExchange(api, { ...get, query: { sysparm_qurey: 'email=x' } }).problems).not.toEqual([]);
  });

  it('rejects a 200 where ServiceNow answers a create with 201', () => {
    const ok = { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ result: {} }) };
    const { problems } = checkExchange(api, {
      method: 'POST',
      path: '/api/now/table/incident',
      query: {},
      headers: { 'content-type': 'application/json' },
      body: '{}',
      response: ok,
    });
    expect(problems.join()).toMatch(/status 200 is not declared/);
  });
});
