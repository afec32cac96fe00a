import { beforeAll, expect, it } from 'vitest';
import { generateBatch } from '../../../src/modules/incidents/generator.js';
import type { GroupedIncident } from '../../../src/modules/incidents/group-hooks.js';
import { EVALUATE_JOB } from '../../../src/modules/workflows/engine.js';
import type { TestApp } from '../../helpers/test-app.js';
import { executionsOf, incident, runJobs, withTicketing, type World } from './helpers.js';

/**
 * Workflow statements are evaluated inside the ingestion transaction on the incidents as written
 * (no read-back): what the listeners are handed must be what a read-back gives, the executions
 * commit or roll back with the incidents, and an evaluation job left by an earlier release still
 * starts each incident once.
 */
let t: TestApp;
let w: World;
let workflowId: number;
/** What the last ingestion handed its listeners. */
let seen: { ids: number[]; incidents: GroupedIncident[] } | null = null;
let failAfterWorkflows = false;

withTicketing((a) => ({ t, w } = a));
beforeAll(async () => {
  const wf = await w.admin.post('/api/v1/workflows', { template: 'auto_close', name: 'Close by rule', settings: { close: { notes: 'by rule' } } });
  workflowId = wf.json().id;
  // Registered after the workflows module's listener, so it runs after the executions are written.
  t.ctx.incidents.ingestHooks.onIngested(async (_exec, _orgId, batch) => {
    seen = { ids: batch.ids, incidents: structuredClone(batch.incidents()) };
    if (failAfterWorkflows) throw new Error('a later listener failed');
  });
});

async function ingest(...items: Record<string, unknown>[]): Promise<number[]> {
  const res = await w.admin.post('/api/v1/incidents', { incidents: items });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json().results as { id: number }[]).map((r) => r.id);
}

it('listeners get the new incidents as a read-back would give them, duplicates and details included', async () => {
  const now = new Date();
  const batch = generateBatch({ count: 120, seed: 7, from: new Date(now.getTime() - 3_600_000), to: now, prefix: 'rb', duplicateRate: 0.3 });
  const res = await w.admin.post('/api/v1/incidents', { incidents: batch });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.json().created).toBe(120);
  const duplicates = (res.json().results as { duplicateOf: number | null }[]).filter((r) => r.duplicateOf !== null);
  expect(duplicates.length).toBeGreaterThan(0);
  expect(seen!.ids).toHaveLength(120);
  const readBack = await t.ctx.incidents.groupHooks.incidents(t.ctx.db, t.orgId, seen!.ids);
  readBack.sort((a, b) => a.id - b.id);
  expect(seen!.incidents.map((i) => i.id)).toEqual(seen!.ids);
  // toEqual: a detail the input left out is an absent key after the read-back, undefined in memory.
  expect(seen!.incidents).toEqual(readBack);
  expect(readBack.some((i) => i.duplicateCount > 0)).toBe(true);
});

