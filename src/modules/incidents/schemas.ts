import { z } from 'zod';
import { incidentTicketSummary } from '../tickets/schemas.js';
import { PAGE_SIZES } from '../../platform/http/pagination.js';
import { FILTER_KEYS, PRIORITIES, SEVERITIES, SORT_FIELDS, SOURCE_TYPES, STATUSES, WIDGETS } from './vocabulary.js';
import { bodyId, nameText, queryCount, queryId, text as plainText } from '../../platform/http/input.js';

export * from './vocabulary.js';

/* ------------------------------------------------------------------ vocabularies (vocabulary.ts) */
export const statusSchema = z.enum(STATUSES);
export const severitySchema = z.enum(SEVERITIES);
export const prioritySchema = z.enum(PRIORITIES);
export const sourceTypeSchema = z.enum(SOURCE_TYPES);

/* ------------------------------------------------------------------ ingestion */

const text = (max: number) => plainText().trim().min(1).max(max);
const isoDate = z.iso.datetime({ offset: true, message: 'Use an ISO-8601 date-time such as 2025-01-31T13:45:00Z.' });
const emailAddr = plainText()
  .trim()
  .max(254)
  .pipe(z.email({ message: 'Enter a valid email address.' }));
const ip = z.union([z.ipv4(), z.ipv6()], { message: 'Enter an IPv4 or IPv6 address.' });
const names = (max: number) => z.array(text(200)).max(max);

export const dictionaryMatch = z.strictObject({ name: text(200), matchCount: z.number().int().min(0).max(1_000_000_000) });

export const incidentUserInput = z.strictObject({
  name: text(200).optional(),
  email: emailAddr,
  clientIp: ip.optional(),
  department: text(200).optional(),
  manager: z.strictObject({ name: text(200).optional(), email: emailAddr.optional() }).optional(),
  employeeNumber: text(100).optional(),
  jobTitle: text(200).optional(),
  homeLocation: text(200).optional(),
  workLocation: text(200).optional(),
  deviceName: text(200).optional(),
  deviceOs: text(200).optional(),
  deviceTrustLevel: text(100).optional(),
});

export const incidentFileInput = z.strictObject({
  name: text(1024),
  type: text(100).optional(),
  md5: plainText()
    .regex(/^[0-9a-fA-F]{32}$/, 'An MD5 is 32 hexadecimal characters.')
    .optional(),
  size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  sourceLocation: text(2048).optional(),
  modifiedAt: isoDate.optional(),
  documentType: text(200).optional(),
});

/** Characters of evidence content one incident may carry (the ingest body's own limit bounds a batch). */
export const EVIDENCE_MAX_CHARS = 65_536;

/**
 * The content that triggered the incident, when the DLP engine sends it: served later as an XML
 * file (Incident Details' Download evidence, the compatible API's evidence link). Sealed at rest.
 * The name and type default to the incident's file.
 */
export const incidentEvidenceInput = z.strictObject({
  content: plainText()
    .min(1, 'evidence.content must not be empty; leave evidence out when there is none.')
    .max(EVIDENCE_MAX_CHARS, `evidence.content must be at most ${EVIDENCE_MAX_CHARS} characters.`),
  // A name people see in a download: no line breaks or bidi overrides that would make it read backwards.
  fileName: nameText().trim().min(1).max(1024).optional(),
  fileType: text(100).optional(),
});

export const incidentApplicationInput = z.strictObject({ name: text(200).optional(), category: text(200).optional() });

export const incidentRecipientsInput = z.strictObject({
  triggered: z.array(emailAddr).max(1000).default([]),
  internal: z.array(emailAddr).max(1000).default([]),
  external: z.array(emailAddr).max(1000).default([]),
});

/**
 * One incident as a DLP engine reports it (POST /api/v1/incidents). Unknown fields are refused so a
 * typo never silently drops data. `transactionId` is the idempotency key within an organization.
 */
