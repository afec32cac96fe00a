import { z } from 'zod';
import { bodyId, nameText, text } from '../../platform/http/input.js';
import { SOURCE_DLP_TYPES } from './attributes.js';
import { conditionSchema, OPERATIONS } from './conditions.js';
import { RESPONSE_BRANCHES, stepSpec } from './steps.js';
import { TEMPLATE_KEYS } from './templates.js';

export { SOURCE_DLP_TYPES } from './attributes.js';
export { OPERATIONS, OPERATIONS_BY_KIND, PROPERTIES, type Condition, type Predicate } from './conditions.js';
export { TEMPLATE_KEYS } from './templates.js';

const id = bodyId();
const name = nameText().trim().min(1, 'Workflow Name is required.').max(200, 'Workflow Name must be at most 200 characters.');
const description = text().trim().max(2000).nullish();

/* ------------------------------------------------------------------ templates */

export const templateView = z.object({
  key: z.enum(TEMPLATE_KEYS),
  name: z.string(),
  description: z.string(),
  steps: z.array(z.string()),
  available: z.boolean(),
  unavailableReason: z.string().nullable(),
  /** Workflows made from this template ("Counts"). */
  count: z.number(),
});
export type TemplateView = z.infer<typeof templateView>;

/* ------------------------------------------------------------------ workflows */

/** Auto Create Tickets — Ticketing Configuration. */
export const ticketingSettings = z.strictObject({
  /** Default Ticketing System: the integration (its type is the Ticketing Service). */
  integrationId: id,
  /** Jira Project (JiraCloud only). */
  projectId: id.optional(),
  issueTypeId: nameText().trim().min(1).max(64).optional(),
  /** Default Ticket Assignee Email: an integration user of that integration. */
  integrationUserId: id,
});
/** The answers a step after Wait for Response acts on ("No Response": none came in time). */
const whenAnswers = z.array(z.enum(RESPONSE_BRANCHES)).max(RESPONSE_BRANCHES.length).optional();
/** Auto Close (With Resolution Label), and the close step of Auto Notify User and Close Incident. */
export const closeSettings = z.strictObject({
  notes: text().trim().max(4000).optional(),
  resolutionLabelId: id.optional(),
  resolutionValue: nameText().trim().max(100).nullish(),
  falsePositive: z.boolean().default(false),
  /** After a Wait for Response: close on these answers (default False Positive; Approved when waiting for an escalation). */
  when: whenAnswers,
});
/** Auto Notify: the note in the justification survey's message. */
export const notifySettings = z.strictObject({ note: text().trim().max(2000, 'Note to user must be at most 2,000 characters.').optional() });
/** Auto Escalate: to the user's manager (User Attributes), one of Setup > Approvers, or an address. */
export const escalateSettings = z.strictObject({
  userType: z.enum(['manager', 'approver', 'email']),
  approverId: bodyId().optional(),
  email: text()
    .trim()
    .toLowerCase()
    .max(254)
    .pipe(z.email({ message: 'Enter a valid email address.' }))
    .optional(),
  note: text().trim().max(2000, 'Note must be at most 2,000 characters.').optional(),
  /** After a Wait for Response: escalate on these answers (default Others and No Response). */
  when: whenAnswers,
});
/** How a workflow's notify and escalate steps reach people: email always, plus the chat connections picked; the messages' language. */
export const deliverySettings = z.strictObject({
  language: z
    .string()
    .regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'Language: use a code such as en or fr-CA.')
    .optional(),
  chatConnectionIds: z.array(bodyId()).max(10, 'Pick at most 10 chat connections.').optional(),
});
/** Wait for Response: how long at most; absent, until the survey link expires (Account Settings). */
export const waitSettings = z.strictObject({
  timeoutHours: z
    .number()
    .int()
    .min(1, 'Time to wait for a response must be at least 1 hour.')
    .max(720, 'Time to wait for a response must be at most 720 hours (30 days).')
    .optional(),
});
export const workflowSettings = z.strictObject({
  ticketing: ticketingSettings.optional(),
  close: closeSettings.optional(),
  notify: notifySettings.optional(),
  escalate: escalateSettings.optional(),
  wait: waitSettings.optional(),
  delivery: deliverySettings.optional(),
});
export type WorkflowSettings = z.infer<typeof workflowSettings>;

export const createWorkflowBody = z.strictObject({ template: z.enum(TEMPLATE_KEYS), name, description, settings: workflowSettings });
export const updateWorkflowBody = z.strictObject({ name: name.optional(), description, settings: workflowSettings.optional() });
export type CreateWorkflowBody = z.infer<typeof createWorkflowBody>;
export type UpdateWorkflowBody = z.infer<typeof updateWorkflowBody>;

