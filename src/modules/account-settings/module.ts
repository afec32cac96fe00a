import { defineModule } from '../../platform/module.js';
import { accountSettingsInit } from './migrations.js';
import { accountSettingsRoutes } from './routes.js';
import { AccountSettingsService, type Deps } from './service.js';
import { ATTRIBUTES_IMPORT_JOB } from './user-attributes.js';

export const accountSettingsModule = defineModule({
  key: 'accountSettings',
  migrations: { '0850_account_settings': accountSettingsInit },
  tables: ['account_settings', 'approvers', 'user_attributes', 'user_attribute_imports', 'user_attribute_import_rows'],
  create: (deps: Deps) => new AccountSettingsService(deps),
  routes: accountSettingsRoutes,
  jobs: {
    [ATTRIBUTES_IMPORT_JOB]: async (service, job) => {
      const { importId } = job.payload as { importId: number };
      try {
        await service.attributes.runImport(importId, job.orgId!);
      } catch (err) {
        if (job.attempts >= job.maxAttempts) await service.attributes.failImport(importId, job.orgId!, `The import stopped: ${(err as Error).message}`);
        throw err;
      }
    },
  },
});
