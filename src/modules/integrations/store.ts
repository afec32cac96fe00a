import { sql, type Kysely } from 'kysely';
import type { IntegrationsTables } from './tables.js';
import type { IntegrationsTable, JiraFieldMappingsTable, JiraProjectsTable } from './tables.js';
import type { Exec } from '../../platform/db/exec.js';

export type IntegrationRecord = Omit<IntegrationsTable, 'id'> & { id: number };
export type JiraProjectRecord = Omit<JiraProjectsTable, 'id'> & { id: number };
export type MappingRecord = Omit<JiraFieldMappingsTable, 'id'> & { id: number };

/** The only code that touches the integrations module's tables; every query filters by org. */
export class IntegrationsStore {
  constructor(private readonly db: Kysely<IntegrationsTables>) {}

  /** Deleted rows only when `includeDeleted` (Show Deleted Accounts); every other read below skips them. */
  list(
    orgId: number,
    q: { type?: IntegrationsTable['type']; enabledOnly?: boolean; includeDeleted?: boolean } = {},
    exec: Exec<IntegrationsTables> = this.db,
  ): Promise<IntegrationRecord[]> {
    let query = exec.selectFrom('integrations').selectAll().where('org_id', '=', orgId);
    if (!q.includeDeleted) query = query.where('deleted_at', 'is', null);
    if (q.type) query = query.where('type', '=', q.type);
    if (q.enabledOnly) query = query.where('enabled', '=', 1);
    return query.orderBy('name_lower').orderBy('id').execute();
  }

  /** Every org's integrations of a type (background syncs). */
  listAllOrgs(q: { type: IntegrationsTable['type']; enabledOnly: boolean }): Promise<IntegrationRecord[]> {
    let query = this.db.selectFrom('integrations').selectAll().where('type', '=', q.type).where('deleted_at', 'is', null);
    if (q.enabledOnly) query = query.where('enabled', '=', 1);
    return query.orderBy('id').execute();
  }

  /** A deleted integration reads as missing, so everything that uses one refuses it like an unknown id. */
  get(orgId: number, id: number, exec: Exec<IntegrationsTables> = this.db): Promise<IntegrationRecord | undefined> {
    return exec.selectFrom('integrations').selectAll().where('org_id', '=', orgId).where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
  }

  findByName(orgId: number, name: string, exec: Exec<IntegrationsTables> = this.db): Promise<IntegrationRecord | undefined> {
    return exec
      .selectFrom('integrations')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('name_lower', '=', name.trim().toLowerCase())
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
  }

  async insert(exec: Exec<IntegrationsTables>, row: Omit<IntegrationRecord, 'id'>): Promise<number> {
    const r = await exec.insertInto('integrations').values(row).returning('id').executeTakeFirstOrThrow();
    return r.id;
  }

