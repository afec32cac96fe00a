import type { IncidentsTables } from '../incidents/migrations.js';
import type { TicketsTables } from './migrations.js';

/**
 * What the tickets module queries: its tables, and incidents for their transaction id (on every
 * listed ticket and its search, and the one thing a Submit copies from its incident).
 */
export type TicketsDb = TicketsTables & Pick<IncidentsTables, 'incidents'>;
