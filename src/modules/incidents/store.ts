import { SqliteAdapter, sql, type Expression, type ExpressionBuilder, type Insertable, type Kysely, type SqlBool } from 'kysely';
import type { IncidentsDb } from './db.js';
import { TEXT_BYTES_SQL, TEXT_INDEX_BYTES, type IncidentEvidenceTable, type IncidentsTable } from './migrations.js';
import { TOTAL_CAP, type ListFilters, type SortField, type Widget } from './schemas.js';
import type { Exec } from '../../platform/db/exec.js';
import { keysetPage, readOrder, type Keyset } from '../../platform/http/cursor.js';
import { chunks } from '../../platform/db/chunks.js';

export type IncidentRow = Insertable<IncidentsTable>;
export type EvidenceRow = Insertable<IncidentEvidenceTable>;
export type IncidentRecord = Omit<IncidentsTable, 'id' | 'duplicate_count' | 'false_positive'> & {
  id: number;
  duplicate_count: number;
  false_positive: number;
};
/** List columns: everything but the bulky detail JSON and the search text. */
export type IncidentListRecord = Omit<IncidentRecord, 'details' | 'search_text'> & { admin_name: string | null; admin_email: string | null };

const LIST_COLUMNS = [
  'incidents.id',
  'incidents.org_id',
  'incidents.transaction_id',
  'incidents.incident_date',
  'incidents.created_at',
  'incidents.updated_at',
  'incidents.last_change',
  'incidents.status',
  'incidents.severity',
  'incidents.priority',
  'incidents.source_type',
  'incidents.dlp_type',
  'incidents.action',
  'incidents.dlp_admin_id',
  'incidents.rules',
  'incidents.engines',
  'incidents.dictionaries',
  'incidents.user_name',
  'incidents.user_email',
  'incidents.department',
  'incidents.file_name',
  'incidents.destination',
  'incidents.host',
  'incidents.dup_key',
  'incidents.duplicate_of',
  'incidents.duplicate_count',
  'incidents.resolution_date',
  'incidents.resolution_label',
  'incidents.resolution_value',
  'incidents.false_positive',
  'incidents.notes',
  'incidents.awaiting_user',
] as const;

export const SORT_COLUMNS = {
  incidentDate: 'incident_date',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  transactionId: 'transaction_id',
  priority: 'priority',
  severity: 'severity',
  status: 'status',
  sourceType: 'source_type',
  userName: 'user_name',
  fileName: 'file_name',
  destination: 'destination',
} as const satisfies Record<SortField, keyof IncidentsTable>;

export const WIDGET_STATUSES: Record<Exclude<Widget, 'all' | 'unassigned'>, string[]> = {
  open: ['New', 'Investigating', 'Received Justification Response'],
  resolved: ['Resolved'],
  waitingFeedback: ['Validating with User', 'Escalated'],
  escalated: ['Escalated'],
  responseAvailable: ['Received Justification Response'],
};

export type ListSpec = {
  orgId: number;
  filters: ListFilters;
  /** Already-normalised time range, or null (Transaction ID search ignores it). */
  range: { from: string; to: string } | null;
  /** Parent ids a Transaction ID search resolved to. */
  ids?: number[];
  /** Severity/priority filters are given as ranks. */
  severityRanks?: number[];
  priorityRanks?: number[];
};

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (m) => `\\${m}`);
const like = (col: string, pattern: string) => sql<SqlBool>`${sql.ref(col)} like ${pattern} escape '\\'`;

/** Rows whose filter text fits the PostgreSQL text index (migration 0430), or the rest. */
const textFits = (fits: boolean) => sql<SqlBool>`${sql.raw(TEXT_BYTES_SQL)} ${sql.raw(fits ? '<=' : '>')} ${sql.lit(TEXT_INDEX_BYTES)}`;

/** Filters that read text the list index does not hold (see incidentsTextIndex). */
function readsText(f: ListFilters): boolean {
  return !!(f.rule?.length || f.engine?.length || f.department?.length || f.action?.length || f.duplicated || (f.search && f.searchMode === 'all'));
}

