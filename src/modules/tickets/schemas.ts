import { z } from 'zod';
import { INTEGRATION_TYPES } from '../../connectors/descriptors.js';
import { pageQuery, paged, sortOrder } from '../../platform/http/pagination.js';
import { queryId, text } from '../../platform/http/input.js';

/**
 * The tickets API contract (request and response shapes), shared by the server and, as types, the
 * web app. Routes (all under /api/v1):
 *
 *   POST /incidents/:id/tickets/preview   body createTicketBody → ticketPreview     (Incidents view)
 *   POST /incidents/:id/tickets           body createTicketBody → 202 ticketView    (Incidents edit)
 *   GET  /incidents/:id/tickets           → { items: ticketView[] } newest first   (Incidents view)
 *   GET  /incidents/:id/ticket-options    → ticketOptions (integrations with projects and users) (Incidents view)
 *   GET  /tickets                         query ticketListQuery → paged(ticketView) (Incidents view)
 *   GET  /tickets/:id                     → ticketView                              (Incidents view)
 *   POST /tickets/:id/retry               → ticketView                              (Incidents edit)
 *   POST /tickets/retry                   body { ids } → bulkRetryResult             (Incidents edit)
 *   GET  /integrations/:id/ticket-sync    → ticketSyncView                          (Integrations view)
 *   PUT  /integrations/:id/ticket-sync    body ticketSyncInput → ticketSyncView      (Integrations edit)
 *   POST /integrations/:id/ticket-sync/rotate-secret → ticketSyncView with `secret` shown once (Integrations edit)
 *   POST /integrations/:id/ticket-sync/poll → { polled, updated }                  (Integrations edit)
 *   POST /webhooks/jira/:integrationId          (signature only, rate-limited)
 *   POST /webhooks/servicenow/:integrationId    (shared-secret header only, rate-limited)
 */

export const TICKET_STATES = ['creating', 'open', 'closed', 'failed'] as const;

/**
 * A creation still "creating" this long after its last change (no answer, no failure) may be
 * retried by hand: the server refuses an earlier Retry, and the web app shows it as stuck.
 */
export const STUCK_AFTER_MS = 15 * 60_000;
export type TicketState = (typeof TICKET_STATES)[number];

/** What happens when a ticket is requested for an incident whose ticket on that integration is closed. */
export const CLOSED_TICKET_POLICIES = ['create_new', 'reopen', 'comment'] as const;
export type ClosedTicketPolicy = (typeof CLOSED_TICKET_POLICIES)[number];

const intId = queryId();

export const createTicketBody = z.strictObject({
  integrationId: intId.describe('A ServiceNow or Jira Cloud integration of your organization ("Ticketing Integration")'),
  /** Jira only: a project of that integration (its id in our jira_projects list). */
  projectId: intId.optional().describe('Jira only: the project (id from ticket-options)'),
  /** Jira only: issue type id of that project; defaults to the first mapped issue type, else the first one. */
  issueTypeId: text().trim().min(1).max(64).optional(),
  integrationUserId: intId.describe('An active integration user of that integration ("User")'),
  notes: text().trim().max(10_000, 'Notes must be at most 10,000 characters.').optional(),
});
export type CreateTicketInput = z.infer<typeof createTicketBody>;

