import type { Generated } from 'kysely';
import type { IntegrationsTables } from '../../modules/integrations/tables.js';
import type { IntegrationUsersTables } from '../../modules/integration-users/tables.js';
import type { IncidentsTables } from '../../modules/incidents/migrations.js';
import type { LabelsTables } from '../../modules/labels/migrations.js';
import type { TicketsTables } from '../../modules/tickets/migrations.js';
import type { TicketSyncTables } from '../../modules/tickets/sync/tables.js';

/** Platform tables. Each module declares its own tables in its folder and adds them to `DB` below. */
export interface OrgsTable {
  id: Generated<number>;
  name: string;
  created_at: string;
}
export interface RolesTable {
  id: Generated<number>;
  org_id: number;
  name: string;
  name_lower: string;
  builtin: number;
  permissions: string;
  created_at: string;
  updated_at: string;
}
export interface AdminsTable {
  id: Generated<number>;
  org_id: number;
  email: string;
  email_lower: string;
  name: string;
  password_hash: string;
  role_id: number;
  status: 'active' | 'disabled';
  failed_logins: Generated<number>;
  locked_until: string | null;
  last_login_at: string | null;
  created_at: string;
  updated_at: string;
}
export interface SessionsTable {
  id: string;
  admin_id: number;
  org_id: number;
  csrf_token: string;
  created_at: string;
  expires_at: string;
  last_seen_at: string;
}
export interface ApiKeysTable {
  id: Generated<number>;
  org_id: number;
  name: string;
  prefix: string;
  key_hash: string;
  role_id: number;
  created_by: number | null;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}
export interface AuditLogTable {
  id: Generated<number>;
  org_id: number;
  created_at: string;
  action: 'Insert' | 'Update' | 'Delete';
  module: string;
  resource: string;
  resource_id: string | null;
  admin_id: number | null;
  actor: string;
  change_notes: string;
  before_json: string | null;
  after_json: string | null;
}
export interface AlertsTable {
  id: Generated<number>;
  org_id: number;
  key: string;
  module: string;
  severity: 'High' | 'Medium' | 'Low';
  summary: string;
  detail: string | null;
  first_detected: string;
  last_detected: string;
  cleared_at: string | null;
}
export interface JobsTable {
  id: Generated<number>;
  org_id: number | null;
  kind: string;
  payload: string;
  dedupe_key: string | null;
  status: 'queued' | 'running' | 'done' | 'dead';
  run_at: string;
  attempts: Generated<number>;
  max_attempts: Generated<number>;
  lease_owner: string | null;
  lease_expires_at: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

export interface PlatformTables {
  orgs: OrgsTable;
  roles: RolesTable;
  admins: AdminsTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
  audit_log: AuditLogTable;
  alerts: AlertsTable;
  jobs: JobsTable;
}

// Modules extend this interface with their own table interfaces (one line each).
export interface DB extends PlatformTables, IntegrationsTables, IntegrationUsersTables, IncidentsTables, LabelsTables, TicketsTables, TicketSyncTables {}
