import { z } from 'zod';
import { emailText } from '../../connectors/credential-fields.js';
import { INTEGRATION_TYPES, JIRA_CLOUD, SERVICENOW, type SystemDescriptor } from '../../connectors/descriptors.js';
import { INCIDENT_FIELD_KEYS } from './incident-fields.js';
import { nameText, queryId, text } from '../../platform/http/input.js';

export const INTEGRATION_STATUSES = ['Active', 'Inactive', 'Validation Failed', 'Reauthorization Required'] as const;

export const integrationType = z.enum(INTEGRATION_TYPES);
export type IntegrationTypeValue = z.infer<typeof integrationType>;

export const tenantName = nameText().trim().min(1, 'Integration name is required.').max(100, 'Integration name must be at most 100 characters.');

export const baseUrl = text()
  .trim()
  .min(1, 'The URL is required.')
  .max(500, 'The URL must be at most 500 characters.')
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'https:' || u.protocol === 'http:') && !u.username && !u.password && !u.search && !u.hash;
    } catch {
      return false;
    }
  }, 'Enter the address as https://your-instance.example.com (no user name, query or fragment).');

export const settingsInput = z.strictObject({
  syncTicketStatus: z.boolean().optional(),
  closeIncidentOnTicketClosed: z.boolean().optional(),
  syncProjectList: z.boolean().optional(),
});

/** Connecting one system: its type, a tenant name and URL, its contact fields and its credentials (from its descriptor). */
function connectBodyOf<T extends SystemDescriptor['type'], C extends z.ZodType, E extends z.ZodRawShape>(d: SystemDescriptor<T, C, E>) {
  return z.strictObject({
    type: z.literal(d.type),
    name: tenantName,
    baseUrl,
    ...d.contact.schema,
    credentials: d.credentials.schema,
    settings: settingsInput.optional(),
  });
}

export const connectBody = z.discriminatedUnion('type', [connectBodyOf(SERVICENOW), connectBodyOf(JIRA_CLOUD)]);
export type ConnectInput = z.infer<typeof connectBody>;

/** Credentials are write-only: a field left blank (or absent) keeps what is stored. */
const optionalSecret = text().max(2000).optional();
const optionalPlain = text().trim().max(254).optional();
export const updateBody = z.strictObject({
  name: tenantName.optional(),
  baseUrl: baseUrl.optional(),
  adminEmail: z.union([z.literal(''), emailText('Admin Email ID')]).optional(),
  credentials: z
    .strictObject({
      authMethod: z.enum(['basic', 'oauth']).optional(),
      username: optionalPlain,
      password: optionalSecret,
      clientId: optionalPlain,
      clientSecret: optionalSecret,
      email: optionalPlain,
      apiToken: optionalSecret,
    })
    .optional(),
  settings: settingsInput.optional(),
});
export type UpdateInput = z.infer<typeof updateBody>;

const flag = z
  .enum(['true', 'false'])
  .transform((v) => v === 'true')
  .optional();

export const listQuery = z.strictObject({
  type: integrationType.optional(),
  enabledOnly: flag,
  includeDeleted: flag.describe('true also lists deleted accounts ("Show Deleted Accounts"), each with deleted: true and status "Deleted".'),
});

export const integrationView = z.object({
  id: z.number(),
  type: integrationType,
  typeLabel: z.string(),
  name: z.string(),
  baseUrl: z.string(),
  authMethod: z.enum(['basic', 'oauth', 'api_token']),
  /** Never a secret: user name, account email, OAuth client id, admin email. */
  account: z.object({
    username: z.string().nullable(),
    email: z.string().nullable(),
    clientId: z.string().nullable(),
    adminEmail: z.string().nullable(),
  }),
  accountName: z.string().nullable(),
  hasCredentials: z.boolean(),
  status: z.enum([...INTEGRATION_STATUSES, 'Deleted']).describe('"Deleted" only for a deleted account, which only a list with includeDeleted=true returns.'),
  enabled: z.boolean(),
  settings: z.object({ syncTicketStatus: z.boolean(), closeIncidentOnTicketClosed: z.boolean(), syncProjectList: z.boolean() }),
  health: z.object({
    consecutiveFailures: z.number(),
    lastError: z.string().nullable(),
    lastErrorAt: z.string().nullable(),
    lastSuccessAt: z.string().nullable(),
  }),
  projects: z.object({ total: z.number(), mapped: z.number(), lastSyncAt: z.string().nullable() }).nullable(),
  createdAt: z.string(),
  modifiedAt: z.string(),
  modifiedBy: z.string(),
  /**
   * A deleted account is kept read-only for the Connected Accounts list: disabled, its credentials
   * erased, its name free for a new account. Every other endpoint treats its id as unknown (404).
   */
  deleted: z.boolean().describe('True for a deleted account (listed only with includeDeleted=true); it cannot be viewed by id, edited, enabled or used.'),
  deletedAt: z.string().nullable().describe('When the account was deleted (ISO-8601 UTC); null unless deleted.'),
  deletedBy: z.string().nullable().describe('Who deleted the account; null unless deleted.'),
});
export type IntegrationView = z.infer<typeof integrationView>;

