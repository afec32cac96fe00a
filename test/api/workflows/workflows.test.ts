import { expect, it } from 'vitest';
import type { TestApp } from '../../helpers/test-app.js';
import {
  executionsOf,
  incident,
  jiraTicketsWorkflow,
  mapInlineHigh,
  runJobs,
  sandboxTickets,
  ticketsOf,
  withTicketing,
  type Sandbox,
  type World,
} from './helpers.js';

let t: TestApp;
let sb: Sandbox;
let w: World;
withTicketing((a) => ({ t, sb, w } = a));

async function auditCount(resource: string) {
  const rows = await t.ctx.db
    .selectFrom('audit_log')
    .select('id')
    .where('org_id', '=', t.orgId)
    .where('module', '=', 'Workflows')
    .where('resource', '=', resource)
    .execute();
  return rows.length;
}

async function clearMappings() {
  for (const m of (await w.admin.get('/api/v1/workflow-mappings')).json().items) await w.admin.delete(`/api/v1/workflow-mappings/${m.id}`);
}

it('lists the nine templates, every one usable', async () => {
  const res = await w.admin.get('/api/v1/workflow-templates');
  expect(res.statusCode).toBe(200);
  const items = res.json().items as { key: string; name: string; available: boolean; unavailableReason: string | null }[];
  expect(items.map((i) => i.name)).toEqual([
    'Auto Close Data Protection Incident With Resolution Label',
    'Auto Close Data Protection Incident',
    'Auto Create Tickets',
    'Auto Escalate',
    'Auto Notify',
    'Auto Notify User and Close Incident',
    'Auto Notify User and Concurrently Escalate',
    'Auto Notify User and Escalate',
    'Auto Notify User and Escalate to Manager',
  ]);
  expect(items.every((i) => i.available && i.unavailableReason === null)).toBe(true);
});

it('refuses bad workflow settings naming the setting, and changes nothing', async () => {
  const before = (await w.admin.get('/api/v1/workflows')).json().items.length;
  const audits = await auditCount('Workflow');
  const cases: [unknown, RegExp][] = [
    [{ template: 'auto_create_tickets', name: 'x', settings: {} }, /^settings\.ticketing: Auto Create Tickets needs a Ticketing Configuration/],
    [
      { template: 'auto_create_tickets', name: 'x', settings: { ticketing: { integrationId: 999_999, integrationUserId: w.jiraUser.id } } },
      /^settings\.ticketing\.integrationId: your organization has no/,
    ],
    [
      { template: 'auto_create_tickets', name: 'x', settings: { ticketing: { integrationId: w.jira.id, integrationUserId: w.jiraUser.id } } },
      /^settings\.ticketing\.projectId: pick the Jira Project/,
    ],
    [
      {
        template: 'auto_create_tickets',
        name: 'x',
        settings: { ticketing: { integrationId: w.jira.id, projectId: w.sec.id, integrationUserId: w.snUser.id } },
      },
      /^settings\.ticketing\.integrationUserId: user \d+ is not an integration user of/,
    ],
    [
      { template: 'auto_create_tickets', name: 'x', settings: { ticketing: { integrationId: w.sn.id, projectId: w.sec.id, integrationUserId: w.snUser.id } } },
      /^settings\.ticketing\.projectId: ServiceNow has no projects/,
    ],
    [
      { template: 'auto_close_with_resolution_label', name: 'x', settings: { close: { falsePositive: true } } },
      /^settings\.close\.resolutionLabelId: .*needs a Resolution Label Name/,
    ],
    [
      { template: 'auto_close', name: 'x', settings: { ticketing: { integrationId: w.sn.id, integrationUserId: w.snUser.id } } },
      /^settings\.ticketing: .* creates no ticket/,
    ],
  ];
  for (const [body, message] of cases) {
    const res = await w.admin.post('/api/v1/workflows', body);
    expect(res.statusCode, JSON.stringify(body)).toBe(400);
    expect(res.json().error.message).toMatch(message);
  }
  expect((await w.admin.get('/api/v1/workflows')).json().items.length).toBe(before);
  expect(await auditCount('Workflow')).toBe(audits);
});

