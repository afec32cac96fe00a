import { defineModule } from '../../platform/module.js';
import { seedDemoIncidentGroups } from './demo.js';
import { incidentGroupsInit } from './migrations.js';
import { incidentGroupsRoutes } from './routes.js';
import { IncidentGroupsService, type IncidentGroupsDeps } from './service.js';

/** Incident Groups, Incident Group Mappings and Priorities (PRODUCT.md §11, §14; issue #11 item 6). */
export const incidentGroupsModule = defineModule({
  key: 'incidentGroups',
  migrations: { '0660_incident_groups': incidentGroupsInit },
  tables: ['incident_groups', 'incident_group_mappings', 'incident_group_mapping_targets', 'incident_group_settings', 'incident_group_members'],
  create: (deps: IncidentGroupsDeps) => new IncidentGroupsService(deps),
  routes: incidentGroupsRoutes,
  demo: seedDemoIncidentGroups,
});
