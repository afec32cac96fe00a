import { descriptorOf } from '../../connectors/descriptors.js';
import type { Kysely } from 'kysely';
import { toCsv } from '../../platform/csv.js';
import type { Exec } from '../../platform/db/exec.js';
import type { IntegrationUsersTables as DB } from './tables.js';
import { decodeKeyset, encodeKeyset, pageCursors, type CursorKey } from '../../platform/http/cursor.js';
import { notFound } from '../../platform/http/errors.js';
import { isTicketing, refsById, type IntegrationRef, type IntegrationsPort } from './integrations-port.js';
import { STATUS_LABELS, type ExportQuery, type IntegrationRefView, type ListQuery, type SortField, type UserView } from './schemas.js';
import { keysetKey, type IntegrationUsersStore, type SortSpec, type StoreFilter } from './store.js';
import type { UserStatus } from './tables.js';
import { integrationFields, refView, userView } from './user-view.js';

/** An integration user as the tickets module needs it (removed ones included: old tickets keep their assignee). */
export type AssigneeRecord = {
  id: number;
  integrationId: number;
  email: string;
  name: string;
  username: string;
  externalId: string;
  status: UserStatus;
  removed: boolean;
};

/** A keyset cursor names its sort, so one from another sort or order is refused instead of misread. */
const cursorScope = (sort: SortField, order: 'asc' | 'desc') => [sort, order];

/** Reading integration users: the list (and its CSV), one user, the choices for a ticket's assignee. */
export class UserListing {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly store: IntegrationUsersStore,
    private readonly integrations: () => IntegrationsPort,
    private readonly cursorKey: CursorKey,
  ) {}

  /** How many (not removed) users an integration has: the integrations module refuses to delete it while > 0. */
  countForIntegration(orgId: number, integrationId: number, exec: Exec<DB> = this.db): Promise<number> {
    return this.store.countByIntegration(orgId, integrationId, exec);
  }

  /** The org's ServiceNow and Jira Cloud integrations (the Add User drop-down shows the enabled ones). */
  async listIntegrations(orgId: number): Promise<IntegrationRefView[]> {
    const refs = (await this.integrations().summaries(orgId)).filter(isTicketing);
    return refs.sort((a, b) => a.name.localeCompare(b.name)).map(refView);
  }

  /** The store's filter and order for a list or export query. */
  private async plan(orgId: number, q: ExportQuery): Promise<{ refs: Map<number, IntegrationRef>; filter: StoreFilter; sort: SortSpec }> {
    const refs = await refsById(this.integrations(), orgId);
    let ids: number[] | undefined;
    if (q.integrationId !== undefined) ids = [q.integrationId];
    if (q.type) ids = (ids ?? [...refs.keys()]).filter((id) => refs.get(id)?.type === q.type);
    let integrationRank: Map<number, number> | undefined;
    if (q.sort === 'integration' || q.sort === 'integrationType') {
      const ordered = [...refs.values()].sort((a, b) =>
        q.sort === 'integrationType'
          ? descriptorOf(a.type).label.localeCompare(descriptorOf(b.type).label) || a.name.localeCompare(b.name)
          : a.name.localeCompare(b.name),
      );
      integrationRank = new Map(ordered.map((r, i) => [r.id, i]));
    }
    return { refs, filter: { search: q.search, integrationIds: ids, status: q.status }, sort: { field: q.sort, order: q.order, integrationRank } };
  }

  private async query(orgId: number, q: ExportQuery, page: { limit: number; offset: number } | null) {
    const { refs, filter, sort } = await this.plan(orgId, q);
    const { rows, total } = await this.store.list(orgId, filter, sort, page);
    return { items: rows.map((r) => userView(r, refs)), total };
  }

  /**
   * A page of the list as the response's JSON text (schema `userPage`). The hot read: each user's
   * entry is JSON the database keeps beside the row (migration 0320), completed here with the
   * integration's name and type, so no row is turned into values, objects and JSON again. A test
   * holds every entry equal to `userView` of the same user.
   */
  async listJson(orgId: number, q: ListQuery): Promise<string> {
    const { refs, filter, sort } = await this.plan(orgId, q);
    const keyed = !!keysetKey(q.sort);
    // A sort without a keyset pages by offset only: any cursor for it is refused.
    const isKey = (v: unknown): v is string => keyed && typeof v === 'string';
    const after = q.cursor ? decodeKeyset(q.cursor, cursorScope(q.sort, q.order), isKey, this.cursorKey) : undefined;
    const page = await this.store.listEntries(orgId, filter, sort, { limit: q.pageSize, offset: (q.page - 1) * q.pageSize }, after);
    // Each entry ends with the integration's members: `,"integration":…,"integrationTypeLabel":…}`.
    const tails = new Map<number, string>();
    const tail = (integrationId: number) => {
      let t = tails.get(integrationId);
      if (t === undefined) tails.set(integrationId, (t = `,${JSON.stringify(integrationFields(refs.get(integrationId), integrationId)).slice(1)}`));
      return t;
    };
    let items = '';
    const { rows, total } = page;
    for (let i = 0; i < rows.length; i++) {
      const entry = rows[i].list_json;
      if (!entry) throw new Error('An integration user has no list entry: the triggers of migration 0320 are missing.');
      items += `${i ? ',' : ''}${entry.slice(0, -1)}${tail(rows[i].integration_id)}`;
    }
    const { nextCursor, prevCursor } = pageCursors(
      page,
      after,
      (r, dir) => (keyed && r.k !== null ? encodeKeyset({ value: r.k, id: r.id, dir }, cursorScope(q.sort, q.order), this.cursorKey) : null),
      q.page > 1,
    );
    return `{"items":[${items}],"total":${total},"page":${q.page},"pageSize":${q.pageSize},"nextCursor":${JSON.stringify(nextCursor)},"prevCursor":${JSON.stringify(prevCursor)}}`;
  }

  async get(orgId: number, id: number): Promise<UserView> {
    const r = await this.store.get(orgId, id);
    if (!r) throw notFound('Integration user');
    return userView(r, await refsById(this.integrations(), orgId));
  }

  /** The people a new ticket of this integration may be assigned to: active in the ticketing system, not removed. */
  async listAssignable(orgId: number, integrationId: number): Promise<UserView[]> {
    const [rows, refs] = await Promise.all([this.store.assignable(orgId, integrationId), refsById(this.integrations(), orgId)]);
    return rows.map((r) => userView(r, refs));
  }

  /** One user for the tickets module, removed ones included (an old ticket still shows its assignee). */
  async getAssignee(orgId: number, id: number): Promise<AssigneeRecord | null> {
    const r = await this.store.get(orgId, id, this.db, { includeRemoved: true });
    return r
      ? {
          id: r.id,
          integrationId: r.integration_id,
          email: r.email,
          name: r.name,
          username: r.username,
          externalId: r.external_id,
          status: r.status,
          removed: !!r.removed_at,
        }
      : null;
  }

  async exportCsv(orgId: number, q: ExportQuery): Promise<string> {
    const { items } = await this.query(orgId, q, { limit: 100_000, offset: 0 });
    return toCsv(
      ['Name', 'Email ID', 'Integration Type', 'Integration', 'Username', 'Status', 'Last Verified', 'Added', 'Added By'],
      items.map((u) => [
        u.name,
        u.email,
        u.integrationTypeLabel,
        u.integration,
        u.username,
        STATUS_LABELS[u.status],
        u.lastVerifiedAt ?? '',
        u.createdAt,
        u.createdBy,
      ]),
    );
  }
}
