import type { Kysely } from 'kysely';
import type { Logger } from '../../platform/log.js';
import { SYSTEMS, projectCatalogOf, type ExternalProject, type ExternalStatus } from '../../connectors/index.js';
import { nowIso } from '../../platform/db/database.js';
import type { IntegrationsTables } from './tables.js';
import { AppError, badRequest } from '../../platform/http/errors.js';
import type { Principal } from '../../platform/principal.js';
import type { AuditRecorder } from '../audit/service.js';
import { recordIntegrationChange } from './audit-entries.js';
import type { IntegrationConnectors } from './connectors.js';
import { requireIntegration, requireJira, requireProject } from './lookups.js';
import type { JiraProjectView } from './schemas.js';
import type { IntegrationsStore, JiraProjectRecord, MappingRecord } from './store.js';
import { parseJson } from './text.js';

export type ProjectSyncResult = { total: number; added: number; removed: number; updated: number };

/** A project, with why tickets for it cannot be created automatically (if they cannot). */
function projectView(p: JiraProjectRecord, mappings: MappingRecord[]): JiraProjectView {
  const statuses = parseJson<ExternalStatus[]>(p.statuses, []);
  const mapped = new Map<string, string>();
  for (const m of mappings) mapped.set(m.issue_type_id, m.issue_type_name);
  const labelsSupported = p.labels_supported === 1;
  const reason = !labelsSupported ? ('Labels Not Supported' as const) : mapped.size === 0 ? ('Mapping is Empty' as const) : null;
  return {
    id: p.id,
    integrationId: p.integration_id,
    externalId: p.external_id,
    key: p.key,
    name: p.name,
    statuses,
    issueTypes: parseJson<{ id: string; name: string }[]>(p.issue_types, []),
    labelsSupported,
    completeStatus: statuses.find((s) => s.id === p.complete_status_id) ?? null,
    mappedIssueTypes: [...mapped].map(([id, name]) => ({ id, name })),
    autoSync: { enabled: reason === null, reason },
    syncedAt: p.synced_at,
    modifiedAt: p.modified_at,
    modifiedBy: p.modified_by,
  };
}

/** The Jira projects of an integration: the synced list and each project's Complete Status. */
export class JiraProjects {
  constructor(
    private readonly db: Kysely<IntegrationsTables>,
    private readonly store: IntegrationsStore,
    private readonly audit: AuditRecorder,
    private readonly connectors: IntegrationConnectors,
    private readonly log: Logger,
  ) {}

  /** Jira projects of an integration (for the ticket action's Project drop-down). */
  async projects(orgId: number, integrationId: number): Promise<JiraProjectView[]> {
    await requireIntegration(this.store, orgId, integrationId);
    const rows = await this.store.projects(orgId, integrationId);
    const mappings = await this.store.mappingsOfProjects(
      orgId,
      rows.map((p) => p.id),
    );
    return rows.map((p) =>
      projectView(
        p,
        mappings.filter((m) => m.project_id === p.id),
      ),
    );
  }

  async listProjects(orgId: number, id: number): Promise<JiraProjectView[]> {
    await requireJira(this.store, orgId, id);
    return this.projects(orgId, id);
  }

