import { SqliteAdapter, sql, type Kysely, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import type { IntegrationUsersTables } from './tables.js';
import type { ImportRowResult, IntegrationUserImportRowsTable, IntegrationUserImportsTable, IntegrationUsersTable } from './tables.js';
import type { SortField } from './schemas.js';
import type { Exec } from '../../platform/db/exec.js';
import { keysetPage, readOrder, type Keyset } from '../../platform/http/cursor.js';
import { containing } from '../../platform/db/like.js';

export type UserRecord = Omit<IntegrationUsersTable, 'id' | 'list_json' | 'name_lower'> & { id: number };
export type ImportRecord = Omit<IntegrationUserImportsTable, 'id'> & { id: number };
export type ImportRowRecord = Omit<IntegrationUserImportRowsTable, 'id'> & { id: number };

/**
 * The columns a listed user's view needs (not org_id / email_lower): fewer values to read and to
 * turn into JS strings per row, and an explicit list lets the SQLite statement cache build the row
 * objects itself (see `withStatementCache`). Measured on SQLite, page 37 of 50 out of 10,000: the
 * page statement ~160 µs → ~100 µs; the whole list request ~385 µs → ~350 µs.
 */
export const LISTED_COLUMNS = [
  'id',
  'name',
  'email',
  'username',
  'external_id',
  'integration_id',
  'active_in_system',
  'status',
  'last_verified_at',
  'last_verify_error',
  'created_by',
  'created_at',
  'updated_at',
  'removed_at',
] as const;
export type ListedUser = Pick<UserRecord, (typeof LISTED_COLUMNS)[number]>;

export type StoreFilter = {
  search?: string;
  /** Restrict to these integrations (a filter by integration or by type); [] matches nothing. */
  integrationIds?: number[];
  status?: IntegrationUsersTable['status'];
};

export type SortSpec = { field: SortField; order: 'asc' | 'desc'; integrationRank?: Map<number, number> };
/** A user's list entry: JSON text without the integration's name and type, which the service adds; `k` is the sort key. */
export type ListEntry = { list_json: string | null; integration_id: number; id: number; k: string | null };

/**
 * The sort key a keyset cursor can carry: one non-null value per row, ordered with `id` by an
 * index. Sorting by integration or type orders by a rank that changes when an integration is
 * renamed, so those sorts page by offset only.
 */
export function keysetKey(field: SortField): RawBuilder<string> | null {
  switch (field) {
    case 'name':
      return sql<string>`name_lower`;
    case 'email':
      return sql<string>`email_lower`;
    case 'status':
      return sql<string>`status`;
    case 'createdAt':
      return sql<string>`created_at`;
    case 'lastVerifiedAt':
      return sql<string>`coalesce(last_verified_at, '')`;
    default:
      return null;
  }
}
type Page = { limit: number; offset: number };
type TotalQuery = SelectQueryBuilder<IntegrationUsersTables, 'integration_users' | 'integration_user_counts', { n: number }>;

export class IntegrationUsersStore {
  /** SQLite reads a page by offset as fast on its own as through the ids-first join (see `listEntries`). */
  private readonly idsFirst: boolean;

  constructor(private readonly db: Kysely<IntegrationUsersTables>) {
    this.idsFirst = !(db.getExecutor().adapter instanceof SqliteAdapter);
  }

  private filtered(exec: Exec<IntegrationUsersTables>, orgId: number, f: StoreFilter) {
    let q = exec.selectFrom('integration_users').where('org_id', '=', orgId).where('removed_at', 'is', null);
    if (f.search) {
      const like = containing(f.search);
      q = q.where((eb) => eb.or([eb(sql`email_lower`, 'like', like), eb(sql`name_lower`, 'like', like)]));
    }
    if (f.integrationIds) q = f.integrationIds.length ? q.where('integration_id', 'in', f.integrationIds) : q.where(sql<boolean>`1 = 0`);
    if (f.status) q = q.where('status', '=', f.status);
    return q;
  }

  /**
   * A page of users. Sorting by integration or type uses `integrationRank` (integration id → its
   * position in that order), computed from the integrations module's list, so this store never
   * reads another module's table.
   */
  async list(orgId: number, f: StoreFilter, sort: SortSpec, page: Page | null): Promise<{ rows: ListedUser[]; total: number }> {
    const q = this.ordered(this.filtered(this.db, orgId, f).select(LISTED_COLUMNS), sort);
    if (!page) {
      const rows = await q.execute();
      return { rows, total: rows.length };
    }
    return this.paged(orgId, f, page, q);
  }

  /**
   * The same page as `list`, each user as the list entry the database keeps (migration 0320), with
   * the sort key and id that a keyset cursor carries. With `after`, the page is read from just past
   * that row (forwards, or backwards for `dir: 'prev'`, rows still returned in list order) instead
   * of counting the rows in front of it, so a deep page costs what the first does.
   */
  async listEntries(
    orgId: number,
    f: StoreFilter,
    sort: SortSpec,
    page: Page,
    after?: Keyset<string>,
  ): Promise<{ rows: ListEntry[]; total: number; more: boolean }> {
    const key = keysetKey(sort.field);
    if (after && !key) throw new Error(`No keyset for sort ${sort.field}`);
    const order = readOrder(sort.order, after);
    const columns = ['list_json', 'integration_id', 'id', (key ?? sql<string | null>`null`).as('k')] as const;
    if (!after && page.offset > 0 && this.idsFirst) {
      // A jump to page n on PostgreSQL: find the page's ids first, stepping past the rows in front
      // over the sort index alone (an index-only scan: no row is read to be thrown away), then read
      // those rows' entries by primary key. Measured with EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL
      // 15, page 37 of 50 out of 10,000: 1.7 ms → 0.5 ms for the statement (migration 0330 says
      // why the key is a column). SQLite gains nothing from it (its page by offset takes ~0.17 ms
      // either way, the join adds ~40 µs), so it keeps the single statement.
      const ids = this.ordered(this.filtered(this.db, orgId, f).select('id as page_id'), sort)
        .limit(page.limit + 1)
        .offset(page.offset);
      // The outer query names its columns unqualified (`ordered`'s sort keys): only the table has them, the page only `page_id`.
      const q = this.db.selectFrom('integration_users').innerJoin(ids.as('p'), 'p.page_id', 'integration_users.id').select(columns);
      const sorted = this.ordered(q as unknown as SelectQueryBuilder<IntegrationUsersTables, 'integration_users', ListEntry>, sort);
      const { rows, total } = await this.paged(orgId, f, { limit: page.limit + 1, offset: 0 }, sorted);
      return { ...keysetPage(rows, page.limit, after), total };
    }
    let q = this.filtered(this.db, orgId, f).select(columns);
    if (after && key) {
      const op = order === 'asc' ? '>' : '<';
      // `k >= v and (k > v or id > i)`: the first part is an index range the second refines.
      q = q.where((eb) => eb.and([eb(key, `${op}=`, after.value), eb.or([eb(key, op, after.value), eb('id', op, after.id)])]));
    }
    // One row more than the page says whether another follows in the reading direction.
    const { rows, total } = await this.paged(orgId, f, { limit: page.limit + 1, offset: after ? 0 : page.offset }, this.ordered(q, { ...sort, order }));
    return { ...keysetPage(rows, page.limit, after), total };
  }

  /**
   * Runs a page query with the total riding along as a scalar subquery (evaluated once): one
   * statement per page instead of two. Measured on a page of 50 of 10,000: SQLite ~10 µs less per
   * request, PostgreSQL one query and pool connection less. An empty page (past the end) has no
   * row to carry it, so that case counts on its own.
   */
  private async paged<R>(
    orgId: number,
    f: StoreFilter,
    page: Page,
    q: SelectQueryBuilder<IntegrationUsersTables, 'integration_users', R>,
  ): Promise<{ rows: R[]; total: number }> {
    const totalQ = this.totalQuery(orgId, f);
    const rows = (await (totalQ ? q.select(totalQ.as('total')) : q).limit(page.limit).offset(page.offset).execute()) as R[];
    const total = !totalQ ? 0 : rows.length ? Number((rows[0] as { total?: number | null }).total ?? 0) : await this.count(orgId, f);
    return { rows, total };
  }

  private ordered<Q extends SelectQueryBuilder<IntegrationUsersTables, 'integration_users', object>>(q: Q, sort: SortSpec): Q {
    const dir = sort.order;
    let o = q as SelectQueryBuilder<IntegrationUsersTables, 'integration_users', object>;
    switch (sort.field) {
      case 'name':
        // Case-insensitive; the live (org_id, name_lower, id) index serves it (migration 0330).
        o = o.orderBy('name_lower', dir);
        break;
      case 'email':
        o = o.orderBy('email_lower', dir);
        break;
      case 'status':
        o = o.orderBy('status', dir);
        break;
      case 'createdAt':
        o = o.orderBy('created_at', dir);
        break;
      case 'lastVerifiedAt':
        // Never verified first (ascending) on both databases: PostgreSQL would put NULLs last.
        o = o.orderBy(sql`coalesce(last_verified_at, '')`, dir);
        break;
      case 'integration':
      case 'integrationType': {
        const rank = sort.integrationRank ?? new Map();
        if (rank.size) {
          const cases = sql.join(
            [...rank].map(([id, r]) => sql`when ${sql.lit(id)} then ${sql.lit(r)}`),
            sql` `,
          );
          o = o.orderBy(sql`case integration_id ${cases} else ${sql.lit(rank.size)} end`, dir);
        }
        o = o.orderBy('name_lower', dir);
        break;
      }
    }
    return o.orderBy('id', dir) as Q;
  }

  /**
   * How many users match. Without a search this sums the trigger-kept per-(integration, status)
   * counts (a few rows) instead of counting every user; a search counts the matching rows.
   */
  async count(orgId: number, f: StoreFilter): Promise<number> {
    const q = this.totalQuery(orgId, f);
    if (!q) return 0;
    const r = await q.executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  /** The query `count` runs (one row, column `n`); null when nothing can match. */
  private totalQuery(orgId: number, f: StoreFilter): TotalQuery | null {
    if (f.search) return this.filtered(this.db, orgId, f).select((eb) => eb.fn.countAll<number>().as('n'));
    if (f.integrationIds && !f.integrationIds.length) return null;
    let q = this.db
      .selectFrom('integration_user_counts')
      .select((eb) => eb.fn.sum<number>('n').as('n'))
      .where('org_id', '=', orgId);
    if (f.integrationIds) q = q.where('integration_id', 'in', f.integrationIds);
    if (f.status) q = q.where('status', '=', f.status);
    return q;
  }

  get(orgId: number, id: number, exec: Exec<IntegrationUsersTables> = this.db, opts: { includeRemoved?: boolean } = {}): Promise<UserRecord | undefined> {
    let q = exec.selectFrom('integration_users').selectAll().where('org_id', '=', orgId).where('id', '=', id);
    if (!opts.includeRemoved) q = q.where('removed_at', 'is', null);
    return q.executeTakeFirst();
  }

  getMany(orgId: number, ids: number[]): Promise<UserRecord[]> {
    if (!ids.length) return Promise.resolve([]);
    return this.db.selectFrom('integration_users').selectAll().where('org_id', '=', orgId).where('id', 'in', ids).where('removed_at', 'is', null).execute();
  }

  /** Any row for this email, removed or not. */
  byEmail(orgId: number, integrationId: number, emailLower: string, exec: Exec<IntegrationUsersTables> = this.db): Promise<UserRecord | undefined> {
    return exec
      .selectFrom('integration_users')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('integration_id', '=', integrationId)
      .where('email_lower', '=', emailLower)
      .executeTakeFirst();
  }

  async insert(exec: Exec<IntegrationUsersTables>, row: Omit<UserRecord, 'id'>): Promise<number> {
    const r = await exec.insertInto('integration_users').values(row).returning('id').executeTakeFirstOrThrow();
    return r.id;
  }

  /** Brings a removed row back; false when someone else already did (so the caller reports a duplicate). */
  async revive(exec: Exec<IntegrationUsersTables>, orgId: number, id: number, patch: Partial<Omit<UserRecord, 'id' | 'org_id'>>): Promise<boolean> {
    const r = await exec
      .updateTable('integration_users')
      .set({ ...patch, removed_at: null })
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .where('removed_at', 'is not', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async update(exec: Exec<IntegrationUsersTables>, orgId: number, id: number, patch: Partial<Omit<UserRecord, 'id' | 'org_id'>>): Promise<void> {
    await exec.updateTable('integration_users').set(patch).where('org_id', '=', orgId).where('id', '=', id).execute();
  }

  async remove(exec: Exec<IntegrationUsersTables>, orgId: number, id: number, at: string): Promise<boolean> {
    const r = await exec
      .updateTable('integration_users')
      .set({ removed_at: at, updated_at: at })
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .where('removed_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  assignable(orgId: number, integrationId: number): Promise<UserRecord[]> {
    return this.db
      .selectFrom('integration_users')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('integration_id', '=', integrationId)
      .where('removed_at', 'is', null)
      .where('status', '=', 'active')
      .orderBy('name_lower')
      .orderBy('id')
      .execute();
  }

  async countByIntegration(orgId: number, integrationId: number, exec: Exec<IntegrationUsersTables> = this.db): Promise<number> {
    const r = await exec
      .selectFrom('integration_users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('org_id', '=', orgId)
      .where('integration_id', '=', integrationId)
      .where('removed_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /** Every (org, integration) pair with users, for the daily re-verification. */
  integrationsWithUsers(): Promise<{ org_id: number; integration_id: number }[]> {
    return this.db.selectFrom('integration_users').select(['org_id', 'integration_id']).where('removed_at', 'is', null).distinct().execute();
  }

  usersOf(orgId: number, integrationId: number, afterId: number, limit: number): Promise<UserRecord[]> {
    return this.db
      .selectFrom('integration_users')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('integration_id', '=', integrationId)
      .where('removed_at', 'is', null)
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit)
      .execute();
  }

  // Imports

  async insertImport(exec: Exec<IntegrationUsersTables>, row: Omit<ImportRecord, 'id'>): Promise<number> {
    const r = await exec.insertInto('integration_user_imports').values(row).returning('id').executeTakeFirstOrThrow();
    return r.id;
  }

  async insertImportRows(exec: Exec<IntegrationUsersTables>, rows: Omit<ImportRowRecord, 'id'>[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 200)
      await exec
        .insertInto('integration_user_import_rows')
        .values(rows.slice(i, i + 200))
        .execute();
  }

  getImport(orgId: number, id: number, exec: Exec<IntegrationUsersTables> = this.db): Promise<ImportRecord | undefined> {
    return exec.selectFrom('integration_user_imports').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  }

  importRows(orgId: number, importId: number, limit?: number): Promise<ImportRowRecord[]> {
    let q = this.db.selectFrom('integration_user_import_rows').selectAll().where('org_id', '=', orgId).where('import_id', '=', importId).orderBy('line');
    if (limit) q = q.limit(limit);
    return q.execute();
  }

  pendingImportRows(importId: number, limit: number): Promise<ImportRowRecord[]> {
    return this.db
      .selectFrom('integration_user_import_rows')
      .selectAll()
      .where('import_id', '=', importId)
      .where('result', 'is', null)
      .orderBy('line')
      .limit(limit)
      .execute();
  }

  async updateImport(exec: Exec<IntegrationUsersTables>, id: number, patch: Partial<Omit<ImportRecord, 'id' | 'org_id'>>): Promise<void> {
    await exec.updateTable('integration_user_imports').set(patch).where('id', '=', id).execute();
  }

  /** Records one row's result and bumps the import's counters; false if the row was already done. */
  async finishImportRow(
    exec: Exec<IntegrationUsersTables>,
    importId: number,
    rowId: number,
    result: ImportRowResult,
    message: string,
    userId: number | null,
  ): Promise<boolean> {
    const r = await exec
      .updateTable('integration_user_import_rows')
      .set({ result, message, user_id: userId })
      .where('id', '=', rowId)
      .where('result', 'is', null)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) return false;
    // The four outcomes with their own count; every other reason counts as not added ("errors").
    const counter = result === 'added' || result === 'not_found' || result === 'inactive' || result === 'duplicate' ? result : 'errors';
    await exec
      .updateTable('integration_user_imports')
      .set((eb) => ({ processed: eb('processed', '+', 1), [counter]: eb(counter, '+', 1) }))
      .where('id', '=', importId)
      .execute();
    return true;
  }
}
