import type { Generated } from 'kysely';
import type { IntegrationType } from '../../connectors/types.js';

/** Tables owned by the integrations module (migrations 0200_integrations, 0220_integrations_soft_delete). */
export interface IntegrationsTable {
  id: Generated<number>;
  org_id: number;
  type: IntegrationType;
  /** The tenant name shown everywhere as "Integration" / "Ticketing Integration"; unique per org among live rows, case-insensitive. */
  name: string;
  name_lower: string;
  base_url: string;
  auth_method: 'basic' | 'oauth' | 'api_token';
  /** Non-secret identifiers for display: username, email, client id, admin email (JSON). */
  account_info: string;
  /** SecretBox ciphertext of the full credentials JSON (passwords, secrets, OAuth tokens). Listed in SEALED_COLUMNS. '' once deleted. */
  credentials: string;
  /** Display name of the account the credentials belong to, as the system reported it on verify. */
  account_name: string | null;
  sync_ticket_status: number;
  close_incident_on_ticket_closed: number;
  sync_project_list: number;
  status: 'Active' | 'Inactive' | 'Validation Failed' | 'Reauthorization Required';
  enabled: number;
  consecutive_failures: number;
  last_error: string | null;
  last_error_at: string | null;
  last_success_at: string | null;
  last_project_sync_at: string | null;
  created_at: string;
  created_by: string;
  modified_at: string;
  modified_by: string;
  /**
   * Set when an admin deletes the account: the row stays for "Show Deleted Accounts" and the audit
   * trail, but every store read except a list asking for deleted rows skips it.
   */
  deleted_at: string | null;
  deleted_by: string | null;
}

export interface JiraProjectsTable {
  id: Generated<number>;
  org_id: number;
  integration_id: number;
  external_id: string;
  key: string;
  name: string;
  /** JSON ExternalStatus[]. */
  statuses: string;
  /** JSON {id,name}[]. */
  issue_types: string;
  labels_supported: number;
  /** Jira status id that counts as done for this project; null until an admin picks one. */
  complete_status_id: string | null;
  synced_at: string;
  modified_at: string;
  modified_by: string;
}

export interface JiraFieldMappingsTable {
  id: Generated<number>;
  org_id: number;
  project_id: number;
  issue_type_id: string;
  issue_type_name: string;
  field_key: string;
  field_name: string;
  required: number;
  /** Jira schema type of the field ("string", "option", "priority", ...). */
  schema_type: string;
  /** Jira's schema.custom / schema.items / schema.system: rich text, array item shapes, system field names. */
  schema_custom: string | null;
  schema_items: string | null;
  schema_system: string | null;
  /** JSON {id,name}[] or null. */
  allowed_values: string | null;
  /** Key from INCIDENT_FIELDS, or null when a default value is used. */
  incident_field: string | null;
  default_value: string | null;
  /** Rows the product fills itself (Issue Type, Project): shown but never editable. */
  locked: number;
  modified_at: string;
  modified_by: string;
}

export interface IntegrationsTables {
  integrations: IntegrationsTable;
  jira_projects: JiraProjectsTable;
  jira_field_mappings: JiraFieldMappingsTable;
}