export class IncidentsStore {
  /** SQLite keeps incident_hour_counts (migration 0420); PostgreSQL counts from its index. */
  private readonly sqlite: boolean;
  constructor(readonly db: Kysely<IncidentsDb>) {
    this.sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  }

  /* -------------------------------------------------------------- filtering */

  private where(eb: ExpressionBuilder<IncidentsDb, 'incidents'>, spec: ListSpec): Expression<SqlBool> {
    const f = spec.filters;
    const ex = new Set(f.exclude ?? []);
    const c: Expression<SqlBool>[] = [eb('incidents.org_id', '=', spec.orgId), eb('incidents.duplicate_of', 'is', null)];
    if (spec.ids) c.push(spec.ids.length ? eb('incidents.id', 'in', spec.ids) : sql<SqlBool>`1 = 0`);
    if (spec.range) {
      c.push(eb('incidents.incident_date', '>=', spec.range.from));
      c.push(eb('incidents.incident_date', '<', spec.range.to));
    }
    if (f.widget && f.widget !== 'all') {
      if (f.widget === 'unassigned') c.push(eb('incidents.dlp_admin_id', 'is', null));
      else c.push(eb('incidents.status', 'in', WIDGET_STATUSES[f.widget]));
    }
    const inOrNot = (key: (typeof f.exclude & {})[number]) => (ex.has(key) ? 'not in' : 'in');
    if (f.status?.length) c.push(eb('incidents.status', inOrNot('status'), f.status));
    if (spec.severityRanks?.length) c.push(eb('incidents.severity', inOrNot('severity'), spec.severityRanks));
    if (spec.priorityRanks?.length) c.push(eb('incidents.priority', inOrNot('priority'), spec.priorityRanks));
    if (f.sourceType?.length) c.push(eb('incidents.source_type', inOrNot('sourceType'), f.sourceType));
    const nullableIn = (key: 'department' | 'action', col: 'incidents.department' | 'incidents.action', values: string[] | undefined) => {
      if (!values?.length) return;
      c.push(ex.has(key) ? eb.or([eb(col, 'is', null), eb(col, 'not in', values)]) : eb(col, 'in', values));
    };
    nullableIn('department', 'incidents.department', f.department);
    nullableIn('action', 'incidents.action', f.action);
    if (f.dlpAdmin?.length) {
      const ids = f.dlpAdmin.filter((n) => n > 0);
      const unassigned = f.dlpAdmin.includes(0);
      if (!ex.has('dlpAdmin')) {
        const any: Expression<SqlBool>[] = [];
        if (ids.length) any.push(eb('incidents.dlp_admin_id', 'in', ids));
        if (unassigned) any.push(eb('incidents.dlp_admin_id', 'is', null));
        c.push(eb.or(any));
      } else {
        if (ids.length) c.push(eb.or([eb('incidents.dlp_admin_id', 'is', null), eb('incidents.dlp_admin_id', 'not in', ids)]));
        if (unassigned) c.push(eb('incidents.dlp_admin_id', 'is not', null));
      }
    }
    const jsonList = (key: 'rule' | 'engine', col: 'incidents.rules' | 'incidents.engines', values: string[] | undefined) => {
      if (!values?.length) return;
      const any = eb.or(values.map((v) => like(col, `%${likeEscape(JSON.stringify(v))}%`)));
      c.push(ex.has(key) ? eb.not(any) : any);
    };
    jsonList('rule', 'incidents.rules', f.rule);
    jsonList('engine', 'incidents.engines', f.engine);
    if (f.label?.length) {
      // One set of labelled incident ids (from incident_labels_label_idx), probed per row in memory,
      // instead of one index lookup per incident in the range.
      const labelled = eb
        .selectFrom('incident_labels')
        .select('incident_labels.incident_id')
        .where('incident_labels.org_id', '=', spec.orgId)
        .where('incident_labels.label_id', 'in', f.label);
      c.push(eb('incidents.id', ex.has('label') ? 'not in' : 'in', labelled));
    }
    if (f.incidentGroup?.length) {
      const grouped = eb
        .selectFrom('incident_group_members')
        .select('incident_group_members.incident_id')
        .where('incident_group_members.org_id', '=', spec.orgId)
        .where('incident_group_members.group_id', 'in', f.incidentGroup);
      c.push(eb('incidents.id', ex.has('incidentGroup') ? 'not in' : 'in', grouped));
    }
    if (f.duplicated) {
      const yes = (f.duplicated === 'yes') !== ex.has('duplicated');
      c.push(eb('incidents.duplicate_count', yes ? '>' : '=', 0));
    }
    if (f.user) c.push(eb('incidents.user_email', '=', f.user.toLowerCase()));
    if (f.search && f.searchMode === 'all') {
      const terms = f.search.toLowerCase().split(/\s+/).filter(Boolean).slice(0, 20);
      for (const t of terms) c.push(like('incidents.search_text', `%${likeEscape(t)}%`));
    }
    return eb.and(c);
  }

