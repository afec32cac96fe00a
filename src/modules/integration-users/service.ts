import type { Kysely, Transaction } from 'kysely';
import { ConnectorError, type ExternalUser, type TicketingConnector } from '../../connectors/types.js';
import { nowIso } from '../../platform/db/database.js';
import type { DB } from '../../platform/db/types.js';
import { decodeCursor, encodeCursor } from '../../platform/http/cursor.js';
import { AppError, badRequest, conflict, notFound } from '../../platform/http/errors.js';
import type { JobQueue } from '../../platform/jobs/index.js';
import { noPermissions } from '../../platform/permissions.js';
import { systemPrincipal, type Principal } from '../../platform/principal.js';
import type { AuditService } from '../audit/service.js';
import { CsvError, parseCsv, toCsv } from './csv.js';
import { integrationPath, type IntegrationRef, type IntegrationsPort } from './integrations-port.js';
import {
  MAX_IMPORT_ROWS,
  STATUS_LABELS,
  TYPE_LABELS,
  emailInput,
  type ExportQuery,
  type ImportView,
  type IntegrationRefView,
  type ListQuery,
  type LookupInput,
  type LookupOutcome,
  type LookupResult,
  type SortField,
  type UserView,
  type VerifyResult,
} from './schemas.js';
import { isUniqueViolation } from '../../platform/db/errors.js';
import { IntegrationUsersStore, keysetKey, type Keyset, type ListEntry, type ListedUser, type SortSpec, type StoreFilter, type UserRecord } from './store.js';
import type { ImportRowResult, UserStatus } from './tables.js';

/** A keyset cursor names its sort, so one from another sort or order is refused instead of misread. */
function encodeListCursor(sort: SortField, order: 'asc' | 'desc', k: Keyset): string {
  return encodeCursor([sort, order, k.dir === 'prev' ? 'p' : 'n', k.key, k.id]);
}
function decodeListCursor(s: string, sort: SortField, order: 'asc' | 'desc'): Keyset {
  const [, , d, key, id] = decodeCursor(
    s,
    (p): p is [SortField, 'asc' | 'desc', 'n' | 'p', string, number] =>
      p.length === 5 && p[0] === sort && p[1] === order && !!keysetKey(sort) && (p[2] === 'n' || p[2] === 'p') && typeof p[3] === 'string' && Number.isSafeInteger(p[4]),
  );
  return { key, id, dir: d === 'p' ? 'prev' : 'next' };
}

/** The integration's members of a user's view (the list appends them to the stored entry). */
function integrationFields(ref: IntegrationRef | undefined, integrationId: number): Pick<UserView, 'integration' | 'integrationType' | 'integrationTypeLabel'> {
  const type = ref?.type ?? 'servicenow';
  return { integration: ref?.name ?? `Integration ${integrationId}`, integrationType: type, integrationTypeLabel: TYPE_LABELS[type] };
}

const MODULE = 'Integrations';
const RESOURCE = 'Integration User';
export const IMPORT_JOB = 'integration-users.import';

type Exec = Kysely<DB> | Transaction<DB>;

/**
 * Another module that refers to integration users (e.g. a workflow's default assignee) registers a
 * check here; Remove is refused while any check names a use ("workflow “Auto tickets”").
 */
export type UsageCheck = (exec: Exec, orgId: number, user: { id: number; email: string; integrationId: number }) => Promise<string[]>;

/** An integration user as the tickets module needs it (removed ones included: old tickets keep their assignee). */
export type AssigneeRecord = { id: number; integrationId: number; email: string; name: string; username: string; externalId: string; status: UserStatus; removed: boolean };

const SYSTEM_NAMES = { servicenow: 'ServiceNow', jira_cloud: 'Jira Cloud' } as const;

function refView(r: IntegrationRef): IntegrationRefView {
  return { id: r.id, name: r.name, type: r.type, typeLabel: TYPE_LABELS[r.type], enabled: r.enabled, status: r.status, path: integrationPath(r.type, r.id) };
}

function isTicketing(r: IntegrationRef): boolean {
  return r.type === 'servicenow' || r.type === 'jira_cloud';
}

