import { beforeAll, expect, it } from 'vitest';
import type { TestApp } from '../../helpers/test-app.js';
import { executionsOf, incident, runJobs, withTicketing, type World } from './helpers.js';

/**
 * Ingestion's evaluation reads the statements compiled once per set of statements: a change made
 * by this process or by another one (another server on the same database) is what the next batch
 * is evaluated against; the batch's incidents are read with only what the statements read.
 */
let t: TestApp;
let w: World;
let workflowId: number;
withTicketing((a) => ({ t, w } = a));
beforeAll(async () => {
  const wf = await w.admin.post('/api/v1/workflows', { template: 'auto_close', name: 'Close by rule', settings: { close: { notes: 'by rule' } } });
  workflowId = wf.json().id;
});

async function ingest(...items: Record<string, unknown>[]): Promise<number[]> {
  const res = await w.admin.post('/api/v1/incidents', { incidents: items });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json().results as { id: number }[]).map((r) => r.id);
}

it('a statement changed by another server process is used for the next batch', async () => {
  const m = await w.admin.post('/api/v1/workflow-mappings', {
    workflowId,
    condition: { type: 'predicate', property: 'department', operation: 'EQUALS', value: 'Finance' },
  });
  expect(m.statusCode, m.body).toBe(201);
  const [finance, legal] = await ingest(
    incident({ user: { email: 'a@corp.example', department: 'Finance' } }),
    incident({ user: { email: 'b@corp.example', department: 'Legal' } }),
  );
  await runJobs(t);
  expect(await executionsOf(t, finance)).toHaveLength(1);
  expect(await executionsOf(t, legal)).toHaveLength(0);

  // Another process edits the statement: only the database changes, this process is not told.
  await t.ctx.db
    .updateTable('workflow_mappings')
    .set({
      condition: JSON.stringify({ type: 'predicate', property: 'department', operation: 'EQUALS', value: 'Legal' }),
      updated_at: new Date(Date.now() + 1000).toISOString(),
    })
    .where('id', '=', m.json().id)
    .execute();
  const [finance2, legal2] = await ingest(
    incident({ user: { email: 'c@corp.example', department: 'Finance' } }),
    incident({ user: { email: 'd@corp.example', department: 'Legal' } }),
  );
  await runJobs(t);
  expect(await executionsOf(t, finance2)).toHaveLength(0);
  expect(await executionsOf(t, legal2)).toHaveLength(1);
  await w.admin.delete(`/api/v1/workflow-mappings/${m.json().id}`);
});

it('statements over the ingested details (Client IP) and the labels read them when loaded only for such statements', async () => {
  const byIp = await w.admin.post('/api/v1/workflow-mappings', {
    workflowId,
    condition: {
      type: 'and',
      items: [
        { type: 'predicate', property: 'clientIp', operation: 'IN_IPv4_SUBNET', value: '10.20.0.0/16' },
        { type: 'not', item: { type: 'predicate', property: 'labels', operation: 'EXISTS' } },
      ],
    },
  });
  expect(byIp.statusCode, byIp.body).toBe(201);
  const [inside, outside, noIp] = await ingest(
    incident({ user: { email: 'e@corp.example', clientIp: '10.20.3.4' } }),
    incident({ user: { email: 'f@corp.example', clientIp: '10.21.3.4' } }),
    incident({ user: { email: 'g@corp.example' } }),
  );
  await runJobs(t);
  expect(await executionsOf(t, inside)).toMatchObject([{ trigger_key: 'ingest', status: 'completed' }]);
  expect(await executionsOf(t, outside)).toHaveLength(0);
  expect(await executionsOf(t, noIp)).toHaveLength(0);
  const detail = (await w.admin.get(`/api/v1/incidents/${inside}`)).json();
  expect(detail.events.filter((e: { comment: string }) => e.comment === 'Workflow Close by rule started')).toHaveLength(1);
  expect(detail.lastChange).toBe('Workflow Close by rule completed');
  await w.admin.delete(`/api/v1/workflow-mappings/${byIp.json().id}`);
});