  /** Parent ids of up to 10 transaction ids (a duplicate resolves to its parent). */
  async resolveTransactionIds(orgId: number, txns: string[]): Promise<number[]> {
    if (!txns.length) return [];
    const rows = await this.db.selectFrom('incidents').select(['id', 'duplicate_of']).where('org_id', '=', orgId).where('transaction_id', 'in', txns).execute();
    return [...new Set(rows.map((r) => r.duplicate_of ?? r.id))];
  }

  /**
   * One keyset page. Reads `limit + 1` rows to know whether another page follows; a `prev` keyset
   * reads backwards and returns the rows in list order.
   */
  async page(
    spec: ListSpec,
    sort: SortField,
    order: 'asc' | 'desc',
    limit: number,
    keyset?: Keyset,
    /**
     * `offset`: rows to skip first (numbered pages of the compatible API; keyset paging is the
     * cheap way). `details`: also read each row's detail JSON (APIs answering whole incidents).
     * `count`: also count every match in the same statement (`matches`, absent when no row came back).
     */
    opts: { offset?: number; details?: boolean; count?: boolean } = {},
  ): Promise<{ rows: (IncidentListRecord & { details?: string })[]; more: boolean; matches?: number }> {
    const col = `incidents.${SORT_COLUMNS[sort]}` as const;
    const dir = readOrder(order, keyset);
    const offset = opts.offset ?? 0;
    // First the ids of the page: filters and sort key come from the covering index on SQLite, so
    // only the page's rows are read from the table (not every match the sort has to look at).
    const idsWhere = (fits?: boolean) => {
      let q = this.db
        .selectFrom('incidents')
        .select(['incidents.id', `${col} as k`])
        .where((eb) => this.where(eb, spec));
      if (fits !== undefined) q = q.where(textFits(fits));
      if (keyset) {
        q = q.where((eb) => eb(eb.refTuple(col, 'incidents.id'), dir === 'asc' ? '>' : '<', eb.tuple(eb.val(keyset.value), keyset.id)));
      }
      return q.orderBy(col, dir).orderBy('incidents.id', dir);
    };
    let found: number[];
    let matches: number | undefined;
    if (opts.count) {
      // See pageAndTotal: every match with its count, then the keyset and the page over them. On
      // PostgreSQL a text filter reads the rows that fit the text index and the longer ones apart.
      const matching = (fits?: boolean) => {
        const q = this.db
          .selectFrom('incidents')
          .select(['incidents.id', `${col} as k`])
          .where((eb) => this.where(eb, spec));
        return fits === undefined ? q : q.where(textFits(fits));
      };
      const counted = this.textSplit(spec)
        ? this.db
            .selectFrom(matching(true).unionAll(matching(false)).as('u'))
            .select(['u.id', 'u.k', sql<number>`count(*) over ()`.as('n')])
            .as('m')
        : matching()
            .select(sql<number>`count(*) over ()`.as('n'))
            .as('m');
      let q = this.db.selectFrom(counted).select(['m.id', 'm.n']);
      if (keyset) q = q.where((eb) => eb(eb.refTuple('m.k', 'm.id'), dir === 'asc' ? '>' : '<', eb.tuple(eb.val(keyset.value), keyset.id)));
      const rows = await q
        .orderBy('m.k', dir)
        .orderBy('m.id', dir)
        .limit(limit + 1)
        .offset(offset)
        .execute();
      if (rows.length) matches = Number(rows[0].n);
      found = rows.map((r) => r.id);
    } else if (this.textSplit(spec)) {
      // PostgreSQL with a text filter: the rows that fit the text index and the (rare) longer ones
      // are read apart, each from its own index, and merged in the database's own order.
      const fitting = idsWhere(true)
        .limit(limit + 1 + offset)
        .as('a');
      const longer = idsWhere(false)
        .limit(limit + 1 + offset)
        .as('b');
      const merged = this.db
        .selectFrom(this.db.selectFrom(fitting).selectAll().unionAll(this.db.selectFrom(longer).selectAll()).as('u'))
        .select('u.id')
        .orderBy('u.k', dir)
        .orderBy('u.id', dir)
        .limit(limit + 1)
        .offset(offset);
      found = (await merged.execute()).map((r) => r.id);
    } else {
      found = (
        await idsWhere()
          .limit(limit + 1)
          .offset(offset)
          .execute()
      ).map((r) => r.id);
    }
    const { rows: ids, more } = keysetPage(found, limit, keyset);
    if (!ids.length) return { rows: [], more };
    const byId = new Map<number, IncidentListRecord>();
    const columns = opts.details ? [...LIST_COLUMNS, 'incidents.details' as const] : LIST_COLUMNS;
    for (const part of chunks(ids, 500)) {
      const rows = (await this.db
        .selectFrom('incidents')
        .leftJoin('admins', 'admins.id', 'incidents.dlp_admin_id')
        .select([...columns, 'admins.name as admin_name', 'admins.email as admin_email'])
        .where('incidents.org_id', '=', spec.orgId)
        .where('incidents.id', 'in', part)
        .execute()) as IncidentListRecord[];
      for (const r of rows) byId.set(r.id, r);
    }
    // A row deleted between the two reads is simply left out.
    return { rows: ids.map((id) => byId.get(id)).filter((r): r is IncidentListRecord => !!r), more, ...(matches === undefined ? {} : { matches }) };
  }