  /**
   * Never touches a deleted row: a call that was in flight when the account was deleted must not
   * write refreshed OAuth tokens (or anything else) back into it. False when no live row changed,
   * so an admin's edit that lost a race with a delete can refuse instead of auditing a change.
   */
  async update(
    exec: Exec<IntegrationsTables>,
    orgId: number,
    id: number,
    patch: Partial<Omit<IntegrationRecord, 'id' | 'org_id' | 'deleted_at' | 'deleted_by'>>,
  ): Promise<boolean> {
    const r = await exec
      .updateTable('integrations')
      .set(patch)
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /**
   * Marks a live integration deleted with its credentials erased ('' is what key rotation skips).
   * False when it was already deleted or is unknown, so of two concurrent deletes one reports 404.
   */
  async markDeleted(exec: Exec<IntegrationsTables>, orgId: number, id: number, by: string, at: string): Promise<boolean> {
    const r = await exec
      .updateTable('integrations')
      .set({
        deleted_at: at,
        deleted_by: by,
        credentials: '',
        enabled: 0,
        status: 'Inactive',
        consecutive_failures: 0,
        modified_at: at,
        modified_by: by,
      })
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Counts one more failed call and returns the new count. */
  async recordFailure(
    exec: Exec<IntegrationsTables>,
    orgId: number,
    id: number,
    patch: { last_error: string; last_error_at: string; status?: IntegrationRecord['status'] },
  ): Promise<IntegrationRecord | undefined> {
    await exec
      .updateTable('integrations')
      .set({ ...patch, consecutive_failures: sql<number>`consecutive_failures + 1` })
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .execute();
    return this.get(orgId, id, exec);
  }

  // ---- Jira projects ----

  projects(orgId: number, integrationId: number, exec: Exec<IntegrationsTables> = this.db): Promise<JiraProjectRecord[]> {
    return exec
      .selectFrom('jira_projects')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('integration_id', '=', integrationId)
      .orderBy('name')
      .orderBy('id')
      .execute();
  }

  project(orgId: number, integrationId: number, projectId: number, exec: Exec<IntegrationsTables> = this.db): Promise<JiraProjectRecord | undefined> {
    return exec
      .selectFrom('jira_projects')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('integration_id', '=', integrationId)
      .where('id', '=', projectId)
      .executeTakeFirst();
  }

  async insertProject(exec: Exec<IntegrationsTables>, row: Omit<JiraProjectRecord, 'id'>): Promise<number> {
    const r = await exec.insertInto('jira_projects').values(row).returning('id').executeTakeFirstOrThrow();
    return r.id;
  }

  async updateProject(
    exec: Exec<IntegrationsTables>,
    orgId: number,
    projectId: number,
    patch: Partial<Omit<JiraProjectRecord, 'id' | 'org_id' | 'integration_id'>>,
  ) {
    await exec.updateTable('jira_projects').set(patch).where('org_id', '=', orgId).where('id', '=', projectId).execute();
  }

  async deleteProject(exec: Exec<IntegrationsTables>, orgId: number, projectId: number) {
    await exec.deleteFrom('jira_field_mappings').where('org_id', '=', orgId).where('project_id', '=', projectId).execute();
    await exec.deleteFrom('jira_projects').where('org_id', '=', orgId).where('id', '=', projectId).execute();
  }

  /** Project counts per integration: total and with at least one saved mapping. */
  async projectCounts(orgId: number, exec: Exec<IntegrationsTables> = this.db): Promise<Map<number, { total: number; mapped: number }>> {
    const totals = await exec
      .selectFrom('jira_projects')
      .select(['integration_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('org_id', '=', orgId)
      .groupBy('integration_id')
      .execute();
    const mapped = await exec
      .selectFrom('jira_projects')
      .innerJoin('jira_field_mappings', 'jira_field_mappings.project_id', 'jira_projects.id')
      .select(['jira_projects.integration_id', (eb) => eb.fn.count<number>('jira_projects.id').distinct().as('n')])
      .where('jira_projects.org_id', '=', orgId)
      .groupBy('jira_projects.integration_id')
      .execute();
    const out = new Map<number, { total: number; mapped: number }>();
    for (const t of totals) out.set(t.integration_id, { total: Number(t.n), mapped: 0 });
    for (const m of mapped) out.set(m.integration_id, { total: out.get(m.integration_id)?.total ?? 0, mapped: Number(m.n) });
    return out;
  }

  // ---- Field mappings ----

  mappingsOfProjects(orgId: number, projectIds: number[], exec: Exec<IntegrationsTables> = this.db): Promise<MappingRecord[]> {
    if (projectIds.length === 0) return Promise.resolve([]);
    return exec
      .selectFrom('jira_field_mappings')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('project_id', 'in', projectIds)
      .orderBy('required', 'desc')
      .orderBy('id')
      .execute();
  }

  mappings(orgId: number, projectId: number, issueTypeId: string, exec: Exec<IntegrationsTables> = this.db): Promise<MappingRecord[]> {
    return exec
      .selectFrom('jira_field_mappings')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('project_id', '=', projectId)
      .where('issue_type_id', '=', issueTypeId)
      .orderBy('locked', 'desc')
      .orderBy('required', 'desc')
      .orderBy('id')
      .execute();
  }

  async replaceMappings(exec: Exec<IntegrationsTables>, orgId: number, projectId: number, issueTypeId: string, rows: Omit<MappingRecord, 'id'>[]) {
    await exec
      .deleteFrom('jira_field_mappings')
      .where('org_id', '=', orgId)
      .where('project_id', '=', projectId)
      .where('issue_type_id', '=', issueTypeId)
      .execute();
    if (rows.length) await exec.insertInto('jira_field_mappings').values(rows).execute();
  }

  async deleteMappingsExcept(exec: Exec<IntegrationsTables>, orgId: number, projectId: number, keepIssueTypeIds: string[]) {
    let q = exec.deleteFrom('jira_field_mappings').where('org_id', '=', orgId).where('project_id', '=', projectId);
    if (keepIssueTypeIds.length) q = q.where('issue_type_id', 'not in', keepIssueTypeIds);
    await q.execute();
  }
}
