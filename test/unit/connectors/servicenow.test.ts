import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { projectCatalogOf } from '../../../src/connectors/descriptors.js';
import type { OAuthTokens } from '../../../src/connectors/types.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/index.js';
import { failure, outcomes, serviceNow, serviceNowOAuth } from './fixture.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.state.reset());

describe('ServiceNow user lookup', () => {
  it('finds an active user by exact email, case-insensitively', async () => {
    const r = await serviceNow(sandbox).lookupUserByEmail('BETH.anglin@example.com');
    expect(r).toEqual({
      outcome: 'found',
      user: {
        externalId: expect.stringMatching(/^[0-9a-f]{32}$/),
        name: 'Beth Anglin',
        username: 'beth.anglin',
        email: 'Beth.Anglin@Example.com',
        active: true,
      },
    });
  });

  it('reports an inactive user with their details', async () => {
    const r = await serviceNow(sandbox).lookupUserByEmail(sandbox.seededEmails.servicenow.inactive[0]);
    expect(r.outcome).toBe('inactive');
    if (r.outcome === 'inactive') expect(r.user).toMatchObject({ username: 'ivan.inactive', active: false });
  });

  it('refuses an email two users share', async () => {
    expect(await serviceNow(sandbox).lookupUserByEmail('shared.mailbox@example.com')).toEqual({ outcome: 'ambiguous', count: 2 });
  });

  it('answers not_found for an unknown email', async () => {
    expect(await serviceNow(sandbox).lookupUserByEmail('nobody@example.com')).toEqual({ outcome: 'not_found' });
  });

  it('re-checks rows when the instance silently drops the email part of the query', async () => {
    sandbox.state.setFaults('servicenow', { ignoreQueryFields: ['email'] });
    // The instance now answers with arbitrary active users; none of them may be taken for the person asked for.
    expect(await serviceNow(sandbox).lookupUserByEmail('nobody@example.com')).toEqual({ outcome: 'not_found' });
    const log = sandbox.state.requests('servicenow');
    expect(JSON.parse(log[0].response!.body).result.length).toBe(2);
    expect(await serviceNow(sandbox).lookupUserByEmail('abel.tuter@example.com')).toEqual({ outcome: 'not_found' });
  });

  it('re-checks the active flag when the instance drops the active part of the query', async () => {
    sandbox.state.setFaults('servicenow', { ignoreQueryFields: ['active'] });
    expect(await serviceNow(sandbox).lookupUserByEmail('ivan.inactive@example.com')).toMatchObject({ outcome: 'inactive' });
    // One active and one inactive row now share an address: only the active one counts.
    sandbox.state.servicenow.users.find((u) => u.user_name === 'shared.mailbox2')!.active = 'false';
    expect(await serviceNow(sandbox).lookupUserByEmail('shared.mailbox@example.com')).toMatchObject({ outcome: 'found', user: { username: 'shared.mailbox' } });
  });

  it('sends the documented query: email and active terms, limit 2, all values read as strings', async () => {
    await serviceNow(sandbox).lookupUserByEmail('abel.tuter@example.com');
    const [req] = sandbox.state.requests('servicenow');
    expect(req.path).toBe('/api/now/table/sys_user');
    expect(req.query).toMatchObject({ sysparm_query: 'email=abel.tuter@example.com^active=true', sysparm_limit: '2', sysparm_exclude_reference_link: 'true' });
    expect(JSON.parse(req.response!.body).result[0].active).toBe('true');
  });

  it('refuses an email containing ^ instead of sending a different query', async () => {
    const err = await failure(serviceNow(sandbox).lookupUserByEmail('a^ORactive=true@example.com'));
    expect(err.kind).toBe('invalid');
    expect(sandbox.state.log).toHaveLength(0);
  });

  it('re-reads an added user by sys_id, and answers null once they are gone', async () => {
    const found = await serviceNow(sandbox).lookupUserByEmail('fred.luddy@example.com');
    if (found.outcome !== 'found') throw new Error('seed changed');
    expect(await serviceNow(sandbox).getUser(found.user.externalId)).toEqual(found.user);
    sandbox.state.servicenow.users = sandbox.state.servicenow.users.filter((u) => u.sys_id !== found.user.externalId);
    expect(await serviceNow(sandbox).getUser(found.user.externalId)).toBeNull();
  });
});

