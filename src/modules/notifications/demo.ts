import type { DemoSandbox } from '../../platform/module.js';
import type { Principal } from '../../platform/principal.js';
import type { NotificationsService } from './service.js';

/** What the demo needs of the sandbox: its Slack and Teams webhook URLs and mailbox page. */
type MessagingSandbox = DemoSandbox & { messaging?: { url: string; slackWebhookUrl: string; teamsWebhookUrl: string; mailboxUrl: string } };

/**
 * Demo: a Slack and a Teams channel pointing at the sandbox receivers and one test notification on
 * each channel, so a newcomer sees every kind arrive. Idempotent: existing channels are kept.
 */
export async function seedDemoNotifications(service: NotificationsService, actor: Principal, sandbox: DemoSandbox): Promise<string[]> {
  const messaging = (sandbox as MessagingSandbox).messaging;
  if (!messaging) return ['Notifications: no sandbox messaging (Slack, Teams, SMTP) to connect.'];
  const existing = await service.listChannels(actor.orgId);
  const ensure = async (kind: 'slack' | 'teams', name: string, webhookUrl: string) =>
    existing.find((c) => c.kind === kind) ?? (await service.createChannel(actor, { kind, name, webhookUrl }));
  const slack = await ensure('slack', 'Security alerts (Slack)', messaging.slackWebhookUrl);
  const teams = await ensure('teams', 'Security alerts (Teams)', messaging.teamsWebhookUrl);
  const lines = [`Notifications: Slack channel "${slack.name}" and Teams channel "${teams.name}" connected to the sandbox.`];
  if (service.deps.config.smtp && service.deps.config.smtpFrom) {
    await service.sendTestEmail(actor, { to: 'analyst@example.com', name: 'Demo Analyst' });
    lines.push(`Notifications: a test email to analyst@example.com is on its way; see ${messaging.mailboxUrl}`);
  }
  await service.deps.db.transaction().execute(async (trx) => {
    for (const c of [slack, teams]) {
      await service.enqueue(trx, actor.orgId, {
        purpose: 'demo:welcome',
        kind: 'test',
        channel: c.kind,
        recipient: String(c.id),
        content: { subject: 'Workflow Automation demo', text: 'Notifications from the demo arrive here.' },
      });
    }
  });
  lines.push(`Notifications: messages, Slack and Teams receivers: ${messaging.url}/  (Deliveries in the Notification Center)`);
  return lines;
}
