import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { projectCatalogOf } from '../../../src/connectors/descriptors.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/index.js';
import { failure, jira, outcomes } from './fixture.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.state.reset());

describe('Jira user lookup', () => {
  it('finds an active person by exact visible email, case-insensitively', async () => {
    const r = await jira(sandbox).lookupUserByEmail('beth.anglin@EXAMPLE.com');
    expect(r).toEqual({
      outcome: 'found',
      user: {
        externalId: expect.stringMatching(/^5b10/),
        name: 'Beth Anglin',
        username: expect.stringMatching(/^5b10/),
        email: 'Beth.Anglin@example.com',
        active: true,
      },
    });
    if (r.outcome === 'found') expect(r.user.username).toBe(r.user.externalId);
  });

  it('reports an inactive account', async () => {
    const r = await jira(sandbox).lookupUserByEmail('ivan.inactive@example.com');
    expect(r).toMatchObject({ outcome: 'inactive', user: { name: 'Ivan Inactive', active: false } });
  });

  it('refuses two people showing the same email', async () => {
    expect(await jira(sandbox).lookupUserByEmail('shared.mailbox@example.com')).toEqual({ outcome: 'ambiguous', count: 2 });
  });

  it('says email_hidden when the only candidates hide their email', async () => {
    expect(await jira(sandbox).lookupUserByEmail('hidden.user@example.com')).toEqual({ outcome: 'email_hidden', candidates: 1 });
    const [req] = sandbox.state.requests('jira');
    expect(JSON.parse(req.response!.body)).toEqual([expect.not.objectContaining({ emailAddress: expect.anything() })]);
  });

  it('does not take a prefix match for the person asked for', async () => {
    // The search returns fred@example.com and fred@example.community for this prefix.
    expect(await jira(sandbox).lookupUserByEmail('fred@example.co')).toEqual({ outcome: 'not_found' });
    expect(JSON.parse(sandbox.state.requests('jira')[0].response!.body)).toHaveLength(2);
    expect(await jira(sandbox).lookupUserByEmail('nobody@example.com')).toEqual({ outcome: 'not_found' });
  });

  it('never picks an app account', async () => {
    // Only the app account's email starts with this; it is not a person.
    expect(await jira(sandbox).lookupUserByEmail('abel.tuter@example.com.automation')).toEqual({ outcome: 'not_found' });
  });

  it('re-reads a user by accountId, null once gone', async () => {
    const r = await jira(sandbox).lookupUserByEmail('abel.tuter@example.com');
    if (r.outcome !== 'found') throw new Error('seed changed');
    expect(await jira(sandbox).getUser(r.user.externalId)).toEqual(r.user);
    expect(await jira(sandbox).getUser('5b10000000000000000000ff')).toBeNull();
  });
});

describe('Jira projects and fields', () => {
  it('lists projects with statuses, creatable issue types and whether labels can be set', async () => {
    const projects = await projectCatalogOf(jira(sandbox)).listProjects();
    expect(projects.map((p) => [p.key, p.labelsSupported])).toEqual([
      ['SEC', true],
      ['OPS', false],
    ]);
    expect(projects[0].statuses).toEqual([
      { id: '10000', name: 'To Do', category: 'new' },
      { id: '3', name: 'In Progress', category: 'indeterminate' },
      { id: '10001', name: 'Done', category: 'done' },
    ]);
    expect(projects[0].issueTypes).toEqual([
      { id: '10001', name: 'Task' },
      { id: '10002', name: 'Security Incident' },
    ]);
  });

  it('reads required fields and allowed values from createmeta', async () => {
    const fields = await projectCatalogOf(jira(sandbox)).getFields('SEC', '10002');
    expect(fields.filter((f) => f.required).map((f) => f.key)).toEqual(['summary', 'issuetype', 'project', 'customfield_10050']);
    expect(fields.find((f) => f.key === 'customfield_10050')).toEqual({
      key: 'customfield_10050',
      name: 'Data Classification',
      required: true,
      schemaType: 'option',
      allowedValues: [
        { id: '10100', name: 'Public' },
        { id: '10101', name: 'Internal' },
        { id: '10102', name: 'Confidential' },
        { id: '10103', name: 'Restricted' },
      ],
    });
    expect(sandbox.state.requests('jira')[0].path).toBe('/rest/api/3/issue/createmeta/SEC/issuetypes/10002');
  });
});

