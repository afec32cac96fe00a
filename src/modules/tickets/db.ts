import type { IncidentsTables } from '../incidents/migrations.js';
import type { TicketsTables } from './migrations.js';

/** What the tickets module queries: its tables, and incidents by join (the transaction id on every listed ticket and its search). */
export type TicketsDb = TicketsTables & Pick<IncidentsTables, 'incidents'>;