  /** "Sync Project List": pulls projects, statuses and issue types; keeps Complete Status and mappings that still apply. */
  async syncProjects(actor: Principal, id: number): Promise<ProjectSyncResult> {
    const integration = await requireJira(this.store, actor.orgId, id);
    const connector = await this.connectors.connectorFor(actor.orgId, id);
    const external: ExternalProject[] = await this.connectors.settledCall(id, () => projectCatalogOf(connector).listProjects());
    return this.db.transaction().execute(async (trx) => {
      const now = nowIso();
      const existing = new Map((await this.store.projects(actor.orgId, id, trx)).map((p) => [p.external_id, p]));
      let added = 0;
      let updated = 0;
      let removed = 0;
      for (const p of external) {
        const fromJira = {
          key: p.key,
          name: p.name,
          statuses: JSON.stringify(p.statuses),
          issue_types: JSON.stringify(p.issueTypes),
          labels_supported: p.labelsSupported ? 1 : 0,
        };
        const old = existing.get(p.id);
        existing.delete(p.id);
        if (!old) {
          added++;
          await this.store.insertProject(trx, {
            org_id: actor.orgId,
            integration_id: id,
            external_id: p.id,
            ...fromJira,
            complete_status_id: null,
            synced_at: now,
            modified_at: now,
            modified_by: actor.label,
          });
          continue;
        }
        const changed = (Object.keys(fromJira) as (keyof typeof fromJira)[]).some((k) => old[k] !== fromJira[k]);
        if (changed) updated++;
        const keepStatus = old.complete_status_id && p.statuses.some((s) => s.id === old.complete_status_id) ? old.complete_status_id : null;
        await this.store.updateProject(trx, actor.orgId, old.id, { ...fromJira, complete_status_id: keepStatus, synced_at: now });
        // Mappings of issue types the project no longer offers cannot be used any more.
        await this.store.deleteMappingsExcept(
          trx,
          actor.orgId,
          old.id,
          p.issueTypes.map((t) => t.id),
        );
      }
      for (const gone of existing.values()) {
        removed++;
        await this.store.deleteProject(trx, actor.orgId, gone.id);
      }
      await this.store.update(trx, actor.orgId, id, { last_project_sync_at: now });
      const result = { total: external.length, added, removed, updated };
      if (actor.kind !== 'system' || added + removed + updated > 0) {
        await recordIntegrationChange(this.audit, trx, actor, id, {
          action: 'Update',
          notes: `Synced the project list of Jira integration ${integration.name}: ${external.length} projects (${added} added, ${removed} removed, ${updated} changed)`,
          after: result,
        });
      }
      return result;
    });
  }

  /** Jira: all projects and their metadata are pulled in when the integration is first enabled. */
  async initialSync(actor: Principal, id: number): Promise<void> {
    try {
      await this.syncProjects(actor, id);
    } catch (err) {
      // The integration is connected; the failure is on its page (health) and Sync Project List retries it.
      this.log.warn({ integrationId: id, err: err instanceof AppError ? err.message : String(err) }, 'initial Jira project sync failed');
    }
  }

  /** The daily "Sync project list" run over every org's enabled Jira integrations that ask for it. */
  async syncAllProjectLists(actorFor: (orgId: number) => Principal): Promise<{ synced: number; failed: number }> {
    let synced = 0;
    let failed = 0;
    const withProjects = SYSTEMS.filter((d) => d.capabilities.projects);
    for (const r of (await Promise.all(withProjects.map((d) => this.store.listAllOrgs({ type: d.type, enabledOnly: true })))).flat()) {
      if (!r.sync_project_list) continue;
      try {
        await this.syncProjects(actorFor(r.org_id), r.id);
        synced++;
      } catch (err) {
        failed++;
        this.log.warn({ integrationId: r.id, err: (err as Error).message }, 'daily Jira project sync failed');
      }
    }
    return { synced, failed };
  }

  async setCompleteStatus(actor: Principal, id: number, projectId: number, statusIdOrName: string | null): Promise<JiraProjectView> {
    const integration = await requireJira(this.store, actor.orgId, id);
    const project = await requireProject(this.store, actor.orgId, id, projectId);
    const statuses = parseJson<ExternalStatus[]>(project.statuses, []);
    let status: ExternalStatus | null = null;
    if (statusIdOrName !== null) {
      const wanted = statusIdOrName.trim().toLowerCase();
      status = statuses.find((s) => s.id === statusIdOrName) ?? statuses.find((s) => s.name.toLowerCase() === wanted) ?? null;
      if (!status) {
        throw badRequest(
          `"${statusIdOrName}" is not a status of project ${project.key}. Choose one of: ${statuses.map((s) => s.name).join(', ') || '(none — sync the project list)'}.`,
        );
      }
    }
    await this.db.transaction().execute(async (trx) => {
      const now = nowIso();
      await this.store.updateProject(trx, actor.orgId, projectId, { complete_status_id: status?.id ?? null, modified_at: now, modified_by: actor.label });
      const before = statuses.find((s) => s.id === project.complete_status_id)?.name ?? null;
      await recordIntegrationChange(this.audit, trx, actor, id, {
        action: 'Update',
        notes: `Set the Complete Status of project ${project.key} in Jira integration ${integration.name} to ${status?.name ?? 'none'}`,
        before: { project: project.key, completeStatus: before },
        after: { project: project.key, completeStatus: status?.name ?? null },
      });
    });
    return (await this.projects(actor.orgId, id)).find((p) => p.id === projectId)!;
  }
}
