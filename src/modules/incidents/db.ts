import type { AdminsTables } from '../admins/migrations.js';
import type { IncidentGroupMembershipTables } from '../incident-groups/migrations.js';
import type { IncidentsTables } from './migrations.js';

/**
 * What the incidents module queries: its tables, admins by join (the DLP Admin's name in lists and
 * exports), and incident groups by join (the list's Incident Groups column and filter: a service
 * call per page, and a subquery the filter cannot express through one, would cost round trips on
 * the hottest list).
 */
export type IncidentsDb = IncidentsTables & AdminsTables & IncidentGroupMembershipTables;
