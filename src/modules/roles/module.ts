import type { Kysely } from 'kysely';
import { BASELINE_MIGRATION } from '../../platform/db/migrate.js';
import { defineModule } from '../../platform/module.js';
import type { AuditRecorder } from '../audit/service.js';
import type { RolesDb } from './db.js';
import { rolesBaseline } from './migrations.js';
import { rolesRoutes } from './routes.js';
import { RolesService } from './service.js';

export const rolesModule = defineModule({
  key: 'roles',
  migrations: { [BASELINE_MIGRATION]: rolesBaseline },
  tables: ['roles'],
  create: ({ db, audit }: { db: Kysely<RolesDb>; audit: AuditRecorder }) => new RolesService(db, audit),
  routes: rolesRoutes,
});
