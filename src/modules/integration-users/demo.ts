import type { Principal } from '../../platform/principal.js';
import { SANDBOX_SEEDED_EMAILS } from '../../sandbox/constants.js';
import type { IntegrationUsersService } from './service.js';

/**
 * Demo data: one integration user per sandbox integration (so a ticket can be assigned at once),
 * and the emails a newcomer can try in the Add User window, one line per outcome.
 * Idempotent: an already-added user is left as is.
 */
export async function seedDemoIntegrationUsers(service: IntegrationUsersService, actor: Principal): Promise<string[]> {
  const integrations = (await service.listIntegrations(actor.orgId)).filter((i) => i.enabled);
  const added: string[] = [];
  for (const i of integrations) {
    const email = i.type === 'servicenow' ? SANDBOX_SEEDED_EMAILS.servicenow.found[0] : SANDBOX_SEEDED_EMAILS.jira.found[0];
    const r = await service.lookup(actor, { integrationId: i.id, email }).catch(() => null);
    if (r?.outcome === 'found') {
      await service.add(actor, { integrationId: i.id, email }).catch(() => undefined);
      added.push(`${email} (${i.name})`);
    } else if (r?.outcome === 'already_added') added.push(`${email} (${i.name})`);
  }
  const sn = SANDBOX_SEEDED_EMAILS.servicenow;
  const jira = SANDBOX_SEEDED_EMAILS.jira;
  return [
    `Integration Users: ${added.length ? `added ${added.join(', ')}` : 'none added yet'}. Try Setup > Integration Users > Add More with:`,
    `    ServiceNow: ${sn.found.join(', ')} (inactive: ${sn.inactive[0]}; ambiguous: ${sn.ambiguous[0]}; not found: ${sn.notFound[0]})`,
    `    Jira Cloud: ${jira.found.join(', ')} (inactive: ${jira.inactive[0]}; hidden email: ${jira.emailHidden[0]}; ambiguous: ${jira.ambiguous[0]}; not found: ${jira.notFound[0]})`,
  ];
}