type Resolved =
  | { outcome: 'found'; user: ExternalUser }
  | { outcome: 'inactive'; user: ExternalUser }
  | { outcome: 'not_found' }
  | { outcome: 'ambiguous'; count: number }
  | { outcome: 'email_hidden'; candidates: number }
  | { outcome: 'already_added'; existing: UserRecord }
  | { outcome: 'unreachable' | 'credentials_refused'; reason: string };

const REFUSAL_STATUS: Record<Exclude<LookupOutcome, 'found'>, number> = {
  not_found: 422,
  inactive: 422,
  ambiguous: 422,
  email_hidden: 422,
  already_added: 409,
  unreachable: 502,
  credentials_refused: 502,
};

export class IntegrationUsersService {
  readonly store: IntegrationUsersStore;
  private readonly usages = new Map<string, UsageCheck>();

  constructor(
    private readonly db: Kysely<DB>,
    private readonly audit: AuditService,
    private readonly jobs: JobQueue,
    /** Resolved on use: the integrations service is built beside this one. */
    private readonly integrations: () => IntegrationsPort,
  ) {
    this.store = new IntegrationUsersStore(db);
  }

  registerUsage(name: string, check: UsageCheck): void {
    this.usages.set(name, check);
  }

  /** How many (not removed) users an integration has: the integrations module refuses to delete it while > 0. */
  countForIntegration(orgId: number, integrationId: number, exec: Exec = this.db): Promise<number> {
    return this.store.countByIntegration(orgId, integrationId, exec);
  }

  // ---------- reading ----------

  /** The org's ServiceNow and Jira Cloud integrations (the Add User drop-down shows the enabled ones). */
  async listIntegrations(orgId: number): Promise<IntegrationRefView[]> {
    const refs = (await this.integrations().list(orgId)).filter(isTicketing);
    return refs.sort((a, b) => a.name.localeCompare(b.name)).map(refView);
  }

  private async refMap(orgId: number): Promise<Map<number, IntegrationRef>> {
    return new Map((await this.integrations().list(orgId)).map((r) => [r.id, r]));
  }

  private view(r: ListedUser, refs: Map<number, IntegrationRef>): UserView {
    return {
      id: r.id,
      name: r.name,
      email: r.email,
      username: r.username,
      externalId: r.external_id,
      integrationId: r.integration_id,
      ...integrationFields(refs.get(r.integration_id), r.integration_id),
      activeInSystem: r.active_in_system === 1,
      status: r.status,
      assignable: r.status === 'active' && !r.removed_at,
      lastVerifiedAt: r.last_verified_at,
      lastVerifyError: r.last_verify_error,
      createdBy: r.created_by,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    };
  }

  /** The store's filter and order for a list or export query. */
  private async plan(orgId: number, q: ExportQuery): Promise<{ refs: Map<number, IntegrationRef>; filter: StoreFilter; sort: SortSpec }> {
    const refs = await this.refMap(orgId);
    let ids: number[] | undefined;
    if (q.integrationId !== undefined) ids = [q.integrationId];
    if (q.type) ids = (ids ?? [...refs.keys()]).filter((id) => refs.get(id)?.type === q.type);
    let integrationRank: Map<number, number> | undefined;
    if (q.sort === 'integration' || q.sort === 'integrationType') {
      const ordered = [...refs.values()].sort((a, b) =>
        q.sort === 'integrationType' ? TYPE_LABELS[a.type].localeCompare(TYPE_LABELS[b.type]) || a.name.localeCompare(b.name) : a.name.localeCompare(b.name),
      );
      integrationRank = new Map(ordered.map((r, i) => [r.id, i]));
    }
    return { refs, filter: { search: q.search, integrationIds: ids, status: q.status }, sort: { field: q.sort, order: q.order, integrationRank } };
  }

  private async query(orgId: number, q: ExportQuery, page: { limit: number; offset: number } | null) {
    const { refs, filter, sort } = await this.plan(orgId, q);
    const { rows, total } = await this.store.list(orgId, filter, sort, page);
    return { items: rows.map((r) => this.view(r, refs)), total };
  }

