import type { Kysely } from 'kysely';
import { defineModule } from '../../platform/module.js';
import type { AdminsService } from '../admins/service.js';
import type { LabelsService } from '../labels/service.js';
import type { RolesService } from '../roles/service.js';
import type { IncidentsDb } from './db.js';
import { seedDemoIncidents } from './generator.js';
import { incidentsEvidence, incidentsInit, incidentsPerf, incidentsSearchIndex, incidentsTextIndex } from './migrations.js';
import { COMPACT_SEARCH_TEXT_JOB, queueSearchTextCompaction } from './search-text-compaction.js';
import type { JobQueue } from '../../platform/jobs/index.js';
import { incidentsRoutes } from './routes.js';
import { IncidentsService } from './service.js';
import type { SecretBox } from '../../platform/secrets.js';

type Deps = {
  db: Kysely<IncidentsDb>;
  admins: Pick<AdminsService, 'get' | 'withPermission'>;
  roles: Pick<RolesService, 'permissionsOf'>;
  labels: Pick<LabelsService, 'list' | 'resolve'>;
  secrets: Pick<SecretBox, 'derive' | 'seal' | 'open'>;
  jobs: Pick<JobQueue, 'enqueue'>;
};

export const incidentsModule = defineModule({
  key: 'incidents',
  migrations: {
    '0400_incidents': incidentsInit,
    '0420_incidents_perf': incidentsPerf,
    '0430_incidents_text_index': incidentsTextIndex,
    '0440_incident_evidence': incidentsEvidence,
    '0450_incidents_search_index': incidentsSearchIndex,
    '0460_incidents_compact_search_text': queueSearchTextCompaction,
  },
  tables: ['incidents', 'incident_hour_counts', 'incident_events', 'incident_labels', 'incident_facets', 'incident_evidence'],
  sealedColumns: [{ table: 'incident_evidence', column: 'content' }],
  create: ({ db, admins, roles, labels, secrets, jobs }: Deps) => new IncidentsService(db, admins, roles, labels, secrets.derive('cursors'), secrets, jobs),
  routes: incidentsRoutes,
  jobs: { [COMPACT_SEARCH_TEXT_JOB]: (service, job) => service.searchTextCompaction.run(job) },
  demo: seedDemoIncidents,
});
