import type { DemoSandbox } from '../../platform/module.js';
import type { Principal } from '../../platform/principal.js';
import type { EventWebhooksService } from './service.js';
import { EVENT_TYPES } from './schemas.js';

const DEMO_WEBHOOK = 'Sandbox event receiver';

/**
 * A webhook to the sandbox's event receiver, following every event, with the receiver told the
 * secret so its page shows the deliveries as valid. A secret is shown only when made, so each run
 * rotates it and tells the receiver again.
 */
export async function seedDemoEventWebhook(
  service: Pick<EventWebhooksService, 'list' | 'create' | 'rotateSecret'>,
  actor: Principal,
  sandbox: DemoSandbox,
): Promise<string[]> {
  const url = `${sandbox.servicenowUrl}/__sandbox/events`;
  const existing = (await service.list(actor.orgId)).find((w) => w.name === DEMO_WEBHOOK);
  const { secret } = existing
    ? await service.rotateSecret(actor, existing.id)
    : await service.create(actor, { name: DEMO_WEBHOOK, url, events: [...EVENT_TYPES], enabled: true });
  const res = await fetch(`${sandbox.servicenowUrl}/__sandbox/events/settings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ secret }),
    signal: AbortSignal.timeout(5_000),
  });
  if (!res.ok) return [`Event webhooks: the sandbox receiver refused its secret (${res.status}).`];
  return [`Event webhooks: deliveries to the sandbox receiver show at ${url}`];
}
