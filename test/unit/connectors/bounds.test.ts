import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnector } from '../../../src/connectors/index.js';
import { MAX_NAME_LENGTH, MAX_PAGES, MAX_RESPONSE_BYTES } from '../../../src/connectors/limits.js';
import type { ConnectorError, TicketingConnector } from '../../../src/connectors/types.js';
import { json, startScriptedServer, streamHugeJson, type ScriptedServer } from '../../helpers/scripted-server.js';
import { failure } from './fixture.js';

/** Issue #14, findings 2 and 3: a ticketing system that answers too much, forever, or in odd shapes. */

const MiB = 1024 * 1024;
const SYS_ID = 'a'.repeat(32);
let server: ScriptedServer;

beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(() => server?.close());

const opts = { allowPrivateTargets: true, sleep: async () => {} };
const jira = (): TicketingConnector =>
  createConnector({ type: 'jira_cloud', baseUrl: server.url, credentials: { email: 'bot@example.com', apiToken: 'token-123456' } }, opts);
const serviceNow = (): TicketingConnector =>
  createConnector({ type: 'servicenow', baseUrl: server.url, credentials: { authMethod: 'basic', username: 'bot', password: 'secret-pass' } }, opts);

function expectInvalid(err: ConnectorError, system: string, text: RegExp) {
  expect(err.name).toBe('ConnectorError');
  expect(err.kind).toBe('invalid');
  expect(err.message).toContain(system);
  expect(err.message).toMatch(text);
}

describe('response bodies are capped', () => {
  it('refuses a 20 MiB ServiceNow answer, stopping the stream soon after 4 MiB', async () => {
    let streamed: Promise<number> = Promise.resolve(0);
    server.handle((_req, _url, res) => {
      streamed = streamHugeJson(res, 'result', 20 * MiB);
    });
    const err = await failure(serviceNow().verify());
    expectInvalid(err, 'ServiceNow', /more than 4 MiB while signing in/);
    // The client cancelled the body: the server could write little more than the cap (plus socket buffers).
    const written = await streamed;
    expect(written).toBeGreaterThan(MAX_RESPONSE_BYTES);
    expect(written).toBeLessThan(12 * MiB);
    // Refused outright, not retried.
    expect(server.paths).toHaveLength(1);
  });

  it('refuses a Jira answer that announces more than the cap without reading it', async () => {
    server.handle((_req, _url, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(20 * MiB) });
      res.write('{"accountId":"');
    });
    const err = await failure(jira().verify());
    expectInvalid(err, 'Jira Cloud', /more than 4 MiB while signing in/);
  });

  it('caps an error body too: a huge 500 page is refused, not buffered', async () => {
    let streamed: Promise<number> = Promise.resolve(0);
    server.handle((_req, _url, res) => {
      res.statusCode = 500;
      streamed = streamHugeJson(res, 'errorMessages', 20 * MiB);
    });
    const err = await failure(jira().lookupUserByEmail('a@example.com'));
    expect(err.message).toMatch(/Jira Cloud answered with more than 4 MiB/);
    expect(await streamed).toBeLessThan(12 * MiB);
  });
});

describe('stored external strings are bounded', () => {
  it('cuts a huge Jira display name and a ServiceNow user name', async () => {
    server.handle((_req, url, res) => {
      if (url.pathname === '/rest/api/3/myself') return json(res, 200, { accountId: 'acc-1', displayName: 'N'.repeat(300_000) });
      json(res, 200, { result: [{ sys_id: SYS_ID, name: 'M'.repeat(100_000), user_name: 'bob', email: 'bob@example.com', active: 'true' }] });
    });
    const account = await jira().verify();
    expect(account.accountName.length).toBeLessThanOrEqual(MAX_NAME_LENGTH);
    expect(account.accountName.endsWith('…')).toBe(true);
    const found = await serviceNow().lookupUserByEmail('bob@example.com');
    expect(found.outcome).toBe('found');
    if (found.outcome === 'found') expect(found.user.name.length).toBeLessThanOrEqual(MAX_NAME_LENGTH);
  });

  it('refuses absurd ids and keys instead of storing them', async () => {
    server.handle((_req, url, res) => {
      if (url.pathname.startsWith('/rest/api/3/issue/')) return json(res, 200, { id: '10001', key: `SEC-${'9'.repeat(5000)}`, fields: {} });
      json(res, 200, { result: { sys_id: 'f'.repeat(10_000), number: 'INC0010001', state: '1' } });
    });
    expectInvalid(await failure(jira().getTicket('10001')), 'Jira Cloud', /5004-character issue key/);
    expectInvalid(await failure(serviceNow().getTicket(SYS_ID)), 'ServiceNow', /10000-character incident sys_id/);
  });

  it('keeps a bounded number of short field errors from a refusal', async () => {
    const errors = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`customfield_${i}`, 'E'.repeat(1000)]));
    server.handle((_req, _url, res) => json(res, 400, { errorMessages: [], errors }));
    const err = await failure(jira().addComment('10001', 'hello'));
    expect(err.kind).toBe('invalid');
    expect(Object.keys(err.opts.fieldErrors ?? {})).toHaveLength(20);
    expect(err.message.length).toBeLessThan(10_000);
  });
});

