import type { Kysely } from 'kysely';
import { defineModule } from '../../platform/module.js';
import type { AuditRecorder } from '../audit/service.js';
import { seedDemoLabels } from './demo.js';
import { labelsInit, type LabelsTables } from './migrations.js';
import { labelsRoutes } from './routes.js';
import { LabelsService } from './service.js';

export const labelsModule = defineModule({
  key: 'labels',
  migrations: { '0410_labels': labelsInit },
  tables: ['labels', 'label_values'],
  create: ({ db, audit }: { db: Kysely<LabelsTables>; audit: AuditRecorder }) => new LabelsService(db, audit),
  routes: labelsRoutes,
  demo: seedDemoLabels,
});
