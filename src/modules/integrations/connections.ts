import type { Kysely } from 'kysely';
import { ConnectorError, descriptorOf, type OAuthTokens } from '../../connectors/index.js';
import { nowIso } from '../../platform/db/database.js';
import { isUniqueViolation } from '../../platform/db/errors.js';
import type { TableWrites } from '../../platform/db/table-writes.js';
import type { IntegrationsTables } from './tables.js';
import type { Exec } from '../../platform/db/exec.js';

import { conflict, notFound } from '../../platform/http/errors.js';
import type { Principal } from '../../platform/principal.js';
import type { SecretBox } from '../../platform/secrets.js';
import type { AlertsRaiser } from '../alerts/service.js';
import type { AuditRecorder } from '../audit/service.js';
import { recordIntegrationChange, snapshot } from './audit-entries.js';
import type { IntegrationConnectors } from './connectors.js';
import {
  accountInfoOf,
  authMethodOf,
  mergeCredentials,
  normaliseUrl,
  withoutTokens,
  withTokens,
  type AccountInfo,
  type StoredCredentials,
} from './credentials.js';
import { alertKey, statusAfterFailure } from './health.js';
import { integrationView, summaryOf, type IntegrationSummary } from './integration-view.js';
import type { JiraProjects } from './jira-projects.js';
import { requireIntegration } from './lookups.js';
import type { ConnectInput, IntegrationView, UpdateInput } from './schemas.js';
import { resolveSettings, settingsColumns, settingsOf } from './settings.js';
import type { IntegrationRecord, IntegrationsStore } from './store.js';
import { SummaryCache } from './summary-cache.js';
import { parseJson } from './text.js';

/** Counts how many records of another module use an integration; a used integration cannot be deleted. */
export type UsageCounter = (orgId: number, integrationId: number, exec: Exec<IntegrationsTables>) => Promise<number>;

function duplicateName(name: string) {
  return conflict(`An integration named "${name}" already exists. Tenant names must be unique; choose another name.`);
}

/** An integration's connection to its system: reading, connecting, editing, enabling, verifying and deleting it. */
export class IntegrationConnections {
  private readonly usages = new Map<string, UsageCounter>();
  private readonly summaryCache: SummaryCache;

  constructor(
    private readonly db: Kysely<IntegrationsTables>,
    private readonly store: IntegrationsStore,
    private readonly audit: AuditRecorder,
    private readonly alerts: AlertsRaiser,
    private readonly secrets: SecretBox,
    private readonly connectors: IntegrationConnectors,
    private readonly projects: JiraProjects,
    writes: TableWrites,
  ) {
    this.summaryCache = new SummaryCache(store, writes);
  }

  registerUsage(name: string, count: UsageCounter): void {
    this.usages.set(name, count);
  }

  async list(orgId: number, q: { type?: IntegrationRecord['type']; enabledOnly?: boolean; includeDeleted?: boolean } = {}): Promise<IntegrationView[]> {
    const [rows, counts] = await Promise.all([this.store.list(orgId, q), this.store.projectCounts(orgId)]);
    return rows.map((r) => integrationView(r, counts.get(r.id)));
  }

  async get(orgId: number, id: number): Promise<IntegrationView> {
    const r = await requireIntegration(this.store, orgId, id);
    const counts = await this.store.projectCounts(orgId);
    return integrationView(r, counts.get(r.id));
  }

  /** Cached for at most a second, dropped on every write in this process (see summary-cache.ts). */
  summaries(orgId: number): Promise<IntegrationSummary[]> {
    return this.summaryCache.summaries(orgId);
  }

  async summary(orgId: number, id: number): Promise<IntegrationSummary | null> {
    const r = await this.store.get(orgId, id);
    return r ? summaryOf(r) : null;
  }

