import type { Kysely } from 'kysely';
import type { Config } from '../../config.js';
import { defineModule } from '../../platform/module.js';
import type { RemediationIncidents } from './deps.js';
import { remediationInit, type RemediationTables } from './migrations.js';
import type { AccountSettingsPort, NotificationsPort, TemplatesPort } from './ports.js';
import { remediationRoutes } from './routes.js';
import { RemediationService } from './service.js';
import type { WorkflowRemediationHooks } from '../workflows/steps.js';

type Deps = {
  db: Kysely<RemediationTables>;
  config: Pick<Config, 'publicUrl'>;
  incidents: RemediationIncidents;
  notifications: NotificationsPort;
  notificationTemplates: TemplatesPort;
  accountSettings: AccountSettingsPort;
  /** The workflow engine's Notify User and Escalate steps run this module's actions. */
  workflows: { remediationHooks: Pick<WorkflowRemediationHooks, 'use' | 'responded'> };
};

/** Notify User, Escalate and the justification surveys (issue #12 items 3–4). */
export const remediationModule = defineModule({
  key: 'remediation',
  migrations: { '0900_remediation': remediationInit },
  tables: ['survey_links', 'survey_responses'],
  create: (deps: Deps) => {
    const service = new RemediationService(
      { db: deps.db, config: deps.config, incidents: deps.incidents },
      { notifications: deps.notifications, templates: deps.notificationTemplates, accountSettings: deps.accountSettings },
      (exec, orgId, incidentId, linkId) => deps.workflows.remediationHooks.responded(exec, orgId, incidentId, linkId),
    );
    deps.workflows.remediationHooks.use(service);
    return service;
  },
  routes: remediationRoutes,
});
