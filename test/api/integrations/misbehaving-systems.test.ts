import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startScriptedServer, streamHugeJson, type ScriptedServer } from '../../helpers/scripted-server.js';
import { createTestApp, type Session, type TestApp } from '../../helpers/test-app.js';
import { noWait, uniqueName } from './helpers.js';

/** Issue #14, findings 2 and 3, through the API: connecting to a system that answers too much, forever, or oddly. */

let t: TestApp;
let server: ScriptedServer;
let admin: Session;

beforeAll(async () => {
  server = await startScriptedServer();
  t = await createTestApp();
  noWait(t);
  admin = await t.login(t.admin.email);
});
afterAll(async () => {
  await t?.close();
  await server?.close();
});

const jiraBody = () => ({
  type: 'jira_cloud',
  name: uniqueName('jira-odd'),
  baseUrl: server.url,
  credentials: { email: 'bot@example.com', apiToken: 'token-123456' },
});
const me = { accountId: 'acc-1', displayName: 'Bot', active: true };

async function integrationCount(): Promise<number> {
  const res = await admin.get('/api/v1/integrations');
  expect(res.statusCode).toBe(200);
  return res.json().items.length;
}

describe('connecting to a misbehaving ticketing system', () => {
  it('refuses a 20 MiB answer with a clear message, stores nothing, and leaves no huge name behind', async () => {
    const before = await integrationCount();
    server.handle((_req, _url, res) => void streamHugeJson(res, 'displayName', 20 * 1024 * 1024));
    const res = await admin.post('/api/v1/integrations', jiraBody());
    expect(res.statusCode).toBe(422);
    expect(res.json().error.message).toMatch(/^Jira Cloud answered with more than 4 MiB while signing in/);
    expect(await integrationCount()).toBe(before);
  });

  it('refuses an answer of an unexpected shape as 4xx naming the system, not 500', async () => {
    server.handle((_req, _url, res) => json(res, 200, 'hello'));
    const res = await admin.post('/api/v1/integrations', jiraBody());
    expect(res.statusCode).toBe(422);
    expect(res.json().error.message).toMatch(/^Jira Cloud answered with an unexpected response .* while signing in/);
  });

  it('finishes connecting to a Jira whose project list never says isLast, and keeps the name bounded', async () => {
    server.handle((_req, url, res) => {
      if (url.pathname === '/rest/api/3/myself') return json(res, 200, { ...me, displayName: 'B'.repeat(50_000) });
      if (url.pathname === '/rest/api/3/project/search') return json(res, 200, { values: [{ id: '1', key: 'SEC', name: 'Security' }], isLast: false });
      if (url.pathname.endsWith('/statuses')) return json(res, 200, []);
      json(res, 200, { issueTypes: [], total: 0 });
    });
    const res = await admin.post('/api/v1/integrations', jiraBody());
    expect(res.statusCode).toBe(201);
    expect(server.paths.filter((p) => p === '/rest/api/3/project/search')).toHaveLength(2);
    const listed = (await admin.get('/api/v1/integrations')).json().items.find((i: { id: number }) => i.id === res.json().id);
    expect(JSON.stringify(listed).length).toBeLessThan(5_000);
    const projects = await admin.get(`/api/v1/integrations/${res.json().id}/projects`);
    expect(projects.json().items.map((p: { key: string }) => p.key)).toEqual(['SEC']);
  });

  it('answers Sync Project List with a clear 4xx when the listing never ends', async () => {
    server.handle((_req, url, res) => {
      if (url.pathname === '/rest/api/3/myself') return json(res, 200, me);
      if (url.pathname === '/rest/api/3/project/search') return json(res, 200, { values: [], isLast: true });
      json(res, 200, []);
    });
    const connected = await admin.post('/api/v1/integrations', jiraBody());
    expect(connected.statusCode).toBe(201);
    server.handle((_req, url, res) => {
      const startAt = Number(url.searchParams.get('startAt'));
      const values = Array.from({ length: 50 }, (_, i) => ({ id: String(startAt + i), key: `P${startAt + i}`, name: 'p' }));
      json(res, 200, { values, isLast: false });
    });
    const res = await admin.post(`/api/v1/integrations/${connected.json().id}/projects/sync`);
    expect(res.statusCode).toBe(422);
    expect(res.json().error.message).toMatch(/^Jira Cloud kept offering more pages after 100 pages while listing projects/);
  });
});
