import { defineModule } from '../../platform/module.js';
import { seedDemoEventWebhook } from './demo.js';
import { eventWebhooksInit } from './migrations.js';
import { eventWebhooksRoutes } from './routes.js';
import { DELIVER_JOB, EventWebhooksService, type EventWebhooksDeps } from './service.js';

/** Outbound event webhooks (issue #13 item 5): Setup > Webhooks, signed deliveries through the job queue, the delivery log. */
export const eventWebhooksModule = defineModule({
  key: 'eventWebhooks',
  migrations: { '0950_event_webhooks': eventWebhooksInit },
  tables: ['event_webhooks', 'event_webhook_deliveries'],
  sealedColumns: [{ table: 'event_webhooks', column: 'secret' }],
  create: (deps: EventWebhooksDeps) => new EventWebhooksService(deps),
  routes: eventWebhooksRoutes,
  jobs: { [DELIVER_JOB]: (service, job) => service.deliver(job) },
  demo: (service, actor, sandbox) => seedDemoEventWebhook(service, actor, sandbox),
});
