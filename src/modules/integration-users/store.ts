import { SqliteAdapter, sql, type Kysely, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import type { IntegrationUsersTables } from './tables.js';
import type { IntegrationUserImportRowsTable, IntegrationUserImportsTable, IntegrationUsersTable } from './tables.js';
import type { SortField } from './schemas.js';
import type { Exec } from '../../platform/db/exec.js';
import { keysetPage, readOrder, type Keyset } from '../../platform/http/cursor.js';
import { likeEscaped, likePattern } from '../../platform/db/like.js';
import { QueryTemplates, slot } from '../../platform/db/query-template.js';
import { ImportLog } from '../../platform/imports/import-log.js';

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

/** A filter as the SQL takes it: the search already a LIKE pattern. Values, or a query template's slots. */
type SqlFilter = { like?: string; integrationIds?: number[]; status?: IntegrationUsersTable['status'] };
const sqlFilter = (f: StoreFilter): SqlFilter => ({ like: f.search ? likePattern(f.search) : undefined, integrationIds: f.integrationIds, status: f.status });

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

/**
 * A page whose statement plans the same for every value, so it may keep PostgreSQL's generic plan
 * (`Database.stablePlans`): sorted by name or email with no filter but the org's, it reads the live
 * (org_id, key, id) index as a range in order from where the page starts, whichever org, offset or
 * cursor. A search, status or integration filter can make another plan the better one for some
 * values (a rare status read from another index and sorted), so those are planned every run.
 * test/api/integration-users/plans.test.ts holds each of these shapes' generic plans to that.
 */
export function plansAlike(field: SortField, f: StoreFilter): boolean {
  return (field === 'name' || field === 'email') && !f.search && !f.status && f.integrationIds === undefined;
}

export class IntegrationUsersStore {
  /** SQLite reads a page by offset as fast on its own as through the ids-first join (see `listEntries`). */
  private readonly idsFirst: boolean;
  /** The list page's statements, compiled once per shape (query-template.ts). */
  private readonly templates = new QueryTemplates();
  readonly importLog: ImportLog<ImportRecord, ImportRowRecord>;

  constructor(
    private readonly db: Kysely<IntegrationUsersTables>,
    /** Where the page statements that `plansAlike` picks run (`Database.stablePlans`). */
    private readonly stablePlans: Kysely<IntegrationUsersTables> = db,
  ) {
    this.idsFirst = !(db.getExecutor().adapter instanceof SqliteAdapter);
    this.importLog = new ImportLog(db, { imports: 'integration_user_imports', rows: 'integration_user_import_rows' }, (result) =>
      // The four outcomes with their own count; every other reason counts as not added ("errors").
      result === 'added' || result === 'not_found' || result === 'inactive' || result === 'duplicate' ? result : 'errors',
    );
  }

  private filtered(exec: Exec<IntegrationUsersTables>, orgId: number, f: SqlFilter) {
    let q = exec.selectFrom('integration_users').where('org_id', '=', orgId).where('removed_at', 'is', null);
    if (f.like !== undefined) {
      const like = likeEscaped(f.like);
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
    const q = this.ordered(this.filtered(this.db, orgId, sqlFilter(f)).select(LISTED_COLUMNS), sort);
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
    // A jump to page n on PostgreSQL: see below.
    const jump = !after && page.offset > 0 && this.idsFirst;
    // Sorts with a live (org_id, key, id) index (migration 0330) jump from an anchor row.
    const anchored = sort.field === 'name' || sort.field === 'email';
    // One row more than the page says whether another follows in the reading direction.
    const limit = page.limit + 1;
    const ids = f.integrationIds;
    const values: Record<string, unknown> = { orgId, offset: after ? 0 : page.offset };
    if (f.search) values.like = likePattern(f.search);
    if (f.status) values.status = f.status;
    ids?.forEach((id, i) => (values[`id${i}`] = id));
    if (after) Object.assign(values, { afterValue: after.value, afterId: after.id });
    // Everything that changes the SQL; the integration sorts write ranks into it, so they compile each time.
    const shape =
      sort.field === 'integration' || sort.field === 'integrationType'
        ? null
        : [
            sort.field,
            order,
            after ? 'after' : jump ? 'jump' : 'offset',
            f.search ? 'like' : '',
            ids ? ids.length : 'all',
            f.status ? 'status' : '',
            limit,
          ].join('|');
    const counted = !(ids && !ids.length);
    const build = () => {
      const org = slot<number>('orgId');
      const sf: SqlFilter = {
        like: f.search ? slot<string>('like') : undefined,
        integrationIds: ids?.map((_, i) => slot<number>(`id${i}`)),
        status: f.status ? slot<IntegrationUsersTable['status']>('status') : undefined,
      };
      const columns = ['list_json', 'integration_id', 'id', (key ?? sql<string | null>`null`).as('k')] as const;
      let q: SelectQueryBuilder<IntegrationUsersTables, 'integration_users', ListEntry>;
      if (jump && anchored) {
        // A jump to page n by name or email on PostgreSQL: find the page's first row by stepping
        // past the rows in front over the live (org_id, key, id) index alone (an index-only scan:
        // no row is read to be thrown away), then read the page as a range of that index from it
        // — `(k, id) >= (anchor)` is an index condition, and the rows come in order, so neither a
        // join by primary key nor a sort follows. Past the end the anchor is NULL and so is the
        // comparison: an empty page. EXPLAIN (ANALYZE, BUFFERS), page 37 of 50 out of 10,000,
        // vacuumed: 166 → 19 buffers, execution 0.81 → 0.56 ms, planning 0.35 → 0.22 ms.
        const anchor = this.ordered(this.filtered(this.db, org, sf).select([key!.as('ak'), 'id']), sort)
          .limit(1)
          .offset(slot<number>('offset'));
        const op = sql.raw(order === 'asc' ? '>=' : '<=');
        q = this.ordered(
          this.filtered(this.db, org, sf)
            .select(columns)
            .where(sql<boolean>`(${key}, "id") ${op} ${anchor}`),
          sort,
        ).limit(limit);
      } else if (jump) {
        // Other sorts find the page's ids first, stepping past the rows in front over the sort index alone (an
        // index-only scan: no row is read to be thrown away), then read those rows' entries by
        // primary key. Measured with EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL 15, page 37 of 50
        // out of 10,000: 1.7 ms → 0.5 ms for the statement (migration 0330 says why the key is a
        // column). SQLite gains nothing from it (its page by offset takes ~0.17 ms either way, the
        // join adds ~40 µs), so it keeps the single statement.
        const pageIds = this.ordered(this.filtered(this.db, org, sf).select('id as page_id'), sort)
          .limit(limit)
          .offset(slot<number>('offset'));
        // The outer query names its columns unqualified (`ordered`'s sort keys): only the table has them, the page only `page_id`.
        const joined = this.db.selectFrom('integration_users').innerJoin(pageIds.as('p'), 'p.page_id', 'integration_users.id').select(columns);
        q = this.ordered(joined as unknown as SelectQueryBuilder<IntegrationUsersTables, 'integration_users', ListEntry>, sort).limit(limit);
      } else {
        q = this.filtered(this.db, org, sf).select(columns);
        if (after && key) {
          const op = order === 'asc' ? '>' : '<';
          const [v, id] = [slot<string>('afterValue'), slot<number>('afterId')];
          // `k >= v and (k > v or id > i)`: the first part is an index range the second refines.
          q = q.where((eb) => eb.and([eb(key, `${op}=`, v), eb.or([eb(key, op, v), eb('id', op, id)])]));
        }
        q = this.ordered(q, { ...sort, order })
          .limit(limit)
          .offset(slot<number>('offset'));
      }
      // The total rides along as a scalar subquery (evaluated once): one statement per page.
      const total = this.totalQuery(org, sf);
      return total ? q.select(total.as('total')) : q;
    };
    const exec = plansAlike(sort.field, f) ? this.stablePlans : this.db;
    const rows = (await this.templates.run(exec, shape, build, values)) as (ListEntry & { total?: number | null })[];
    // An empty page (past the end) has no row to carry the total, so that case counts on its own.
    const total = !counted ? 0 : rows.length ? Number(rows[0].total ?? 0) : await this.count(orgId, f);
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
    const totalQ = this.totalQuery(orgId, sqlFilter(f));
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
    const q = this.totalQuery(orgId, sqlFilter(f));
    if (!q) return 0;
    const r = await q.executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  /** The query `count` runs (one row, column `n`); null when nothing can match. */
  private totalQuery(orgId: number, f: SqlFilter): TotalQuery | null {
    if (f.like !== undefined) return this.filtered(this.db, orgId, f).select((eb) => eb.fn.countAll<number>().as('n'));
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
}
