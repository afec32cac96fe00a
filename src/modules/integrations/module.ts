import type { Kysely } from 'kysely';
import type { Config } from '../../config.js';
import type { TableWrites } from '../../platform/db/table-writes.js';
import { DAY_MS } from '../../platform/jobs/index.js';
import type { Logger } from '../../platform/log.js';
import { defineModule } from '../../platform/module.js';
import type { SecretBox } from '../../platform/secrets.js';
import type { AlertsRaiser } from '../alerts/service.js';
import type { AuditRecorder } from '../audit/service.js';
import { PROJECT_SYNC_SCHEDULE, syncJiraProjectLists } from './background.js';
import { seedDemoIntegrations } from './demo.js';
import { integrationsFieldSchema, integrationsDefaultsById, integrationsInit, integrationsSoftDelete } from './migrations.js';
import { integrationsRoutes } from './routes.js';
import { IntegrationsService } from './service.js';
import type { IntegrationsTables } from './tables.js';

type Deps = {
  db: Kysely<IntegrationsTables>;
  audit: AuditRecorder;
  alerts: AlertsRaiser;
  secrets: SecretBox;
  config: Pick<Config, 'allowPrivateTargets'>;
  log: Logger;
  writes: TableWrites;
};

export const integrationsModule = defineModule({
  key: 'integrations',
  migrations: {
    '0200_integrations': integrationsInit,
    '0220_integrations_soft_delete': integrationsSoftDelete,
    '0230_jira_field_schema': integrationsFieldSchema,
    '0240_jira_defaults_by_id': integrationsDefaultsById,
  },
  tables: ['integrations', 'jira_projects', 'jira_field_mappings'],
  sealedColumns: [{ table: 'integrations', column: 'credentials' }],
  create: ({ db, audit, alerts, secrets, config, log, writes }: Deps) => new IntegrationsService(db, audit, alerts, secrets, config, log, writes),
  routes: integrationsRoutes,
  schedules: [{ name: PROJECT_SYNC_SCHEDULE, everyMs: DAY_MS, run: syncJiraProjectLists }],
  demo: seedDemoIntegrations,
});
