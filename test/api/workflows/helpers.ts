import type { Session, TestApp } from '../../helpers/test-app.js';
import type { Sandbox, World } from '../tickets/helpers.js';

export {
  count,
  makeJobsDue,
  newIncident,
  runJobs,
  sandboxTickets,
  setUp,
  startTestSandbox,
  noWait,
  withTicketing,
  type Sandbox,
  type World,
} from '../tickets/helpers.js';
export { incident } from '../incidents/helpers.js';

/** An Auto Create Tickets workflow for the Jira sandbox's SEC project, assigned to its user. */
export async function jiraTicketsWorkflow(s: Session, w: World, name = `Jira tickets ${Math.random().toString(36).slice(2, 8)}`) {
  const res = await s.post('/api/v1/workflows', {
    template: 'auto_create_tickets',
    name,
    settings: { ticketing: { integrationId: w.jira.id, projectId: w.sec.id, integrationUserId: w.jiraUser.id } },
  });
  if (res.statusCode !== 201) throw new Error(`workflow: ${res.statusCode} ${res.body}`);
  return res.json() as { id: number; name: string; version: number };
}

/** The "Done when" statement: Source DLP Type Inline AND severity EQUALS High. */
export async function mapInlineHigh(s: Session, workflowId: number) {
  const res = await s.post('/api/v1/workflow-mappings', {
    workflowId,
    sourceDlpType: 'Inline',
    condition: { type: 'predicate', property: 'severity', operation: 'EQUALS', value: 'High' },
  });
  if (res.statusCode !== 201) throw new Error(`mapping: ${res.statusCode} ${res.body}`);
  return res.json() as { id: number };
}

export async function ticketsOf(t: TestApp, incidentId: number) {
  return t.ctx.db.selectFrom('tickets').selectAll().where('incident_id', '=', incidentId).execute();
}

export async function executionsOf(t: TestApp, incidentId: number) {
  return t.ctx.db.selectFrom('workflow_executions').selectAll().where('incident_id', '=', incidentId).execute();
}

export type { Sandbox as SandboxT };