  async connect(actor: Principal, input: ConnectInput): Promise<IntegrationView> {
    const name = input.name.trim();
    if (await this.store.findByName(actor.orgId, name)) throw duplicateName(name);
    const baseUrl = normaliseUrl(input.baseUrl);
    const verified = await this.connectors.verifyCandidate(input.type, baseUrl, input.credentials);
    const creds = withTokens(input.credentials, verified.tokens);
    const adminEmail = ('adminEmail' in input ? input.adminEmail : null) ?? null;
    const hasProjects = descriptorOf(input.type).capabilities.projects;
    const settings = resolveSettings(input.type, input.settings ?? {}, {
      syncTicketStatus: false,
      closeIncidentOnTicketClosed: false,
      syncProjectList: hasProjects,
    });
    const id = await this.db.transaction().execute(async (trx) => {
      if (await this.store.findByName(actor.orgId, name, trx)) throw duplicateName(name);
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
        ...settingsColumns(settings),
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
        deleted_at: null,
        deleted_by: null,
      };
      const id = await this.store.insert(trx, row).catch((e: unknown) => {
        if (isUniqueViolation(e)) throw duplicateName(name);
        throw e;
      });
      await recordIntegrationChange(this.audit, trx, actor, id, {
        action: 'Insert',
        notes: `Connected ${descriptorOf(input.type).label} integration ${name}`,
        after: snapshot(row),
      });
      return id;
    });
    if (hasProjects) await this.projects.initialSync(actor, id);
    return this.get(actor.orgId, id);
  }

  async update(actor: Principal, id: number, input: UpdateInput): Promise<IntegrationView> {
    const current = await requireIntegration(this.store, actor.orgId, id);
    const newName = input.name?.trim();
    if (newName && newName.toLowerCase() !== current.name_lower && (await this.store.findByName(actor.orgId, newName))) {
      throw duplicateName(newName);
    }
    const stored = this.secrets.openJson<StoredCredentials>(current.credentials);
    const merged = mergeCredentials(current.type, stored, input.credentials ?? {});
    const baseUrl = input.baseUrl !== undefined ? normaliseUrl(input.baseUrl) : current.base_url;
    const connectionChanged = merged.changed || baseUrl !== current.base_url;
    let creds = merged.credentials;
    let verified: { accountName: string; tokens?: OAuthTokens } | null = null;
    if (connectionChanged) {
      // Tokens belong to the instance that issued them: a new address or account needs a new grant.
      creds = withoutTokens(creds);
      // New credentials or a new address are checked against the system before anything is saved.
      verified = await this.connectors.verifyCandidate(current.type, baseUrl, creds);
      creds = withTokens(creds, verified.tokens);
    }
    const currentAccount = parseJson<AccountInfo>(current.account_info, {});
    const adminEmail = input.adminEmail !== undefined ? input.adminEmail || null : (currentAccount.adminEmail ?? null);
    const settings = resolveSettings(current.type, input.settings ?? {}, settingsOf(current));
    await this.db.transaction().execute(async (trx) => {
      const fresh = await this.store.get(actor.orgId, id, trx);
      if (!fresh) throw notFound('Integration');
      const name = newName ?? fresh.name;
      if (name.toLowerCase() !== fresh.name_lower && (await this.store.findByName(actor.orgId, name, trx))) throw duplicateName(name);
      const now = nowIso();
      const patch: Partial<IntegrationRecord> = {
        name,
        name_lower: name.toLowerCase(),
        base_url: baseUrl,
        account_info: JSON.stringify(accountInfoOf(fresh.type, creds, adminEmail)),
        ...settingsColumns(settings),
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
      const updated = await this.store.update(trx, actor.orgId, id, patch).catch((e: unknown) => {
        if (isUniqueViolation(e)) throw duplicateName(name);
        throw e;
      });
      // Deleted since it was read (another admin, another process): nothing changed, nothing to audit.
      if (!updated) throw notFound('Integration');
      if (connectionChanged) await this.alerts.clear(actor.orgId, alertKey(id), trx);
      const after = { ...fresh, ...patch };
      const changes: string[] = [];
      if (name !== fresh.name) changes.push(`name ${fresh.name} → ${name}`);
      if (baseUrl !== fresh.base_url) changes.push('URL');
      if (merged.changed) changes.push('credentials');
      if (
        patch.sync_ticket_status !== fresh.sync_ticket_status ||
        patch.close_incident_on_ticket_closed !== fresh.close_incident_on_ticket_closed ||
        patch.sync_project_list !== fresh.sync_project_list
      )
        changes.push('settings');
      await recordIntegrationChange(this.audit, trx, actor, id, {
        action: 'Update',
        notes: `Edited ${descriptorOf(fresh.type).label} integration ${name}${changes.length ? `: ${changes.join(', ')}` : ''}`,
        before: snapshot(fresh),
        after: { ...snapshot(after), ...(merged.changed ? { credentials: 'changed' } : {}) },
      });
    });
    return this.get(actor.orgId, id);
  }

  async setEnabled(actor: Principal, id: number, enabled: boolean): Promise<IntegrationView> {
    const current = await requireIntegration(this.store, actor.orgId, id);
    if ((current.enabled === 1) === enabled) return this.get(actor.orgId, id);
    let status: IntegrationRecord['status'] = 'Inactive';
    let lastError: string | null = current.last_error;
    if (enabled) {
      // Enabling checks the stored credentials so the status says whether it will work.
      status = 'Active';
      try {
        await this.connectors.verifyStored(current);
        lastError = null;
      } catch (err) {
        if (!(err instanceof ConnectorError)) throw err;
        lastError = err.message;
        status = statusAfterFailure(err) ?? status;
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
      if (!(await this.store.update(trx, actor.orgId, id, patch))) throw notFound('Integration');
      // A disabled integration is not "not working"; an enabled one starts with a clean count.
      await this.alerts.clear(actor.orgId, alertKey(id), trx);
      await recordIntegrationChange(this.audit, trx, actor, id, {
        action: 'Update',
        notes: `${enabled ? 'Enabled' : 'Disabled'} ${descriptorOf(current.type).label} integration ${current.name}`,
        before: snapshot(current),
        after: snapshot({ ...current, ...patch }),
      });
    });
    if (enabled && descriptorOf(current.type).capabilities.projects && status === 'Active') {
      const projects = await this.store.projects(actor.orgId, id);
      if (projects.length === 0) await this.projects.initialSync(actor, id);
    }
    return this.get(actor.orgId, id);
  }

  /**
   * "Test connection" / "Reauthorize": checks the stored credentials now. For a ServiceNow OAuth
   * integration that needs re-authorization, a fresh password grant replaces the dead tokens.
   */
  async verify(actor: Principal, id: number): Promise<IntegrationView> {
    const current = await requireIntegration(this.store, actor.orgId, id);
    const connector = await this.connectors.connectorFor(actor.orgId, id, {
      allowDisabled: true,
      freshGrant: current.status === 'Reauthorization Required',
      interactive: true,
    });
    const { accountName } = await this.connectors.settledCall(id, () => connector.verify());
    await this.store.update(this.db, actor.orgId, id, { account_name: accountName });
    return this.get(actor.orgId, id);
  }

  /**
   * Deleting keeps the row as a Deleted account ("Show Deleted Accounts") but erases its
   * credentials, disables it and frees its name; from then on every read but the list with
   * deleted accounts treats it as unknown. Its Jira projects and mappings go, as nothing can use them.
   */
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
          `The ${descriptorOf(current.type).label} integration ${current.name} is still used by ${used.join(' and ')}. Remove them first, or disable the integration instead.`,
          { usages: used },
        );
      }
      const projects = await this.store.projects(actor.orgId, id, trx);
      for (const p of projects) await this.store.deleteProject(trx, actor.orgId, p.id);
      if (!(await this.store.markDeleted(trx, actor.orgId, id, actor.label, nowIso()))) throw notFound('Integration');
      await this.alerts.clear(actor.orgId, alertKey(id), trx);
      await recordIntegrationChange(this.audit, trx, actor, id, {
        action: 'Delete',
        notes: `Deleted ${descriptorOf(current.type).label} integration ${current.name}; its stored credentials were erased`,
        before: snapshot(current),
      });
    });
  }
}
