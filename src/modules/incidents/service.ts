import type { Kysely } from 'kysely';
import type { IncidentsDb as DB } from './db.js';
import type { Principal } from '../../platform/principal.js';
import type { AdminsService } from '../admins/service.js';
import type { LabelsService } from '../labels/service.js';
import type { RolesService } from '../roles/service.js';
import { IncidentActions } from './actions.js';
import { incidentsCsv } from './csv-export.js';
import { IncidentChangeHooks } from './change-hooks.js';
import { IncidentGroupHooks } from './group-hooks.js';
import { IncidentIngestHooks } from './ingest-hooks.js';
import { IncidentIngest } from './ingest.js';
import { IncidentQueries, type RuleFacts } from './queries.js';
import type {
  Counts,
  FilterOptions,
  IncidentDetail,
  IncidentEvent,
  IncidentPage,
  IngestBatchResult,
  IngestItemResult,
  ListFilters,
  ListQuery,
} from './schemas.js';
import { IncidentsStore } from './store.js';
import { IncidentJustificationHooks } from './justification-hooks.js';
import { IncidentTicketHooks } from './ticket-hooks.js';
import { IncidentRemediationHooks } from './remediation-hooks.js';
import { IncidentPrivacyHooks, maskListItem, type ObfuscatableAttribute } from './privacy.js';
import type { CursorKey } from '../../platform/http/cursor.js';
import type { SecretBox } from '../../platform/secrets.js';
import { IncidentEvidence, type EvidenceFile } from './evidence.js';
import type { JobQueue } from '../../platform/jobs/index.js';
import { SearchTextCompaction } from './search-text-compaction.js';

export { CSV_COLUMNS } from './csv-export.js';
export { PRIORITY_RANK, SEVERITY_RANK } from './incident-view.js';
export { duplicateKey, incidentRow } from './ingest.js';
export { currentWeek, resolveRange, type ListedIncident, type RuleFacts } from './queries.js';

/**
 * The incidents module as its routes and other modules see it. The work is done by `ingest.ts`
 * (POST /incidents), `queries.ts` (list, counts, details, filter choices), `csv-export.ts` and
 * `actions.ts` (state changes, one incident or in bulk, and delete).
 */
export class IncidentsService {
  readonly store: IncidentsStore;
  /** What the tickets module does to incidents (State Changes entries, resolve by System, list summaries). */
  readonly ticketHooks: IncidentTicketHooks;
  /** What other modules do with newly ingested incidents, in the ingestion transaction (workflows). */
  readonly ingestHooks = new IncidentIngestHooks();
  /** What the remediation module does to incidents (Notify User, Escalate, survey answers), in its transaction. */
  readonly remediationHooks: IncidentRemediationHooks;
  /** What each user answered to Notify User's survey, for the list (set by the Remediation module). */
  readonly justificationHooks = new IncidentJustificationHooks();
  /** Which attributes each caller sees obfuscated (set by the Account Settings module). */
  readonly privacyHooks = new IncidentPrivacyHooks();
  /** Resolutions and ticket changes, told in their transaction to whoever follows them (event webhooks). */
  readonly changeHooks = new IncidentChangeHooks();
  /** What the incident-groups module does to new incidents in their ingestion transaction (priority from groups). */
  readonly groupHooks: IncidentGroupHooks;
  /** The background rewrite of search texts stored before their compact form (job, migration 0460). */
  readonly searchTextCompaction: SearchTextCompaction;
  private readonly ingest: IncidentIngest;
  private readonly evidence: IncidentEvidence;
  private readonly queries: IncidentQueries;
  private readonly actions: IncidentActions;

  constructor(
    db: Kysely<DB>,
    admins: Pick<AdminsService, 'get' | 'withPermission'>,
    roles: Pick<RolesService, 'permissionsOf'>,
    labels: Pick<LabelsService, 'list' | 'resolve'>,
    /** Signs the list's page cursors (`SecretBox.derive('cursors')`). */
    cursorKey: CursorKey,
    /** Seals and opens evidence content. */
    secrets: Pick<SecretBox, 'seal' | 'open'>,
    jobs: Pick<JobQueue, 'enqueue'>,
  ) {
    this.store = new IncidentsStore(db);
    this.searchTextCompaction = new SearchTextCompaction(db, jobs);
    this.ticketHooks = new IncidentTicketHooks(this.store, this.changeHooks);
    this.remediationHooks = new IncidentRemediationHooks(this.store);
    this.groupHooks = new IncidentGroupHooks(this.store);
    this.ingest = new IncidentIngest(db, this.store, this.ingestHooks, secrets);
    this.evidence = new IncidentEvidence(this.store, secrets);
    this.queries = new IncidentQueries(db, this.store, labels, admins, this.ticketHooks, this.justificationHooks, cursorKey);
    this.actions = new IncidentActions(db, this.store, this.queries, admins, roles, labels, this.changeHooks);
  }