  /**
   * A page of the list as the response's JSON text (schema `userPage`). The hot read: each user's
   * entry is JSON the database keeps beside the row (migration 0320), completed here with the
   * integration's name and type, so no row is turned into values, objects and JSON again. A test
   * holds every entry equal to `view` of the same user.
   */
  async listJson(orgId: number, q: ListQuery): Promise<string> {
    const { refs, filter, sort } = await this.plan(orgId, q);
    const keyed = !!keysetKey(q.sort);
    const after = q.cursor ? decodeListCursor(q.cursor, q.sort, q.order) : undefined;
    const { rows, total, more } = await this.store.listEntries(orgId, filter, sort, { limit: q.pageSize, offset: (q.page - 1) * q.pageSize }, after);
    // Each entry ends with the integration's members: `,"integration":…,"integrationTypeLabel":…}`.
    const tails = new Map<number, string>();
    const tail = (integrationId: number) => {
      let t = tails.get(integrationId);
      if (t === undefined) tails.set(integrationId, (t = `,${JSON.stringify(integrationFields(refs.get(integrationId), integrationId)).slice(1)}`));
      return t;
    };
    let items = '';
    for (let i = 0; i < rows.length; i++) {
      const entry = rows[i].list_json;
      if (!entry) throw new Error('An integration user has no list entry: the triggers of migration 0320 are missing.');
      items += `${i ? ',' : ''}${entry.slice(0, -1)}${tail(rows[i].integration_id)}`;
    }
    // Reading forwards, `more` says a next page exists; reading backwards, a previous one.
    const first = rows[0];
    const last = rows[rows.length - 1];
    const hasNext = after?.dir === 'prev' ? true : more;
    const hasPrev = after?.dir === 'prev' ? more : !!after || q.page > 1;
    const cursor = (r: ListEntry | undefined, dir: 'next' | 'prev') => (keyed && r ? JSON.stringify(encodeListCursor(q.sort, q.order, { key: r.k!, id: r.id, dir })) : 'null');
    return `{"items":[${items}],"total":${total},"page":${q.page},"pageSize":${q.pageSize},"nextCursor":${hasNext ? cursor(last, 'next') : 'null'},"prevCursor":${hasPrev ? cursor(first, 'prev') : 'null'}}`;
  }

  async get(orgId: number, id: number): Promise<UserView> {
    const r = await this.store.get(orgId, id);
    if (!r) throw notFound('Integration user');
    return this.view(r, await this.refMap(orgId));
  }

  /** The people a new ticket of this integration may be assigned to: active in the ticketing system, not removed. */
  async listAssignable(orgId: number, integrationId: number): Promise<UserView[]> {
    const [rows, refs] = await Promise.all([this.store.assignable(orgId, integrationId), this.refMap(orgId)]);
    return rows.map((r) => this.view(r, refs));
  }

  /** One user for the tickets module, removed ones included (an old ticket still shows its assignee). */
  async getAssignee(orgId: number, id: number): Promise<AssigneeRecord | null> {
    const r = await this.store.get(orgId, id, this.db, { includeRemoved: true });
    return r
      ? { id: r.id, integrationId: r.integration_id, email: r.email, name: r.name, username: r.username, externalId: r.external_id, status: r.status, removed: !!r.removed_at }
      : null;
  }

  async exportCsv(orgId: number, q: ExportQuery): Promise<string> {
    const { items } = await this.query(orgId, q, { limit: 100_000, offset: 0 });
    return toCsv(
      ['Name', 'Email ID', 'Integration Type', 'Integration', 'Username', 'Status', 'Last Verified', 'Added', 'Added By'],
      items.map((u) => [u.name, u.email, u.integrationTypeLabel, u.integration, u.username, STATUS_LABELS[u.status], u.lastVerifiedAt ?? '', u.createdAt, u.createdBy]),
    );
  }

  // ---------- lookup and add ----------

  private async integrationFor(orgId: number, integrationId: number): Promise<IntegrationRef> {
    const ref = await this.integrations().get(orgId, integrationId);
    if (!ref || !isTicketing(ref)) throw notFound('Integration');
    if (!ref.enabled) throw badRequest(`The integration "${ref.name}" is disabled. Enable it on its page before adding or checking integration users.`, { integrationPath: integrationPath(ref.type, ref.id) });
    return ref;
  }

