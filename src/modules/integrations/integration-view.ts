import type { AccountInfo } from './credentials.js';
import { descriptorOf } from '../../connectors/descriptors.js';
import type { IntegrationView } from './schemas.js';
import { settingsOf } from './settings.js';
import type { IntegrationRecord } from './store.js';
import { parseJson } from './text.js';

export type IntegrationSummary = { id: number; type: IntegrationRecord['type']; name: string; enabled: boolean; status: string };

export function summaryOf(r: IntegrationRecord): IntegrationSummary {
  return { id: r.id, type: r.type, name: r.name, enabled: r.enabled === 1, status: r.status };
}

export function integrationView(r: IntegrationRecord, counts?: { total: number; mapped: number }): IntegrationView {
  const account = parseJson<AccountInfo>(r.account_info, {});
  return {
    id: r.id,
    type: r.type,
    typeLabel: descriptorOf(r.type).label,
    name: r.name,
    baseUrl: r.base_url,
    authMethod: r.auth_method,
    account: {
      username: account.username ?? null,
      email: account.email ?? null,
      clientId: account.clientId ?? null,
      adminEmail: account.adminEmail ?? null,
    },
    accountName: r.account_name,
    hasCredentials: !!r.credentials,
    status: r.deleted_at ? 'Deleted' : r.status,
    enabled: r.enabled === 1,
    settings: settingsOf(r),
    health: {
      consecutiveFailures: r.consecutive_failures,
      lastError: r.last_error,
      lastErrorAt: r.last_error_at,
      lastSuccessAt: r.last_success_at,
    },
    projects: descriptorOf(r.type).capabilities.projects
      ? { total: counts?.total ?? 0, mapped: counts?.mapped ?? 0, lastSyncAt: r.last_project_sync_at }
      : null,
    createdAt: r.created_at,
    modifiedAt: r.modified_at,
    modifiedBy: r.modified_by,
    deleted: !!r.deleted_at,
    deletedAt: r.deleted_at,
    deletedBy: r.deleted_by,
  };
}