describe('Jira issues', () => {
  async function accountId(email = 'abel.tuter@example.com') {
    const r = await jira(sandbox).lookupUserByEmail(email);
    if (r.outcome !== 'found') throw new Error('seed changed');
    return r.user.externalId;
  }

  it('creates with the marker label and ADF description, finds it via /search/jql, comments and sees it done', async () => {
    const j = jira(sandbox);
    const assignee = await accountId();
    expect(await j.findTicketByMarker('wfa-7', 'SEC')).toBeNull();
    const created = await j.createTicket({
      marker: 'wfa-7',
      summary: 'Security incident 7',
      description: 'First paragraph.\n\nSecond line one\nline two',
      incidentUrl: 'https://wfa.example/incidents/7',
      assigneeExternalId: assignee,
      projectKey: 'SEC',
      issueTypeId: '10001',
    });
    expect(created).toMatchObject({ key: 'SEC-1', status: { name: 'To Do', category: 'new' }, closed: false, assigneeExternalId: assignee });
    expect(created.url).toBe(`${sandbox.jiraUrl}/browse/SEC-1`);
    const issue = sandbox.state.jira.issues[0];
    expect(issue.labels).toEqual(['wfa-7']);
    expect(issue.description).toEqual({
      type: 'doc',
      version: 1,
      content: [
        { type: 'paragraph', content: [{ type: 'text', text: 'First paragraph.' }] },
        { type: 'paragraph', content: [{ type: 'text', text: 'Second line one' }, { type: 'hardBreak' }, { type: 'text', text: 'line two' }] },
        {
          type: 'paragraph',
          content: [
            { type: 'text', text: 'Linked security incident: ' },
            { type: 'text', text: 'https://wfa.example/incidents/7', marks: [{ type: 'link', attrs: { href: 'https://wfa.example/incidents/7' } }] },
          ],
        },
      ],
    });
    expect(await j.findTicketByMarker('wfa-7', 'SEC')).toEqual(created);
    const paths = sandbox.state.requests('jira').map((r) => `${r.method} ${r.path}`);
    expect(paths).toContain('POST /rest/api/3/search/jql');
    expect(paths).not.toContain('POST /rest/api/3/search');
    expect(paths).not.toContain('GET /rest/api/3/search');

    await j.addComment(created.externalId, 'Admin notes');
    expect(issue.comments.map((c) => c.body)).toEqual([
      { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Admin notes' }] }] },
    ]);

    sandbox.state.setTicketStatus('SEC-1', 'In Progress');
    expect(await j.getTicket(created.externalId)).toMatchObject({ status: { id: '3', category: 'indeterminate' }, closed: false });
    sandbox.state.setTicketStatus('SEC-1', 'Done');
    expect(await j.getTicket(created.externalId)).toMatchObject({ status: { id: '10001', name: 'Done', category: 'done' }, closed: true });
  });

  it('passes mapped fields, and maps a missing required field to invalid with fieldErrors', async () => {
    const j = jira(sandbox);
    const base = { marker: 'wfa-8', summary: 's', description: 'd', assigneeExternalId: await accountId(), projectKey: 'SEC', issueTypeId: '10002' };
    const err = await failure(j.createTicket(base));
    expect(err.kind).toBe('invalid');
    expect(err.opts.fieldErrors).toEqual({ customfield_10050: 'Data Classification is required.' });
    expect(err.message).toMatch(/customfield_10050: Data Classification is required/);
    const ok = await j.createTicket({ ...base, fields: { customfield_10050: { id: '10102' } } });
    expect(ok.key).toBe('SEC-1');
  });

  it('reports that the marker cannot be set in a project without the Labels field', async () => {
    const err = await failure(
      jira(sandbox).createTicket({
        marker: 'wfa-9',
        summary: 's',
        description: 'd',
        assigneeExternalId: await accountId(),
        projectKey: 'OPS',
        issueTypeId: '10003',
      }),
    );
    expect(err.kind).toBe('invalid');
    expect(err.opts.fieldErrors?.labels).toMatch(/cannot be set/);
  });

  it('refuses a marker with spaces before sending anything', async () => {
    const err = await failure(
      jira(sandbox).createTicket({ marker: 'wfa 9', summary: 's', description: 'd', assigneeExternalId: 'x', projectKey: 'SEC', issueTypeId: '10001' }),
    );
    expect(err.kind).toBe('invalid');
    expect(sandbox.state.log).toHaveLength(0);
  });

  it('maps a missing create permission to forbidden', async () => {
    const id = await accountId();
    const err = await failure(
      jira(sandbox, {}, sandbox.credentials.jira.readOnly).createTicket({
        marker: 'wfa-1',
        summary: 's',
        description: 'd',
        assigneeExternalId: id,
        projectKey: 'SEC',
        issueTypeId: '10001',
      }),
    );
    expect(err.kind).toBe('forbidden');
    expect(err.message).toMatch(/do not have permission to create issues/);
  });

  it('maps a bad API token (non-JSON 401 body) to auth without the token in the message', async () => {
    const calls = outcomes();
    const err = await failure(
      jira(sandbox, { onCallResult: calls.onCallResult }, { email: sandbox.credentials.jira.email, apiToken: 'bad-token-value' }).verify(),
    );
    expect(err.kind).toBe('auth');
    expect(err.message).toBe('Jira Cloud rejected the credentials while signing in: check the account email and API token.');
    expect(calls.results.map((r) => r.ok)).toEqual([false]);
  });

  it('answers null for an issue that does not exist, and not_found when commenting on it', async () => {
    expect(await jira(sandbox).getTicket('99999')).toBeNull();
    const err = await failure(jira(sandbox).addComment('99999', 'x'));
    expect(err.kind).toBe('not_found');
  });
});