export const statusView = z.object({ id: z.string(), name: z.string(), category: z.enum(['new', 'indeterminate', 'done']) });

export const jiraProjectView = z.object({
  id: z.number(),
  integrationId: z.number(),
  externalId: z.string(),
  key: z.string(),
  name: z.string(),
  statuses: z.array(statusView),
  issueTypes: z.array(z.object({ id: z.string(), name: z.string() })),
  labelsSupported: z.boolean(),
  completeStatus: statusView.nullable(),
  mappedIssueTypes: z.array(z.object({ id: z.string(), name: z.string() })),
  autoSync: z.object({ enabled: z.boolean(), reason: z.enum(['Mapping is Empty', 'Labels Not Supported']).nullable() }),
  syncedAt: z.string(),
  modifiedAt: z.string(),
  modifiedBy: z.string(),
});
export type JiraProjectView = z.infer<typeof jiraProjectView>;

export const projectParams = z.strictObject({
  id: queryId(),
  projectId: queryId(),
});
export const mappingParams = projectParams.extend({
  issueTypeId: text()
    .trim()
    .min(1)
    .max(50)
    .regex(/^[A-Za-z0-9_-]+$/, 'Issue type id must be letters, digits, - or _.'),
});

export const updateProjectBody = z.strictObject({
  completeStatusId: text().trim().min(1, 'Choose a Complete Status.').max(50).nullable(),
});

export const fieldMetaView = z.object({
  key: z.string(),
  name: z.string(),
  required: z.boolean(),
  schemaType: z.string(),
  allowedValues: z.array(z.object({ id: z.string(), name: z.string() })).nullable(),
  /** Incident fields that fit this Jira field. */
  compatibleIncidentFields: z.array(z.string()),
  locked: z.boolean(),
});

export const mappingRowView = z.object({
  fieldKey: z.string(),
  fieldName: z.string(),
  required: z.boolean(),
  schemaType: z.string(),
  schemaCustom: z.string().nullable(),
  schemaItems: z.string().nullable(),
  allowedValues: z.array(z.object({ id: z.string(), name: z.string() })).nullable(),
  incidentField: z.string().nullable(),
  /** For a field with allowed values, the option's id (stable when the option is renamed in Jira); `defaultLabel` is its name. */
  defaultValue: z.string().nullable(),
  defaultLabel: z.string().nullable(),
  locked: z.boolean(),
  modifiedAt: z.string(),
  modifiedBy: z.string(),
});
export type MappingRowView = z.infer<typeof mappingRowView>;

export const mappingView = z.object({
  projectId: z.number(),
  issueType: z.object({ id: z.string(), name: z.string() }),
  /** Fields Jira offers for this project + issue type right now (createmeta). */
  fields: z.array(fieldMetaView),
  /** Saved rows; empty until the required rows are saved. */
  rows: z.array(mappingRowView),
  complete: z.boolean(),
});
export type MappingView = z.infer<typeof mappingView>;

export const saveMappingBody = z.strictObject({
  rows: z
    .array(
      z.strictObject({
        fieldKey: text().trim().min(1).max(200),
        incidentField: z.enum(INCIDENT_FIELD_KEYS).nullable().optional(),
        defaultValue: text().trim().max(2000).nullable().optional(),
      }),
    )
    .max(200),
});
export type SaveMappingInput = z.infer<typeof saveMappingBody>;

export const incidentFieldsView = z.object({
  items: z.array(z.object({ key: z.string(), label: z.string(), kind: z.string() })),
});

export const syncResultView = z.object({ total: z.number(), added: z.number(), removed: z.number(), updated: z.number() });
