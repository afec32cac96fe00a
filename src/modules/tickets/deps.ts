import type { Kysely } from 'kysely';
import type { Config } from '../../config.js';
import type { TicketingConnector } from '../../connectors/index.js';
import type { TicketsDb as DB } from './db.js';
import type { TicketSyncService } from './sync/service.js';
import type { JobQueue } from '../../platform/jobs/index.js';
import type { Metrics } from '../../platform/metrics.js';
import type { IncidentDetail, IncidentListItem, ListQuery } from '../incidents/schemas.js';
import type { IncidentTicketHooks } from '../incidents/ticket-hooks.js';
import type { AssigneeRecord } from '../integration-users/service.js';
import type { UserView } from '../integration-users/schemas.js';
import type { IntegrationSummary } from '../integrations/service.js';
import type { JiraProjectView, MappingRowView } from '../integrations/schemas.js';

/** What the tickets module uses of the rest of the product, and nothing more. */
export type TicketsDeps = {
  db: Kysely<DB>;
  config: Pick<Config, 'publicUrl' | 'tickets' | 'jobs'>;
  jobs: Pick<JobQueue, 'enqueue'>;
  metrics: Pick<Metrics, 'ticketOutcomes'>;
  log: { warn: (obj: unknown, msg?: string) => void; error: (obj: unknown, msg?: string) => void };
  incidents: {
    detail(orgId: number, id: number): Promise<IncidentDetail>;
    /** The demo picks incidents from the list. */
    list(orgId: number, q: ListQuery): Promise<{ items: IncidentListItem[] }>;
    ticketHooks: IncidentTicketHooks;
  };
  integrations: {
    summary(orgId: number, id: number): Promise<IntegrationSummary | null>;
    summaries(orgId: number): Promise<IntegrationSummary[]>;
    connectorFor(orgId: number, id: number): Promise<TicketingConnector>;
    projects(orgId: number, integrationId: number): Promise<JiraProjectView[]>;
    fieldMappings(orgId: number, projectId: number, issueTypeId: string): Promise<MappingRowView[]>;
  };
  /** The integration's closed-ticket policy lives with its sync settings. */
  ticketSync: Pick<TicketSyncService, 'closedTicketPolicy'>;
  integrationUsers: {
    getAssignee(orgId: number, id: number): Promise<AssigneeRecord | null>;
    listAssignable(orgId: number, integrationId: number): Promise<UserView[]>;
  };
};

export const CREATE_JOB = 'tickets.create';
export type CreateJobPayload = { ticketId: number; run: number };