  /**
   * A page and the number of matching incidents, as two promises: the page's rows can be read on
   * while the count still runs. A sort other than incident date makes the page read every match in
   * the time range, as the count does; then one statement reads them once and counts them too (a
   * window count, taken before the keyset narrows the rows). Reading them twice cost SQLite, which
   * runs one statement at a time, the time of both, and PostgreSQL twice the processor.
   */
  pageAndTotal(
    spec: ListSpec,
    sort: SortField,
    order: 'asc' | 'desc',
    limit: number,
    keyset?: Keyset,
    opts: { offset?: number; details?: boolean } = {},
  ): { page: Promise<{ rows: (IncidentListRecord & { details?: string })[]; more: boolean }>; total: Promise<{ total: number; capped: boolean }> } {
    if (!spec.range || spec.ids || SORT_COLUMNS[sort] === 'incident_date')
      return { page: this.page(spec, sort, order, limit, keyset, opts), total: this.total(spec) };
    const both = (async () => {
      const { matches, ...page } = await this.page(spec, sort, order, limit, keyset, { ...opts, count: true });
      // No row carried the count: nothing matches, or the keyset or offset is past the last match.
      if (matches === undefined && (keyset || opts.offset)) return { page, total: await this.total(spec) };
      const n = matches ?? 0;
      return { page, total: { total: Math.min(n, TOTAL_CAP), capped: n > TOTAL_CAP } };
    })();
    return { page: both.then((b) => b.page), total: both.then((b) => b.total) };
  }

