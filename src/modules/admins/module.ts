import type { Kysely } from 'kysely';
import { BASELINE_MIGRATION } from '../../platform/db/migrate.js';
import { defineModule } from '../../platform/module.js';
import type { AuditRecorder } from '../audit/service.js';
import type { RolesService } from '../roles/service.js';
import type { AdminsDb } from './db.js';
import { adminsBaseline } from './migrations.js';
import { adminsRoutes } from './routes.js';
import { AdminsService } from './service.js';

type Deps = { db: Kysely<AdminsDb>; audit: AuditRecorder; roles: Pick<RolesService, 'requireInOrg' | 'assertWithinActor'> };

export const adminsModule = defineModule({
  key: 'admins',
  migrations: { [BASELINE_MIGRATION]: adminsBaseline },
  tables: ['admins'],
  create: ({ db, audit, roles }: Deps) => new AdminsService(db, audit, roles),
  routes: adminsRoutes,
});
