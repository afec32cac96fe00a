import type { Generated, GeneratedAlways } from 'kysely';

/** Status of an integration user as last seen in its ticketing system. */
export const USER_STATUSES = ['active', 'inactive', 'deleted_in_system', 'unverified'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

/** Tables owned by the integration-users module (migration 0300_integration_users). */
export interface IntegrationUsersTable {
  id: Generated<number>;
  org_id: number;
  integration_id: number;
  /** As the ticketing system reports it (or as entered when the system hides it). */
  email: string;
  /** Unique per integration among all rows (removed rows are revived on re-add). */
  email_lower: string;
  name: string;
  /** ServiceNow user_name; Jira Cloud has no usernames, so the accountId. */
  username: string;
  /** ServiceNow sys_id; Jira accountId. */
  external_id: string;
  active_in_system: number;
  status: UserStatus;
  last_verified_at: string | null;
  last_verify_error: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
  /** Set by Remove: the row stays so tickets created for this person keep their assignee. */
  removed_at: string | null;
  /** `lower(name)`, derived by the database (migration 0330): the list's name order and its indexes. */
  name_lower: GeneratedAlways<string>;
  /** The row's list entry as JSON, written by triggers (migration 0320); never written by the application. */
  list_json: Generated<string | null>;
}

export type ImportStatus = 'queued' | 'running' | 'done' | 'failed';
/**
 * A row's result, as precise as Add User's refusals. The import's counts group everything after
 * `duplicate` under `error` ("Not added"); `error` itself is what no other result says.
 */
export const IMPORT_RESULTS = [
  'added',
  'not_found',
  'inactive',
  'duplicate',
  'ambiguous',
  'email_hidden',
  'invalid_email',
  'unknown_integration',
  'integration_disabled',
  'unreachable',
  'credentials_refused',
  'error',
] as const;
export type ImportRowResult = (typeof IMPORT_RESULTS)[number];

export interface IntegrationUserImportsTable {
  id: Generated<number>;
  org_id: number;
  file_name: string | null;
  status: ImportStatus;
  total: number;
  processed: number;
  added: number;
  not_found: number;
  inactive: number;
  duplicate: number;
  errors: number;
  /** Why the whole import stopped (a row's problem is on the row). */
  error: string | null;
  created_by: string;
  created_by_admin_id: number | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface IntegrationUserImportRowsTable {
  id: Generated<number>;
  import_id: number;
  org_id: number;
  /** 1-based line number in the file (the header is line 1). */
  line: number;
  email: string;
  integration: string;
  /** null while pending. */
  result: ImportRowResult | null;
  message: string | null;
  user_id: number | null;
}

/** Live (not removed) users per integration and status, kept by triggers (migration 0310). */
export interface IntegrationUserCountsTable {
  org_id: number;
  integration_id: number;
  status: UserStatus;
  n: number;
}

export interface IntegrationUsersTables {
  integration_users: IntegrationUsersTable;
  integration_user_counts: IntegrationUserCountsTable;
  integration_user_imports: IntegrationUserImportsTable;
  integration_user_import_rows: IntegrationUserImportRowsTable;
}
