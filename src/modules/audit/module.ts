import type { Kysely } from 'kysely';
import { BASELINE_MIGRATION } from '../../platform/db/migrate.js';
import { defineModule } from '../../platform/module.js';
import { auditBaseline, type AuditTables } from './migrations.js';
import { auditRoutes } from './routes.js';
import { AuditService } from './service.js';

export const auditModule = defineModule({
  key: 'audit',
  migrations: { [BASELINE_MIGRATION]: auditBaseline },
  tables: ['audit_log'],
  create: ({ db }: { db: Kysely<AuditTables> }) => new AuditService(db),
  routes: auditRoutes,
});