  /** Number of matching incidents, counting at most `TOTAL_CAP + 1`. */
  async total(spec: ListSpec): Promise<{ total: number; capped: boolean }> {
    const matching = (fits?: boolean) => {
      const q = this.db
        .selectFrom('incidents')
        .select(sql.lit(1).as('one'))
        .where((eb) => this.where(eb, spec));
      return (fits === undefined ? q : q.where(textFits(fits))).limit(TOTAL_CAP + 1);
    };
    // See page(): on PostgreSQL a text filter counts each part from its own index.
    const inner = this.textSplit(spec)
      ? this.db
          .selectFrom(matching(true).as('a'))
          .selectAll()
          .unionAll(this.db.selectFrom(matching(false).as('b')).selectAll())
      : matching();
    const r = await this.db
      .selectFrom(inner.as('t'))
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const n = Number(r.n);
    return { total: Math.min(n, TOTAL_CAP), capped: n > TOTAL_CAP };
  }

  /** PostgreSQL, a time range and a filter on text: read through the text index (migration 0430). */
  private textSplit(spec: ListSpec): boolean {
    return !this.sqlite && !!spec.range && !spec.ids && readsText(spec.filters);
  }

  /**
   * The count widgets. PostgreSQL: one pass over the range's index entries, one sum per widget.
   * SQLite: whole hours from incident_hour_counts (kept by triggers), and the partial hours at the
   * two ends of the range from the covering index, so the cost no longer grows with the range.
   */
  async widgetCounts(orgId: number, range: { from: string; to: string }): Promise<Record<Widget, number>> {
    const groups: { status: string; unassigned: number; n: number }[] = [];
    const scan = async (from: string, to: string) => {
      if (from >= to) return;
      const rows = await this.db
        .selectFrom('incidents')
        .select((eb) => [
          'status',
          sql<number>`case when ${sql.ref('dlp_admin_id')} is null then 1 else 0 end`.as('unassigned'),
          eb.fn.countAll<number>().as('n'),
        ])
        .where('org_id', '=', orgId)
        .where('duplicate_of', 'is', null)
        .where('incident_date', '>=', from)
        .where('incident_date', '<', to)
        .groupBy(['status', sql`2`])
        .execute();
      groups.push(...rows);
    };
    const hour = 3_600_000;
    const firstWhole = new Date(Math.ceil(Date.parse(range.from) / hour) * hour).toISOString();
    const endWhole = new Date(Math.floor(Date.parse(range.to) / hour) * hour).toISOString();
    if (this.sqlite && firstWhole < endWhole) {
      await scan(range.from, firstWhole);
      groups.push(
        ...(await this.db
          .selectFrom('incident_hour_counts')
          .select((eb) => ['status', 'unassigned', eb.fn.sum<number>('n').as('n')])
          .where('org_id', '=', orgId)
          .where('hour', '>=', firstWhole.slice(0, 13))
          .where('hour', '<', endWhole.slice(0, 13))
          .groupBy(['status', 'unassigned'])
          .execute()),
      );
      await scan(endWhole, range.to);
    } else {
      await scan(range.from, range.to);
    }
    const c: Record<Widget, number> = { all: 0, open: 0, unassigned: 0, resolved: 0, waitingFeedback: 0, escalated: 0, responseAvailable: 0 };
    for (const g of groups) {
      const n = Number(g.n);
      c.all += n;
      if (Number(g.unassigned)) c.unassigned += n;
      for (const [w, statuses] of Object.entries(WIDGET_STATUSES) as [keyof typeof WIDGET_STATUSES, string[]][]) if (statuses.includes(g.status)) c[w] += n;
    }
    return c;
  }

  async labelsOf(orgId: number, ids: number[], exec: Exec<IncidentsDb> = this.db) {
    if (!ids.length) return [];
    return exec
      .selectFrom('incident_labels')
      .select(['incident_id', 'label_id', 'label_name', 'value'])
      .where('org_id', '=', orgId)
      .where('incident_id', 'in', ids)
      .orderBy('incident_id')
      .orderBy('id')
      .execute();
  }

