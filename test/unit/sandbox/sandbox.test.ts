import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sandboxMain, startSandbox, type Sandbox } from '../../../src/sandbox/index.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.state.reset());

const basic = (user: string, secret: string) => `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;

describe('root index', () => {
  it('each port answers GET / with which system it is, its credentials and the overview page', async () => {
    const sn = (await (await fetch(`${sandbox.servicenowUrl}/`)).json()) as { system: string; overview: string; credentials: { basic: { username: string } } };
    expect(sn.system).toBe('ServiceNow (sandbox)');
    expect(sn.overview).toBe('/__sandbox/');
    expect(sn.credentials.basic.username).toBe(sandbox.credentials.servicenow.basic.username);
    const page = await fetch(`${sandbox.jiraUrl}/`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<h1>Jira Cloud (sandbox)</h1>');
    expect(html).toContain(sandbox.credentials.jira.apiToken);
    expect(html).toContain('href="/__sandbox/"');
    // Not logged as an API call: the request log stays for the real APIs.
    expect(sandbox.state.requests()).toEqual([]);
  });
});

describe('fault API', () => {
  it('sets faults for the system of the port it is called on, and they are consumed per request', async () => {
    const res = await fetch(`${sandbox.jiraUrl}/__sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rateLimitBurst: 1, retryAfterSeconds: 4 }),
    });
    expect(res.status).toBe(200);
    expect(sandbox.state.faults.jira.rateLimitBurst).toBe(1);
    expect(sandbox.state.faults.servicenow.rateLimitBurst).toBe(0);
    const auth = { authorization: basic(sandbox.credentials.jira.email, sandbox.credentials.jira.apiToken) };
    const limited = await fetch(`${sandbox.jiraUrl}/rest/api/3/myself`, { headers: auth });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('4');
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Date.parse(limited.headers.get('x-ratelimit-reset')!)).toBeGreaterThan(0);
    expect((await fetch(`${sandbox.jiraUrl}/rest/api/3/myself`, { headers: auth })).status).toBe(200);
  });

  it('rejects nonsense fault values', async () => {
    const res = await fetch(`${sandbox.servicenowUrl}/__sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ hang: -1 }),
    });
    expect(res.status).toBe(400);
  });

  it('answers a share of requests 429 or 503 at random, and refuses shares outside 0–1', async () => {
    const set = (body: unknown) =>
      fetch(`${sandbox.jiraUrl}/__sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await set({ errorRate: 1.5 })).status).toBe(400);
    expect((await set({ rateLimitRate: 0.6, errorRate: 0.6 })).status).toBe(400);
    expect((await set({ rateLimitRate: 0.5, errorRate: 0.5 })).status).toBe(200);
    const auth = { authorization: basic(sandbox.credentials.jira.email, sandbox.credentials.jira.apiToken) };
    const statuses = new Set<number>();
    for (let i = 0; i < 60; i++) statuses.add((await fetch(`${sandbox.jiraUrl}/rest/api/3/myself`, { headers: auth })).status);
    // Every request fails one way or the other, and (with 60 tries) both ways occur.
    expect([...statuses].sort()).toEqual([429, 503]);
    sandbox.state.setFaults('jira', { rateLimitRate: 0, errorRate: 0 });
    expect((await fetch(`${sandbox.jiraUrl}/rest/api/3/myself`, { headers: auth })).status).toBe(200);
  });

  it('answers ServiceNow 429 with the documented body and headers', async () => {
    sandbox.state.setFaults('servicenow', { rateLimitBurst: 1 });
    const res = await fetch(`${sandbox.servicenowUrl}/api/now/table/sys_user`, { headers: { authorization: basic('wfa.integration', 'sandbox-sn-password') } });
    expect(res.status).toBe(429);
    expect(await res.json()).toEqual({
      error: { message: 'Rate limit exceeded', detail: 'Rate limit of 100 requests per hour for Table API exceeded' },
      status: 'failure',
    });
    expect(Number(res.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
  });

  it('reset restores seeded data and clears faults and the log', async () => {
    sandbox.state.setFaults('jira', { errorBurst: 3 });
    sandbox.state.jira.accounts.pop();
    const res = await fetch(`${sandbox.servicenowUrl}/__sandbox/reset`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(sandbox.state.faults.jira.errorBurst).toBe(0);
    expect(sandbox.state.jira.accounts.some((a) => a.accountType === 'app')).toBe(true);
  });
});

describe('ServiceNow wire details', () => {
  const auth = { authorization: basic('wfa.integration', 'sandbox-sn-password') };

  it('answers 401 with the documented body', async () => {
    const res = await fetch(`${sandbox.servicenowUrl}/api/now/table/sys_user`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { message: 'User Not Authenticated', detail: 'Required to provide Auth information' }, status: 'failure' });
  });

  it('ignores an invalid query part and sets X-Total-Count', async () => {
    const res = await fetch(`${sandbox.servicenowUrl}/api/now/table/sys_user?sysparm_query=${encodeURIComponent('emial=nobody@example.com^active=false')}`, {
      headers: auth,
    });
    const body = (await res.json()) as { result: Record<string, string>[] };
    expect(body.result.map((u) => u.user_name)).toEqual(['ivan.inactive']);
    expect(res.headers.get('x-total-count')).toBe('1');
    expect(Object.values(body.result[0]).every((v) => typeof v === 'string')).toBe(true);
  });

  it('refuses a JSON body to the token endpoint', async () => {
    const res = await fetch(`${sandbox.servicenowUrl}/oauth_token.do`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"grant_type":"password"}',
    });
    expect(res.status).toBe(400);
  });

  it('expires issued access tokens', async () => {
    const o = sandbox.credentials.servicenow.oauth;
    sandbox.state.servicenow.tokenTtlSeconds = 0;
    const grant = await fetch(`${sandbox.servicenowUrl}/oauth_token.do`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'password',
        client_id: o.clientId,
        client_secret: o.clientSecret,
        username: o.username,
        password: o.password,
      }).toString(),
    });
    const tokens = (await grant.json()) as { access_token: string; refresh_token: string };
    expect(tokens.refresh_token).toBeTruthy();
    const res = await fetch(`${sandbox.servicenowUrl}/api/now/table/sys_user`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(res.status).toBe(401);
  });
});