describe('ServiceNow incidents', () => {
  async function assignee() {
    const r = await serviceNow(sandbox).lookupUserByEmail('abel.tuter@example.com');
    if (r.outcome !== 'found') throw new Error('seed changed');
    return r.user.externalId;
  }

  it('creates, finds by correlation_id, reads status, adds a work note and sees it closed', async () => {
    const sn = serviceNow(sandbox);
    const assigneeId = await assignee();
    expect(await sn.findTicketByMarker('wfa-42')).toBeNull();
    const created = await sn.createTicket({
      marker: 'wfa-42',
      summary: 'Security incident 42: card numbers in email',
      description: 'Policy PCI matched 12 times.',
      incidentUrl: 'https://wfa.example/incidents/42',
      assigneeExternalId: assigneeId,
    });
    expect(created).toMatchObject({ key: 'INC0010001', status: { id: '1', name: 'New', category: 'new' }, closed: false, assigneeExternalId: assigneeId });
    expect(created.url).toBe(`${sandbox.servicenowUrl}/incident.do?sys_id=${created.externalId}`);
    const stored = sandbox.state.servicenow.incidents[0];
    expect(stored).toMatchObject({ correlation_id: 'wfa-42', assigned_to: assigneeId, short_description: 'Security incident 42: card numbers in email' });
    expect(stored.description).toContain('https://wfa.example/incidents/42');

    expect(await sn.findTicketByMarker('wfa-42')).toEqual(created);
    await sn.addComment(created.externalId, 'Notes from the admin');
    expect(sandbox.state.servicenow.journal.get(created.externalId)).toEqual([expect.objectContaining({ field: 'work_notes', value: 'Notes from the admin' })]);

    sandbox.state.setTicketStatus(created.externalId, 'In Progress');
    expect(await sn.getTicket(created.externalId)).toMatchObject({ status: { id: '2', name: 'In Progress', category: 'indeterminate' }, closed: false });
    sandbox.state.setTicketStatus(created.key, '7');
    expect(await sn.getTicket(created.externalId)).toMatchObject({ status: { id: '7', name: 'Closed', category: 'done' }, closed: true });
  });

  it('does not mistake another incident for ours when the correlation query is dropped', async () => {
    const sn = serviceNow(sandbox);
    await sn.createTicket({ marker: 'wfa-other', summary: 's', description: 'd', assigneeExternalId: await assignee() });
    sandbox.state.setFaults('servicenow', { ignoreQueryFields: ['correlation_id'] });
    expect(await sn.findTicketByMarker('wfa-mine')).toBeNull();
  });

  it('answers null for a ticket that does not exist', async () => {
    expect(await serviceNow(sandbox).getTicket('0123456789abcdef0123456789abcdef')).toBeNull();
  });

  it('maps a data-policy refusal to invalid with the instance’s reason', async () => {
    const err = await failure(serviceNow(sandbox).createTicket({ marker: 'wfa-1', summary: ' ', description: 'd', assigneeExternalId: await assignee() }));
    expect(err.kind).toBe('invalid');
    expect(err.opts.status).toBe(400);
    expect(err.message).toMatch(/Short description is mandatory/);
  });

  it('maps an ACL refusal to forbidden', async () => {
    const id = await assignee();
    const readOnly = serviceNow(sandbox, {}, sandbox.credentials.servicenow.readOnlyBasic);
    const err = await failure(readOnly.createTicket({ marker: 'wfa-1', summary: 's', description: 'd', assigneeExternalId: id }));
    expect(err.kind).toBe('forbidden');
    expect(err.message).toMatch(/denied permission while creating the incident/);
  });

  it('maps bad Basic credentials to auth without echoing the password', async () => {
    const calls = outcomes();
    const err = await failure(
      serviceNow(sandbox, { onCallResult: calls.onCallResult }, { username: 'wfa.integration', password: 'wrong-password-123' }).verify(),
    );
    expect(err.kind).toBe('auth');
    expect(err.message).toBe('ServiceNow rejected the credentials while signing in: check the username and password of the integration account.');
    expect(err.message).not.toContain('wrong-password-123');
    expect(calls.results).toEqual([{ ok: false, error: err }]);
  });

  it('maps an unknown record path to not_found through a thrown error where null is not an answer', async () => {
    const err = await failure(serviceNow(sandbox).addComment('0123456789abcdef0123456789abcdef', 'x'));
    expect(err.kind).toBe('not_found');
    expect(err.message).toMatch(/No Record found/);
  });
});

