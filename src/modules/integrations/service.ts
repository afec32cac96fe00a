import type { Kysely } from 'kysely';
import type { Logger } from '../../platform/log.js';
import type { Config } from '../../config.js';
import type { ConnectorOptions, TicketingConnector } from '../../connectors/index.js';
import type { Metrics } from '../../platform/metrics.js';
import type { TableWrites } from '../../platform/db/table-writes.js';
import type { IntegrationsTables } from './tables.js';
import type { Principal } from '../../platform/principal.js';
import type { SecretBox } from '../../platform/secrets.js';
import type { AlertsRaiser } from '../alerts/service.js';
import type { AuditRecorder } from '../audit/service.js';
import { IntegrationConnections, type UsageCounter } from './connections.js';
import { IntegrationConnectors } from './connectors.js';
import { FieldMappings } from './field-mappings.js';
import { IntegrationHealth } from './health.js';
import type { IntegrationSummary } from './integration-view.js';
import { JiraProjects, type ProjectSyncResult } from './jira-projects.js';
import type { ConnectInput, IntegrationView, JiraProjectView, MappingRowView, MappingView, SaveMappingInput, UpdateInput } from './schemas.js';
import { IntegrationsStore, type IntegrationRecord } from './store.js';

export { connectorFailure } from './connectors.js';
export { FAILURES_BEFORE_ALERT, alertKey } from './health.js';
export type { IntegrationSummary } from './integration-view.js';
export type { UsageCounter } from './connections.js';

/**
 * The integrations module as other modules and its routes see it. The work is done by
 * `connections.ts` (connect, edit, enable, verify, delete), `connectors.ts` + `health.ts`
 * (connectors whose calls feed the integration's health), `jira-projects.ts` and
 * `field-mappings.ts`.
 */
export class IntegrationsService {
  readonly store: IntegrationsStore;
  private readonly health: IntegrationHealth;
  private readonly connectors: IntegrationConnectors;
  private readonly connections: IntegrationConnections;
  private readonly jiraProjects: JiraProjects;
  private readonly mappings: FieldMappings;

  constructor(
    db: Kysely<IntegrationsTables>,
    audit: AuditRecorder,
    alerts: AlertsRaiser,
    secrets: SecretBox,
    config: Pick<Config, 'allowPrivateTargets'>,
    log: Logger,
    writes: TableWrites,
    metrics: Pick<Metrics, 'connectorCalls'>,
  ) {
    this.store = new IntegrationsStore(db);
    this.health = new IntegrationHealth(db, this.store, alerts, log);
    this.connectors = new IntegrationConnectors(db, this.store, secrets, this.health, config, metrics);
    this.jiraProjects = new JiraProjects(db, this.store, audit, this.connectors, log);
    this.mappings = new FieldMappings(db, this.store, audit, this.connectors);
    this.connections = new IntegrationConnections(db, this.store, audit, alerts, secrets, this.connectors, this.jiraProjects, writes);
  }

  /** Test seam and tuning: merged into every connector's options (e.g. a no-wait `sleep`). */
  get connectorOverrides(): Partial<ConnectorOptions> {
    return this.connectors.overrides;
  }

  set connectorOverrides(overrides: Partial<ConnectorOptions>) {
    this.connectors.overrides = overrides;
  }

  // ---------------------------------------------------------------- public API for other modules

  /**
   * Another module (integration users, tickets, workflows) declares that its rows use an
   * integration; delete is refused while any counter is above zero. `name` is a plural noun
   * ("integration users") used in the refusal message.
   */
  registerUsage(name: string, count: UsageCounter): void {
    this.connections.registerUsage(name, count);
  }

  /** Deleted accounts only with `includeDeleted` (the Connected Accounts list's "Show Deleted Accounts"). */
  list(orgId: number, q: { type?: IntegrationRecord['type']; enabledOnly?: boolean; includeDeleted?: boolean } = {}): Promise<IntegrationView[]> {
    return this.connections.list(orgId, q);
  }

  /** A deleted integration is a 404 here, as in every other call but `list` with `includeDeleted`. */
  get(orgId: number, id: number): Promise<IntegrationView> {
    return this.connections.get(orgId, id);
  }