describe('Jira wire details', () => {
  const auth = () => ({ authorization: basic(sandbox.credentials.jira.email, sandbox.credentials.jira.apiToken) });

  it('matches user search by prefix and hides emails of private accounts', async () => {
    const res = await fetch(`${sandbox.jiraUrl}/rest/api/3/user/search?query=hidden`, { headers: auth() });
    const users = (await res.json()) as { displayName: string; emailAddress?: string }[];
    expect(users).toEqual([expect.objectContaining({ displayName: 'Hidden User' })]);
    expect(users[0].emailAddress).toBeUndefined();
  });

  it('answers an empty list, not 403, to an account without Browse users', async () => {
    const ro = sandbox.credentials.jira.readOnly;
    const res = await fetch(`${sandbox.jiraUrl}/rest/api/3/user/search?query=abel`, { headers: { authorization: basic(ro.email, ro.apiToken) } });
    expect(await res.json()).toEqual([]);
  });

  it('rejects unbounded JQL and the removed /search endpoint', async () => {
    const search = await fetch(`${sandbox.jiraUrl}/rest/api/3/search/jql`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify({ jql: 'ORDER BY created DESC' }),
    });
    expect(search.status).toBe(400);
    expect(((await search.json()) as { errorMessages: string[] }).errorMessages[0]).toMatch(/Unbounded/);
    expect((await fetch(`${sandbox.jiraUrl}/rest/api/3/search?jql=project=SEC`, { headers: auth() })).status).toBe(410);
  });
});

describe('overview page and status moves', () => {
  it('lists tickets and seeded emails, and moves a ticket through the form endpoint', async () => {
    sandbox.state.jira.issues.push({
      id: '10100',
      key: 'SEC-1',
      projectKey: 'SEC',
      issueTypeId: '10001',
      statusId: '10000',
      summary: '<script>x</script>',
      description: null,
      labels: ['wfa-1'],
      assigneeAccountId: null,
      extraFields: {},
      created: new Date().toISOString(),
      updated: new Date().toISOString(),
      comments: [],
    });
    const page = await (await fetch(`${sandbox.jiraUrl}/__sandbox/`)).text();
    expect(page).toContain('SEC-1');
    expect(page).toContain('hidden.user@example.com');
    expect(page).not.toContain('<script>x</script>');
    const moved = await fetch(`${sandbox.jiraUrl}/__sandbox/tickets/SEC-1/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'status=Done',
      redirect: 'manual',
    });
    expect(moved.status).toBe(303);
    expect(sandbox.state.jira.issues[0].statusId).toBe('10001');
    const json = await fetch(`${sandbox.servicenowUrl}/__sandbox/tickets/SEC-1/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'Nope' }),
    });
    expect(json.status).toBe(404);
  });
});

describe('sandboxMain', () => {
  it('prints URLs, credentials and seeded emails, and the printed URLs answer', async () => {
    const lines: string[] = [];
    const sb = await sandboxMain({ port: 0 }, (l) => lines.push(l));
    try {
      const text = lines.join('\n');
      expect(text).toContain(sb.servicenowUrl);
      expect(text).toContain(sb.jiraUrl);
      expect(text).toContain('sandbox-jira-api-token');
      expect(text).toContain('hidden.user@example.com');
      expect((await fetch(`${sb.servicenowUrl}/__sandbox/state`)).status).toBe(200);
    } finally {
      await sb.close();
    }
  });
});