  /** Each incident's groups by name (the incident-groups module's tables, read by join: see db.ts). */
  async groupsOf(
    orgId: number,
    ids: number[],
    exec: Exec<IncidentsDb> = this.db,
  ): Promise<Map<number, { id: number; name: string; description: string | null }[]>> {
    const out = new Map<number, { id: number; name: string; description: string | null }[]>();
    if (!ids.length) return out;
    const rows = await exec
      .selectFrom('incident_group_members as m')
      .innerJoin('incident_groups as g', 'g.id', 'm.group_id')
      .select(['m.incident_id', 'g.id', 'g.name', 'g.description'])
      .where('m.org_id', '=', orgId)
      .where('m.incident_id', 'in', ids)
      .orderBy('m.incident_id')
      .orderBy('g.name_lower')
      .execute();
    for (const r of rows) out.set(r.incident_id, [...(out.get(r.incident_id) ?? []), { id: r.id, name: r.name, description: r.description }]);
    return out;
  }

  /** The org's incident groups (the Incident Group filter's choices). */
  incidentGroups(orgId: number): Promise<{ id: number; name: string }[]> {
    return this.db.selectFrom('incident_groups').select(['id', 'name']).where('org_id', '=', orgId).orderBy('name_lower').orderBy('id').execute();
  }

  /* -------------------------------------------------------------- single rows */

  get(orgId: number, id: number, exec: Exec<IncidentsDb> = this.db): Promise<IncidentRecord | undefined> {
    return exec.selectFrom('incidents').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst() as Promise<IncidentRecord | undefined>;
  }

  async getListRecord(orgId: number, id: number, exec: Exec<IncidentsDb> = this.db): Promise<(IncidentListRecord & { details: string }) | undefined> {
    return (await exec
      .selectFrom('incidents')
      .leftJoin('admins', 'admins.id', 'incidents.dlp_admin_id')
      .select([...LIST_COLUMNS, 'incidents.details', 'admins.name as admin_name', 'admins.email as admin_email'])
      .where('incidents.org_id', '=', orgId)
      .where('incidents.id', '=', id)
      .executeTakeFirst()) as (IncidentListRecord & { details: string }) | undefined;
  }

  /**
   * List records of many incidents by id, without the admin join (rule evaluation reads no admin),
   * and with the ingested details only when asked for: the bulk of a row's bytes.
   */
  async listRecords(orgId: number, ids: number[], withDetails: boolean): Promise<(IncidentListRecord & { details?: string })[]> {
    const out: (IncidentListRecord & { details?: string })[] = [];
    const columns = withDetails ? [...LIST_COLUMNS, 'incidents.details' as const] : LIST_COLUMNS;
    for (const part of chunks(ids, 500)) {
      const rows = await this.db.selectFrom('incidents').select(columns).where('incidents.org_id', '=', orgId).where('incidents.id', 'in', part).execute();
      for (const r of rows) out.push({ ...(r as Omit<IncidentListRecord, 'admin_name' | 'admin_email'>), admin_name: null, admin_email: null });
    }
    return out;
  }

  async many(orgId: number, ids: number[], exec: Exec<IncidentsDb>): Promise<IncidentRecord[]> {
    const out: IncidentRecord[] = [];
    for (const part of chunks(ids, 500)) {
      out.push(...((await exec.selectFrom('incidents').selectAll().where('org_id', '=', orgId).where('id', 'in', part).execute()) as IncidentRecord[]));
    }
    return out;
  }

  /** Each existing incident's status, by id: what a State Changes entry records, without reading the whole row. */
  async statuses(orgId: number, ids: number[], exec: Exec<IncidentsDb>): Promise<Map<number, string>> {
    const out = new Map<number, string>();
    for (const part of chunks(ids, 500)) {
      for (const r of await exec.selectFrom('incidents').select(['id', 'status']).where('org_id', '=', orgId).where('id', 'in', part).execute())
        out.set(r.id, r.status);
    }
    return out;
  }

  async idsAfter(orgId: number, afterId: number, limit: number): Promise<number[]> {
    const rows = await this.db.selectFrom('incidents').select('id').where('org_id', '=', orgId).where('id', '>', afterId).orderBy('id').limit(limit).execute();
    return rows.map((r) => r.id);
  }