export const ticketView = z.object({
  id: z.number(),
  incidentId: z.number(),
  transactionId: z.string().describe("The incident's transaction id"),
  integration: z.object({ id: z.number(), name: z.string(), type: z.enum(INTEGRATION_TYPES), typeLabel: z.string() }),
  project: z.object({ id: z.number().nullable(), key: z.string(), name: z.string() }).nullable(),
  state: z.enum(TICKET_STATES),
  /** ServiceNow number (INC0010001) / Jira key (SEC-12); null until created. */
  ticketKey: z.string().nullable(),
  ticketUrl: z.string().nullable(),
  /** Live external status name ("In Progress"); null until created. */
  externalStatus: z.string().nullable(),
  assignee: z.object({ integrationUserId: z.number().nullable(), name: z.string(), email: z.string() }),
  notes: z.string().nullable(),
  /** Why it failed: the ticketing system's own reason; `fieldErrors` field by field (Jira). */
  failureReason: z.string().nullable(),
  fieldErrors: z.record(z.string(), z.string()).nullable(),
  attempts: z.number(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  lastSyncedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
});
export type TicketView = z.infer<typeof ticketView>;

export const ticketPreview = z.object({
  summary: z.string(),
  description: z.string(),
  assignee: z.object({ name: z.string(), email: z.string(), externalId: z.string() }),
  /** ServiceNow: urgency/impact/correlation_id...; Jira: project, issuetype, labels and mapped fields, as sent. */
  fields: z.record(z.string(), z.unknown()),
  /** The exact request body that will be sent (secrets never appear in it). */
  body: z.unknown(),
  /** Set when a ticket for this incident on this integration already exists and blocks a new one. */
  existing: ticketView.nullable(),
});
export type TicketPreview = z.infer<typeof ticketPreview>;

export const ticketOptions = z.object({
  integrations: z.array(
    z.object({
      id: z.number(),
      name: z.string(),
      type: z.enum(INTEGRATION_TYPES),
      typeLabel: z.string(),
      projects: z.array(z.object({ id: z.number(), key: z.string(), name: z.string(), issueTypes: z.array(z.object({ id: z.string(), name: z.string() })) })),
      users: z.array(z.object({ id: z.number(), name: z.string(), email: z.string() })),
    }),
  ),
});
export type TicketOptions = z.infer<typeof ticketOptions>;

export const TICKET_SORTS = ['createdAt', 'updatedAt', 'state', 'ticketKey'] as const;
export const ticketListQuery = z.strictObject({
  ...pageQuery,
  integrationId: intId.optional(),
  state: z.enum(TICKET_STATES).optional(),
  assignee: text().trim().max(254).optional().describe('Assignee email or integration user id'),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  search: text().trim().max(200).optional().describe('Ticket key or incident transaction id'),
  sort: z.enum(TICKET_SORTS).default('createdAt'),
  order: sortOrder.default('desc'),
});
export type TicketListQuery = z.infer<typeof ticketListQuery>;
export const ticketPage = paged(ticketView);

export const bulkRetryBody = z.strictObject({ ids: z.array(intId).min(1).max(200) });
export const bulkRetryResult = z.object({
  succeeded: z.number(),
  failed: z.number(),
  results: z.array(z.object({ id: z.number(), ok: z.boolean(), error: z.object({ code: z.string(), message: z.string() }).optional() })),
});

export const ticketSyncInput = z.strictObject({
  pollIntervalMinutes: z.number().int().min(1).max(1440).optional(),
  webhooksEnabled: z.boolean().optional(),
  closedTicketPolicy: z.enum(CLOSED_TICKET_POLICIES).optional(),
});
export const ticketSyncView = z.object({
  integrationId: z.number(),
  pollIntervalMinutes: z.number(),
  webhooksEnabled: z.boolean(),
  closedTicketPolicy: z.enum(CLOSED_TICKET_POLICIES),
  /** Absolute URL built from WFA_PUBLIC_URL. */
  webhookUrl: z.string(),
  /** Only in the rotate-secret answer; otherwise null (secrets are never returned again). */
  secret: z.string().nullable(),
  secretSet: z.boolean(),
  /** Set-up steps for this system, shown on the integration's page. */
  setupSteps: z.array(z.string()),
  lastPollAt: z.string().nullable(),
  lastWebhookAt: z.string().nullable(),
});
export type TicketSyncView = z.infer<typeof ticketSyncView>;

/** The tickets summary carried by each incident in the list API. */
export const incidentTicketSummary = z.object({ id: z.number(), integrationName: z.string(), state: z.enum(TICKET_STATES), ticketKey: z.string().nullable() });
