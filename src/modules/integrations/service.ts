import type { Kysely, Transaction } from 'kysely';
import type { AppContext } from '../../app-context.js';
import type { Config } from '../../config.js';
import {
  ConnectorError,
  createConnector,
  type Connection,
  type ConnectorOptions,
  type ExternalProject,
  type ExternalStatus,
  type FieldMeta,
  type JiraCredentials,
  type OAuthTokens,
  type ServiceNowCredentials,
  type TicketingConnector,
} from '../../connectors/index.js';
import { nowIso } from '../../platform/db/database.js';
import type { DB } from '../../platform/db/types.js';
import { AppError, badGateway, badRequest, conflict, notFound, unprocessable } from '../../platform/http/errors.js';
import type { Principal } from '../../platform/principal.js';
import type { SecretBox } from '../../platform/secrets.js';
import type { AlertsService } from '../alerts/service.js';
import type { AuditService } from '../audit/service.js';
import { INCIDENT_FIELDS, LOCKED_JIRA_FIELDS, compatibleIncidentFields } from './incident-fields.js';
import {
  TYPE_LABELS,
  type ConnectInput,
  type IntegrationView,
  type JiraProjectView,
  type MappingRowView,
  type MappingView,
  type SaveMappingInput,
  type UpdateInput,
} from './schemas.js';
import { IntegrationsStore, type IntegrationRecord, type JiraProjectRecord, type MappingRecord } from './store.js';

const MODULE = 'Integrations';
const RESOURCE = 'Integration Configuration';
/** Failed calls in a row before the Notification Center says the integration is not working. */
export const FAILURES_BEFORE_ALERT = 3;
/** A success only rewrites last_success_at when the stored one is older than this (avoids a write per call). */
const SUCCESS_WRITE_INTERVAL_MS = 60_000;

type Exec = Kysely<DB> | Transaction<DB>;
type StoredCredentials = ServiceNowCredentials | JiraCredentials;
type AccountInfo = { username?: string | null; email?: string | null; clientId?: string | null; adminEmail?: string | null };

/** Counts how many records of another module use an integration; a used integration cannot be deleted. */
export type UsageCounter = (orgId: number, integrationId: number, exec: Exec) => Promise<number>;

export const alertKey = (integrationId: number) => `integration:${integrationId}`;

