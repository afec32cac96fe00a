import type { Logger } from '../../platform/log.js';
import { fullPermissions } from '../../platform/permissions.js';
import { systemPrincipal } from '../../platform/principal.js';
import type { IntegrationsService } from './service.js';

export const PROJECT_SYNC_SCHEDULE = 'integrations:jira-project-sync';

/** Daily "Sync project list" for every enabled Jira integration that has it ticked. */
export async function syncJiraProjectLists(service: IntegrationsService, log: Logger): Promise<void> {
  const result = await service.syncAllProjectLists((orgId) => systemPrincipal(orgId, fullPermissions()));
  if (result.failed) log.warn(result, 'daily Jira project sync finished with failures');
}
