import { randomBytes } from 'node:crypto';
import type { AppContext } from '../src/app-context.js';
import { nowIso } from '../src/platform/db/database.js';
import type { Sandbox } from '../src/sandbox/index.js';
import { snNow } from '../src/sandbox/state.js';

const CHUNK = 500;

/**
 * `n` open tickets of one integration, written straight into our table and into the sandbox (as if
 * created long ago), one per incident of `incidentIds`: the status poll's load, without paying for
 * n real creations first.
 */
export async function seedOpenTickets(
  ctx: AppContext,
  sandbox: Sandbox,
  o: {
    orgId: number;
    integrationId: number;
    system: 'servicenow' | 'jira';
    incidentIds: number[];
    project?: { id: number; key: string; name: string };
    assignee: { id: number; name: string; email: string; externalId: string };
  },
): Promise<void> {
  const now = nowIso();
  const integration = await ctx.db.selectFrom('integrations').select(['name', 'type']).where('id', '=', o.integrationId).executeTakeFirstOrThrow();
  const project = o.project ? sandbox.state.jira.projects.find((p) => p.key === o.project!.key)! : null;
  const incidents = await ctx.db.selectFrom('incidents').select(['id', 'transaction_id']).where('id', 'in', o.incidentIds).execute();
  for (let i = 0; i < incidents.length; i += CHUNK) {
    const rows = incidents.slice(i, i + CHUNK).map((inc) => {
      let external: { id: string; key: string; url: string; status: string };
      if (o.system === 'servicenow') {
        const sysId = randomBytes(16).toString('hex');
        const number = `INC${String(sandbox.state.servicenow.nextNumber++).padStart(7, '0')}`;
        sandbox.state.servicenow.incidents.push({
          sys_id: sysId,
          number,
          short_description: `Seeded ${number}`,
          description: '',
          state: '2',
          incident_state: '2',
          active: 'true',
          assigned_to: o.assignee.externalId,
          caller_id: '',
          correlation_id: '',
          correlation_display: '',
          work_notes: '',
          comments: '',
          urgency: '2',
          impact: '2',
          priority: '3',
          sys_created_by: 'wfa.integration',
          sys_created_on: snNow(),
          sys_updated_on: snNow(),
        });
        external = { id: sysId, key: number, url: `${sandbox.servicenowUrl}/incident.do?sys_id=${sysId}`, status: 'In Progress' };
      } else {
        const id = String(sandbox.state.jira.nextIssueId++);
        const key = `${project!.key}-${sandbox.state.jira.issues.filter((x) => x.projectKey === project!.key).length + 1}`;
        sandbox.state.jira.issues.push({
          id,
          key,
          projectKey: project!.key,
          issueTypeId: project!.issueTypes[0].id,
          statusId: project!.statuses.find((s) => s.category === 'indeterminate')!.id,
          summary: `Seeded ${key}`,
          description: null,
          labels: [],
          assigneeAccountId: o.assignee.externalId,
          extraFields: {},
          created: now,
          updated: now,
          comments: [],
        });
        external = { id, key, url: `${sandbox.jiraUrl}/browse/${key}`, status: 'In Progress' };
      }
      return {
        org_id: o.orgId,
        incident_id: inc.id,
        transaction_id: inc.transaction_id,
        integration_id: o.integrationId,
        integration_type: integration.type as 'servicenow' | 'jira_cloud',
        integration_name: integration.name,
        integration_user_id: o.assignee.id,
        assignee_name: o.assignee.name,
        assignee_email: o.assignee.email,
        assignee_external_id: o.assignee.externalId,
        project_id: o.project?.id ?? null,
        project_key: o.project?.key ?? null,
        project_name: o.project?.name ?? null,
        issue_type_id: project?.issueTypes[0].id ?? null,
        notes: null,
        state: 'open' as const,
        external_id: external.id,
        external_key: external.key,
        external_url: external.url,
        external_status: external.status,
        external_status_category: 'indeterminate',
        external_assignee_id: o.assignee.externalId,
        failure_reason: null,
        field_errors: null,
        requested_at: now,
        create_sent_at: now,
        comment_posted: 1,
        last_synced_at: now,
        created_by: 'Bench',
        created_by_admin_id: null,
        created_at: now,
        updated_at: now,
        closed_at: null,
      };
    });
    await ctx.db.insertInto('tickets').values(rows).execute();
  }
}
