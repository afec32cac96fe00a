import { expect, it } from 'vitest';
import { DEMO_WORKFLOW, seedDemoWorkflows } from '../../../src/modules/workflows/demo.js';
import { fullPermissions } from '../../../src/platform/permissions.js';
import { systemPrincipal } from '../../../src/platform/principal.js';
import type { TestApp } from '../../helpers/test-app.js';
import { runJobs, withTicketing, type Sandbox, type World } from './helpers.js';

let t: TestApp;
let sb: Sandbox;
let w: World;
withTicketing((a) => ({ t, sb, w } = a));

it('the demo maps an Auto Create Tickets workflow by a statement; its new Inline High incidents get one Jira ticket each with no click, once', async () => {
  const actor = systemPrincipal(t.orgId, fullPermissions());
  const lines = await seedDemoWorkflows(t.ctx.workflows, actor);
  expect(lines.join('\n')).toMatch(/6 new incidents ingested, 4 of them get a Jira ticket with no click/);
  const mappings = (await w.admin.get('/api/v1/workflow-mappings')).json().items;
  expect(mappings).toMatchObject([
    { workflowName: DEMO_WORKFLOW, sourceDlpType: 'Inline', condition: { type: 'predicate', property: 'severity', operation: 'EQUALS', value: 'High' } },
  ]);

  // Only the worker runs from here: evaluation, the create step and the ticket's creation in Jira.
  await runJobs(t);
  const incidents = await t.ctx.db.selectFrom('incidents').select('id').where('transaction_id', 'like', 'demo-wf-%').execute();
  expect(incidents).toHaveLength(6);
  let matched = 0;
  for (const { id } of incidents) {
    const d = (await w.admin.get(`/api/v1/incidents/${id}`)).json();
    const tickets = await t.ctx.db.selectFrom('tickets').select(['state', 'integration_id', 'created_by']).where('incident_id', '=', id).execute();
    const executions = (await w.admin.get(`/api/v1/incidents/${id}/workflow-executions`)).json().items;
    if (d.sourceType === 'Inline' && d.severity === 'High') {
      matched++;
      expect(tickets).toEqual([{ state: 'open', integration_id: w.jira.id, created_by: 'System' }]);
      expect(executions).toMatchObject([{ workflowName: DEMO_WORKFLOW, trigger: 'ingest', status: 'completed' }]);
    } else {
      expect(tickets).toEqual([]);
      expect(executions).toEqual([]);
    }
  }
  expect(matched).toBe(4);
  expect(sb.state.jira.issues).toHaveLength(4);

  expect(await seedDemoWorkflows(t.ctx.workflows, actor)).toEqual([]);
  expect((await w.admin.get('/api/v1/workflow-mappings')).json().items).toHaveLength(1);
});