function parseJson<T>(text: string | null, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

const nonBlank = (v: string | undefined | null): string | undefined => (v !== undefined && v !== null && v.trim() !== '' ? v : undefined);

/** The API never sees a secret: only identifiers an admin typed in plain sight. */
function accountInfoOf(type: IntegrationRecord['type'], creds: StoredCredentials, adminEmail?: string | null): AccountInfo {
  if (type === 'jira_cloud') return { email: (creds as JiraCredentials).email };
  const sn = creds as ServiceNowCredentials;
  return { username: sn.username, clientId: sn.authMethod === 'oauth' ? sn.clientId : null, adminEmail: adminEmail ?? null };
}

function authMethodOf(type: IntegrationRecord['type'], creds: StoredCredentials): IntegrationRecord['auth_method'] {
  return type === 'jira_cloud' ? 'api_token' : (creds as ServiceNowCredentials).authMethod;
}

function normaliseUrl(url: string): string {
  return url.trim().replace(/\/+$/, '');
}

/** A connector failure as an API error whose message tells the admin what to fix. */
export function connectorFailure(err: unknown): unknown {
  if (!(err instanceof ConnectorError)) return err;
  if (err.transient) return badGateway(err.message, { kind: err.kind });
  return unprocessable(err.message, { kind: err.kind, ...(err.opts.fieldErrors ? { fieldErrors: err.opts.fieldErrors } : {}) });
}

export class IntegrationsService {
  readonly store: IntegrationsStore;
  private readonly usages = new Map<string, UsageCounter>();
  /** Per-integration chain of health writes, so outcomes are recorded in the order calls ended. */
  private readonly healthChains = new Map<number, Promise<void>>();
  /** Test seam and tuning: merged into every connector's options (e.g. a no-wait `sleep`). */
  connectorOverrides: Partial<ConnectorOptions> = {};

  constructor(
    private readonly db: Kysely<DB>,
    private readonly audit: AuditService,
    private readonly alerts: AlertsService,
    private readonly secrets: SecretBox,
    private readonly config: Pick<Config, 'allowPrivateTargets'>,
    private readonly log: AppContext['log'],
  ) {
    this.store = new IntegrationsStore(db);
  }

  // ---------------------------------------------------------------- public API for other modules

  /**
   * Another module (integration users, tickets, workflows) declares that its rows use an
   * integration; delete is refused while any counter is above zero. `name` is a plural noun
   * ("integration users") used in the refusal message.
   */
  registerUsage(name: string, count: UsageCounter): void {
    this.usages.set(name, count);
  }

  async list(orgId: number, q: { type?: IntegrationRecord['type']; enabledOnly?: boolean } = {}): Promise<IntegrationView[]> {
    const [rows, counts] = await Promise.all([this.store.list(orgId, q), this.store.projectCounts(orgId)]);
    return rows.map((r) => this.view(r, counts.get(r.id)));
  }

  async get(orgId: number, id: number): Promise<IntegrationView> {
    const r = await this.require(orgId, id);
    const counts = await this.store.projectCounts(orgId);
    return this.view(r, counts.get(r.id));
  }

  /**
   * A connector for an integration with its decrypted credentials. Refreshed OAuth tokens are
   * stored (sealed) and every call's outcome feeds the integration's health. A disabled
   * integration is refused unless `allowDisabled`.
   */
  async connectorFor(orgId: number, id: number, opts: { allowDisabled?: boolean; freshGrant?: boolean } = {}): Promise<TicketingConnector> {
    const r = await this.require(orgId, id);
    if (!r.enabled && !opts.allowDisabled) {
      throw conflict(`The ${TYPE_LABELS[r.type]} integration ${r.name} is disabled. Enable it on Setup > Integrations first.`);
    }
    let creds = this.secrets.openJson<StoredCredentials>(r.credentials);
    if (opts.freshGrant && 'authMethod' in creds && creds.authMethod === 'oauth') {
      creds = { ...creds, accessToken: undefined, refreshToken: undefined, accessTokenExpiresAt: undefined };
    }
    return createConnector(this.connection(r.type, r.base_url, creds), {
      ...this.connectorOptions(),
      onTokens: (tokens) => this.storeTokens(orgId, id, tokens),
      onCallResult: (ok, error) => this.track(orgId, id, ok, error),
    });
  }

  /** Jira projects of an integration (for the ticket action's Project drop-down). */
  async projects(orgId: number, integrationId: number): Promise<JiraProjectView[]> {
    await this.require(orgId, integrationId);
    const rows = await this.store.projects(orgId, integrationId);
    const mappings = await this.store.mappingsOfProjects(
      orgId,
      rows.map((p) => p.id),
    );
    return rows.map((p) => this.projectView(p, mappings.filter((m) => m.project_id === p.id)));
  }

  /** Saved field mapping rows of a project + issue type (for filling a Jira issue). */
  async fieldMappings(orgId: number, projectId: number, issueTypeId: string): Promise<MappingRowView[]> {
    return (await this.store.mappings(orgId, projectId, issueTypeId)).map((m) => this.mappingRowView(m));
  }

  /** Resolves when every health write queued so far has landed (tests, and routes before answering). */
  async settled(id?: number): Promise<void> {
    const chains = id === undefined ? [...this.healthChains.values()] : [this.healthChains.get(id)].filter(Boolean);
    await Promise.all(chains);
  }

  // ---------------------------------------------------------------- connect / edit / toggle / delete

  async connect(actor: Principal, input: ConnectInput): Promise<IntegrationView> {
    const name = input.name.trim();
    if (await this.store.findByName(actor.orgId, name)) throw this.duplicateName(name);
    const baseUrl = normaliseUrl(input.baseUrl);
    let creds: StoredCredentials = input.credentials;
    const verified = await this.verifyCandidate(input.type, baseUrl, creds);
    if (verified.tokens && 'authMethod' in creds && creds.authMethod === 'oauth') creds = { ...creds, ...verified.tokens };
    const adminEmail = input.type === 'servicenow' ? (input.adminEmail ?? null) : null;
    const isJira = input.type === 'jira_cloud';
    const settings = this.resolveSettings(input.type, input.settings ?? {}, {
      syncTicketStatus: false,
      closeIncidentOnTicketClosed: false,
      syncProjectList: isJira,
    });
    const id = await this.db.transaction().execute(async (trx) => {
      if (await this.store.findByName(actor.orgId, name, trx)) throw this.duplicateName(name);
      const now = nowIso();
      const row: Omit<IntegrationRecord, 'id'> = {
        org_id: actor.orgId,
        type: input.type,
        name,
        name_lower: name.toLowerCase(),
        base_url: baseUrl,
        auth_method: authMethodOf(input.type, creds),
        account_info: JSON.stringify(accountInfoOf(input.type, creds, adminEmail)),
        credentials: this.secrets.sealJson(creds),
        account_name: verified.accountName,
        sync_ticket_status: settings.syncTicketStatus ? 1 : 0,
        close_incident_on_ticket_closed: settings.closeIncidentOnTicketClosed ? 1 : 0,
        sync_project_list: settings.syncProjectList ? 1 : 0,
        status: 'Active',
        enabled: 1,
        consecutive_failures: 0,
        last_error: null,
        last_error_at: null,
        last_success_at: now,
        last_project_sync_at: null,
        created_at: now,
        created_by: actor.label,
        modified_at: now,
        modified_by: actor.label,
      };
      const id = await this.store.insert(trx, row).catch((e: unknown) => {
        if (/unique|duplicate/i.test(String((e as Error).message))) throw this.duplicateName(name);
        throw e;
      });
      await this.audit.record(trx, actor, {
        action: 'Insert',
        module: MODULE,
        resource: RESOURCE,
        resourceId: id,
        notes: `Connected ${TYPE_LABELS[input.type]} integration ${name}`,
        after: this.snapshot(row),
      });
      return id;
    });
    // Jira: all projects and their metadata are pulled in when the integration is first enabled.
    if (isJira) await this.initialProjectSync(actor, id);
    return this.get(actor.orgId, id);
  }

  async update(actor: Principal, id: number, input: UpdateInput): Promise<IntegrationView> {
    const current = await this.require(actor.orgId, id);
    const newName = input.name?.trim();
    if (newName && newName.toLowerCase() !== current.name_lower && (await this.store.findByName(actor.orgId, newName))) {
      throw this.duplicateName(newName);
    }
    const stored = this.secrets.openJson<StoredCredentials>(current.credentials);
    const merged = this.mergeCredentials(current.type, stored, input.credentials ?? {});
    const baseUrl = input.baseUrl !== undefined ? normaliseUrl(input.baseUrl) : current.base_url;
    const connectionChanged = merged.changed || baseUrl !== current.base_url;
    let creds = merged.credentials;
    let verified: { accountName: string; tokens?: OAuthTokens } | null = null;
    if (connectionChanged && 'authMethod' in creds && creds.authMethod === 'oauth') {
      // Tokens belong to the instance that issued them: a new address or account needs a new grant.
      creds = { ...creds, accessToken: undefined, refreshToken: undefined, accessTokenExpiresAt: undefined };
    }
    if (connectionChanged) {
      // New credentials or a new address are checked against the system before anything is saved.
      verified = await this.verifyCandidate(current.type, baseUrl, creds);
      if (verified.tokens && 'authMethod' in creds && creds.authMethod === 'oauth') creds = { ...creds, ...verified.tokens };
    }
    const currentAccount = parseJson<AccountInfo>(current.account_info, {});
    const adminEmail = input.adminEmail !== undefined ? input.adminEmail || null : (currentAccount.adminEmail ?? null);
    const settings = this.resolveSettings(current.type, input.settings ?? {}, {
      syncTicketStatus: current.sync_ticket_status === 1,
      closeIncidentOnTicketClosed: current.close_incident_on_ticket_closed === 1,
      syncProjectList: current.sync_project_list === 1,
    });
    await this.db.transaction().execute(async (trx) => {
      const fresh = await this.store.get(actor.orgId, id, trx);
      if (!fresh) throw notFound('Integration');
      const name = newName ?? fresh.name;
      if (name.toLowerCase() !== fresh.name_lower && (await this.store.findByName(actor.orgId, name, trx))) throw this.duplicateName(name);
      const now = nowIso();
      const patch: Partial<IntegrationRecord> = {
        name,
        name_lower: name.toLowerCase(),
        base_url: baseUrl,
        account_info: JSON.stringify(accountInfoOf(fresh.type, creds, adminEmail)),
        sync_ticket_status: settings.syncTicketStatus ? 1 : 0,
        close_incident_on_ticket_closed: settings.closeIncidentOnTicketClosed ? 1 : 0,
        sync_project_list: settings.syncProjectList ? 1 : 0,
        modified_at: now,
        modified_by: actor.label,
      };
      if (connectionChanged && verified) {
        patch.credentials = this.secrets.sealJson(creds);
        patch.auth_method = authMethodOf(fresh.type, creds);
        patch.account_name = verified.accountName;
        // Working credentials end a Validation Failed / Reauthorization Required state.
        patch.consecutive_failures = 0;
        patch.last_success_at = now;
        if (fresh.enabled) patch.status = 'Active';
      }
      await this.store.update(trx, actor.orgId, id, patch);
      if (connectionChanged) await this.alerts.clear(actor.orgId, alertKey(id), trx);
      const after = { ...fresh, ...patch };
      const changes: string[] = [];
      if (name !== fresh.name) changes.push(`name ${fresh.name} → ${name}`);
      if (baseUrl !== fresh.base_url) changes.push('URL');
      if (merged.changed) changes.push('credentials');
      if (patch.sync_ticket_status !== fresh.sync_ticket_status || patch.close_incident_on_ticket_closed !== fresh.close_incident_on_ticket_closed || patch.sync_project_list !== fresh.sync_project_list)
        changes.push('settings');
      await this.audit.record(trx, actor, {
        action: 'Update',
        module: MODULE,
        resource: RESOURCE,
        resourceId: id,
        notes: `Edited ${TYPE_LABELS[fresh.type]} integration ${name}${changes.length ? `: ${changes.join(', ')}` : ''}`,
        before: this.snapshot(fresh),
        after: { ...this.snapshot(after), ...(merged.changed ? { credentials: 'changed' } : {}) },
      });
    });
    return this.get(actor.orgId, id);
  }

  async setEnabled(actor: Principal, id: number, enabled: boolean): Promise<IntegrationView> {
    const current = await this.require(actor.orgId, id);
    if ((current.enabled === 1) === enabled) return this.get(actor.orgId, id);
    let status: IntegrationRecord['status'] = 'Inactive';
    let lastError: string | null = current.last_error;
    if (enabled) {
      // Enabling checks the stored credentials so the status says whether it will work.
      status = 'Active';
      try {
        const creds = this.secrets.openJson<StoredCredentials>(current.credentials);
        await createConnector(this.connection(current.type, current.base_url, creds), {
          ...this.connectorOptions(),
          onTokens: (tokens) => this.storeTokens(actor.orgId, id, tokens),
        }).verify();
        lastError = null;
      } catch (err) {
        if (!(err instanceof ConnectorError)) throw err;
        lastError = err.message;
        if (err.opts.reauthorize) status = 'Reauthorization Required';
        else if (err.kind === 'auth') status = 'Validation Failed';
      }
    }
    await this.db.transaction().execute(async (trx) => {
      const now = nowIso();
      const patch: Partial<IntegrationRecord> = {
        enabled: enabled ? 1 : 0,
        status,
        modified_at: now,
        modified_by: actor.label,
        consecutive_failures: 0,
        last_error: lastError,
        ...(enabled && lastError && lastError !== current.last_error ? { last_error_at: now } : {}),
        ...(enabled && !lastError ? { last_success_at: now } : {}),
      };
      await this.store.update(trx, actor.orgId, id, patch);
      // A disabled integration is not "not working"; an enabled one starts with a clean count.
      await this.alerts.clear(actor.orgId, alertKey(id), trx);
      await this.audit.record(trx, actor, {
        action: 'Update',
        module: MODULE,
        resource: RESOURCE,
        resourceId: id,
        notes: `${enabled ? 'Enabled' : 'Disabled'} ${TYPE_LABELS[current.type]} integration ${current.name}`,
        before: this.snapshot(current),
        after: this.snapshot({ ...current, ...patch }),
      });
    });
    if (enabled && current.type === 'jira_cloud' && status === 'Active') {
      const projects = await this.store.projects(actor.orgId, id);
      if (projects.length === 0) await this.initialProjectSync(actor, id);
    }
    return this.get(actor.orgId, id);
  }

  /**
   * "Test connection" / "Reauthorize": checks the stored credentials now. For a ServiceNow OAuth
   * integration that needs re-authorization, a fresh password grant replaces the dead tokens.
   */
  async verify(actor: Principal, id: number): Promise<IntegrationView> {
    const current = await this.require(actor.orgId, id);
    const connector = await this.connectorFor(actor.orgId, id, {
      allowDisabled: true,
      freshGrant: current.status === 'Reauthorization Required',
    });
    try {
      const { accountName } = await connector.verify();
      await this.settled(id);
      await this.store.update(this.db, actor.orgId, id, { account_name: accountName });
    } catch (err) {
      await this.settled(id);
      throw connectorFailure(err);
    }
    return this.get(actor.orgId, id);
  }

  async delete(actor: Principal, id: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const current = await this.store.get(actor.orgId, id, trx);
      if (!current) throw notFound('Integration');
      const used: string[] = [];
      for (const [name, count] of this.usages) {
        const n = await count(actor.orgId, id, trx);
        if (n > 0) used.push(`${n} ${name}`);
      }
      if (used.length) {
        throw conflict(
          `The ${TYPE_LABELS[current.type]} integration ${current.name} is still used by ${used.join(' and ')}. Remove them first, or disable the integration instead.`,
          { usages: used },
        );
      }
      const projects = await this.store.projects(actor.orgId, id, trx);
      for (const p of projects) await this.store.deleteProject(trx, actor.orgId, p.id);
      await this.store.delete(trx, actor.orgId, id);
      await this.alerts.clear(actor.orgId, alertKey(id), trx);
      await this.audit.record(trx, actor, {
        action: 'Delete',
        module: MODULE,
        resource: RESOURCE,
        resourceId: id,
        notes: `Deleted ${TYPE_LABELS[current.type]} integration ${current.name}`,
        before: this.snapshot(current),
      });
    });
  }

  // ---------------------------------------------------------------- Jira projects

  async listProjects(orgId: number, id: number): Promise<JiraProjectView[]> {
    await this.requireJira(orgId, id);
    return this.projects(orgId, id);
  }

  /** "Sync Project List": pulls projects, statuses and issue types; keeps Complete Status and mappings that still apply. */
  async syncProjects(actor: Principal, id: number): Promise<{ total: number; added: number; removed: number; updated: number }> {
    const integration = await this.requireJira(actor.orgId, id);
    const connector = await this.connectorFor(actor.orgId, id);
    let external: ExternalProject[];
    try {
      external = await connector.listProjects();
    } catch (err) {
      await this.settled(id);
      throw connectorFailure(err);
    }
    await this.settled(id);
    return this.db.transaction().execute(async (trx) => {
      const now = nowIso();
      const existing = new Map((await this.store.projects(actor.orgId, id, trx)).map((p) => [p.external_id, p]));
      let added = 0;
      let updated = 0;
      let removed = 0;
      for (const p of external) {
        const statuses = JSON.stringify(p.statuses);
        const issueTypes = JSON.stringify(p.issueTypes);
        const labels = p.labelsSupported ? 1 : 0;
        const old = existing.get(p.id);
        existing.delete(p.id);
        if (!old) {
          added++;
          await this.store.insertProject(trx, {
            org_id: actor.orgId,
            integration_id: id,
            external_id: p.id,
            key: p.key,
            name: p.name,
            statuses,
            issue_types: issueTypes,
            labels_supported: labels,
            complete_status_id: null,
            synced_at: now,
            modified_at: now,
            modified_by: actor.label,
          });
          continue;
        }
        const changed = old.key !== p.key || old.name !== p.name || old.statuses !== statuses || old.issue_types !== issueTypes || old.labels_supported !== labels;
        if (changed) updated++;
        const keepStatus = old.complete_status_id && p.statuses.some((s) => s.id === old.complete_status_id) ? old.complete_status_id : null;
        await this.store.updateProject(trx, actor.orgId, old.id, {
          key: p.key,
          name: p.name,
          statuses,
          issue_types: issueTypes,
          labels_supported: labels,
          complete_status_id: keepStatus,
          synced_at: now,
        });
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
        await this.audit.record(trx, actor, {
          action: 'Update',
          module: MODULE,
          resource: RESOURCE,
          resourceId: id,
          notes: `Synced the project list of Jira integration ${integration.name}: ${external.length} projects (${added} added, ${removed} removed, ${updated} changed)`,
          after: result,
        });
      }
      return result;
    });
  }

  /** The daily "Sync project list" run over every org's enabled Jira integrations that ask for it. */
  async syncAllProjectLists(actorFor: (orgId: number) => Principal): Promise<{ synced: number; failed: number }> {
    let synced = 0;
    let failed = 0;
    for (const r of await this.store.listAllOrgs({ type: 'jira_cloud', enabledOnly: true })) {
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
    const integration = await this.requireJira(actor.orgId, id);
    const project = await this.store.project(actor.orgId, id, projectId);
    if (!project) throw notFound('Project');
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
      await this.audit.record(trx, actor, {
        action: 'Update',
        module: MODULE,
        resource: RESOURCE,
        resourceId: id,
        notes: `Set the Complete Status of project ${project.key} in Jira integration ${integration.name} to ${status?.name ?? 'none'}`,
        before: { project: project.key, completeStatus: before },
        after: { project: project.key, completeStatus: status?.name ?? null },
      });
    });
    return (await this.projects(actor.orgId, id)).find((p) => p.id === projectId)!;
  }

  /** Required Fields Mappings page: Jira's fields for the project + issue type (live) and the saved rows. */
  async getMapping(orgId: number, id: number, projectId: number, issueTypeId: string): Promise<MappingView> {
    const { project, issueType, fields } = await this.mappingContext(orgId, id, projectId, issueTypeId);
    const rows = await this.store.mappings(orgId, projectId, issueTypeId);
    return this.mappingView(project, issueType, fields, rows);
  }

  async saveMapping(actor: Principal, id: number, projectId: number, issueTypeId: string, input: SaveMappingInput): Promise<MappingView> {
    const integration = await this.requireJira(actor.orgId, id);
    const { project, issueType, fields } = await this.mappingContext(actor.orgId, id, projectId, issueTypeId);
    const byKey = new Map(fields.map((f) => [f.key, f]));
    const given = new Map<string, SaveMappingInput['rows'][number]>();
    const problems: string[] = [];
    for (const row of input.rows) {
      if (given.has(row.fieldKey)) problems.push(`${byKey.get(row.fieldKey)?.name ?? row.fieldKey} is listed twice.`);
      given.set(row.fieldKey, row);
      if (!byKey.has(row.fieldKey)) problems.push(`Jira has no field "${row.fieldKey}" for ${issueType.name} in project ${project.key}; sync the project list and reload.`);
    }
    const now = nowIso();
    const out: Omit<MappingRecord, 'id'>[] = [];
    for (const f of fields) {
      const locked = LOCKED_JIRA_FIELDS.has(f.key);
      const row = given.get(f.key);
      if (!locked && !row && !f.required) continue;
      let incidentField: string | null = null;
      let defaultValue: string | null = null;
      if (locked) {
        // Filled by the product on every issue; shown for completeness.
        defaultValue = f.key === 'issuetype' ? issueType.name : project.name;
      } else {
        incidentField = row?.incidentField ?? null;
        defaultValue = nonBlank(row?.defaultValue) ?? null;
        if (!incidentField && defaultValue === null) {
          problems.push(
            f.required
              ? `${f.name} is required by Jira: choose a Zscaler field or enter a default value.`
              : `${f.name}: choose a Zscaler field or enter a default value, or delete the row.`,
          );
          continue;
        }
        if (incidentField && !compatibleIncidentFields(f.schemaType).includes(incidentField as never)) {
          const label = INCIDENT_FIELDS.find((x) => x.key === incidentField)?.label ?? incidentField;
          problems.push(`${label} cannot fill the Jira field ${f.name} (${f.schemaType}); use a default value instead.`);
        }
        if (defaultValue !== null && f.allowedValues?.length) {
          const wanted = defaultValue.toLowerCase();
          const match = f.allowedValues.find((v) => v.id === defaultValue || v.name.toLowerCase() === wanted);
          if (!match) problems.push(`"${defaultValue}" is not an allowed value of ${f.name}. Choose one of: ${f.allowedValues.map((v) => v.name).join(', ')}.`);
          else defaultValue = match.name;
        }
      }
      out.push({
        org_id: actor.orgId,
        project_id: projectId,
        issue_type_id: issueType.id,
        issue_type_name: issueType.name,
        field_key: f.key,
        field_name: f.name,
        required: f.required ? 1 : 0,
        schema_type: f.schemaType,
        allowed_values: f.allowedValues ? JSON.stringify(f.allowedValues) : null,
        incident_field: incidentField,
        default_value: defaultValue,
        locked: locked ? 1 : 0,
        modified_at: now,
        modified_by: actor.label,
      });
    }
    if (problems.length) throw badRequest(problems[0], { problems });
    await this.db.transaction().execute(async (trx) => {
      const before = await this.store.mappings(actor.orgId, projectId, issueType.id, trx);
      await this.store.replaceMappings(trx, actor.orgId, projectId, issueType.id, out);
      await this.store.updateProject(trx, actor.orgId, projectId, { modified_at: now, modified_by: actor.label });
      const brief = (rows: { field_key: string; incident_field: string | null; default_value: string | null }[]) =>
        rows.map((r) => ({ field: r.field_key, incidentField: r.incident_field, defaultValue: r.default_value }));
      await this.audit.record(trx, actor, {
        action: before.length ? 'Update' : 'Insert',
        module: MODULE,
        resource: RESOURCE,
        resourceId: id,
        notes: `Saved the field mappings of ${issueType.name} in project ${project.key} of Jira integration ${integration.name}`,
        before: before.length ? { project: project.key, issueType: issueType.name, rows: brief(before) } : undefined,
        after: { project: project.key, issueType: issueType.name, rows: brief(out) },
      });
    });
    return this.mappingView(project, issueType, fields, await this.store.mappings(actor.orgId, projectId, issueType.id));
  }

  async deleteMapping(actor: Principal, id: number, projectId: number, issueTypeId: string): Promise<void> {
    const integration = await this.requireJira(actor.orgId, id);
    const project = await this.store.project(actor.orgId, id, projectId);
    if (!project) throw notFound('Project');
    await this.db.transaction().execute(async (trx) => {
      const before = await this.store.mappings(actor.orgId, projectId, issueTypeId, trx);
      if (!before.length) throw notFound('Field mapping');
      await this.store.replaceMappings(trx, actor.orgId, projectId, issueTypeId, []);
      await this.store.updateProject(trx, actor.orgId, projectId, { modified_at: nowIso(), modified_by: actor.label });
      await this.audit.record(trx, actor, {
        action: 'Delete',
        module: MODULE,
        resource: RESOURCE,
        resourceId: id,
        notes: `Removed the field mappings of ${before[0].issue_type_name} in project ${project.key} of Jira integration ${integration.name}`,
        before: { project: project.key, issueType: before[0].issue_type_name, rows: before.map((r) => ({ field: r.field_key, incidentField: r.incident_field, defaultValue: r.default_value })) },
      });
    });
  }

  // ---------------------------------------------------------------- internals

  private connectorOptions(): ConnectorOptions {
    return { allowPrivateTargets: this.config.allowPrivateTargets, ...this.connectorOverrides };
  }

  private connection(type: IntegrationRecord['type'], baseUrl: string, creds: StoredCredentials): Connection {
    return type === 'servicenow'
      ? { type, baseUrl, credentials: creds as ServiceNowCredentials }
      : { type, baseUrl, credentials: creds as JiraCredentials };
  }

  /** Checks credentials that are not stored yet; a failure becomes an API error and nothing is saved. */
  private async verifyCandidate(type: IntegrationRecord['type'], baseUrl: string, creds: StoredCredentials) {
    let tokens: OAuthTokens | undefined;
    const connector = createConnector(this.connection(type, baseUrl, creds), {
      ...this.connectorOptions(),
      onTokens: async (t) => {
        tokens = t;
      },
    });
    try {
      const { accountName } = await connector.verify();
      return { accountName, tokens };
    } catch (err) {
      // Nothing retries a connect form later: tell the admin what to check instead.
      if (err instanceof ConnectorError && err.transient) {
        const message = err.message.replace(/\s*It will be retried\.?$/, '');
        throw badGateway(`${message} Check the URL and that this server can reach it, then try again.`, { kind: err.kind });
      }
      throw connectorFailure(err);
    }
  }

  private async initialProjectSync(actor: Principal, id: number): Promise<void> {
    try {
      await this.syncProjects(actor, id);
    } catch (err) {
      // The integration is connected; the failure is on its page (health) and Sync Project List retries it.
      this.log.warn({ integrationId: id, err: err instanceof AppError ? err.message : String(err) }, 'initial Jira project sync failed');
    }
  }

  private mergeCredentials(
    type: IntegrationRecord['type'],
    stored: StoredCredentials,
    input: NonNullable<UpdateInput['credentials']>,
  ): { credentials: StoredCredentials; changed: boolean } {
    if (type === 'jira_cloud') {
      for (const k of ['authMethod', 'username', 'password', 'clientId', 'clientSecret'] as const) {
        if (nonBlank(input[k])) throw badRequest(`A Jira Cloud integration uses an account email and API token; ${k} does not apply.`);
      }
      const s = stored as JiraCredentials;
      const next: JiraCredentials = { email: nonBlank(input.email)?.trim() ?? s.email, apiToken: nonBlank(input.apiToken) ?? s.apiToken };
      if (nonBlank(input.email) && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(next.email)) throw badRequest('Enter a valid account email, such as jane@example.com.');
      return { credentials: next, changed: next.email !== s.email || next.apiToken !== s.apiToken };
    }
    for (const k of ['email', 'apiToken'] as const) {
      if (nonBlank(input[k])) throw badRequest(`A ServiceNow integration uses a user ID and password (and an OAuth client); ${k} does not apply.`);
    }
    const s = stored as ServiceNowCredentials;
    const method = input.authMethod ?? s.authMethod;
    const username = nonBlank(input.username)?.trim() ?? s.username;
    const password = nonBlank(input.password) ?? s.password;
    if (method === 'basic') {
      const next: ServiceNowCredentials = { authMethod: 'basic', username, password };
      return { credentials: next, changed: s.authMethod !== 'basic' || username !== s.username || password !== s.password };
    }
    const clientId = nonBlank(input.clientId)?.trim() ?? (s.authMethod === 'oauth' ? s.clientId : undefined);
    const clientSecret = nonBlank(input.clientSecret) ?? (s.authMethod === 'oauth' ? s.clientSecret : undefined);
    if (!clientId) throw badRequest('Client ID is required for OAuth 2.0.');
    if (!clientSecret) throw badRequest('Client Secret is required for OAuth 2.0.');
    const changed =
      s.authMethod !== 'oauth' || username !== s.username || password !== s.password || clientId !== s.clientId || clientSecret !== s.clientSecret;
    // New OAuth credentials need a new grant; unchanged ones keep their tokens.
    const next: ServiceNowCredentials = changed
      ? { authMethod: 'oauth', clientId, clientSecret, username, password }
      : { ...(s as Extract<ServiceNowCredentials, { authMethod: 'oauth' }>) };
    return { credentials: next, changed };
  }

  private resolveSettings(
    type: IntegrationRecord['type'],
    input: { syncTicketStatus?: boolean; closeIncidentOnTicketClosed?: boolean; syncProjectList?: boolean },
    current: { syncTicketStatus: boolean; closeIncidentOnTicketClosed: boolean; syncProjectList: boolean },
  ) {
    if (type === 'servicenow' && input.syncProjectList) throw badRequest('Sync project list applies to Jira Cloud integrations only.');
    const syncTicketStatus = input.syncTicketStatus ?? current.syncTicketStatus;
    const close = input.closeIncidentOnTicketClosed ?? current.closeIncidentOnTicketClosed;
    if (input.closeIncidentOnTicketClosed && !syncTicketStatus) {
      throw badRequest('Close incident when ticket is closed needs Sync ticket status to be on.');
    }
    return {
      syncTicketStatus,
      // Closing on ticket close depends on the status sync; turning the sync off turns it off too.
      closeIncidentOnTicketClosed: syncTicketStatus && close,
      syncProjectList: type === 'jira_cloud' ? (input.syncProjectList ?? current.syncProjectList) : false,
    };
  }

  private async storeTokens(orgId: number, id: number, tokens: OAuthTokens): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const r = await this.store.get(orgId, id, trx);
      if (!r) return;
      const creds = this.secrets.openJson<StoredCredentials>(r.credentials);
      if (!('authMethod' in creds) || creds.authMethod !== 'oauth') return;
      await this.store.update(trx, orgId, id, { credentials: this.secrets.sealJson({ ...creds, ...tokens }) });
    });
  }

  private track(orgId: number, id: number, ok: boolean, error?: ConnectorError): void {
    const prev = this.healthChains.get(id) ?? Promise.resolve();
    const next = prev
      .then(() => this.recordOutcome(orgId, id, ok, error))
      .catch((err: unknown) => this.log.error({ integrationId: id, err: (err as Error).message }, 'could not record integration health'));
    this.healthChains.set(id, next);
    void next.then(() => {
      if (this.healthChains.get(id) === next) this.healthChains.delete(id);
    });
  }

  private async recordOutcome(orgId: number, id: number, ok: boolean, error?: ConnectorError): Promise<void> {
    const now = nowIso();
    if (ok) {
      const r = await this.store.get(orgId, id);
      if (!r) return;
      const unhealthy = r.consecutive_failures > 0 || (r.enabled === 1 && r.status !== 'Active');
      if (unhealthy) {
        await this.db.transaction().execute(async (trx) => {
          await this.store.update(trx, orgId, id, {
            consecutive_failures: 0,
            last_success_at: now,
            ...(r.enabled ? { status: 'Active' as const } : {}),
          });
          await this.alerts.clear(orgId, alertKey(id), trx);
        });
        this.log.info({ integrationId: id }, 'integration calls succeed again');
      } else if (!r.last_success_at || Date.parse(now) - Date.parse(r.last_success_at) > SUCCESS_WRITE_INTERVAL_MS) {
        await this.store.update(this.db, orgId, id, { last_success_at: now });
      }
      return;
    }
    const message = error?.message ?? 'The call failed.';
    const reauthorize = !!error?.opts.reauthorize;
    await this.db.transaction().execute(async (trx) => {
      const before = await this.store.get(orgId, id, trx);
      if (!before) return;
      const status: IntegrationRecord['status'] | undefined = !before.enabled
        ? undefined
        : reauthorize
          ? 'Reauthorization Required'
          : error?.kind === 'auth'
            ? 'Validation Failed'
            : undefined;
      const r = await this.store.recordFailure(trx, orgId, id, { last_error: message, last_error_at: now, ...(status ? { status } : {}) });
      if (!r) return;
      this.log.warn({ integrationId: id, kind: error?.kind, failures: r.consecutive_failures }, `integration call failed: ${message}`);
      // Needing re-authorization never fixes itself, so it is raised at once.
      if (r.enabled && (r.consecutive_failures >= FAILURES_BEFORE_ALERT || reauthorize)) {
        await this.alerts.raise(
          orgId,
          {
            key: alertKey(id),
            module: MODULE,
            severity: 'High',
            summary: `${r.name} integration is not working`,
            detail: `${r.consecutive_failures} call${r.consecutive_failures === 1 ? '' : 's'} in a row failed. Last error: ${message}`,
          },
          trx,
        );
      }
    });
  }

  private async require(orgId: number, id: number): Promise<IntegrationRecord> {
    const r = await this.store.get(orgId, id);
    if (!r) throw notFound('Integration');
    return r;
  }

  private async requireJira(orgId: number, id: number): Promise<IntegrationRecord> {
    const r = await this.require(orgId, id);
    if (r.type !== 'jira_cloud') throw badRequest(`${r.name} is a ServiceNow integration; only Jira Cloud integrations have projects.`);
    return r;
  }

  private async mappingContext(orgId: number, id: number, projectId: number, issueTypeId: string) {
    await this.requireJira(orgId, id);
    const project = await this.store.project(orgId, id, projectId);
    if (!project) throw notFound('Project');
    const issueType = parseJson<{ id: string; name: string }[]>(project.issue_types, []).find((t) => t.id === issueTypeId);
    if (!issueType) throw notFound('Issue type');
    const connector = await this.connectorFor(orgId, id);
    let fields: FieldMeta[];
    try {
      fields = await connector.getFields(project.key, issueType.id);
    } catch (err) {
      await this.settled(id);
      throw connectorFailure(err);
    }
    await this.settled(id);
    return { project, issueType, fields };
  }

  private duplicateName(name: string) {
    return conflict(`An integration named "${name}" already exists. Tenant names must be unique; choose another name.`);
  }

  private snapshot(r: Omit<IntegrationRecord, 'id'>) {
    return {
      type: TYPE_LABELS[r.type],
      name: r.name,
      baseUrl: r.base_url,
      authMethod: r.auth_method,
      account: parseJson<AccountInfo>(r.account_info, {}),
      settings: {
        syncTicketStatus: r.sync_ticket_status === 1,
        closeIncidentOnTicketClosed: r.close_incident_on_ticket_closed === 1,
        syncProjectList: r.sync_project_list === 1,
      },
      enabled: r.enabled === 1,
      status: r.status,
      // Never the value: redact() blanks this key, and only the fact is recorded.
      credentials: 'stored',
    };
  }

  private view(r: IntegrationRecord, counts?: { total: number; mapped: number }): IntegrationView {
    const account = parseJson<AccountInfo>(r.account_info, {});
    return {
      id: r.id,
      type: r.type,
      typeLabel: TYPE_LABELS[r.type],
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
      status: r.status,
      enabled: r.enabled === 1,
      settings: {
        syncTicketStatus: r.sync_ticket_status === 1,
        closeIncidentOnTicketClosed: r.close_incident_on_ticket_closed === 1,
        syncProjectList: r.sync_project_list === 1,
      },
      health: {
        consecutiveFailures: r.consecutive_failures,
        lastError: r.last_error,
        lastErrorAt: r.last_error_at,
        lastSuccessAt: r.last_success_at,
      },
      projects: r.type === 'jira_cloud' ? { total: counts?.total ?? 0, mapped: counts?.mapped ?? 0, lastSyncAt: r.last_project_sync_at } : null,
      createdAt: r.created_at,
      modifiedAt: r.modified_at,
      modifiedBy: r.modified_by,
    };
  }

  private projectView(p: JiraProjectRecord, mappings: MappingRecord[]): JiraProjectView {
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

  private mappingRowView(m: MappingRecord): MappingRowView {
    return {
      fieldKey: m.field_key,
      fieldName: m.field_name,
      required: m.required === 1,
      schemaType: m.schema_type,
      allowedValues: parseJson<{ id: string; name: string }[] | null>(m.allowed_values, null),
      incidentField: m.incident_field,
      defaultValue: m.default_value,
      locked: m.locked === 1,
      modifiedAt: m.modified_at,
      modifiedBy: m.modified_by,
    };
  }

  private mappingView(project: JiraProjectRecord, issueType: { id: string; name: string }, fields: FieldMeta[], rows: MappingRecord[]): MappingView {
    const saved = new Set(rows.map((r) => r.field_key));
    const complete = rows.length > 0 && fields.filter((f) => f.required).every((f) => saved.has(f.key));
    return {
      projectId: project.id,
      issueType,
      fields: fields.map((f) => ({
        key: f.key,
        name: f.name,
        required: f.required,
        schemaType: f.schemaType,
        allowedValues: f.allowedValues ?? null,
        compatibleIncidentFields: compatibleIncidentFields(f.schemaType),
        locked: LOCKED_JIRA_FIELDS.has(f.key),
      })),
      rows: rows.map((r) => this.mappingRowView(r)),
      complete,
    };
  }
}