it('refuses invalid statements naming the predicate; nothing is stored', async () => {
  const wf = await jiraTicketsWorkflow(w.admin, w);
  const before = (await w.admin.get('/api/v1/workflow-mappings')).json().items.length;
  const bad = async (condition: unknown, message: RegExp) => {
    const res = await w.admin.post('/api/v1/workflow-mappings', { workflowId: wf.id, sourceDlpType: 'Any', condition });
    expect(res.statusCode, JSON.stringify(condition)).toBe(400);
    expect(res.json().error.message).toMatch(message);
  };
  await bad(
    { type: 'predicate', property: 'matchCount', operation: 'GREATER_THAN', value: 'many' },
    /^condition: predicate \[matchCount GREATER_THAN "many"\]: Match Count is a number/,
  );
  await bad(
    {
      type: 'and',
      items: [
        { type: 'predicate', property: 'severity', operation: 'EQUALS', value: 'High' },
        { type: 'predicate', property: 'clientIp', operation: 'IN_IPv4_SUBNET', value: '10.0.0.0/40' },
      ],
    },
    /^condition\.items\.1: predicate \[clientIp IN_IPv4_SUBNET "10\.0\.0\.0\/40"\]: 10\.0\.0\.0\/40 is not a valid CIDR/,
  );
  await bad({ type: 'predicate', property: 'department', operation: 'EQUALS', value: [] }, /the list of values is empty/);
  const noWf = await w.admin.post('/api/v1/workflow-mappings', { workflowId: 999_999, sourceDlpType: 'Any', condition: null });
  expect(noWf.statusCode).toBe(400);
  expect(noWf.json().error.message).toMatch(/^workflowId: workflow 999999 does not exist/);
  expect((await w.admin.get('/api/v1/workflow-mappings')).json().items.length).toBe(before);
});

it('Done when: an Auto Create Tickets workflow mapped to Inline AND High gives each matching ingested incident exactly one ticket with no click; the others get none', async () => {
  await clearMappings();
  const wf = await jiraTicketsWorkflow(w.admin, w, 'Inline High to Jira');
  const audits = await auditCount('Workflow Mapping');
  await mapInlineHigh(w.admin, wf.id);
  expect(await auditCount('Workflow Mapping')).toBe(audits + 1);

  // The Test panel: a pasted incident, then an existing one; nothing is created.
  const pasted = await w.admin.post('/api/v1/workflow-mappings/test', { incident: incident({ severity: 'Medium' }) });
  expect(pasted.statusCode).toBe(200);
  expect(pasted.json().match).toBeNull();
  expect(pasted.json().statements[0]).toMatchObject({
    matched: false,
    reason: expect.stringContaining('severity EQUALS "High" is false (severity is "Medium")'),
  });
  const badPaste = await w.admin.post('/api/v1/workflow-mappings/test', { incident: { severity: 'High' } });
  expect(badPaste.statusCode).toBe(400);
  expect(badPaste.json().error.message).toMatch(/^incident\.transactionId: /);

  const items = [
    incident({ severity: 'High' }),
    incident({ severity: 'Medium' }),
    incident({ severity: 'High', sourceType: 'Endpoint', channel: 'USB' }),
    incident({ severity: 'High' }),
    incident({ severity: 'Low' }),
  ];
  const res = await w.admin.post('/api/v1/incidents', { incidents: items });
  expect(res.statusCode, res.body).toBe(200);
  const ids = (res.json().results as { id: number }[]).map((r) => r.id);
  const matching = [ids[0], ids[3]];

  const tested = await w.admin.post('/api/v1/workflow-mappings/test', { incidentId: ids[0] });
  expect(tested.json()).toMatchObject({
    match: {
      workflowName: 'Inline High to Jira',
      wouldDo: [expect.stringMatching(/^Create a JiraCloud ticket on .* in project SEC assigned to abel\.tuter@example\.com$/)],
    },
  });
  const endpoint = (await w.admin.post('/api/v1/workflow-mappings/test', { incidentId: ids[2] })).json();
  expect(endpoint.statements[0].reason).toBe("Source DLP Type is Inline; the incident's is Endpoint");
  expect(await ticketsOf(t, ids[0])).toHaveLength(0); // Test created nothing

  await runJobs(t, 3);
  for (const id of ids) {
    const tickets = await ticketsOf(t, id);
    expect(tickets, `incident ${id}`).toHaveLength(matching.includes(id) ? 1 : 0);
    if (matching.includes(id)) {
      expect(tickets[0]).toMatchObject({ state: 'open', created_by: 'System', project_key: 'SEC' });
      expect(sandboxTickets(sb, tickets[0].id).jira).toHaveLength(1);
    }
  }
  const view = (await w.admin.get(`/api/v1/incidents/${ids[0]}/workflow-executions`)).json().items;
  expect(view).toHaveLength(1);
  expect(view[0]).toMatchObject({ workflowName: 'Inline High to Jira', trigger: 'ingest', status: 'completed', startedBy: 'System' });
  expect(view[0].steps).toEqual([
    expect.objectContaining({ kind: 'create_ticket', status: 'done', attempts: 1, ticketId: (await ticketsOf(t, ids[0]))[0].id }),
  ]);
  const events = (await w.admin.get(`/api/v1/incidents/${ids[0]}`)).json().events as { changedBy: string; comment: string }[];
  expect(events.filter((e) => e.changedBy === 'System').map((e) => e.comment)).toEqual(
    expect.arrayContaining(['Workflow Inline High to Jira started', 'Workflow Inline High to Jira completed', expect.stringMatching(/^Ticket requested on /)]),
  );
  expect((await w.admin.get(`/api/v1/incidents/${ids[1]}/workflow-executions`)).json().items).toEqual([]);

  // Re-ingesting the same batch (same transaction ids) starts nothing again.
  await w.admin.post('/api/v1/incidents', { incidents: items });
  await runJobs(t, 2);
  for (const id of matching) {
    expect(await ticketsOf(t, id)).toHaveLength(1);
    expect(await executionsOf(t, id)).toHaveLength(1);
  }
});

