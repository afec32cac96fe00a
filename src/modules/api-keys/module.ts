import type { Kysely } from 'kysely';
import { BASELINE_MIGRATION } from '../../platform/db/migrate.js';
import { defineModule } from '../../platform/module.js';
import type { AuditRecorder } from '../audit/service.js';
import type { RolesService } from '../roles/service.js';
import type { ApiKeysDb } from './db.js';
import { apiKeysBaseline, apiKeysIdSecret, apiKeysLiveNameUnique } from './migrations.js';
import { apiKeysRoutes } from './routes.js';
import { ApiKeysService } from './service.js';

type Deps = { db: Kysely<ApiKeysDb>; audit: AuditRecorder; roles: Pick<RolesService, 'requireInOrg' | 'assertWithinActor'> };

export const apiKeysModule = defineModule({
  key: 'apiKeys',
  migrations: { [BASELINE_MIGRATION]: apiKeysBaseline, '0050_api_keys_id_secret': apiKeysIdSecret, '0051_api_keys_live_name_unique': apiKeysLiveNameUnique },
  tables: ['api_keys'],
  create: ({ db, audit, roles }: Deps) => new ApiKeysService(db, audit, roles),
  routes: apiKeysRoutes,
});
