import { z } from 'zod';
import { text } from '../../platform/http/input.js';

/**
 * The compatible API's wire shapes: what scripts and SDKs written for the reference product send
 * and read (wire reference: ZWA public API). One source for the OpenAPI document (/dlp/openapi.json)
 * and for the conformance tests, which parse every answer with these schemas. Field types follow
 * the strictest vendor client (a typed decoder that fails the whole call on a type mismatch), so a
 * field is either its declared type or null — never an object where a string is declared.
 */

const str = z.string().nullable();
const int = z.number().int().nullable();
const dateTime = z.string().describe('ISO-8601 date-time (UTC)');

/* ------------------------------------------------------------------ authentication */

/** Both fields are strings; snake_case is the vendor's (the only snake_case payload). */
export const tokenRequest = z.object({ key_id: text().max(200), key_secret: text().max(500) });
export const tokenResponse = z.object({
  token: z.string().min(1),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int().positive().describe('Seconds until the token expires'),
});

/* ------------------------------------------------------------------ errors */

export const errorBody = z.object({
  code: z.string().describe('UPPER_SNAKE error code'),
  message: z.string(),
  internalMessage: z.string().describe('The same text, under the name the vendor uses'),
});

/* ------------------------------------------------------------------ objects */

export const label = z.object({ key: z.string(), value: z.string() });
export const note = z.object({ body: z.string(), createdAt: dateTime, lastUpdatedAt: dateTime, createdBy: z.number().int(), lastUpdatedBy: z.number().int() });
export const ticket = z.object({
  ticketType: z.enum(['SERVICENOW', 'JIRA_CLOUD']),
  ticketingSystemName: z.string(),
  projectId: str,
  projectName: str,
  ticketInfo: z.object({ ticketId: str, ticketUrl: str, state: z.string() }),
});
export const incidentGroupShort = z.object({ id: z.number().int(), name: z.string(), description: z.string() });
export const incidentGroup = incidentGroupShort.extend({
  status: z.string(),
  incidentGroupType: z.string(),
  isDLPIncidentGroupAlreadyMapped: z.boolean(),
  isDLPAdminConfigAlreadyMapped: z.boolean(),
});

export const SEVERITY_WIRE = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFO'] as const;
export const PRIORITY_WIRE = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as const;
export const STATUS_WIRE = ['NEW', 'INVESTIGATING', 'VALIDATING_WITH_USER', 'RECEIVED_JUSTIFICATION_RESPONSE', 'ESCALATED', 'RESOLVED'] as const;
export const SOURCE_TYPE_WIRE = ['INLINE', 'EMAIL', 'ENDPOINT', 'SAAS_SECURITY'] as const;

export const incident = z.object({
  internalId: z.string().describe('The incident id used in paths: a decimal integer below 2^53, as a string'),
  integrationType: z.string(),
  transactionId: z.string(),
  sourceType: z.enum(SOURCE_TYPE_WIRE),
  sourceSubType: str,
  sourceActions: z.array(z.string()),
  severity: z.enum(SEVERITY_WIRE),
  priority: z.enum(PRIORITY_WIRE),
  matchingPolicies: z.object({
    engines: z.array(z.object({ name: z.string(), rule: z.string() })),
    rules: z.array(z.object({ name: z.string() })),
    dictionaries: z.array(z.object({ name: z.string(), matchCount: z.number().int(), nameMatchCount: z.string() })),
  }),
  matchCount: z.number().int(),
  createdAt: dateTime,
  lastUpdatedAt: dateTime,
  sourceFirstObservedAt: dateTime,
  sourceLastObservedAt: z.string(),
  userInfo: z.object({
    name: str,
    email: z.string(),
    clientIP: str,
    uniqueIdentifier: str,
    userId: int,
    department: str,
    homeCountry: str,
    managerInfo: z.object({ id: int, name: str, email: str }).nullable(),
  }),
  applicationInfo: z.object({ url: str, category: str, name: str, hostnameOrApplication: str, additionalInfo: str }),
  contentInfo: z.object({ fileName: str, fileType: str, additionalInfo: str.describe('JSON text of the content details (a string, never an object)') }),
  networkInfo: z.object({ source: z.string(), destination: z.string() }).nullable(),
  metadataFileUrl: str,
  status: z.enum(STATUS_WIRE),
  resolution: z.literal('FALSE_POSITIVE').nullable(),
  assignedAdmin: z.object({ email: z.string() }).nullable(),
  lastNotifiedUser: z.object({ role: z.string(), email: z.string() }).nullable(),
  notes: z.array(note),
  closedCode: str,
  incidentGroupIds: z.array(z.number().int()),
  incidentGroups: z.array(incidentGroupShort),
  dlpIncidentTickets: z.array(ticket),
  labels: z.array(label),
});
export type WireIncident = z.infer<typeof incident>;
export type WireTicket = z.infer<typeof ticket>;