it('Auto Close: a mapped workflow closes matching incidents as System with its label; delete is refused while mapped', async () => {
  await clearMappings();
  const label = (await w.admin.post('/api/v1/labels', { name: `Benign ${Date.now()}`, values: ['Test data'] })).json();
  const created = await w.admin.post('/api/v1/workflows', {
    template: 'auto_close_with_resolution_label',
    name: 'Close test data',
    settings: { close: { notes: 'Synthetic test data.', resolutionLabelId: label.id, resolutionValue: 'Test data', falsePositive: true } },
  });
  expect(created.statusCode, created.body).toBe(201);
  const wf = created.json();
  const m = await w.admin.post('/api/v1/workflow-mappings', {
    workflowId: wf.id,
    sourceDlpType: 'Any',
    condition: { type: 'predicate', property: 'userEmail', operation: 'LIKE', value: '%@test.example' },
  });
  expect(m.statusCode).toBe(201);
  const del = await w.admin.delete(`/api/v1/workflows/${wf.id}`);
  expect(del.statusCode).toBe(409);
  expect(del.json().error.message).toMatch(/^Workflow Close test data is used by 1 mapping statement\. Delete or change it on Workflow Mappings first\./);

  const res = await w.admin.post('/api/v1/incidents', {
    incidents: [incident({ user: { email: 'bot@test.example' } }), incident({ user: { email: 'jane@corp.example' } })],
  });
  const [closeMe, keep] = (res.json().results as { id: number }[]).map((r) => r.id);
  await runJobs(t, 2);
  const closed = (await w.admin.get(`/api/v1/incidents/${closeMe}`)).json();
  expect(closed).toMatchObject({ status: 'Resolved', resolution: { label: label.name, value: 'Test data', falsePositive: true } });
  expect(closed.events.find((e: { action: string }) => e.action === 'close')).toMatchObject({
    changedBy: 'System',
    comment: expect.stringContaining('Synthetic test data.'),
  });
  expect((await w.admin.get(`/api/v1/incidents/${keep}`)).json().status).toBe('New');

  expect((await w.admin.delete(`/api/v1/workflow-mappings/${m.json().id}`)).statusCode).toBe(204);
  expect((await w.admin.delete(`/api/v1/workflows/${wf.id}`)).statusCode).toBe(204);
  // History stays: the execution keeps the workflow's name.
  expect((await w.admin.get(`/api/v1/incidents/${closeMe}/workflow-executions`)).json().items[0]).toMatchObject({
    workflowName: 'Close test data',
    status: 'completed',
  });
});

