import type { Transaction } from 'kysely';
import type { IntegrationsTables } from './tables.js';
import type { Principal } from '../../platform/principal.js';
import type { AuditEntryInput, AuditRecorder } from '../audit/service.js';
import type { AccountInfo } from './credentials.js';
import { descriptorOf } from '../../connectors/descriptors.js';
import { settingsOf } from './settings.js';
import type { IntegrationRecord } from './store.js';
import { parseJson } from './text.js';

/** Module name on audit entries and Notification Center alerts. */
export const MODULE = 'Integrations';
const RESOURCE = 'Integration Configuration';

/** Every change to an integration, its projects or mappings is audited against the integration. */
export function recordIntegrationChange(
  audit: AuditRecorder,
  trx: Transaction<IntegrationsTables>,
  actor: Principal,
  integrationId: number,
  entry: Omit<AuditEntryInput, 'module' | 'resource' | 'resourceId'>,
): Promise<void> {
  return audit.record(trx, actor, { ...entry, module: MODULE, resource: RESOURCE, resourceId: integrationId });
}

/** An integration as the audit log shows it before and after a change. */
export function snapshot(r: Omit<IntegrationRecord, 'id'>) {
  return {
    type: descriptorOf(r.type).label,
    name: r.name,
    baseUrl: r.base_url,
    authMethod: r.auth_method,
    account: parseJson<AccountInfo>(r.account_info, {}),
    settings: settingsOf(r),
    enabled: r.enabled === 1,
    status: r.status,
    // Never the value: redact() blanks this key, and only the fact is recorded.
    credentials: 'stored',
  };
}