describe('ServiceNow OAuth', () => {
  it('gets tokens with the password grant, stores them, and sends Bearer', async () => {
    const stored: OAuthTokens[] = [];
    const sn = serviceNowOAuth(sandbox, { onTokens: async (t) => void stored.push(t) });
    await sn.verify();
    const [grant, call] = sandbox.state.requests('servicenow');
    expect(grant.path).toBe('/oauth_token.do');
    expect(grant.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(new URLSearchParams(grant.body).get('grant_type')).toBe('password');
    expect(call.headers.authorization).toBe('Bearer ***');
    expect(stored).toHaveLength(1);
    expect(stored[0].refreshToken).toBeTruthy();
  });

  it('refreshes an access token that has expired by its clock before calling', async () => {
    const first: OAuthTokens[] = [];
    await serviceNowOAuth(sandbox, { onTokens: async (t) => void first.push(t) }).verify();
    const stored: OAuthTokens[] = [];
    sandbox.state.log.length = 0;
    const sn = serviceNowOAuth(
      sandbox,
      { onTokens: async (t) => void stored.push(t) },
      { ...first[0], accessTokenExpiresAt: new Date(Date.now() - 1000).toISOString() },
    );
    await sn.verify();
    const grants = sandbox.state.requests('servicenow').filter((r) => r.path === '/oauth_token.do');
    expect(grants.map((g) => new URLSearchParams(g.body).get('grant_type'))).toEqual(['refresh_token']);
    // The refresh grant returns no refresh token; the one we had is kept.
    expect(stored).toEqual([expect.objectContaining({ refreshToken: first[0].refreshToken })]);
    expect(stored[0].accessToken).not.toBe(first[0].accessToken);
  });

  it('refreshes once on a 401 with a token it believed valid, then repeats the call', async () => {
    const sn = serviceNowOAuth(sandbox);
    const calls = outcomes();
    await sn.verify();
    sandbox.state.expireAccessTokens();
    sandbox.state.log.length = 0;
    const again = serviceNowOAuth(sandbox, { onCallResult: calls.onCallResult });
    await again.verify(); // fresh connector: password grant, no 401 path
    sandbox.state.expireAccessTokens();
    sandbox.state.log.length = 0;
    await expect(again.lookupUserByEmail('abel.tuter@example.com')).resolves.toMatchObject({ outcome: 'found' });
    const statuses = sandbox.state.requests('servicenow').map((r) => `${r.path} ${r.response?.status}`);
    expect(statuses.slice(0, 3)).toEqual(['/api/now/table/sys_user 401', '/oauth_token.do 200', '/api/now/table/sys_user 200']);
    // The recovered 401 is not reported as a failed call.
    expect(calls.results.every((r) => r.ok)).toBe(true);
  });

  it('asks for re-authorization when the refresh token is refused', async () => {
    const sn = serviceNowOAuth(sandbox);
    await sn.verify();
    sandbox.state.expireAccessTokens();
    sandbox.state.revokeRefreshTokens();
    const err = await failure(sn.verify());
    expect(err.kind).toBe('auth');
    expect(err.opts.reauthorize).toBe(true);
    expect(err.message).toMatch(/re-authorize the integration/);
    expect(err.message).not.toContain(sandbox.credentials.servicenow.oauth.clientSecret);
  });

  it('maps a wrong client secret to auth', async () => {
    const { createConnector } = await import('../../../src/connectors/index.js');
    const sn = createConnector(
      {
        type: 'servicenow',
        baseUrl: sandbox.servicenowUrl,
        credentials: { authMethod: 'oauth', ...sandbox.credentials.servicenow.oauth, clientSecret: 'not-the-secret' },
      },
      { allowPrivateTargets: true },
    );
    const err = await failure(sn.verify());
    expect(err.kind).toBe('auth');
    expect(err.opts.reauthorize).toBeFalsy();
  });

  it('shares one refresh between concurrent calls', async () => {
    const sn = serviceNowOAuth(sandbox);
    await sn.verify();
    sandbox.state.expireAccessTokens();
    sandbox.state.log.length = 0;
    await Promise.all([sn.verify(), sn.lookupUserByEmail('abel.tuter@example.com'), sn.getTicket('0123456789abcdef0123456789abcdef')]);
    expect(sandbox.state.requests('servicenow').filter((r) => r.path === '/oauth_token.do')).toHaveLength(1);
  });

  it('has no project catalogue, as its descriptor says, and asks ServiceNow nothing for one', async () => {
    const sn = serviceNow(sandbox);
    expect(sn.listProjects).toBeUndefined();
    expect(sn.getFields).toBeUndefined();
    expect(() => projectCatalogOf(sn)).toThrow(/ServiceNow integrations have no projects/);
    expect(sandbox.state.log).toHaveLength(0);
  });
});
