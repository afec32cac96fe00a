import type { DemoSandbox } from '../../../platform/module.js';
import type { Principal } from '../../../platform/principal.js';
import type { IntegrationsPort } from './ports.js';
import type { TicketSyncService } from './service.js';

/**
 * `npm run demo`: the sandbox pushes every status or assignee change of a ticket to this server,
 * signed like the real systems, so moving a ticket on the sandbox page shows on the incident at once.
 * Idempotent: the sandbox is new on every run and is told the stored secret again.
 */
export async function seedDemoTicketSync(sync: TicketSyncService, integrations: IntegrationsPort, actor: Principal, sandbox: DemoSandbox): Promise<string[]> {
  const lines: string[] = [];
  for (const i of await integrations.list(actor.orgId)) {
    const sandboxUrl = i.type === 'servicenow' ? sandbox.servicenowUrl : sandbox.jiraUrl;
    if (i.baseUrl !== sandboxUrl || !i.settings.syncTicketStatus) continue;
    const secret = await sync.secretForDemo(actor, i.id);
    const view = await sync.update(actor, i.id, { webhooksEnabled: true });
    const body = JSON.stringify({ system: i.type === 'servicenow' ? 'servicenow' : 'jira', url: view.webhookUrl, secret });
    const post = () => fetch(`${sandboxUrl}/__sandbox/webhooks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    // Once more on a reset connection: seen once while the machine was busy, and the setting is idempotent.
    const res = await post().catch(() => post());
    if (!res.ok) throw new Error(`The sandbox refused its webhook target (${res.status}).`);
    lines.push(
      `Status sync: the sandbox ${i.type === 'servicenow' ? 'ServiceNow' : 'Jira'} pushes ticket changes to ${view.webhookUrl}; move a ticket at ${sandboxUrl}/__sandbox`,
    );
  }
  return lines;
}
