import type { Kysely } from 'kysely';
import type { Config } from '../../config.js';
import { BASELINE_MIGRATION } from '../../platform/db/migrate.js';
import type { TableWrites } from '../../platform/db/table-writes.js';
import { defineModule } from '../../platform/module.js';
import type { AdminsService } from '../admins/service.js';
import type { AuthDb } from './db.js';
import { loginFailuresInit, sessionsBaseline } from './migrations.js';
import { authRoutes } from './routes.js';
import { AuthService } from './service.js';

type Deps = { db: Kysely<AuthDb>; config: Config; admins: Pick<AdminsService, 'findByEmail' | 'recordSignIn'>; writes: TableWrites };

export const authModule = defineModule({
  key: 'auth',
  migrations: { [BASELINE_MIGRATION]: sessionsBaseline, '0130_login_failures': loginFailuresInit },
  tables: ['sessions', 'login_failures'],
  create: ({ db, config, admins, writes }: Deps) => new AuthService(db, config, admins, writes),
  routes: authRoutes,
});
