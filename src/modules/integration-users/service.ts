import type { Kysely } from 'kysely';
import type { Exec } from '../../platform/db/exec.js';
import type { IntegrationUsersTables as DB } from './tables.js';
import type { JobQueue } from '../../platform/jobs/index.js';
import type { Logger } from '../../platform/log.js';
import type { Principal } from '../../platform/principal.js';
import type { AuditRecorder } from '../audit/service.js';
import { UserImport } from './import.js';
import type { IntegrationsPort } from './integrations-port.js';
import { UserListing, type AssigneeRecord } from './listing.js';
import { UserLookup } from './lookup.js';
import { UserRemoval, type UsageCheck } from './removal.js';
import type { ExportQuery, ImportView, IntegrationRefView, ListQuery, UserView, VerifyResult } from './schemas.js';
import { IntegrationUsersStore } from './store.js';
import { UserVerification } from './verify.js';
import type { CursorKey } from '../../platform/http/cursor.js';

export { IMPORT_JOB } from './import.js';
export type { AssigneeRecord } from './listing.js';
export type { UsageCheck } from './removal.js';

/**
 * The integration-users module as its routes and other modules see it. The work is done by
 * `listing.ts` (list, CSV, assignees), `lookup.ts` (look up, Add User), `removal.ts`,
 * `verify.ts` and `import.ts`.
 */
export class IntegrationUsersService {
  readonly store: IntegrationUsersStore;
  private readonly listing: UserListing;
  private readonly lookups: UserLookup;
  private readonly removal: UserRemoval;
  private readonly verification: UserVerification;
  private readonly imports: UserImport;

  constructor(
    /** `stablePlans`: the same database for the list page's reads (`Database.stablePlans`). */
    { db, stablePlans }: { db: Kysely<DB>; stablePlans: Kysely<DB> },
    audit: AuditRecorder,
    jobs: Pick<JobQueue, 'enqueue'>,
    /** Resolved on use: the integrations service is built beside this one. */
    integrations: () => IntegrationsPort,
    /** Signs the list's page cursors (`SecretBox.derive('cursors')`). */
    cursorKey: CursorKey,
  ) {
    this.store = new IntegrationUsersStore(db, stablePlans);
    this.listing = new UserListing(db, this.store, integrations, cursorKey);
    this.lookups = new UserLookup(db, this.store, audit, integrations);
    this.removal = new UserRemoval(db, this.store, audit);
    this.verification = new UserVerification(db, this.store, audit, integrations);
    this.imports = new UserImport(db, this.store, jobs, integrations, this.lookups);
  }

  registerUsage(name: string, check: UsageCheck): void {
    this.removal.registerUsage(name, check);
  }

  /** How many (not removed) users an integration has: the integrations module refuses to delete it while > 0. */
  countForIntegration(orgId: number, integrationId: number, exec?: Exec<DB>): Promise<number> {
    return this.listing.countForIntegration(orgId, integrationId, exec);
  }

  // ---------------------------------------------------------------- reading

  /** The org's ServiceNow and Jira Cloud integrations (the Add User drop-down shows the enabled ones). */
  listIntegrations(orgId: number): Promise<IntegrationRefView[]> {
    return this.listing.listIntegrations(orgId);
  }

  /** A page of the list as the response's JSON text (schema `userPage`). */
  listJson(orgId: number, q: ListQuery): Promise<string> {
    return this.listing.listJson(orgId, q);
  }

  get(orgId: number, id: number): Promise<UserView> {
    return this.listing.get(orgId, id);
  }

  /** The people a new ticket of this integration may be assigned to: active in the ticketing system, not removed. */
  listAssignable(orgId: number, integrationId: number): Promise<UserView[]> {
    return this.listing.listAssignable(orgId, integrationId);
  }

  /** One user for the tickets module, removed ones included (an old ticket still shows its assignee). */
  getAssignee(orgId: number, id: number): Promise<AssigneeRecord | null> {
    return this.listing.getAssignee(orgId, id);
  }

  exportCsv(orgId: number, q: ExportQuery): Promise<string> {
    return this.listing.exportCsv(orgId, q);
  }

  // ---------------------------------------------------------------- lookup, add, remove

  /**
   * Look up and Add User are the lookup's own functions, not wrappers: the email goes from the
   * route through `lookup.ts` to the integration's connector.
   */
  get lookup(): UserLookup['lookup'] {
    return this.lookups.lookup;
  }

  /** Add User: the lookup is done again; nothing the client says about the person is trusted. */
  get add(): UserLookup['add'] {
    return this.lookups.add;
  }

  remove(actor: Principal, id: number): Promise<void> {
    return this.removal.remove(actor, id);
  }

  // ---------------------------------------------------------------- verify

  verify(actor: Principal, id: number): Promise<VerifyResult> {
    return this.verification.verify(actor, id);
  }

  verifyMany(actor: Principal, ids: number[]) {
    return this.verification.verifyMany(actor, ids);
  }

  /** The daily re-verification of every integration user of every org. */
  verifyAll(log?: Logger): Promise<{ checked: number; changed: number; failed: number }> {
    return this.verification.verifyAll(log);
  }

  // ---------------------------------------------------------------- import

  startImport(actor: Principal, input: { csv: string; fileName?: string }): Promise<ImportView> {
    return this.imports.startImport(actor, input);
  }

  getImport(orgId: number, id: number): Promise<ImportView> {
    return this.imports.getImport(orgId, id);
  }

  importResultCsv(orgId: number, id: number): Promise<string> {
    return this.imports.importResultCsv(orgId, id);
  }

  /** The job: each row's lookup, the user it adds and its result commit together, so a retried job never adds twice. */
  runImport(importId: number, orgId: number): Promise<void> {
    return this.imports.runImport(importId, orgId);
  }

  /** Called when the import job gives up for good. */
  failImport(importId: number, orgId: number, reason: string): Promise<void> {
    return this.imports.failImport(importId, orgId, reason);
  }
}
