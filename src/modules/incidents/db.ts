import type { AdminsTables } from '../admins/migrations.js';
import type { IncidentsTables } from './migrations.js';

/** What the incidents module queries: its tables, and admins by join (the DLP Admin's name in lists and exports). */
export type IncidentsDb = IncidentsTables & AdminsTables;
