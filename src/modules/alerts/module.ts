import type { Kysely } from 'kysely';
import { BASELINE_MIGRATION } from '../../platform/db/migrate.js';
import { defineModule } from '../../platform/module.js';
import { alertsBaseline, type AlertsTables } from './migrations.js';
import { alertsRoutes } from './routes.js';
import { AlertsService } from './service.js';

export const alertsModule = defineModule({
  key: 'alerts',
  migrations: { [BASELINE_MIGRATION]: alertsBaseline },
  tables: ['alerts'],
  create: ({ db }: { db: Kysely<AlertsTables> }) => new AlertsService(db),
  routes: alertsRoutes,
});