  /**
   * The few fields other modules show next to their own rows (id, type, name, enabled, status),
   * without the project counts `list`/`get` compute: the integration-users list reads these on
   * every request.
   */
  summaries(orgId: number): Promise<IntegrationSummary[]> {
    return this.connections.summaries(orgId);
  }

  /** One integration's summary; null when the org has no such integration (or it was deleted). */
  summary(orgId: number, id: number): Promise<IntegrationSummary | null> {
    return this.connections.summary(orgId, id);
  }

  /**
   * A connector for an integration with its decrypted credentials. Refreshed OAuth tokens are
   * stored (sealed) and every call's outcome feeds the integration's health. A disabled
   * integration is refused unless `allowDisabled`.
   */
  connectorFor(orgId: number, id: number, opts: { allowDisabled?: boolean; freshGrant?: boolean; interactive?: boolean } = {}): Promise<TicketingConnector> {
    return this.connectors.connectorFor(orgId, id, opts);
  }

  /** Jira projects of an integration (for the ticket action's Project drop-down). */
  projects(orgId: number, integrationId: number): Promise<JiraProjectView[]> {
    return this.jiraProjects.projects(orgId, integrationId);
  }

  /** Saved field mapping rows of a project + issue type (for filling a Jira issue). */
  fieldMappings(orgId: number, projectId: number, issueTypeId: string): Promise<MappingRowView[]> {
    return this.mappings.fieldMappings(orgId, projectId, issueTypeId);
  }

  /** Resolves when every health write queued so far has landed (tests, and routes before answering). */
  settled(id?: number): Promise<void> {
    return this.health.settled(id);
  }

  // ---------------------------------------------------------------- connect / edit / toggle / delete

  connect(actor: Principal, input: ConnectInput): Promise<IntegrationView> {
    return this.connections.connect(actor, input);
  }

  update(actor: Principal, id: number, input: UpdateInput): Promise<IntegrationView> {
    return this.connections.update(actor, id, input);
  }

  setEnabled(actor: Principal, id: number, enabled: boolean): Promise<IntegrationView> {
    return this.connections.setEnabled(actor, id, enabled);
  }

  /** "Test connection" / "Reauthorize". */
  verify(actor: Principal, id: number): Promise<IntegrationView> {
    return this.connections.verify(actor, id);
  }

  /** Soft delete: the account stays listed as Deleted, without credentials; see connections.ts. */
  delete(actor: Principal, id: number): Promise<void> {
    return this.connections.delete(actor, id);
  }

  // ---------------------------------------------------------------- Jira projects and field mappings

  listProjects(orgId: number, id: number): Promise<JiraProjectView[]> {
    return this.jiraProjects.listProjects(orgId, id);
  }

  /** "Sync Project List". */
  syncProjects(actor: Principal, id: number): Promise<ProjectSyncResult> {
    return this.jiraProjects.syncProjects(actor, id);
  }

  /** The daily "Sync project list" run. */
  syncAllProjectLists(actorFor: (orgId: number) => Principal): Promise<{ synced: number; failed: number }> {
    return this.jiraProjects.syncAllProjectLists(actorFor);
  }

  setCompleteStatus(actor: Principal, id: number, projectId: number, statusIdOrName: string | null): Promise<JiraProjectView> {
    return this.jiraProjects.setCompleteStatus(actor, id, projectId, statusIdOrName);
  }

  getMapping(orgId: number, id: number, projectId: number, issueTypeId: string): Promise<MappingView> {
    return this.mappings.getMapping(orgId, id, projectId, issueTypeId);
  }

  saveMapping(actor: Principal, id: number, projectId: number, issueTypeId: string, input: SaveMappingInput): Promise<MappingView> {
    return this.mappings.saveMapping(actor, id, projectId, issueTypeId, input);
  }

  deleteMapping(actor: Principal, id: number, projectId: number, issueTypeId: string): Promise<void> {
    return this.mappings.deleteMapping(actor, id, projectId, issueTypeId);
  }
}