  /** The priority incident groups derive, set on new incidents in their ingestion transaction. */
  async setPriority(exec: Exec<IncidentsDb>, orgId: number, ids: number[], rank: number): Promise<void> {
    for (const part of chunks(ids, 500))
      await exec.updateTable('incidents').set({ priority: rank }).where('org_id', '=', orgId).where('id', 'in', part).execute();
  }

  async update(exec: Exec<IncidentsDb>, orgId: number, id: number, patch: Partial<Omit<IncidentRecord, 'id' | 'org_id'>>): Promise<void> {
    await exec.updateTable('incidents').set(patch).where('org_id', '=', orgId).where('id', '=', id).execute();
  }

  async insertEvidence(exec: Exec<IncidentsDb>, rows: EvidenceRow[]): Promise<void> {
    // Small parts: each row may carry up to 64 KiB of sealed content.
    for (const part of chunks(rows, 50)) await exec.insertInto('incident_evidence').values(part).execute();
  }

  /** The evidence's name, type and size (not its content) of these incidents. */
  evidenceInfo(orgId: number, incidentIds: number[]): Promise<{ incident_id: number; file_name: string; file_type: string | null; size: number }[]> {
    if (!incidentIds.length) return Promise.resolve([]);
    return this.db
      .selectFrom('incident_evidence')
      .select(['incident_id', 'file_name', 'file_type', 'size'])
      .where('org_id', '=', orgId)
      .where('incident_id', 'in', incidentIds)
      .execute();
  }

  /** One incident's evidence with its (sealed) content and the incident's transaction id. */
  evidence(orgId: number, incidentId: number) {
    return this.db
      .selectFrom('incident_evidence as e')
      .innerJoin('incidents as i', 'i.id', 'e.incident_id')
      .select(['e.file_name', 'e.file_type', 'e.content', 'e.size', 'e.created_at', 'i.transaction_id'])
      .where('e.org_id', '=', orgId)
      .where('i.org_id', '=', orgId)
      .where('e.incident_id', '=', incidentId)
      .executeTakeFirst();
  }

  async updateMany(exec: Exec<IncidentsDb>, orgId: number, ids: number[], patch: Partial<Omit<IncidentRecord, 'id' | 'org_id'>>): Promise<void> {
    for (const part of chunks(ids, 500)) await exec.updateTable('incidents').set(patch).where('org_id', '=', orgId).where('id', 'in', part).execute();
  }

  async delete(exec: Exec<IncidentsDb>, orgId: number, id: number): Promise<void> {
    await exec.deleteFrom('incidents').where('org_id', '=', orgId).where('id', '=', id).execute();
  }

  async adjustDuplicateCount(exec: Exec<IncidentsDb>, orgId: number, parentId: number, delta: number): Promise<void> {
    await exec
      .updateTable('incidents')
      .set((eb) => ({ duplicate_count: eb('duplicate_count', '+', delta) }))
      .where('org_id', '=', orgId)
      .where('id', '=', parentId)
      .execute();
  }

  async duplicates(orgId: number, parentId: number, page: number, pageSize: number) {
    const base = this.db.selectFrom('incidents').where('org_id', '=', orgId).where('duplicate_of', '=', parentId);
    const [{ n }] = await base.select((eb) => eb.fn.countAll<number>().as('n')).execute();
    const items = await base
      .select(['id', 'transaction_id', 'incident_date'])
      .orderBy('incident_date', 'desc')
      .orderBy('id', 'desc')
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute();
    return { items, total: Number(n) };
  }

  /* -------------------------------------------------------------- events and labels */

  async addEvents(
    exec: Exec<IncidentsDb>,
    rows: {
      org_id: number;
      incident_id: number;
      state: string;
      action: string;
      created_at: string;
      changed_by: string;
      admin_id: number | null;
      comment: string;
    }[],
  ): Promise<void> {
    for (const part of chunks(rows, 500)) await exec.insertInto('incident_events').values(part).execute();
  }