export const incidentInput = z
  .strictObject({
    transactionId: plainText()
      .trim()
      .min(1, 'transactionId is required.')
      .max(128, 'transactionId must be at most 128 characters.')
      .regex(/^[A-Za-z0-9._:-]+$/, 'transactionId may contain only letters, digits and . _ : -'),
    incidentDate: isoDate,
    severity: severitySchema,
    /** Defaults from severity (Info → Low). */
    priority: prioritySchema.optional(),
    sourceType: sourceTypeSchema,
    dlpType: text(100).optional(),
    action: text(100),
    rules: names(100).min(1, 'At least one rule is required.'),
    otherRules: names(100).optional(),
    engines: names(100).default([]),
    dictionaries: z.array(dictionaryMatch).max(200).default([]),
    url: text(4096).optional(),
    host: text(255).optional(),
    referrerUrl: text(4096).optional(),
    destination: text(1024).optional(),
    user: incidentUserInput,
    file: incidentFileInput.optional(),
    evidence: incidentEvidenceInput.optional(),
    application: incidentApplicationInput.optional(),
    recipients: incidentRecipientsInput.optional(),
    email: z.strictObject({ messageId: text(998).optional(), subject: text(998).optional() }).optional(),
    channel: text(100).optional(),
    integration: text(200).optional(),
    saas: z
      .strictObject({
        fileSharedBy: text(254).optional(),
        fileSharedAt: isoDate.optional(),
        fileModifiedBy: text(254).optional(),
        fileLinkExpiry: isoDate.optional(),
        externalCollaboratorsGroups: names(100).optional(),
      })
      .optional(),
  })
  .superRefine((v, ctx) => {
    if (v.recipients && v.sourceType !== 'Email') {
      ctx.addIssue({ code: 'custom', path: ['recipients'], message: 'recipients are only for Email incidents.' });
    }
    if (v.sourceType === 'Email' && !v.recipients) {
      ctx.addIssue({ code: 'custom', path: ['recipients'], message: 'Email incidents need recipients.' });
    }
    if (v.channel && v.sourceType !== 'Endpoint') {
      ctx.addIssue({ code: 'custom', path: ['channel'], message: 'channel is only for Endpoint incidents.' });
    }
    if (v.saas && v.sourceType !== 'SaaS Security') {
      ctx.addIssue({ code: 'custom', path: ['saas'], message: 'saas fields are only for SaaS Security incidents.' });
    }
    if (v.url) {
      try {
        new URL(v.url);
      } catch {
        ctx.addIssue({ code: 'custom', path: ['url'], message: 'url must be an absolute URL such as https://example.com/path.' });
      }
    }
  });
export type IncidentInput = z.infer<typeof incidentInput>;
export type IncidentInputRaw = z.input<typeof incidentInput>;

export const MAX_BATCH = 1000;
/** The documented request shapes; the route validates items one by one so good ones are stored. */
export const ingestBatchInput = z.strictObject({ incidents: z.array(z.unknown()).min(1).max(MAX_BATCH) });
export const ingestBody = z.union([incidentInput, z.strictObject({ incidents: z.array(incidentInput).min(1).max(MAX_BATCH) })]);

export const fieldError = z.object({ field: z.string().nullable(), message: z.string() });
export type FieldError = z.infer<typeof fieldError>;

export const ingestItemResult = z.object({
  index: z.number().int(),
  transactionId: z.string().nullable(),
  /** created: stored now; existing: this transaction id was already stored (nothing changed); rejected: see errors. */
  result: z.enum(['created', 'existing', 'rejected']),
  id: z.number().int().nullable(),
  /** Set when the incident was stored as a duplicate of this parent incident. */
  duplicateOf: z.number().int().nullable(),
  errors: z.array(fieldError).optional(),
});
export type IngestItemResult = z.infer<typeof ingestItemResult>;
export const ingestBatchResult = z.object({
  created: z.number().int(),
  existing: z.number().int(),
  rejected: z.number().int(),
  results: z.array(ingestItemResult),
});
export type IngestBatchResult = z.infer<typeof ingestBatchResult>;

/* ------------------------------------------------------------------ views */

export const adminRef = z.object({ id: z.number(), name: z.string(), email: z.string() });
export const incidentLabel = z.object({ labelId: z.number().nullable(), name: z.string(), value: z.string().nullable() });
export type IncidentLabel = z.infer<typeof incidentLabel>;

