import { defineModule } from '../../platform/module.js';
import { DELIVER_JOB, type NotificationsDeps } from './deps.js';
import { seedDemoNotifications } from './demo.js';
import { notificationsInit } from './migrations.js';
import { notificationsRoutes } from './routes.js';
import { NotificationsService } from './service.js';

/** Notifications (issue #12): email, Slack and Teams channels and durable, exactly-once delivery. */
export const notificationsModule = defineModule({
  key: 'notifications',
  migrations: { '0700_notifications': notificationsInit },
  tables: ['chat_connections', 'notification_messages'],
  sealedColumns: [{ table: 'chat_connections', column: 'webhook_url' }],
  create: (deps: NotificationsDeps) => new NotificationsService(deps),
  routes: (service) => notificationsRoutes(service),
  jobs: { [DELIVER_JOB]: (service, job) => service.runDeliveryJob(job) },
  demo: (service, actor, sandbox) => seedDemoNotifications(service, actor, sandbox),
});
