import { defineModule } from '../../platform/module.js';
import { notificationTemplatesInit } from './migrations.js';
import { notificationTemplatesRoutes } from './routes.js';
import { NotificationTemplatesService, type NotificationTemplatesDeps } from './service.js';

/** Notification Templates, Survey Templates and Template Mappings (issue #12 item 5); `render` for the senders. */
export const notificationTemplatesModule = defineModule({
  key: 'notificationTemplates',
  migrations: { '0800_notification_templates': notificationTemplatesInit },
  tables: ['notification_templates', 'template_mappings', 'survey_templates'],
  create: (deps: NotificationTemplatesDeps) => new NotificationTemplatesService(deps),
  routes: notificationTemplatesRoutes,
  orgSetup: (service) => (trx, orgId) => service.templates.seedDefaults(trx, orgId),
});