  events(orgId: number, incidentId: number, limit = 500) {
    return this.db
      .selectFrom('incident_events')
      .select(['id', 'state', 'action', 'created_at', 'changed_by', 'comment'])
      .where('org_id', '=', orgId)
      .where('incident_id', '=', incidentId)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  }

  async setLabels(
    exec: Exec<IncidentsDb>,
    orgId: number,
    incidentId: number,
    labels: { labelId: number; name: string; value: string | null }[],
    mode: 'replace' | 'add',
    now: string,
  ): Promise<void> {
    if (mode === 'replace') await exec.deleteFrom('incident_labels').where('org_id', '=', orgId).where('incident_id', '=', incidentId).execute();
    if (!labels.length) return;
    await exec
      .insertInto('incident_labels')
      .values(labels.map((l) => ({ org_id: orgId, incident_id: incidentId, label_id: l.labelId, label_name: l.name, value: l.value ?? '', created_at: now })))
      .onConflict((oc) => oc.columns(['incident_id', 'label_id', 'value']).doNothing())
      .execute();
  }

  /* -------------------------------------------------------------- ingestion */

  async existingByTxn(exec: Exec<IncidentsDb>, orgId: number, txns: string[]): Promise<Map<string, { id: number; duplicate_of: number | null }>> {
    const out = new Map<string, { id: number; duplicate_of: number | null }>();
    for (const part of chunks(txns, 500)) {
      if (!part.length) continue;
      const rows = await exec
        .selectFrom('incidents')
        .select(['id', 'transaction_id', 'duplicate_of'])
        .where('org_id', '=', orgId)
        .where('transaction_id', 'in', part)
        .execute();
      for (const r of rows) out.set(r.transaction_id, { id: r.id, duplicate_of: r.duplicate_of });
    }
    return out;
  }

  /** Parent incidents (not duplicates themselves) with these duplicate keys in [from, to]. */
  async parentsByDupKey(exec: Exec<IncidentsDb>, orgId: number, keys: string[], from: string, to: string) {
    const out: { id: number; dup_key: string; incident_date: string }[] = [];
    for (const part of chunks(keys, 500)) {
      if (!part.length) continue;
      const rows = await exec
        .selectFrom('incidents')
        .select(['id', 'dup_key', 'incident_date'])
        .where('org_id', '=', orgId)
        .where('dup_key', 'in', part)
        .where('incident_date', '>=', from)
        .where('incident_date', '<=', to)
        .where('duplicate_of', 'is', null)
        .execute();
      for (const r of rows) out.push({ id: r.id, dup_key: r.dup_key!, incident_date: r.incident_date });
    }
    return out;
  }

  /**
   * Multi-row insert that skips transaction ids already stored (a concurrent ingest); returns the
   * ids of the rows it did insert, by transaction id. 400 rows per statement stays under SQLite's
   * bound-parameter limit.
   */
  async insertMany(exec: Exec<IncidentsDb>, rows: IncidentRow[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const part of chunks(rows, 400)) {
      const inserted = await exec
        .insertInto('incidents')
        .values(part)
        .onConflict((oc) => oc.columns(['org_id', 'transaction_id']).doNothing())
        .returning(['id', 'transaction_id'])
        .execute();
      for (const r of inserted) out.set(r.transaction_id, r.id);
    }
    return out;
  }

  async addFacets(exec: Exec<IncidentsDb>, orgId: number, facets: { kind: string; value: string }[]): Promise<void> {
    for (const part of chunks(facets, 500)) {
      await exec
        .insertInto('incident_facets')
        .values(part.map((f) => ({ org_id: orgId, ...f })))
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
  }

  async facets(orgId: number): Promise<Map<string, string[]>> {
    const rows = await this.db.selectFrom('incident_facets').select(['kind', 'value']).where('org_id', '=', orgId).orderBy('kind').orderBy('value').execute();
    const out = new Map<string, string[]>();
    for (const r of rows) out.set(r.kind, [...(out.get(r.kind) ?? []), r.value]);
    return out;
  }
}