  /** Asks the ticketing system; never throws for the system's answers or failures, only for our own errors. */
  private async resolve(orgId: number, ref: IntegrationRef, email: string, connector?: () => Promise<TicketingConnector>): Promise<Resolved> {
    const existing = await this.store.byEmail(orgId, ref.id, email.toLowerCase());
    if (existing && !existing.removed_at) return { outcome: 'already_added', existing };
    try {
      const c = connector ? await connector() : await this.integrations().connectorFor(orgId, ref.id);
      const r = await c.lookupUserByEmail(email);
      switch (r.outcome) {
        case 'found':
          return { outcome: 'found', user: r.user };
        case 'inactive':
          return { outcome: 'inactive', user: r.user };
        case 'not_found':
          return { outcome: 'not_found' };
        case 'ambiguous':
          return { outcome: 'ambiguous', count: r.count };
        case 'email_hidden':
          return { outcome: 'email_hidden', candidates: r.candidates };
      }
    } catch (err) {
      return this.failure(err);
    }
  }

  private failure(err: unknown): Resolved {
    if (err instanceof ConnectorError) {
      return { outcome: err.kind === 'auth' || err.kind === 'forbidden' ? 'credentials_refused' : 'unreachable', reason: err.message };
    }
    if (err instanceof AppError) {
      if (err.statusCode === 404) throw err;
      return { outcome: 'credentials_refused', reason: err.message };
    }
    return { outcome: 'unreachable', reason: err instanceof Error ? err.message : String(err) };
  }

  private message(ref: IntegrationRef, email: string, r: Resolved): string {
    const sys = SYSTEM_NAMES[ref.type];
    const where = `${sys} integration "${ref.name}"`;
    const end = (s: string) => (/[.!?]$/.test(s.trim()) ? s.trim() : `${s.trim()}.`);
    switch (r.outcome) {
      case 'found':
        return `Found ${r.user.name} in ${where}. Click Add User to add them.`;
      case 'not_found':
        return `No user with the email ${email} exists in ${where}. Only people who exist in the selected ticketing system can be added; check the address or pick another Integration.`;
      case 'inactive':
        return `${r.user.name} (${email}) is inactive in ${where}. Inactive users cannot be assigned tickets, so they cannot be added; reactivate them in ${sys} first.`;
      case 'ambiguous':
        return `${r.count} users in ${where} have the email ${email}, so it is not clear which person tickets should go to. Give each of them a unique email in ${sys}, then try again.`;
      case 'email_hidden':
        return `${where} has a user matching ${email}, but their profile hides the email address, so we cannot confirm it is the right person. Ask them (or a site admin) to make the email visible in their Atlassian profile, then try again.`;
      case 'already_added':
        return `${r.existing.email} is already added for ${where} as ${r.existing.name}.`;
      case 'unreachable':
        return `Could not reach ${where}: ${end(r.reason)} Try again in a moment; if it keeps failing, check the integration on its page.`;
      case 'credentials_refused':
        return `${where} refused our credentials: ${end(r.reason)} Update the credentials on the integration's page.`;
    }
  }

  private result(ref: IntegrationRef, email: string, r: Resolved): LookupResult {
    const user = r.outcome === 'found' || r.outcome === 'inactive' ? r.user : null;
    return {
      outcome: r.outcome,
      message: this.message(ref, email, r),
      addable: r.outcome === 'found',
      email,
      user: user
        ? { name: user.name, username: user.username, externalId: user.externalId, email: user.email }
        : r.outcome === 'already_added'
          ? { name: r.existing.name, username: r.existing.username, externalId: r.existing.external_id, email: r.existing.email }
          : null,
      integration: refView(ref),
      existingId: r.outcome === 'already_added' ? r.existing.id : null,
    };
  }

  async lookup(actor: Principal, input: LookupInput): Promise<LookupResult> {
    const ref = await this.integrationFor(actor.orgId, input.integrationId);
    return this.result(ref, input.email, await this.resolve(actor.orgId, ref, input.email));
  }