/** A row of the Incidents list (and the head of Incident Details). */
/** The ingested details of an incident (user, file, application, recipients, email, SaaS…). */
export const incidentDetails = z.object({
  /** As ingested; an attribute obfuscated for the caller (Account Settings > Privacy and Security) reads "••••". */
  user: incidentUserInput.partial().extend({
    email: z.string().optional(),
    clientIp: z.string().optional(),
    manager: z.object({ name: z.string().optional(), email: z.string().optional() }).optional(),
  }),
  file: incidentFileInput.partial().optional(),
  application: incidentApplicationInput.optional(),
  recipients: z.object({ triggered: z.array(z.string()), internal: z.array(z.string()), external: z.array(z.string()) }).optional(),
  email: z.object({ messageId: z.string().optional(), subject: z.string().optional() }).optional(),
  url: z.string().optional(),
  referrerUrl: z.string().optional(),
  otherRules: z.array(z.string()).optional(),
  channel: z.string().optional(),
  integration: z.string().optional(),
  saas: z.record(z.string(), z.unknown()).optional(),
});

export const incidentJustification = z.object({
  /** Justification Type picked in the survey: False Positive, Manager Approved or Others. */
  reason: z.string(),
  /** The user's own words (Justification Reason in the survey). */
  note: z.string().nullable(),
  respondedAt: z.string(),
});
export type IncidentJustification = z.infer<typeof incidentJustification>;

export const incidentListItem = z.object({
  id: z.number(),
  transactionId: z.string(),
  incidentDate: z.string(),
  /** System Creation Date */
  createdAt: z.string(),
  /** Last Change Date */
  updatedAt: z.string(),
  lastChange: z.string().nullable(),
  status: statusSchema,
  severity: severitySchema,
  priority: prioritySchema,
  sourceType: sourceTypeSchema,
  dlpType: z.string().nullable(),
  dlpAdmin: adminRef.nullable(),
  action: z.string(),
  rules: z.array(z.string()),
  engines: z.array(z.string()),
  dictionaries: z.array(dictionaryMatch),
  userName: z.string(),
  userEmail: z.string(),
  department: z.string().nullable(),
  fileName: z.string(),
  destination: z.string(),
  host: z.string().nullable(),
  labels: z.array(incidentLabel),
  /** The incident groups it is in (Setup > Incident Group Mappings, assigned at ingestion). */
  incidentGroups: z.array(z.object({ id: z.number(), name: z.string(), description: z.string().nullable() })),
  duplicateCount: z.number(),
  duplicateOf: z.number().nullable(),
  resolutionDate: z.string().nullable(),
  /** The incident's tickets, newest first (one per integration at a time). */
  tickets: z.array(incidentTicketSummary),
  /** The user's latest answer to Notify User's survey (Justification Reason and Note columns); null before one. */
  justification: incidentJustification.nullable(),
  /** Only with `withDetails=true`: for the columns read from the ingested details (Client IP, File MD5…). */
  details: incidentDetails.optional(),
});
export type IncidentTicketSummary = z.infer<typeof incidentTicketSummary>;
export type IncidentListItem = z.infer<typeof incidentListItem>;

export const incidentEvent = z.object({
  id: z.number(),
  /** State: the incident status after the action. */
  state: statusSchema,
  /** Machine-readable action name, e.g. close, investigating, assign, priority, labels, reopen, notes. */
  action: z.string(),
  date: z.string(),
  changedBy: z.string(),
  comment: z.string(),
});
export type IncidentEvent = z.infer<typeof incidentEvent>;

export const counts = z.object({
  all: z.number(),
  open: z.number(),
  unassigned: z.number(),
  resolved: z.number(),
  waitingFeedback: z.number(),
  escalated: z.number(),
  responseAvailable: z.number(),
});
export type Counts = z.infer<typeof counts>;

