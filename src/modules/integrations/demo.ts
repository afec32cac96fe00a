import type { DemoSandbox } from '../../platform/module.js';
import type { Principal } from '../../platform/principal.js';
import { SANDBOX_JIRA_CREDENTIALS, SANDBOX_SERVICENOW_CREDENTIALS } from '../../sandbox/constants.js';
import type { IntegrationsService } from './service.js';

export const DEMO_SERVICENOW_NAME = 'snowtest';
export const DEMO_JIRA_NAME = 'jiratest';

/**
 * Connects one ServiceNow and one Jira Cloud integration to the demo sandbox, syncs Jira projects
 * and maps project SEC (Complete Status Done, required fields of both issue types) so tickets can
 * be created at once. Idempotent: existing integrations are pointed at the sandbox's new address.
 */
export async function seedDemoIntegrations(svc: IntegrationsService, actor: Principal, sandbox: DemoSandbox): Promise<string[]> {
  const ensure = async (name: string, body: Parameters<typeof svc.connect>[1]) => {
    const existing = (await svc.list(actor.orgId)).find((i) => i.name.toLowerCase() === name.toLowerCase());
    if (!existing) return svc.connect(actor, body);
    // The sandbox listens on new ports each run; updating the URL re-validates the stored credentials.
    const updated = existing.baseUrl === body.baseUrl ? existing : await svc.update(actor, existing.id, { baseUrl: body.baseUrl });
    return updated.enabled ? updated : svc.setEnabled(actor, existing.id, true);
  };
  const sn = await ensure(DEMO_SERVICENOW_NAME, {
    type: 'servicenow',
    name: DEMO_SERVICENOW_NAME,
    baseUrl: sandbox.servicenowUrl,
    adminEmail: 'admin@demo.local',
    credentials: { authMethod: 'oauth', ...SANDBOX_SERVICENOW_CREDENTIALS.oauth },
    settings: { syncTicketStatus: true, closeIncidentOnTicketClosed: true },
  });
  const jira = await ensure(DEMO_JIRA_NAME, {
    type: 'jira_cloud',
    name: DEMO_JIRA_NAME,
    baseUrl: sandbox.jiraUrl,
    credentials: { email: SANDBOX_JIRA_CREDENTIALS.email, apiToken: SANDBOX_JIRA_CREDENTIALS.apiToken },
    settings: { syncTicketStatus: true, closeIncidentOnTicketClosed: true, syncProjectList: true },
  });
  await svc.syncProjects(actor, jira.id);
  const sec = (await svc.projects(actor.orgId, jira.id)).find((p) => p.key === 'SEC');
  if (sec) {
    if (!sec.completeStatus) await svc.setCompleteStatus(actor, jira.id, sec.id, 'Done');
    for (const type of sec.issueTypes) {
      if (sec.mappedIssueTypes.some((m) => m.id === type.id)) continue;
      const mapping = await svc.getMapping(actor.orgId, jira.id, sec.id, type.id);
      const rows = mapping.fields
        .filter((f) => f.required && !f.locked)
        .map((f) =>
          f.key === 'summary'
            ? { fieldKey: f.key, incidentField: 'summary' as const }
            : f.allowedValues?.length
              ? { fieldKey: f.key, defaultValue: f.allowedValues.find((v) => v.name === 'Confidential')?.name ?? f.allowedValues[0].name }
              : { fieldKey: f.key, incidentField: 'summary' as const },
        );
      await svc.saveMapping(actor, jira.id, sec.id, type.id, { rows });
    }
  }
  return [`Integrations: ServiceNow "${sn.name}" and Jira Cloud "${jira.name}" connected to the sandbox (Jira project SEC mapped).`];
}
