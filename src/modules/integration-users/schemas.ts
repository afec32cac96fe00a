import { z } from 'zod';
import { INTEGRATION_TYPES, SYSTEMS, systemNames } from '../../connectors/descriptors.js';
import { pageQuery, paged } from '../../platform/http/pagination.js';
import { IMPORT_RESULTS, USER_STATUSES } from './tables.js';

export { IMPORT_RESULTS };
import { bodyId, nameText, queryId, text } from '../../platform/http/input.js';

/** The documented "Integration Type" values, for the API reference: "ServiceNow" or "JiraCloud". */
const TYPE_LABELS_TEXT = SYSTEMS.map((d) => `"${d.label}"`).join(' or ');
export const STATUS_LABELS = { active: 'Active', inactive: 'Inactive', deleted_in_system: 'Deleted in system', unverified: 'Unverified' } as const;

export const LOOKUP_OUTCOMES = ['found', 'not_found', 'inactive', 'ambiguous', 'already_added', 'email_hidden', 'unreachable', 'credentials_refused'] as const;
export type LookupOutcome = (typeof LOOKUP_OUTCOMES)[number];

export const MAX_IMPORT_ROWS = 5000;
export const MAX_BULK_VERIFY = 200;

const integrationId = queryId();

export const emailInput = text({ message: 'Email is required.' })
  .trim()
  .min(1, 'Email is required.')
  .max(254, 'Email must be at most 254 characters.')
  .pipe(z.email({ message: 'Enter a valid email address, such as jane@example.com.' }));

export const lookupBody = z.strictObject({
  integrationId: integrationId.describe(`Id of a ${systemNames()} integration of your organization`),
  email: emailInput,
});
export type LookupInput = z.infer<typeof lookupBody>;

/** Add takes only what the lookup needs: Name, Username and the external id always come from the ticketing system. */
export const addBody = lookupBody;

export const integrationRefView = z.object({
  id: z.number(),
  name: z.string().describe('The tenant name shown as "Integration"'),
  type: z.enum(INTEGRATION_TYPES),
  typeLabel: z.string().describe(TYPE_LABELS_TEXT),
  enabled: z.boolean(),
  status: z.string(),
  /** Where an admin fixes the integration (UI path). */
  path: z.string(),
});
export type IntegrationRefView = z.infer<typeof integrationRefView>;

export const lookupResult = z.object({
  outcome: z.enum(LOOKUP_OUTCOMES),
  /** A sentence for the Add User window. */
  message: z.string(),
  /** True only for `found`: Add User will succeed if nothing changes in the meantime. */
  addable: z.boolean(),
  email: z.string(),
  user: z.object({ name: z.string(), username: z.string(), externalId: z.string(), email: z.string().nullable() }).nullable(),
  integration: integrationRefView,
  /** The row already on the list (outcome `already_added`). */
  existingId: z.number().nullable(),
});
export type LookupResult = z.infer<typeof lookupResult>;

export const userView = z.object({
  id: z.number(),
  name: z.string(),
  email: z.string(),
  username: z.string(),
  externalId: z.string(),
  integrationId: z.number(),
  integration: z.string().describe('Tenant name ("Integration" column)'),
  integrationType: z.enum(INTEGRATION_TYPES),
  integrationTypeLabel: z.string().describe(`${TYPE_LABELS_TEXT} ("Integration Type" column)`),
  activeInSystem: z.boolean(),
  status: z.enum(USER_STATUSES),
  /** Only active users can be picked for new tickets. */
  assignable: z.boolean(),
  lastVerifiedAt: z.string().nullable(),
  lastVerifyError: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type UserView = z.infer<typeof userView>;

export const SORT_FIELDS = ['name', 'email', 'integration', 'integrationType', 'status', 'createdAt', 'lastVerifiedAt'] as const;
export type SortField = (typeof SORT_FIELDS)[number];

export const filterQuery = {
  search: text().trim().max(200).optional().describe('Part of the name or email'),
  integrationId: integrationId.optional(),
  type: z.enum(INTEGRATION_TYPES).optional(),
  status: z.enum(USER_STATUSES).optional(),
  sort: z.enum(SORT_FIELDS).default('name'),
  order: z.enum(['asc', 'desc']).default('asc'),
};
export const listQuery = z.strictObject({
  ...filterQuery,
  ...pageQuery,
  cursor: text()
    .max(2000)
    .optional()
    .describe(
      "A previous page's `nextCursor` or `prevCursor`: reads the page after or before that one without counting the rows in front of it (`page` then names the page it leads to). Not for sorts by integration or type.",
    ),
});
export type ListQuery = z.infer<typeof listQuery>;
export const exportQuery = z.strictObject(filterQuery);
export type ExportQuery = z.infer<typeof exportQuery>;

export const userPage = paged(userView).extend({
  /** For `cursor`, to read the next page; null on the last page and for sorts by integration or type. */
  nextCursor: z.string().nullable(),
  /** For `cursor`, to read the previous page; null on the first page and for sorts by integration or type. */
  prevCursor: z.string().nullable(),
});

export const verifyResult = z.object({
  id: z.number(),
  email: z.string(),
  /** `error`: the system could not be asked; the stored status is unchanged. */
  result: z.enum(['active', 'inactive', 'deleted_in_system', 'unverified', 'error']),
  changed: z.boolean(),
  message: z.string(),
  user: userView,
});
export type VerifyResult = z.infer<typeof verifyResult>;

export const bulkVerifyBody = z.strictObject({
  ids: z.array(bodyId()).min(1, 'Select at least one integration user.').max(MAX_BULK_VERIFY, `Verify at most ${MAX_BULK_VERIFY} users at a time.`),
});
export const bulkVerifyResult = z.object({
  items: z.array(verifyResult),
  summary: z.object({
    active: z.number(),
    inactive: z.number(),
    deleted_in_system: z.number(),
    unverified: z.number(),
    error: z.number(),
    changed: z.number(),
  }),
});

export const importBody = z.strictObject({
  /** The file's text: a header line `email,integration`, then one person per line. */
  csv: text().min(1, 'The file is empty.').max(900_000, 'The file is larger than 900 KB; split it into smaller files.'),
  fileName: nameText().trim().max(255).optional(),
});

export const importView = z.object({
  id: z.number(),
  fileName: z.string().nullable(),
  status: z.enum(['queued', 'running', 'done', 'failed']),
  total: z.number(),
  processed: z.number(),
  counts: z.object({ added: z.number(), not_found: z.number(), inactive: z.number(), duplicate: z.number(), error: z.number() }),
  error: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  rows: z
    .array(
      z.object({ line: z.number(), email: z.string(), integration: z.string(), result: z.enum(IMPORT_RESULTS).nullable(), message: z.string().nullable() }),
    )
    .describe('Per-row results (first 1,000 rows; download the CSV for all)'),
});
export type ImportView = z.infer<typeof importView>;

export const integrationsList = z.object({ items: z.array(integrationRefView) });
