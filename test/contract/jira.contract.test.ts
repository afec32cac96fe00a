import type { OpenAPIBackend } from 'openapi-backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnector, projectCatalogOf } from '../../src/connectors/index.js';
import type { TicketingConnector } from '../../src/connectors/types.js';
import { startSandbox, type LoggedRequest, type Sandbox } from '../../src/sandbox/index.js';
import { jiraCommentBody, jiraCreateIssueBody, jiraSearchBody } from './body-schemas.js';
import { checkExchange, createValidator, readSpec } from './spec-validator.js';

let api: OpenAPIBackend;
let sandbox: Sandbox;
let recorded: LoggedRequest[];

const STRICT_BODIES: Record<string, { safeParse: (v: unknown) => { success: boolean; error?: unknown } }> = {
  createIssue: jiraCreateIssueBody,
  addComment: jiraCommentBody,
  searchAndReconsileIssuesUsingJqlPost: jiraSearchBody,
};

function connector(creds = sandbox.credentials.jira as { email: string; apiToken: string }): TicketingConnector {
  return createConnector(
    { type: 'jira_cloud', baseUrl: sandbox.jiraUrl, credentials: { email: creds.email, apiToken: creds.apiToken } },
    { allowPrivateTargets: true, sleep: async () => {} },
  );
}

async function settle(p: Promise<unknown>) {
  await p.catch(() => undefined);
}

/** Drives every call the connector makes, including the error answers. */
async function scenario() {
  const j = connector();
  await j.verify();
  for (const email of ['abel.tuter@example.com', 'hidden.user@example.com', 'fred@example.co', 'ivan.inactive@example.com']) await j.lookupUserByEmail(email);
  const found = await j.lookupUserByEmail('abel.tuter@example.com');
  if (found.outcome !== 'found') throw new Error('seed changed');
  await j.getUser(found.user.externalId);
  await j.getUser('5b10000000000000000000ff'); // 404
  await projectCatalogOf(j).listProjects();
  await projectCatalogOf(j).getFields('SEC', '10002');
  await j.findTicketByMarker('wfa-c1', 'SEC');
  const ticket = await j.createTicket({
    marker: 'wfa-c1',
    summary: 'Security incident c1',
    description: 'Line one\nline two\n\nNext paragraph',
    incidentUrl: 'https://wfa.example/incidents/c1',
    assigneeExternalId: found.user.externalId,
    projectKey: 'SEC',
    issueTypeId: '10002',
    fields: { customfield_10050: { id: '10101' } },
  });
  await j.findTicketByMarker('wfa-c1', 'SEC');
  await j.findTicketByMarker('wfa-c1');
  await j.addComment(ticket.externalId, 'Admin notes');
  await j.listComments(ticket.externalId);
  sandbox.state.setTicketStatus(ticket.key, 'Done');
  await j.getTicket(ticket.externalId);
  await j.reopenTicket(ticket.externalId);
  await j.getTicket('99999'); // 404
  await j.getTickets([{ externalId: ticket.externalId, key: ticket.key }]); // status sync's batched read
  await settle(
    j.getTickets([
      { externalId: ticket.externalId, key: ticket.key },
      { externalId: '1', key: 'SEC-99999' },
    ]),
  ); // 400: a key that no longer exists
  await settle(
    j.createTicket({ marker: 'wfa-c2', summary: 's', description: 'd', assigneeExternalId: found.user.externalId, projectKey: 'OPS', issueTypeId: '10003' }),
  ); // 400
  await settle(
    connector(sandbox.credentials.jira.readOnly).createTicket({
      marker: 'wfa-c3',
      summary: 's',
      description: 'd',
      assigneeExternalId: found.user.externalId,
      projectKey: 'SEC',
      issueTypeId: '10001',
    }),
  ); // 403
  await settle(connector({ email: sandbox.credentials.jira.email, apiToken: 'wrong' }).verify()); // 401
  sandbox.state.setFaults('jira', { rateLimitBurst: 1 });
  await j.lookupUserByEmail('beth.anglin@example.com'); // 429 then 200
}