  /** Stores a found user; throws the already-added conflict when the row exists (unique index). */
  private async insertFound(trx: Transaction<DB>, actor: Principal, ref: IntegrationRef, email: string, user: ExternalUser, createdBy: string): Promise<UserRecord> {
    const now = nowIso();
    const emailLower = email.toLowerCase();
    const row = {
      email: user.email ?? email,
      email_lower: emailLower,
      name: user.name,
      username: user.username,
      external_id: user.externalId,
      active_in_system: 1,
      status: 'active' as const,
      last_verified_at: now,
      last_verify_error: null,
      created_by: createdBy,
      created_at: now,
      updated_at: now,
    };
    const dup = () => this.refusal(ref, email, { outcome: 'already_added', existing: { ...row, id: 0, org_id: actor.orgId, integration_id: ref.id, removed_at: null } });
    const existing = await this.store.byEmail(actor.orgId, ref.id, emailLower, trx);
    let id: number;
    if (existing) {
      if (!existing.removed_at || !(await this.store.revive(trx, actor.orgId, existing.id, row))) throw dup();
      id = existing.id;
    } else {
      try {
        id = await this.store.insert(trx, { ...row, org_id: actor.orgId, integration_id: ref.id, removed_at: null });
      } catch (err) {
        if (isUniqueViolation(err)) throw dup();
        throw err;
      }
    }
    await this.audit.record(trx, actor, {
      action: existing ? 'Update' : 'Insert',
      module: MODULE,
      resource: RESOURCE,
      resourceId: id,
      notes: `Added integration user ${row.email} (${user.name}) for ${TYPE_LABELS[ref.type]} integration ${ref.name}`,
      after: { email: row.email, name: user.name, username: user.username, externalId: user.externalId, integration: ref.name, integrationType: TYPE_LABELS[ref.type] },
    });
    // Exactly what the insert or revive wrote, so the caller need not read it back.
    return { ...row, id, org_id: actor.orgId, integration_id: ref.id, removed_at: null };
  }

  private refusal(ref: IntegrationRef, email: string, r: Exclude<Resolved, { outcome: 'found' }>): AppError {
    return new AppError(REFUSAL_STATUS[r.outcome], r.outcome, this.message(ref, email, r), { outcome: r.outcome, integrationPath: integrationPath(ref.type, ref.id) });
  }

  /** Add User: the lookup is done again here; nothing the client says about the person is trusted. */
  async add(actor: Principal, input: LookupInput): Promise<UserView> {
    const ref = await this.integrationFor(actor.orgId, input.integrationId);
    const r = await this.resolve(actor.orgId, ref, input.email);
    if (r.outcome !== 'found') throw this.refusal(ref, input.email, r);
    const rec = await this.db.transaction().execute((trx) => this.insertFound(trx, actor, ref, input.email, r.user, actor.label));
    return this.view(rec, new Map([[ref.id, ref]]));
  }

  // ---------- remove ----------

