import type { Kysely } from 'kysely';
import { DAY_MS, type JobQueue } from '../../platform/jobs/index.js';
import { defineModule } from '../../platform/module.js';
import type { AuditRecorder } from '../audit/service.js';
import { IMPORT_JOB, VERIFY_SCHEDULE, runImportJob, verifyAllUsers } from './background.js';
import { seedDemoIntegrationUsers } from './demo.js';
import type { IntegrationsPort } from './integrations-port.js';
import { integrationUsersIndexes, integrationUsersInit, integrationUsersListJson, integrationUsersNameLower } from './migrations.js';
import { integrationUsersRoutes } from './routes.js';
import { IntegrationUsersService } from './service.js';
import type { IntegrationUsersTables } from './tables.js';
import type { SecretBox } from '../../platform/secrets.js';

type Deps = {
  db: Kysely<IntegrationUsersTables>;
  stablePlans: Kysely<IntegrationUsersTables>;
  audit: AuditRecorder;
  jobs: Pick<JobQueue, 'enqueue'>;
  integrations: IntegrationsPort;
  secrets: Pick<SecretBox, 'derive'>;
};

export const integrationUsersModule = defineModule({
  key: 'integrationUsers',
  migrations: {
    '0300_integration_users': integrationUsersInit,
    '0310_integration_users_indexes': integrationUsersIndexes,
    '0320_integration_users_list_json': integrationUsersListJson,
    '0330_integration_users_name_lower': integrationUsersNameLower,
  },
  tables: ['integration_users', 'integration_user_counts', 'integration_user_imports', 'integration_user_import_rows'],
  create: ({ db, stablePlans, audit, jobs, integrations, secrets }: Deps) =>
    new IntegrationUsersService({ db, stablePlans }, audit, jobs, () => integrations, secrets.derive('cursors')),
  routes: integrationUsersRoutes,
  jobs: { [IMPORT_JOB]: runImportJob },
  schedules: [{ name: VERIFY_SCHEDULE, everyMs: DAY_MS, run: verifyAllUsers }],
  demo: seedDemoIntegrationUsers,
  usage: (service) => ({
    integration: { name: 'integration users', count: (orgId, integrationId, exec) => service.countForIntegration(orgId, integrationId, exec) },
  }),
});
