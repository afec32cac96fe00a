/**
 * The contract between the product and a ticketing system. Connectors are pure clients: they take
 * a connection (base URL + credentials) and return typed results or throw a typed ConnectorError.
 * They never touch our database; persisting refreshed OAuth tokens goes through `onTokens`.
 */

/** Every ticketing system there is a connector and a descriptor for (`descriptors.ts`). */
export const INTEGRATION_TYPES = ['servicenow', 'jira_cloud'] as const;
export type IntegrationType = (typeof INTEGRATION_TYPES)[number];

export type ConnectorErrorKind = 'auth' | 'forbidden' | 'not_found' | 'rate_limited' | 'unavailable' | 'invalid';

export class ConnectorError extends Error {
  constructor(
    public readonly kind: ConnectorErrorKind,
    /** A sentence an admin can act on ("Jira refused the API token: check the account email and token"). */
    message: string,
    public readonly opts: {
      status?: number;
      retryAfterMs?: number;
      /** ServiceNow OAuth refresh failed: the integration must be re-authorized by an admin. */
      reauthorize?: boolean;
      /** Field-level problems reported by the system (Jira `errors`, ServiceNow `error.detail`). */
      fieldErrors?: Record<string, string>;
    } = {},
  ) {
    super(message);
    this.name = 'ConnectorError';
  }
  /** Worth retrying later without anyone changing anything. */
  get transient(): boolean {
    return this.kind === 'rate_limited' || this.kind === 'unavailable';
  }
}

export type ServiceNowCredentials =
  | { authMethod: 'basic'; username: string; password: string }
  | {
      authMethod: 'oauth';
      clientId: string;
      clientSecret: string;
      username: string;
      password: string;
      accessToken?: string;
      refreshToken?: string;
      /** ISO time the access token expires. */
      accessTokenExpiresAt?: string;
    };

export type JiraCredentials = { email: string; apiToken: string };

export type Connection =
  { type: 'servicenow'; baseUrl: string; credentials: ServiceNowCredentials } | { type: 'jira_cloud'; baseUrl: string; credentials: JiraCredentials };

export type OAuthTokens = { accessToken: string; refreshToken: string; accessTokenExpiresAt: string };

export type ConnectorOptions = {
  /** Allow http:// and private/loopback targets (sandbox, tests, on-prem ServiceNow). */
  allowPrivateTargets: boolean;
  /** Per-request timeout; default 10 s. */
  timeoutMs?: number;
  /** Retries for 429/503 and network failures; default 3. */
  maxRetries?: number;
  /**
   * For a person waiting on the answer: every call of this connector (built for that one request)
   * must be done within this many ms of its creation, attempts, retries and waits included. Past
   * it the call fails with a timeout that states this budget.
   */
  deadlineMs?: number;
  /** Called after an OAuth grant or refresh so the caller can store the new tokens (encrypted). */
  onTokens?: (tokens: OAuthTokens) => Promise<void>;
  /** Every outcome of every call, for integration health tracking. */
  onCallResult?: (ok: boolean, error?: ConnectorError) => void;
  /** Test seam for backoff; defaults to setTimeout. */
  sleep?: (ms: number) => Promise<void>;
};

export type ExternalUser = {
  /** ServiceNow sys_id; Jira accountId. */
  externalId: string;
  name: string;
  /** ServiceNow user_name; Jira has no usernames, so the accountId. */
  username: string;
  /** null when the system hides it (Jira privacy settings). */
  email: string | null;
  active: boolean;
};

export type UserLookup =
  | { outcome: 'found'; user: ExternalUser }
  | { outcome: 'not_found' }
  | { outcome: 'inactive'; user: ExternalUser }
  | { outcome: 'ambiguous'; count: number }
  /** Jira returned people for the query whose email is hidden, so none can be confirmed. */
  | { outcome: 'email_hidden'; candidates: number };

export type ExternalStatus = { id: string; name: string; category: 'new' | 'indeterminate' | 'done' };

export type ExternalProject = {
  id: string;
  key: string;
  name: string;
  statuses: ExternalStatus[];
  issueTypes: { id: string; name: string }[];
  /** Whether the project's create screens carry the Labels field we use as idempotency marker. */
  labelsSupported: boolean;
};