  async remove(actor: Principal, id: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const current = await this.store.get(actor.orgId, id, trx);
      if (!current) throw notFound('Integration user');
      const uses: string[] = [];
      for (const check of this.usages.values()) uses.push(...(await check(trx, actor.orgId, { id, email: current.email, integrationId: current.integration_id })));
      if (uses.length) {
        throw conflict(`${current.email} cannot be removed: they are the default assignee of ${uses.join(', ')}. Choose another assignee there first.`, { usedBy: uses });
      }
      await this.store.remove(trx, actor.orgId, id, nowIso());
      await this.audit.record(trx, actor, {
        action: 'Delete',
        module: MODULE,
        resource: RESOURCE,
        resourceId: id,
        notes: `Removed integration user ${current.email} (${current.name}); existing tickets keep their assignee`,
        before: { email: current.email, name: current.name, username: current.username, externalId: current.external_id, status: current.status },
      });
    });
  }

  // ---------- verify ----------

  private async verifyRecord(actor: Principal, rec: UserRecord, ref: IntegrationRef | undefined, connector: () => Promise<TicketingConnector>, refs: Map<number, IntegrationRef>): Promise<VerifyResult> {
    const now = nowIso();
    const sys = ref ? `${SYSTEM_NAMES[ref.type]} integration "${ref.name}"` : 'the ticketing system';
    let found: ExternalUser | null;
    try {
      if (!ref) throw new Error('The integration no longer exists.');
      if (!ref.enabled) throw new Error(`The integration "${ref.name}" is disabled.`);
      found = await (await connector()).getUser(rec.external_id);
    } catch (err) {
      // eslint-disable-next-line no-ex-assign -- a 404 from our own lookup means the integration went away; report that
      if (err instanceof AppError && err.statusCode === 404) err = new Error('The integration no longer exists.');
      const f = err instanceof ConnectorError || !(err instanceof AppError) ? this.failure(err) : { outcome: 'credentials_refused' as const, reason: err.message };
      const reason = 'reason' in f ? f.reason : String(err);
      const message = `Could not verify ${rec.email}: ${reason}`;
      await this.store.update(this.db, rec.org_id, rec.id, { last_verify_error: message.slice(0, 1000) });
      return { id: rec.id, email: rec.email, result: 'error', changed: false, message, user: this.view({ ...rec, last_verify_error: message }, refs) };
    }
    let status: UserStatus;
    let message: string;
    const patch: Partial<UserRecord> = { last_verified_at: now, last_verify_error: null };
    if (!found) {
      status = 'deleted_in_system';
      message = `${rec.email} no longer exists in ${sys}; they cannot be picked for new tickets.`;
      patch.active_in_system = 0;
    } else {
      patch.name = found.name;
      patch.username = found.username;
      patch.active_in_system = found.active ? 1 : 0;
      if (found.email && found.email.toLowerCase() !== rec.email_lower) {
        status = 'unverified';
        message = `The email of ${found.name} in ${sys} is now ${found.email}, not ${rec.email}. Remove this user and add the new address.`;
        patch.last_verify_error = message;
      } else if (!found.active) {
        status = 'inactive';
        message = `${found.name} (${rec.email}) is inactive in ${sys}; they cannot be picked for new tickets.`;
      } else {
        status = 'active';
        message = `${found.name} (${rec.email}) is active in ${sys}.`;
      }
    }
    patch.status = status;
    const before = { name: rec.name, username: rec.username, status: rec.status, activeInSystem: rec.active_in_system === 1 };
    const after = { name: patch.name ?? rec.name, username: patch.username ?? rec.username, status, activeInSystem: (patch.active_in_system ?? rec.active_in_system) === 1 };
    const changed = JSON.stringify(before) !== JSON.stringify(after);
    await this.db.transaction().execute(async (trx) => {
      await this.store.update(trx, rec.org_id, rec.id, changed ? { ...patch, updated_at: now } : patch);
      if (changed) {
        await this.audit.record(trx, actor, {
          action: 'Update',
          module: MODULE,
          resource: RESOURCE,
          resourceId: rec.id,
          notes: `Verified integration user ${rec.email}: ${STATUS_LABELS[status]}${before.name !== after.name ? `, name now ${after.name}` : ''}`,
          before,
          after,
        });
      }
    });
    const updated = { ...rec, ...patch, ...(changed ? { updated_at: now } : {}) } as UserRecord;
    return { id: rec.id, email: rec.email, result: status, changed, message, user: this.view(updated, refs) };
  }

  private connectorCache(orgId: number): (integrationId: number) => () => Promise<TicketingConnector> {
    const cache = new Map<number, Promise<TicketingConnector>>();
    return (integrationId) => () => {
      let p = cache.get(integrationId);
      if (!p) {
        p = this.integrations().connectorFor(orgId, integrationId);
        cache.set(integrationId, p);
      }
      return p;
    };
  }

  async verify(actor: Principal, id: number): Promise<VerifyResult> {
    const rec = await this.store.get(actor.orgId, id);
    if (!rec) throw notFound('Integration user');
    const refs = await this.refMap(actor.orgId);
    return this.verifyRecord(actor, rec, refs.get(rec.integration_id), this.connectorCache(actor.orgId)(rec.integration_id), refs);
  }

  async verifyMany(actor: Principal, ids: number[]) {
    const unique = [...new Set(ids)];
    const recs = await this.store.getMany(actor.orgId, unique);
    if (recs.length !== unique.length) throw notFound('Integration user');
    const refs = await this.refMap(actor.orgId);
    const conn = this.connectorCache(actor.orgId);
    const items: VerifyResult[] = [];
    // A few at a time: quick for a page of users, gentle on the ticketing system's rate limits.
    for (let i = 0; i < recs.length; i += 4) {
      items.push(...(await Promise.all(recs.slice(i, i + 4).map((r) => this.verifyRecord(actor, r, refs.get(r.integration_id), conn(r.integration_id), refs)))));
    }
    const byId = new Map(items.map((it) => [it.id, it]));
    const ordered = unique.map((id) => byId.get(id)!);
    const summary = { active: 0, inactive: 0, deleted_in_system: 0, unverified: 0, error: 0, changed: 0 };
    for (const it of ordered) {
      summary[it.result]++;
      if (it.changed) summary.changed++;
    }
    return { items: ordered, summary };
  }

  /** The daily re-verification of every integration user of every org. */
  async verifyAll(log?: { warn: (obj: unknown, msg?: string) => void }): Promise<{ checked: number; changed: number; failed: number }> {
    const totals = { checked: 0, changed: 0, failed: 0 };
    for (const { org_id: orgId, integration_id: integrationId } of await this.store.integrationsWithUsers()) {
      const actor = systemPrincipal(orgId, noPermissions());
      const refs = await this.refMap(orgId);
      const ref = refs.get(integrationId);
      if (!ref || !ref.enabled) continue;
      const conn = this.connectorCache(orgId)(integrationId);
      let after = 0;
      let consecutiveErrors = 0;
      for (;;) {
        const batch = await this.store.usersOf(orgId, integrationId, after, 100);
        if (!batch.length) break;
        for (const rec of batch) {
          const r = await this.verifyRecord(actor, rec, ref, conn, refs);
          totals.checked++;
          if (r.changed) totals.changed++;
          if (r.result === 'error') {
            totals.failed++;
            consecutiveErrors++;
          } else consecutiveErrors = 0;
          after = rec.id;
          // The system is down or refusing us: stop hammering it, tomorrow's run tries again.
          if (consecutiveErrors >= 3) break;
        }
        if (consecutiveErrors >= 3) {
          log?.warn({ orgId, integrationId }, 'integration users re-verification stopped: the ticketing system keeps failing');
          break;
        }
      }
    }
    return totals;
  }

  // ---------- import ----------

  async startImport(actor: Principal, input: { csv: string; fileName?: string }): Promise<ImportView> {
    let parsed;
    try {
      parsed = parseCsv(input.csv);
    } catch (err) {
      if (err instanceof CsvError) throw badRequest(`The file is not valid CSV. ${err.message}`);
      throw err;
    }
    const header = parsed.shift();
    const cols = header?.fields.map((f) => f.trim().toLowerCase()) ?? [];
    const emailCol = cols.indexOf('email');
    const integrationCol = cols.indexOf('integration');
    if (emailCol < 0 || integrationCol < 0) {
      throw badRequest('The first line of the file must be the header "email,integration" (the email of the person and the name of the Integration, one person per line).');
    }
    if (!parsed.length) throw badRequest('The file has a header but no people. Add one line per person: email,integration.');
    if (parsed.length > MAX_IMPORT_ROWS) throw badRequest(`The file has ${parsed.length} people; import at most ${MAX_IMPORT_ROWS} at a time.`);
    const now = nowIso();
    const id = await this.db.transaction().execute(async (trx) => {
      const id = await this.store.insertImport(trx, {
        org_id: actor.orgId,
        file_name: input.fileName ?? null,
        status: 'queued',
        total: parsed.length,
        processed: 0,
        added: 0,
        not_found: 0,
        inactive: 0,
        duplicate: 0,
        errors: 0,
        error: null,
        created_by: actor.label,
        created_by_admin_id: actor.adminId,
        created_at: now,
        started_at: null,
        finished_at: null,
      });
      await this.store.insertImportRows(
        trx,
        parsed.map((r) => ({
          import_id: id,
          org_id: actor.orgId,
          line: r.line,
          email: (r.fields[emailCol] ?? '').trim().slice(0, 500),
          integration: (r.fields[integrationCol] ?? '').trim().slice(0, 500),
          result: null,
          message: null,
          user_id: null,
        })),
      );
      await this.jobs.enqueue(trx, { kind: IMPORT_JOB, orgId: actor.orgId, payload: { importId: id }, dedupeKey: `${IMPORT_JOB}:${id}`, maxAttempts: 5 });
      return id;
    });
    return this.getImport(actor.orgId, id);
  }

  async getImport(orgId: number, id: number): Promise<ImportView> {
    const imp = await this.store.getImport(orgId, id);
    if (!imp) throw notFound('Import');
    const rows = await this.store.importRows(orgId, id, 1000);
    return {
      id: imp.id,
      fileName: imp.file_name,
      status: imp.status,
      total: imp.total,
      processed: imp.processed,
      counts: { added: imp.added, not_found: imp.not_found, inactive: imp.inactive, duplicate: imp.duplicate, error: imp.errors },
      error: imp.error,
      createdBy: imp.created_by,
      createdAt: imp.created_at,
      startedAt: imp.started_at,
      finishedAt: imp.finished_at,
      rows: rows.map((r) => ({ line: r.line, email: r.email, integration: r.integration, result: r.result, message: r.message })),
    };
  }

  async importResultCsv(orgId: number, id: number): Promise<string> {
    if (!(await this.store.getImport(orgId, id))) throw notFound('Import');
    const rows = await this.store.importRows(orgId, id);
    return toCsv(
      ['line', 'email', 'integration', 'result', 'message'],
      rows.map((r) => [r.line, r.email, r.integration, r.result ?? 'pending', r.message ?? '']),
    );
  }

  /** The job: each row's lookup, the user it adds and its result commit together, so a retried job never adds twice. */
  async runImport(importId: number, orgId: number): Promise<void> {
    const imp = await this.store.getImport(orgId, importId);
    if (!imp || imp.status === 'done' || imp.status === 'failed') return;
    if (imp.status === 'queued') await this.store.updateImport(this.db, importId, { status: 'running', started_at: nowIso() });
    const actor: Principal = { ...systemPrincipal(orgId, noPermissions()), kind: imp.created_by_admin_id ? 'admin' : 'system', adminId: imp.created_by_admin_id, label: imp.created_by };
    const refs = (await this.integrations().list(orgId)).filter(isTicketing);
    const byName = new Map(refs.map((r) => [r.name.toLowerCase(), r]));
    const conn = this.connectorCache(orgId);
    const createdBy = `${imp.created_by} (CSV import)`;
    for (;;) {
      const batch = await this.store.pendingImportRows(importId, 50);
      if (!batch.length) break;
      for (const row of batch) {
        const finish = (exec: Exec, result: ImportRowResult, message: string, userId: number | null = null) => this.store.finishImportRow(exec, importId, row.id, result, message, userId);
        const email = emailInput.safeParse(row.email);
        if (!email.success) {
          await finish(this.db, 'error', row.email ? `"${row.email}" is not a valid email address.` : 'The email is empty.');
          continue;
        }
        const ref = byName.get(row.integration.toLowerCase());
        if (!ref) {
          await finish(this.db, 'error', row.integration ? `This organization has no ServiceNow or Jira Cloud integration named "${row.integration}".` : 'The integration is empty.');
          continue;
        }
        if (!ref.enabled) {
          await finish(this.db, 'error', `The integration "${ref.name}" is disabled.`);
          continue;
        }
        const r = await this.resolve(orgId, ref, email.data, conn(ref.id));
        const message = this.message(ref, email.data, r);
        if (r.outcome !== 'found') {
          const result: ImportRowResult = r.outcome === 'already_added' ? 'duplicate' : r.outcome === 'not_found' ? 'not_found' : r.outcome === 'inactive' ? 'inactive' : 'error';
          await finish(this.db, result, message);
          continue;
        }
        try {
          await this.db.transaction().execute(async (trx) => {
            const added = await this.insertFound(trx, actor, ref, email.data, r.user, createdBy);
            if (!(await finish(trx, 'added', `Added ${r.user.name}.`, added.id))) throw new Error('row already done');
          });
        } catch (err) {
          if (err instanceof AppError && err.code === 'already_added') await finish(this.db, 'duplicate', err.message);
          else if (err instanceof Error && err.message === 'row already done') continue;
          else throw err;
        }
      }
    }
    await this.store.updateImport(this.db, importId, { status: 'done', finished_at: nowIso() });
  }

  /** Called when the import job gives up for good. */
  async failImport(importId: number, orgId: number, reason: string): Promise<void> {
    const imp = await this.store.getImport(orgId, importId);
    if (imp && imp.status !== 'done') await this.store.updateImport(this.db, importId, { status: 'failed', error: reason.slice(0, 1000), finished_at: nowIso() });
  }
}