export const workflowView = z.object({
  id: z.number(),
  name: z.string(),
  description: z.string().nullable(),
  template: z.enum(TEMPLATE_KEYS),
  templateName: z.string(),
  /** Pre-defined workflows are Published when saved (Draft is for custom workflows). */
  status: z.enum(['Draft', 'Published']),
  version: z.number(),
  settings: workflowSettings,
  steps: z.array(stepSpec),
  /** Mapping statements that use it (delete is refused while any does). */
  mappings: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type WorkflowView = z.infer<typeof workflowView>;

export const workflowListQuery = z.object({
  search: text().trim().max(200).optional(),
  template: z.enum(TEMPLATE_KEYS).optional(),
  mapped: z.enum(['yes', 'no']).optional(),
});

/** The Workflow Settings page's choices for Auto Create Tickets. */
export const ticketingOptions = z.object({
  integrations: z.array(
    z.object({
      id: z.number(),
      name: z.string(),
      type: z.enum(['servicenow', 'jira_cloud']),
      /** "ServiceNow" / "JiraCloud" (Ticketing Service). */
      service: z.string(),
      projects: z.array(z.object({ id: z.number(), key: z.string(), name: z.string() })),
      users: z.array(z.object({ id: z.number(), name: z.string(), email: z.string() })),
    }),
  ),
});
export type TicketingOptions = z.infer<typeof ticketingOptions>;

/* ------------------------------------------------------------------ mappings */

export const mappingBody = z.strictObject({
  workflowId: id,
  sourceDlpType: z.enum(SOURCE_DLP_TYPES).default('Any'),
  /** Null: every incident of the Source DLP Type. */
  condition: conditionSchema.nullable().default(null),
});
export type MappingBody = z.infer<typeof mappingBody>;
export const mappingView = z.object({
  id: z.number(),
  position: z.number(),
  workflowId: z.number(),
  workflowName: z.string(),
  sourceDlpType: z.enum(SOURCE_DLP_TYPES),
  condition: conditionSchema.nullable(),
});
export type MappingView = z.infer<typeof mappingView>;
export const moveBody = z.strictObject({ direction: z.enum(['up', 'down']) });

export const vocabularyView = z.object({
  sourceDlpTypes: z.array(z.string()),
  operations: z.array(z.enum(OPERATIONS)),
  properties: z.array(
    z.object({ key: z.string(), label: z.string(), kind: z.string(), operations: z.array(z.enum(OPERATIONS)), values: z.array(z.string()).optional() }),
  ),
});

/** Test panel: an existing incident, or one pasted in the ingestion format. */
export const testBody = z.union([z.strictObject({ incidentId: id }), z.strictObject({ incident: z.record(z.string(), z.unknown()) })]);
export type TestBody = z.infer<typeof testBody>;
export const testResult = z.object({
  statements: z.array(z.object({ id: z.number(), position: z.number(), workflowName: z.string(), matched: z.boolean(), reason: z.string() })),
  match: z.object({ statementId: z.number(), workflowId: z.number(), workflowName: z.string(), wouldDo: z.array(z.string()) }).nullable(),
});
export type TestResult = z.infer<typeof testResult>;

/* ------------------------------------------------------------------ executions */

export const runBody = z.strictObject({ workflowId: id });
/** At most this many incidents per Run workflow request (the Incidents list's selection limit). */
export const MAX_BULK_RUN = 1000;
export const bulkRunBody = z.strictObject({
  workflowId: id,
  ids: z.array(id).min(1, 'Select at least one incident.').max(MAX_BULK_RUN, `Run a workflow on at most ${MAX_BULK_RUN} incidents at a time.`),
  /** One per confirmation: sending the same request again starts nothing twice. */
  requestId: text()
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'requestId is a UUID (one per confirmation), e.g. from crypto.randomUUID().')
    .optional(),
});
export const bulkRunResult = z.object({
  workflowName: z.string(),
  succeeded: z.number(),
  failed: z.number(),
  results: z.array(
    z.object({
      id: z.number(),
      ok: z.boolean(),
      executionId: z.number().optional(),
      /** This request had already started it (the request was sent again). */
      alreadyStarted: z.boolean().optional(),
      error: z.object({ code: z.string(), message: z.string() }).optional(),
    }),
  ),
});
export type BulkRunResult = z.infer<typeof bulkRunResult>;

export const executionView = z.object({
  id: z.number(),
  incidentId: z.number(),
  workflowId: z.number(),
  workflowName: z.string(),
  versionId: z.number(),
  trigger: z.enum(['ingest', 'manual']),
  status: z.enum(['running', 'completed', 'failed']),
  reason: z.string().nullable(),
  startedBy: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  steps: z.array(
    z.object({
      index: z.number(),
      kind: z.string(),
      label: z.string(),
      status: z.enum(['pending', 'started', 'waiting', 'done', 'skipped', 'failed']),
      detail: z.string().nullable(),
      ticketId: z.number().nullable(),
      /** The branch this step chose (Wait for Response: the answer, or No Response). */
      branch: z.string().nullable(),
      /** While waiting: when it stops waiting at the latest. */
      waitingUntil: z.string().nullable(),
      attempts: z.number(),
      startedAt: z.string().nullable(),
      finishedAt: z.string().nullable(),
    }),
  ),
});
export type ExecutionView = z.infer<typeof executionView>;