export type FieldMeta = {
  key: string;
  name: string;
  required: boolean;
  /** Jira schema type ("string", "array", "option", "user", "priority", "number", ...). */
  schemaType: string;
  /** A custom field's type key (e.g. "…customfieldtypes:textarea", rich text); null for system fields. */
  schemaCustom?: string | null;
  /** What an array holds ("string", "option", "user", "component", "version", ...). */
  schemaItems?: string | null;
  /** A system field's own name (e.g. "environment"). */
  schemaSystem?: string | null;
  allowedValues?: { id: string; name: string }[];
};

export type CreateTicketInput = {
  /** Idempotency marker: ServiceNow correlation_id, Jira label. `wfa-<ticket id>`. */
  marker: string;
  summary: string;
  /** Plain text; the Jira connector turns it into ADF. */
  description: string;
  /** Link back to the incident in our UI, appended to the description. */
  incidentUrl?: string;
  assigneeExternalId: string;
  /** Jira only. */
  projectKey?: string;
  issueTypeId?: string;
  /**
   * Extra field values, by the system's field name: Jira values from the project's field mappings
   * (already in Jira's shapes), ServiceNow urgency/impact. Fields the product controls (summary,
   * description, assignee, marker, project, issue type) always win over these.
   */
  fields?: Record<string, unknown>;
};

export type ExternalTicket = {
  /** ServiceNow sys_id; Jira issue id. */
  externalId: string;
  /** ServiceNow number (INC0010001); Jira key (SEC-12). */
  key: string;
  url: string;
  status: { id: string; name: string; category?: 'new' | 'indeterminate' | 'done' };
  /** ServiceNow: state Resolved (6) or Closed (7). Jira: status category done (the service also checks the project's Complete Status). */
  closed: boolean;
  assigneeExternalId: string | null;
  updatedAt: string | null;
};

/** How a stored ticket is named to its system: ServiceNow reads by sys_id, Jira searches by key. */
export type TicketRef = { externalId: string; key: string };

/** The most tickets one batched read may ask for: one page of Jira's /search/jql and of the Table API. */
export const TICKET_BATCH_LIMIT = 100;

export function assertBatchSize(refs: TicketRef[]): void {
  if (refs.length > TICKET_BATCH_LIMIT) {
    throw new ConnectorError('invalid', `At most ${TICKET_BATCH_LIMIT} tickets can be read in one request; ${refs.length} were asked for.`);
  }
}

export interface TicketingConnector {
  readonly type: IntegrationType;
  /** Checks the credentials; returns the account's display name. */
  verify(): Promise<{ accountName: string }>;
  /** Exact, case-insensitive match; every returned row is re-checked. */
  lookupUserByEmail(email: string): Promise<UserLookup>;
  /** Re-verification of an added user; null when the system no longer has them. */
  getUser(externalId: string): Promise<ExternalUser | null>;
  /** Projects with statuses and issue types; only where the descriptor declares `capabilities.projects`. */
  listProjects?(): Promise<ExternalProject[]>;
  /** A project's create fields for an issue type; only where the descriptor declares `capabilities.fieldMappings`. */
  getFields?(projectKey: string, issueTypeId: string): Promise<FieldMeta[]>;
  findTicketByMarker(marker: string, projectKey?: string): Promise<ExternalTicket | null>;
  createTicket(input: CreateTicketInput): Promise<ExternalTicket>;
  getTicket(externalId: string): Promise<ExternalTicket | null>;
  /**
   * Several tickets in one request (status sync). At most TICKET_BATCH_LIMIT refs; tickets the
   * system no longer has are simply absent from the answer.
   */
  getTickets(refs: TicketRef[]): Promise<ExternalTicket[]>;
  addComment(externalId: string, text: string): Promise<void>;
  /** Moves a closed ticket back to an open status (the "reopen" closed-ticket policy). */
  reopenTicket(externalId: string): Promise<ExternalTicket>;
  /** The ticket's comments (ServiceNow work notes) as plain text, oldest first, bounded; to check before posting. */
  listComments(externalId: string): Promise<string[]>;
  ticketUrl(key: string, externalId: string): string;
}