export const cursor = z.object({
  totalPages: z.number().int(),
  currentPageNumber: z.number().int().describe('0-based'),
  currentPageSize: z.number().int().describe('Items in this page'),
  pageId: z.string().describe('Send back as `pageId` for the next page (empty on the last page)'),
  totalElements: z.number().int(),
});
export type WireCursor = z.infer<typeof cursor>;

/** Vendor clients disagree on the list key: both keys carry the same array. */
export const incidentList = z.object({ cursor, incidents: z.array(incident), logs: z.array(incident) });
export const ticketList = z.object({ cursor, tickets: z.array(ticket), logs: z.array(ticket) });

export const changeHistory = z.object({
  incidentId: z.string(),
  startDate: dateTime.nullable(),
  endDate: dateTime.nullable(),
  changeHistory: z.array(
    z.object({
      changeType: z.string(),
      changedAt: dateTime,
      changedByName: z.string(),
      changeData: z.object({ before: z.string(), after: z.string() }),
      comment: z.string(),
    }),
  ),
});

export const evidence = z.object({ fileName: z.string(), fileType: str, additionalInfo: str, evidenceURL: str });
export const triggers = z.record(z.string(), z.string());

export const auditLog = z.object({
  action: z.object({ action: z.enum(['CREATE', 'UPDATE', 'DELETE']) }),
  module: z.string(),
  resource: z.string(),
  changedAt: dateTime,
  changedBy: z.string(),
  oldRowJson: str,
  newRowJson: str,
  changeNote: z.string(),
});
export const auditList = z.object({ cursor, logs: z.array(auditLog) });
export const incidentGroupList = z.object({ incidentGroups: z.array(incidentGroup) });

/* ------------------------------------------------------------------ request bodies */

/**
 * Bodies are read leniently on purpose: one vendor client merges extra keyword arguments into the
 * body, another marshals every declared field even when empty (`null`, `""`). Unknown keys are
 * ignored, `null`/`""` mean "not given"; wrong types are still a 400 naming the field.
 */
const blank = (v: unknown) => (v === null || v === '' ? undefined : v);
const optionalText = z.preprocess(blank, text().trim().max(4000, 'must be at most 4000 characters').optional());

export const filterField = z.object({
  name: text().trim().min(1, 'name is required'),
  value: z.preprocess((v) => (v === null ? [] : v), z.array(z.union([text(), z.record(text(), z.array(text()))])).max(200)),
});
export const filterBody = z.object({
  fields: z.preprocess((v) => (v === null ? undefined : v), z.array(filterField).max(50).optional()),
  timeRange: z.preprocess(
    (v) => (v === null ? undefined : v),
    z
      .object({
        startTime: z.preprocess(blank, z.iso.datetime({ offset: true, message: 'use an ISO-8601 date-time such as 2025-03-03T18:04:52.074Z' }).optional()),
        endTime: z.preprocess(blank, z.iso.datetime({ offset: true, message: 'use an ISO-8601 date-time such as 2025-03-03T18:04:52.074Z' }).optional()),
      })
      .optional(),
  ),
});
export type FilterBody = z.infer<typeof filterBody>;

export const pagingQuery = z.object({
  page: z.preprocess(blank, z.coerce.number().int().min(0, 'page starts at 0').max(1_000_000).optional()),
  /** Clamped to 1..100, never refused: one vendor client asks for 1000 by default. */
  pageSize: z.preprocess(blank, z.coerce.number().int().optional()),
  pageId: z.preprocess(blank, text().max(2000).optional()),
});

export const closeBody = z.object({
  resolutionLabel: z.preprocess(
    (v) => (v === null ? undefined : v),
    z.object({ key: z.preprocess(blank, text().trim().optional()), value: z.preprocess(blank, text().trim().optional()) }).optional(),
  ),
  resolutionCode: z.preprocess(blank, text().trim().optional()),
  notes: optionalText,
});
export const notesBody = z.object({ notes: optionalText });
export const labelsBody = z.object({
  labels: z.preprocess(
    (v) => (v === null ? undefined : v),
    z
      .array(z.object({ key: text().trim().min(1, 'key is required'), value: z.preprocess(blank, text().trim().optional()) }))
      .max(50)
      .optional(),
  ),
});
export const groupsBody = z.object({
  incidentGroupIds: z.preprocess(
    (v) => (v === null ? undefined : v),
    z
      .array(z.union([z.number().int().min(0), text().regex(/^\d{1,16}$/, 'must be a numeric id')]))
      .max(1000)
      .optional(),
  ),
});
