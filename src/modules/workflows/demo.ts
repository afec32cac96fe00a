import type { Principal } from '../../platform/principal.js';
import { generateIncidents } from '../incidents/generator.js';
import type { WorkflowsService } from './service.js';

export const DEMO_WORKFLOW = 'Jira tickets for Inline High (demo)';
const DAY = 86_400_000;

/**
 * Demo: an Auto Create Tickets workflow for the sandbox Jira, mapped by the statement "Source DLP
 * Type Inline AND severity EQUALS High", then a few new incidents ingested as a DLP feed would
 * send them: the worker evaluates them and the matching ones get their Jira ticket with no click,
 * the others none. Earlier incidents are left as they are (a mapping applies to new incidents).
 * Idempotent: an org that has the demo workflow is left as is.
 */
export async function seedDemoWorkflows(service: WorkflowsService, actor: Principal): Promise<string[]> {
  if ((await service.list(actor.orgId, {})).some((w) => w.name === DEMO_WORKFLOW)) return [];
  const options = await service.ticketingOptions(actor.orgId);
  const jira = options.integrations.find((i) => i.type === 'jira_cloud' && i.projects.some((p) => p.key === 'SEC') && i.users.length);
  if (!jira) return ['Workflows: no demo workflow (connect the sandbox Jira with its SEC project and an active user first).'];
  const workflow = await service.create(actor, {
    template: 'auto_create_tickets',
    name: DEMO_WORKFLOW,
    description: 'Every new Inline incident of High severity gets a Jira ticket in SEC.',
    settings: { ticketing: { integrationId: jira.id, projectId: jira.projects.find((p) => p.key === 'SEC')!.id, integrationUserId: jira.users[0].id } },
  });
  await service.addMapping(actor, {
    workflowId: workflow.id,
    sourceDlpType: 'Inline',
    condition: { type: 'predicate', property: 'severity', operation: 'EQUALS', value: 'High' },
  });

  // A small feed: four incidents the statement matches and two it does not, all new.
  const now = new Date();
  const sample = [...generateIncidents({ count: 300, seed: 11, from: new Date(now.getTime() - DAY), to: now, prefix: 'demo-wf', duplicateRate: 0 })];
  const matching = sample.filter((i) => i.sourceType === 'Inline' && i.severity === 'High').slice(0, 4);
  const others = sample.filter((i) => i.sourceType !== 'Inline' || i.severity !== 'High').slice(0, 2);
  const result = await service.demoIngest(actor, [...matching, ...others]);
  return [
    `Workflows: "${DEMO_WORKFLOW}" mapped to Inline AND severity EQUALS High; ${result.created} new incidents ingested, ` +
      `${matching.length} of them get a Jira ticket with no click (Incident Details > Workflow).`,
  ];
}