export const incidentDetail = incidentListItem.extend({
  /** Violation details that vary by source type: user, file, application, recipients, email, SaaS… (the ingested fields). */
  details: incidentDetails,
  notes: z.string().nullable(),
  currentState: z.object({ status: statusSchema, user: z.string().nullable() }),
  resolution: z.object({ label: z.string().nullable(), value: z.string().nullable(), falsePositive: z.boolean() }).nullable(),
  duplicateParent: z.object({ id: z.number(), transactionId: z.string() }).nullable(),
  /** The evidence the DLP engine sent (its content is downloaded from GET /incidents/{id}/evidence); null when none. */
  evidence: z.object({ fileName: z.string(), fileType: z.string().nullable(), size: z.number() }).nullable(),
  /** State Changes, newest first (up to 500). */
  events: z.array(incidentEvent),
  /** Neighbours in the list ordering given by the same query parameters as GET /incidents. */
  previousId: z.number().nullable(),
  nextId: z.number().nullable(),
});
export type IncidentDetail = z.infer<typeof incidentDetail>;

/* ------------------------------------------------------------------ list query */

/** Accepts `x=a&x=b` and `x=a,b` alike. */
const multi = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => {
    if (v === undefined || v === '') return undefined;
    const arr = Array.isArray(v) ? v : [v];
    return arr
      .flatMap((s) => (typeof s === 'string' ? s.split(',') : [s]))
      .map((s) => (typeof s === 'string' ? s.trim() : s))
      .filter((s) => s !== '');
  }, z.array(item).max(200).optional());
/**
 * Free-text values (rules, departments…) may contain commas, so only repeated parameters split them.
 * Each value is trimmed by its schema, after the text rule has seen it (a control character at an
 * edge is refused, not trimmed away).
 */
const multiText = z.preprocess(
  (v) => {
    if (v === undefined || v === '') return undefined;
    return (Array.isArray(v) ? v : [v]).map(String).filter((s) => s.trim() !== '');
  },
  z.array(plainText().trim().max(500)).max(200).optional(),
);

/**
 * GET /api/v1/incidents (and the same parameters for /counts, /export.csv and /:id neighbours).
 * Filters: repeat a parameter (or comma-separate enum values) to include several values; list a
 * filter key in `exclude` to turn that filter into "is not any of".
 */
export const listQueryFields = {
  from: isoDate.optional(),
  to: isoDate.optional(),
  widget: z.enum(WIDGETS).optional(),
  status: multi(statusSchema),
  severity: multi(severitySchema),
  priority: multi(prioritySchema),
  sourceType: multi(sourceTypeSchema),
  /** Admin ids; `0` means Unassigned. */
  dlpAdmin: multi(queryCount()),
  /** Label ids. */
  label: multi(queryId()),
  /** Incident group ids. */
  incidentGroup: multi(queryId()),
  rule: multiText,
  engine: multiText,
  department: multiText,
  action: multiText,
  /** yes: only incidents that have duplicates; no: only those without. */
  duplicated: z.enum(['yes', 'no']).optional(),
  /** Exact originating user email (the Username link). */
  user: plainText().trim().max(254).optional(),
  exclude: multi(z.enum(FILTER_KEYS)),
  search: plainText().trim().max(1000).optional(),
  searchMode: z.enum(['all', 'transactionId']).default('all'),
  sort: z.enum(SORT_FIELDS).default('incidentDate'),
  order: z.enum(['asc', 'desc']).default('desc'),
};
export const listQuery = z.strictObject({
  ...listQueryFields,
  pageSize: z.coerce
    .number()
    .int()
    .refine((n) => (PAGE_SIZES as readonly number[]).includes(n), { message: `Rows per page must be one of ${PAGE_SIZES.join(', ')}.` })
    .default(10),
  /** Opaque cursor from a previous page's `nextCursor` / `prevCursor`. */
  cursor: plainText().max(2000).optional(),
  /** Include the count widgets in the response (one grouped query over the time range). */
  withCounts: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .default(false),
  /** Include each incident's ingested details (the page's rows only), for the columns read from them. */
  withDetails: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .default(false),
});
export type ListQuery = z.infer<typeof listQuery>;
export type ListFilters = Omit<ListQuery, 'pageSize' | 'cursor' | 'withCounts' | 'withDetails'>;
export const filtersQuery = z.strictObject(listQueryFields);
export const countsQuery = z.strictObject({ from: isoDate.optional(), to: isoDate.optional() });
export const detailQuery = z.strictObject(listQueryFields);