beforeAll(async () => {
  // The Jira spec is a 2.4 MB single line: load it once for this file.
  api = await createValidator(readSpec('jira-platform-swagger-v3.v3.json'));
  sandbox = await startSandbox({ port: 0 });
  await scenario();
  recorded = sandbox.state.requests('jira');
}, 60_000);
afterAll(() => sandbox?.close());

describe('Jira Cloud traffic against the vendored OpenAPI spec', () => {
  it('recorded the whole scenario, errors included', () => {
    const statuses = new Set(recorded.map((r) => r.response?.status));
    for (const s of [200, 201, 400, 401, 403, 404, 429]) expect(statuses).toContain(s);
  });

  it('every request and response matches the spec', () => {
    const problems = recorded.flatMap((ex) => checkExchange(api, ex).problems);
    expect(problems).toEqual([]);
  });

  it('every create, comment and search body satisfies our stricter schemas', () => {
    let checked = 0;
    for (const ex of recorded) {
      const id = checkExchange(api, ex).operation?.operationId ?? '';
      const schema = STRICT_BODIES[id];
      if (!schema) continue;
      checked++;
      const result = schema.safeParse(JSON.parse(ex.body));
      expect(result.success, `${id}: ${JSON.stringify(result.error)}`).toBe(true);
    }
    expect(checked).toBeGreaterThanOrEqual(6);
  });
});

describe('the validator catches drift (negative controls)', () => {
  const base = { method: 'POST', path: '/rest/api/3/search/jql', query: {}, headers: { 'content-type': 'application/json' } };

  it('rejects a search body with a field the spec does not know', () => {
    const { problems } = checkExchange(api, { ...base, body: JSON.stringify({ jql: 'labels = "x"', maxResults: 2, limit: 2 }) });
    expect(problems.join('\n')).toMatch(/additional properties/);
  });

  it('rejects the removed /rest/api/3/search as deprecated', () => {
    const { problems } = checkExchange(api, { method: 'GET', path: '/rest/api/3/search', query: { jql: 'labels = "x"' }, headers: {}, body: '' });
    expect(problems.join('\n')).toMatch(/deprecated/);
  });

  it('rejects an undeclared query parameter and an unknown path', () => {
    expect(checkExchange(api, { method: 'GET', path: '/rest/api/3/user/search', query: { email: 'a@b.c' }, headers: {}, body: '' }).problems).not.toEqual([]);
    expect(checkExchange(api, { method: 'GET', path: '/rest/api/3/users/lookup', query: {}, headers: {}, body: '' }).problems).not.toEqual([]);
  });

  it('rejects user responses with a forbidden property or a wrong type', () => {
    const myself = (user: object) =>
      checkExchange(api, {
        method: 'GET',
        path: '/rest/api/3/myself',
        query: {},
        headers: {},
        body: '',
        response: { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(user) },
      }).problems.join('\n');
    expect(myself({ accountId: 'x', active: true })).toBe('');
    expect(myself({ accountId: 'x', active: true, username: 'old' })).toMatch(/additional properties/);
    expect(myself({ accountId: 'x', active: 'yes' })).toMatch(/must be boolean/);
  });

  it('rejects a deliberately wrong create body: plain-text description and a label with a space', () => {
    const good = JSON.parse(recorded.find((r) => r.path === '/rest/api/3/issue' && r.method === 'POST')!.body);
    expect(jiraCreateIssueBody.safeParse(good).success).toBe(true);
    const wrong = structuredClone(good);
    wrong.fields.description = 'plain text';
    wrong.fields.labels = ['wfa c1'];
    const result = jiraCreateIssueBody.safeParse(wrong);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join('.'))).toEqual(expect.arrayContaining(['fields.description', 'fields.labels.0']));
  });
});
