import { randomUUID } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import type { TestApp } from '../../helpers/test-app.js';
import { executionsOf, incident, runJobs, withTicketing, type World } from './helpers.js';

/** Incidents list > Actions > Run workflow: POST /incidents/bulk/run-workflow. */
let t: TestApp;
let w: World;
let workflowId: number;
withTicketing((a) => ({ t, w } = a));
beforeAll(async () => {
  const wf = await w.admin.post('/api/v1/workflows', { template: 'auto_close', name: 'Bulk close', settings: { close: { notes: 'closed in bulk' } } });
  expect(wf.statusCode, wf.body).toBe(201);
  workflowId = wf.json().id;
});

async function newIncidents(n: number): Promise<number[]> {
  const res = await w.admin.post('/api/v1/incidents', { incidents: Array.from({ length: n }, () => incident()) });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json().results as { id: number }[]).map((r) => r.id);
}

async function allExecutions() {
  return t.ctx.db.selectFrom('workflow_executions').select(['id', 'incident_id']).where('org_id', '=', t.orgId).execute();
}

const auditRuns = async () =>
  (await t.ctx.db.selectFrom('audit_log').select('id').where('org_id', '=', t.orgId).where('resource', '=', 'Workflow Execution').execute()).length;

it('starts one execution per selected incident with a result each; the same request sent again starts nothing twice', async () => {
  const ids = await newIncidents(3);
  const requestId = randomUUID();
  const auditBefore = await auditRuns();
  const body = { workflowId, ids: [...ids, ids[0]], requestId };
  const first = await w.admin.post('/api/v1/incidents/bulk/run-workflow', body);
  expect(first.statusCode, first.body).toBe(200);
  const r1 = first.json();
  expect(r1).toMatchObject({ workflowName: 'Bulk close', succeeded: 3, failed: 0 });
  expect(r1.results.map((r: { id: number }) => r.id)).toEqual(ids);
  expect(r1.results.every((r: { ok: boolean; alreadyStarted: boolean; executionId: number }) => r.ok && !r.alreadyStarted && r.executionId > 0)).toBe(true);
  expect(await auditRuns()).toBe(auditBefore + 3);

  // A lost answer, sent again: the same executions, reported, none added.
  const again = (await w.admin.post('/api/v1/incidents/bulk/run-workflow', body)).json();
  expect(again.results.map((r: { executionId: number }) => r.executionId)).toEqual(r1.results.map((r: { executionId: number }) => r.executionId));
  expect(again.results.every((r: { alreadyStarted: boolean }) => r.alreadyStarted)).toBe(true);
  for (const id of ids) expect(await executionsOf(t, id)).toHaveLength(1);
  expect(await auditRuns()).toBe(auditBefore + 3);

  await runJobs(t);
  for (const id of ids) {
    const d = (await w.admin.get(`/api/v1/incidents/${id}`)).json();
    expect(d.status).toBe('Resolved');
    expect(d.events.filter((e: { action: string }) => e.action === 'close')).toHaveLength(1);
  }

  // A new confirmation (a new request id) is a new run, as Run workflow on one incident is.
  const next = (await w.admin.post('/api/v1/incidents/bulk/run-workflow', { workflowId, ids: [ids[0]], requestId: randomUUID() })).json();
  expect(next.results[0]).toMatchObject({ ok: true, alreadyStarted: false });
  expect(await executionsOf(t, ids[0])).toHaveLength(2);
});

it('reports an incident that does not exist or is another org’s in its own result and starts the others', async () => {
  const [mine] = await newIncidents(1);
  const other = await t.newOrg();
  const theirs = (await other.session.post('/api/v1/incidents', incident())).json().id as number;
  const res = (await w.admin.post('/api/v1/incidents/bulk/run-workflow', { workflowId, ids: [theirs, mine, 2_000_000_000] })).json();
  expect(res).toMatchObject({
    succeeded: 1,
    failed: 2,
    results: [
      { id: theirs, ok: false, error: { code: 'not_found' } },
      { id: mine, ok: true },
      { id: 2_000_000_000, ok: false, error: { code: 'not_found' } },
    ],
  });
  expect(await executionsOf(t, theirs)).toHaveLength(0);
});

it('refuses a bad request with a message naming the field, and changes nothing', async () => {
  const ids = await newIncidents(1);
  const before = (await allExecutions()).length;
  const audit = await auditRuns();
  const cases: [unknown, RegExp][] = [
    [{ workflowId: 999_999, ids }, /workflowId: workflow 999999 does not exist/],
    [{ workflowId, ids: [] }, /Select at least one incident/],
    [{ workflowId, ids: Array.from({ length: 1001 }, (_, i) => i + 1) }, /at most 1000 incidents/],
    [{ workflowId, ids, requestId: 'not-a-uuid' }, /requestId is a UUID/],
    [{ workflowId, ids, extra: true }, /extra/],
  ];
  for (const [body, message] of cases) {
    const res = await w.admin.post('/api/v1/incidents/bulk/run-workflow', body);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.body).toMatch(message);
  }
  const otherOrgWorkflow = await t.newOrg();
  const res = await otherOrgWorkflow.session.post('/api/v1/incidents/bulk/run-workflow', { workflowId, ids: [1] });
  expect(res.statusCode).toBe(400);
  expect((await allExecutions()).length).toBe(before);
  expect(await auditRuns()).toBe(audit);
});

it('needs Incidents edit', async () => {
  const ids = await newIncidents(1);
  const viewer = await t.sessionWith({ Incidents: 'view', 'Workflows and Mappings': 'view' });
  const res = await viewer.post('/api/v1/incidents/bulk/run-workflow', { workflowId, ids });
  expect(res.statusCode).toBe(403);
  expect(await executionsOf(t, ids[0])).toHaveLength(0);
});