  // ---------------------------------------------------------------- ingestion

  /** One incident: 400 naming the field when invalid (nothing stored), otherwise created or existing. */
  ingestOne(actor: Principal, raw: unknown): Promise<IngestItemResult> {
    return this.ingest.ingestOne(actor, raw);
  }

  /** A batch: each item validated on its own; good ones stored, bad ones reported with the field. */
  ingestBatch(actor: Principal, items: unknown[]): Promise<IngestBatchResult> {
    return this.ingest.ingestBatch(actor, items);
  }

  // ---------------------------------------------------------------- reading

  list(orgId: number, q: ListQuery): Promise<IncidentPage> {
    return this.queries.list(orgId, q);
  }

  /** Whole incidents by numbered page or by a cursor from the previous page (the compatible API's search). */
  pageAt(orgId: number, f: ListFilters, pageSize: number, at: { offset: number } | { cursor: string }) {
    return this.queries.pageAt(orgId, f, pageSize, at);
  }

  counts(orgId: number, range: { from: string; to: string }): Promise<Counts> {
    return this.queries.counts(orgId, range);
  }

  /** The filtered set as CSV chunks (streamed by the route). */
  exportCsv(orgId: number, f: ListFilters, hidden: ReadonlySet<ObfuscatableAttribute> = new Set()): AsyncGenerator<string> {
    return incidentsCsv(this.queries, this.store.db, orgId, f, (i) => maskListItem(i, hidden));
  }

  /** Incident Details; with the list's parameters, also the previous and next incident of that list. */
  detail(orgId: number, id: number, f?: ListFilters): Promise<IncidentDetail> {
    return this.queries.detail(orgId, id, f);
  }

  /** The incident's evidence as an XML file (404 when it has none). Callers check the caller may view incidents. */
  evidenceFile(orgId: number, id: number): Promise<EvidenceFile> {
    return this.evidence.file(orgId, id);
  }

  /** Many incidents as mapping rules read them, loading labels and details only when needed. */
  ruleFacts(orgId: number, ids: number[], need: { labels: boolean; details: boolean }): Promise<RuleFacts[]> {
    return this.queries.ruleFacts(orgId, ids, need);
  }

  events(orgId: number, id: number): Promise<IncidentEvent[]> {
    return this.queries.events(orgId, id);
  }

  duplicates(orgId: number, id: number, page: number, pageSize: number) {
    return this.queries.duplicates(orgId, id, page, pageSize);
  }

  filterOptions(orgId: number): Promise<FilterOptions> {
    return this.queries.filterOptions(orgId);
  }

  /** Active admins of the org whose role can edit incidents: the DLP Admin choices. */
  assignableAdmins(orgId: number): Promise<{ id: number; name: string; email: string }[]> {
    return this.queries.assignableAdmins(orgId);
  }

  // ---------------------------------------------------------------- actions (each answers the incident's details)

  get close() {
    return this.actions.close;
  }
  get investigating() {
    return this.actions.investigating;
  }
  get reopen() {
    return this.actions.reopen;
  }
  get assignToMe() {
    return this.actions.assignToMe;
  }
  get assign() {
    return this.actions.assign;
  }
  get priority() {
    return this.actions.priority;
  }
  get setLabels() {
    return this.actions.setLabels;
  }
  /** Notes: free text kept on the incident and logged into State Changes. */
  get addNotes() {
    return this.actions.addNotes;
  }
  /** Moves an open incident to a state that waits on a person (Validating with User, Escalated, Received Justification Response). */
  get markWaiting() {
    return this.actions.markWaiting;
  }
  /** The same actions on many incidents, with a result per id. */
  get bulk() {
    return this.actions.bulk;
  }

  /** Permanent; not recorded in State Changes. Duplicates of the incident go with it. */
  delete(actor: Principal, id: number): Promise<void> {
    return this.actions.delete(actor, id);
  }
}