it('statements are ordered: first match wins; up/down reorder with an audit entry; ends refuse to move', async () => {
  await clearMappings();
  const a = await w.admin.post('/api/v1/workflows', { template: 'auto_close', name: 'Close A', settings: { close: { notes: 'A' } } });
  const b = await w.admin.post('/api/v1/workflows', { template: 'auto_close', name: 'Close B', settings: { close: { notes: 'B' } } });
  const ma = (await w.admin.post('/api/v1/workflow-mappings', { workflowId: a.json().id, sourceDlpType: 'Any', condition: null })).json();
  const mb = (await w.admin.post('/api/v1/workflow-mappings', { workflowId: b.json().id, sourceDlpType: 'Inline', condition: null })).json();
  const test = async () => (await w.admin.post('/api/v1/workflow-mappings/test', { incident: incident() })).json();
  expect((await test()).match.workflowName).toBe('Close A');
  expect((await w.admin.post(`/api/v1/workflow-mappings/${ma.id}/move`, { direction: 'up' })).statusCode).toBe(409);
  const moved = await w.admin.post(`/api/v1/workflow-mappings/${mb.id}/move`, { direction: 'up' });
  expect(moved.statusCode).toBe(200);
  expect(moved.json().items.map((x: { id: number; position: number }) => [x.id, x.position])).toEqual([
    [mb.id, 1],
    [ma.id, 2],
  ]);
  const r = await test();
  expect(r.match.workflowName).toBe('Close B');
  expect(r.statements).toHaveLength(1);
  const edited = await w.admin.put(`/api/v1/workflow-mappings/${mb.id}`, {
    workflowId: b.json().id,
    sourceDlpType: 'Email',
    condition: null,
  });
  expect(edited.statusCode).toBe(200);
  const r2 = await test();
  expect(r2.statements.map((s: { matched: boolean }) => s.matched)).toEqual([false, true]);
  expect(r2.match.workflowName).toBe('Close A');
  await clearMappings();
});

it('editing a workflow makes a new version for future incidents; a running execution finishes on its own; Run workflow starts one by hand', async () => {
  await clearMappings();
  const wf = (
    await w.admin.post('/api/v1/workflows', { template: 'auto_close', name: 'Versioned close', settings: { close: { notes: 'version one' } } })
  ).json();
  const inc = (await w.admin.post('/api/v1/incidents', incident())).json();
  const run = await w.admin.post(`/api/v1/incidents/${inc.id}/workflow-executions`, { workflowId: wf.id });
  expect(run.statusCode, run.body).toBe(202);
  expect(run.json()).toMatchObject({ trigger: 'manual', status: 'running', steps: [{ kind: 'close_incident', status: 'pending' }] });
  const edited = await w.admin.patch(`/api/v1/workflows/${wf.id}`, { settings: { close: { notes: 'version two' } } });
  expect(edited.json()).toMatchObject({ version: 2, steps: [{ kind: 'close_incident', notes: 'version two' }] });
  await runJobs(t);
  const detail = (await w.admin.get(`/api/v1/incidents/${inc.id}`)).json();
  expect(detail.status).toBe('Resolved');
  expect(detail.events.find((e: { action: string }) => e.action === 'close').comment).toContain('version one');
  expect(await auditCount('Workflow Execution')).toBeGreaterThan(0);

  const bulk = await w.admin.post('/api/v1/incidents/bulk/run-workflow', { workflowId: wf.id, ids: [inc.id, 999_999] });
  expect(bulk.json()).toMatchObject({
    succeeded: 1,
    failed: 1,
    results: [
      { id: inc.id, ok: true },
      { id: 999_999, ok: false, error: { code: 'not_found' } },
    ],
  });
  await runJobs(t);
  const execs = (await w.admin.get(`/api/v1/incidents/${inc.id}/workflow-executions`)).json().items;
  expect(execs[0]).toMatchObject({ status: 'completed', steps: [{ status: 'done', detail: 'The incident was already Resolved' }] });
});

it('mappings need full access to workflows; viewing workflows needs view', async () => {
  const viewer = await t.sessionWith({ 'Workflows and Mappings': 'view' });
  expect((await viewer.get('/api/v1/workflows')).statusCode).toBe(200);
  expect((await viewer.get('/api/v1/workflow-mappings')).statusCode).toBe(403);
  const other = await t.newOrg();
  const mine = (await w.admin.get('/api/v1/workflows')).json().items[0];
  expect((await other.session.get(`/api/v1/workflows/${mine.id}`)).statusCode).toBe(404);
});