it('an ingestion that rolls back after the evaluation leaves neither incidents nor executions', async () => {
  const m = await w.admin.post('/api/v1/workflow-mappings', {
    workflowId,
    condition: { type: 'predicate', property: 'department', operation: 'EQUALS', value: 'Rollback' },
  });
  expect(m.statusCode, m.body).toBe(201);
  const before = await t.ctx.db
    .selectFrom('workflow_executions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  failAfterWorkflows = true;
  try {
    const res = await w.admin.post('/api/v1/incidents', {
      incidents: [incident({ transactionId: 'rollback-1', user: { email: 'r@corp.example', department: 'Rollback' } })],
    });
    expect(res.statusCode).toBe(500);
  } finally {
    failAfterWorkflows = false;
  }
  // The listener saw the incident and ran after the workflow's executions were written.
  expect(seen!.incidents.map((i) => i.department)).toEqual(['Rollback']);
  const after = await t.ctx.db
    .selectFrom('workflow_executions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  expect(Number(after.n)).toBe(Number(before.n));
  expect(await t.ctx.db.selectFrom('incidents').select('id').where('transaction_id', '=', 'rollback-1').execute()).toHaveLength(0);

  // Sent again, it is stored and started once.
  const [id] = await ingest(incident({ transactionId: 'rollback-1', user: { email: 'r@corp.example', department: 'Rollback' } }));
  expect(await executionsOf(t, id)).toMatchObject([{ trigger_key: 'ingest', status: 'running' }]);
  await runJobs(t);
  expect(await executionsOf(t, id)).toMatchObject([{ trigger_key: 'ingest', status: 'completed' }]);
  await w.admin.delete(`/api/v1/workflow-mappings/${m.json().id}`);
});

it('the executions are started by the ingestion itself: no job is needed before they show', async () => {
  const m = await w.admin.post('/api/v1/workflow-mappings', {
    workflowId,
    condition: { type: 'predicate', property: 'department', operation: 'EQUALS', value: 'Inline start' },
  });
  const [hit, miss] = await ingest(
    incident({ user: { email: 's@corp.example', department: 'Inline start' } }),
    incident({ user: { email: 'u@corp.example', department: 'Elsewhere' } }),
  );
  expect(await executionsOf(t, hit)).toMatchObject([{ trigger_key: 'ingest', status: 'running', next_step: 0 }]);
  expect(await executionsOf(t, miss)).toHaveLength(0);
  // The start is on the incident as soon as it is stored: its Last Change and one State Changes entry by System.
  const started = (await w.admin.get(`/api/v1/incidents/${hit}`)).json();
  expect(started.lastChange).toBe('Workflow Close by rule started');
  expect(started.events).toMatchObject([{ state: 'New', action: 'workflow', changedBy: 'System', comment: 'Workflow Close by rule started' }]);
  const untouched = (await w.admin.get(`/api/v1/incidents/${miss}`)).json();
  expect(untouched.lastChange).toBeNull();
  expect(untouched.events).toEqual([]);
  const evaluations = await t.ctx.db.selectFrom('jobs').select('id').where('kind', '=', EVALUATE_JOB).execute();
  expect(evaluations).toHaveLength(0);
  await w.admin.delete(`/api/v1/workflow-mappings/${m.json().id}`);
});

it('an evaluation job queued by an earlier release starts the incidents not yet started, and none twice', async () => {
  // Ingested while no statement matched them: nothing started.
  const [early, late] = await ingest(
    incident({ user: { email: 'v@corp.example', department: 'Legacy' } }),
    incident({ user: { email: 'x@corp.example', department: 'Legacy' } }),
  );
  expect(await executionsOf(t, early)).toHaveLength(0);
  const m = await w.admin.post('/api/v1/workflow-mappings', {
    workflowId,
    condition: { type: 'predicate', property: 'department', operation: 'EQUALS', value: 'Legacy' },
  });
  expect(m.statusCode, m.body).toBe(201);
  // One of them is started meanwhile (as ingestion now does); the old job names both.
  await t.ctx.workflows.engine.start(
    t.orgId,
    early,
    { id: workflowId, name: 'Close by rule', versionId: (await versionIdOf(workflowId))! },
    'ingest',
    'System',
  );
  await t.ctx.db
    .transaction()
    .execute((trx) =>
      t.ctx.jobs.enqueue(trx, { kind: EVALUATE_JOB, orgId: t.orgId, payload: { incidentIds: [early, late] }, dedupeKey: `${EVALUATE_JOB}:${early}` }),
    );
  await runJobs(t);
  expect(await executionsOf(t, early)).toMatchObject([{ trigger_key: 'ingest', status: 'completed' }]);
  expect(await executionsOf(t, late)).toMatchObject([{ trigger_key: 'ingest', status: 'completed' }]);
  await w.admin.delete(`/api/v1/workflow-mappings/${m.json().id}`);
});

it('a statement that cannot be tested does not turn the incidents away: the evaluation job is left to retry it', async () => {
  const m = await w.admin.post('/api/v1/workflow-mappings', {
    workflowId,
    condition: { type: 'predicate', property: 'department', operation: 'EQUALS', value: 'Broken' },
  });
  expect(m.statusCode, m.body).toBe(201);
  // A stored condition no release could read (validation makes this a defect, not a user's mistake).
  // A new updated_at, as any change makes, so the compiled statements are compiled again.
  await t.ctx.db
    .updateTable('workflow_mappings')
    .set({ condition: '{"type":', updated_at: '2000-01-01T00:00:00.000Z' })
    .where('id', '=', m.json().id)
    .execute();
  const [id] = await ingest(incident({ transactionId: 'broken-statement-1', user: { email: 'b@corp.example', department: 'Broken' } }));
  expect(id).toBeGreaterThan(0);
  expect(await executionsOf(t, id)).toHaveLength(0);
  const jobs = await t.ctx.db
    .selectFrom('jobs')
    .select(['payload', 'status'])
    .where('kind', '=', EVALUATE_JOB)
    .where('dedupe_key', '=', `${EVALUATE_JOB}:${id}`)
    .execute();
  expect(jobs).toHaveLength(1);
  expect(JSON.parse(jobs[0].payload)).toEqual({ incidentIds: [id] });
  await t.ctx.db.deleteFrom('jobs').where('kind', '=', EVALUATE_JOB).execute();
  await t.ctx.db.deleteFrom('workflow_mappings').where('id', '=', m.json().id).execute();
});

async function versionIdOf(id: number): Promise<number | undefined> {
  const r = await t.ctx.db
    .selectFrom('workflow_versions as v')
    .innerJoin('workflows as wf', (j) => j.onRef('wf.id', '=', 'v.workflow_id').onRef('wf.current_version', '=', 'v.version'))
    .select('v.id')
    .where('wf.id', '=', id)
    .executeTakeFirst();
  return r?.id;
}