describe('paging against a misbehaving Jira', () => {
  /** Answers the per-project calls of listProjects with empty but valid metadata. */
  function emptyProjectMeta(url: URL, res: Parameters<typeof json>[0]): boolean {
    if (url.pathname.endsWith('/statuses')) return (json(res, 200, []), true);
    if (url.pathname.includes('/createmeta/')) return (json(res, 200, { issueTypes: [], total: 0 }), true);
    return false;
  }
  const searches = () => server.paths.filter((p) => p === '/rest/api/3/project/search').length;

  it('stops when a page that never says isLast repeats the projects already seen', async () => {
    server.handle((_req, url, res) => {
      if (emptyProjectMeta(url, res)) return;
      json(res, 200, { values: [{ id: '1', key: 'SEC', name: 'Security' }], isLast: false });
    });
    const projects = await jira().listProjects!();
    expect(projects.map((p) => p.key)).toEqual(['SEC']);
    expect(searches()).toBe(2);
  });

  it('stops at startAt + values >= total even when isLast stays false', async () => {
    server.handle((_req, url, res) => {
      if (emptyProjectMeta(url, res)) return;
      const startAt = Number(url.searchParams.get('startAt'));
      const values = Array.from({ length: startAt === 0 ? 50 : 10 }, (_, i) => ({ id: String(startAt + i), key: `P${startAt + i}`, name: 'p' }));
      json(res, 200, { values, total: 60, isLast: false });
    });
    expect(await jira().listProjects!()).toHaveLength(60);
    expect(searches()).toBe(2);
  });

  it('gives up after the page cap when every page brings new items', async () => {
    server.handle((_req, url, res) => {
      const startAt = Number(url.searchParams.get('startAt'));
      json(res, 200, { fields: Array.from({ length: 50 }, (_, i) => ({ key: `f${startAt + i}`, name: 'f', required: false, schema: { type: 'string' } })) });
    });
    expectInvalid(await failure(jira().getFields!('SEC', '1')), 'Jira Cloud', /more pages after 100 pages while reading the create fields/);
    expect(server.paths).toHaveLength(MAX_PAGES);
  });

  it('reads at most the comment bound from a comment listing that never ends', async () => {
    server.handle((_req, url, res) => {
      const startAt = Number(url.searchParams.get('startAt'));
      json(res, 200, { comments: Array.from({ length: 50 }, (_, i) => ({ id: String(startAt + i), body: null })), total: 1e9 });
    });
    expect(await jira().listComments('10001')).toHaveLength(500);
    expect(server.paths).toHaveLength(10);
  });
});

describe('a 2xx answer of an unexpected shape is a ConnectorError naming the system', () => {
  it('Jira: a string where the project list is expected', async () => {
    server.handle((_req, _url, res) => json(res, 200, { values: 'nope', isLast: true }));
    expectInvalid(await failure(jira().listProjects!()), 'Jira Cloud', /unexpected response at values .* while listing projects/);
  });

  it('Jira: a bare string for the user search, and a user without accountId', async () => {
    server.handle((_req, url, res) => json(res, 200, url.pathname.endsWith('/user/search') ? 'oops' : { displayName: 'x' }));
    expectInvalid(await failure(jira().lookupUserByEmail('a@example.com')), 'Jira Cloud', /unexpected response/);
    expectInvalid(await failure(jira().verify()), 'Jira Cloud', /unexpected response at accountId/);
  });

  it('Jira: comments and batch reads of the wrong shape', async () => {
    server.handle((_req, url, res) => json(res, 200, url.pathname.endsWith('/comment') ? { comments: { a: 1 } } : { issues: 7 }));
    expectInvalid(await failure(jira().listComments('10001')), 'Jira Cloud', /at comments/);
    expectInvalid(await failure(jira().getTickets([{ externalId: '1', key: 'SEC-1' }])), 'Jira Cloud', /at issues/);
  });

  it('ServiceNow: a string where the result list is expected, and a record that is a list', async () => {
    server.handle((_req, url, res) => json(res, 200, url.pathname.includes('/incident/') ? { result: [1, 2] } : { result: 'x' }));
    expectInvalid(await failure(serviceNow().verify()), 'ServiceNow', /unexpected response at result/);
    expectInvalid(await failure(serviceNow().lookupUserByEmail('a@example.com')), 'ServiceNow', /unexpected response/);
    expectInvalid(await failure(serviceNow().getTickets([{ externalId: SYS_ID, key: 'INC1' }])), 'ServiceNow', /unexpected response/);
    expectInvalid(await failure(serviceNow().listComments(SYS_ID)), 'ServiceNow', /unexpected response/);
    expectInvalid(await failure(serviceNow().getTicket(SYS_ID)), 'ServiceNow', /unexpected response at result/);
  });
});
