import type { AppContext } from '../../app-context.js';
import { fullPermissions } from '../../platform/permissions.js';
import { systemPrincipal } from '../../platform/principal.js';

export const PROJECT_SYNC_SCHEDULE = 'integrations:jira-project-sync';

/** Daily "Sync project list" for every enabled Jira integration that has it ticked. */
export async function syncJiraProjectLists(ctx: AppContext): Promise<void> {
  const result = await ctx.integrations.syncAllProjectLists((orgId) => systemPrincipal(orgId, fullPermissions()));
  if (result.failed) (ctx.log as { warn: (o: unknown, m: string) => void }).warn(result, 'daily Jira project sync finished with failures');
}