/** Totals stop counting here; `totalCapped` says "at least this many". */
export const TOTAL_CAP = 100_000;

export const incidentPage = z.object({
  items: z.array(incidentListItem),
  total: z.number(),
  totalCapped: z.boolean(),
  pageSize: z.number(),
  nextCursor: z.string().nullable(),
  prevCursor: z.string().nullable(),
  /** The time range actually applied (defaults to the current week, Sunday to Saturday, UTC). */
  range: z.object({ from: z.string(), to: z.string() }).nullable(),
  counts: counts.optional(),
});
export type IncidentPage = z.infer<typeof incidentPage>;

export const countsResponse = z.object({ range: z.object({ from: z.string(), to: z.string() }), counts });

export const filterOptions = z.object({
  statuses: z.array(z.string()),
  severities: z.array(z.string()),
  priorities: z.array(z.string()),
  sourceTypes: z.array(z.string()),
  dlpAdmins: z.array(adminRef),
  labels: z.array(z.object({ id: z.number(), name: z.string(), values: z.array(z.string()) })),
  incidentGroups: z.array(z.object({ id: z.number(), name: z.string() })),
  rules: z.array(z.string()),
  engines: z.array(z.string()),
  departments: z.array(z.string()),
  actions: z.array(z.string()),
  dlpTypes: z.array(z.string()),
});
export type FilterOptions = z.infer<typeof filterOptions>;

export const duplicatesPage = z.object({
  items: z.array(z.object({ id: z.number(), transactionId: z.string(), transactionTime: z.string() })),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
});
export const duplicatesQuery = z.strictObject({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(25),
});
export const eventsResponse = z.object({ items: z.array(incidentEvent) });

/* ------------------------------------------------------------------ actions */

const notes = plainText().trim().max(4000, 'Notes must be at most 4000 characters.').optional();
export const labelPick = z.strictObject({ labelId: bodyId(), value: nameText().trim().max(100).nullish() });
export type LabelPick = z.infer<typeof labelPick>;

export const closeBody = z.strictObject({
  notes,
  resolutionLabelId: bodyId().optional(),
  resolutionValue: nameText().trim().max(100).nullish(),
  falsePositive: z.boolean().default(false),
});
export const notesBody = z.strictObject({ notes });
export const requiredNotesBody = z.strictObject({
  notes: plainText().trim().min(1, 'Notes are required.').max(4000, 'Notes must be at most 4000 characters.'),
});
export const assignBody = z.strictObject({ adminId: bodyId(), notes });
export const priorityBody = z.strictObject({ priority: prioritySchema, notes });
/** Label action: `replace` (default on one incident) sets exactly these rows; `add` keeps the existing ones. */
export const labelsBody = z.strictObject({ labels: z.array(labelPick).max(50), mode: z.enum(['replace', 'add']).default('replace'), notes });

export type CloseBody = z.infer<typeof closeBody>;
export type AssignBody = z.infer<typeof assignBody>;
export type PriorityBody = z.infer<typeof priorityBody>;
export type LabelsBody = z.infer<typeof labelsBody>;

export const MAX_BULK = 1000;
const ids = z.array(bodyId()).min(1, 'Select at least one incident.').max(MAX_BULK, `Select at most ${MAX_BULK} incidents at a time.`);
export const bulkIds = z.strictObject({ ids });
export const bulkNotesBody = z.strictObject({ ids, notes });
export const bulkCloseBody = closeBody.extend({ ids });
export const bulkAssignBody = assignBody.extend({ ids });
export const bulkPriorityBody = priorityBody.extend({ ids });
/** Bulk Label always adds ("Add Labels"). */
export const bulkLabelsBody = z.strictObject({ ids, labels: z.array(labelPick).min(1).max(50), notes });

export const BULK_ACTIONS = ['assign-to-me', 'assign', 'priority', 'investigating', 'close', 'labels'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

export const bulkResult = z.object({
  succeeded: z.number(),
  failed: z.number(),
  results: z.array(z.object({ id: z.number(), ok: z.boolean(), error: z.object({ code: z.string(), message: z.string() }).optional() })),
});
export type BulkResult = z.infer<typeof bulkResult>;
