import type { Kysely } from 'kysely';
import type { IncidentsDb as DB } from './db.js';
import type { Exec } from '../../platform/db/exec.js';
import { decodeKeyset, encodeKeyset, pageCursors, type CursorKey } from '../../platform/http/cursor.js';
import { badRequest, notFound } from '../../platform/http/errors.js';
import type { AdminsService } from '../admins/service.js';
import type { IncidentJustificationHooks } from './justification-hooks.js';
import type { IncidentTicketHooks } from './ticket-hooks.js';
import type { LabelsService } from '../labels/service.js';
import { PRIORITY_RANK, SEVERITY_RANK, eventView, listItem } from './incident-view.js';
import {
  PRIORITIES,
  SEVERITIES,
  type Counts,
  type FilterOptions,
  type IncidentDetail,
  type IncidentEvent,
  type IncidentLabel,
  type IncidentListItem,
  type IncidentPage,
  type ListFilters,
  type ListQuery,
  type SortField,
} from './schemas.js';
import { SORT_COLUMNS, type IncidentListRecord, type IncidentsStore, type ListSpec } from './store.js';

const MAX_RANGE_DAYS = 190;

/** Current week, Sunday 00:00 to the next Sunday 00:00 (UTC). */
export function currentWeek(now = new Date()): { from: string; to: string } {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - now.getUTCDay()));
  return { from: start.toISOString(), to: new Date(start.getTime() + 7 * 86_400_000).toISOString() };
}

export function resolveRange(q: { from?: string; to?: string }): { from: string; to: string } {
  if (!q.from && !q.to) return currentWeek();
  const to = q.to ? new Date(q.to) : new Date();
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - 7 * 86_400_000);
  if (from.getTime() >= to.getTime())
    throw badRequest('from: the start of the time range must be before its end.', [{ field: 'from', message: 'from must be before to.' }]);
  if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * 86_400_000) {
    throw badRequest(`to: a time range can span at most ${MAX_RANGE_DAYS} days.`, [{ field: 'to', message: 'Range too long.' }]);
  }
  return { from: from.toISOString(), to: to.toISOString() };
}

/** A cursor names its sort and order, so one from another view of the list is refused instead of misread. */
const cursorScope = (sort: SortField, order: 'asc' | 'desc') => [sort, order];
const isSortValue = (v: unknown): v is string | number => typeof v === 'string' || typeof v === 'number';

export function sortValue(r: IncidentListRecord, sort: SortField): string | number {
  return r[SORT_COLUMNS[sort]] as string | number;
}

/** A listed incident with what Incident Details adds about it (but not its State Changes). */
export type ListedIncident = IncidentListItem & Pick<IncidentDetail, 'details' | 'notes' | 'resolution'>;
/** An incident as mapping rules read it (`ruleFacts`): `details` only when asked for. */
export type RuleFacts = Omit<IncidentListItem, 'tickets' | 'justification' | 'incidentGroups'> & { details?: IncidentDetail['details'] };

function resolutionOf(r: IncidentListRecord): IncidentDetail['resolution'] {
  return r.status === 'Resolved' || r.resolution_label ? { label: r.resolution_label, value: r.resolution_value, falsePositive: r.false_positive === 1 } : null;
}

/** Whether the list's parameters are only a time range (and maybe a widget): its total is then one of the widget counts. */
function onlyRange(spec: ListSpec, q: ListFilters): boolean {
  return (
    !!spec.range &&
    !q.search &&
    !q.user &&
    !q.duplicated &&
    !(
      [q.status, q.severity, q.priority, q.sourceType, q.dlpAdmin, q.label, q.incidentGroup, q.rule, q.engine, q.department, q.action] as (
        unknown[] | undefined
      )[]
    ).some((v) => v?.length)
  );
}

/** The list, its counts, Incident Details and the Filters window's choices. */
export class IncidentQueries {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly store: IncidentsStore,
    private readonly labels: Pick<LabelsService, 'list'>,
    private readonly admins: Pick<AdminsService, 'withPermission'>,
    private readonly ticketHooks: Pick<IncidentTicketHooks, 'ticketSummaries'>,
    private readonly justificationHooks: Pick<IncidentJustificationHooks, 'justifications'>,
    private readonly cursorKey: CursorKey,
  ) {}

  /** The store's filter for the list's parameters (time range, or up to 10 transaction ids). */
  async spec(orgId: number, f: ListFilters): Promise<ListSpec> {
    const spec: ListSpec = {
      orgId,
      filters: f,
      range: null,
      severityRanks: f.severity?.map((s) => SEVERITY_RANK[s]),
      priorityRanks: f.priority?.map((p) => PRIORITY_RANK[p]),
    };
    if (f.search && f.searchMode === 'transactionId') {
      const txns = [
        ...new Set(
          f.search
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        ),
      ];
      if (txns.length > 10)
        throw badRequest('search: search by at most 10 transaction IDs at a time.', [{ field: 'search', message: 'Too many transaction IDs.' }]);
      spec.ids = await this.store.resolveTransactionIds(orgId, txns);
    } else {
      spec.range = resolveRange(f);
    }
    return spec;
  }

  /** Listed incidents with their labels, their tickets' summary and the user's justification. */
  async items(orgId: number, rows: (IncidentListRecord & { details?: string })[], exec: Exec<DB> = this.db): Promise<IncidentListItem[]> {
    const ids = rows.map((r) => r.id);
    const [labels, tickets, justifications, groups] = await Promise.all([
      this.store.labelsOf(orgId, ids, exec),
      this.ticketHooks.ticketSummaries(orgId, ids, exec),
      this.justificationHooks.justifications(orgId, ids, exec),
      this.store.groupsOf(orgId, ids, exec),
    ]);
    const by = new Map<number, IncidentLabel[]>();
    for (const l of labels) by.set(l.incident_id, [...(by.get(l.incident_id) ?? []), { labelId: l.label_id, name: l.label_name, value: l.value || null }]);
    return rows.map((r) => ({
      ...listItem(r, by.get(r.id) ?? []),
      incidentGroups: groups.get(r.id) ?? [],
      tickets: tickets.get(r.id) ?? [],
      justification: justifications.get(r.id) ?? null,
      ...(r.details ? { details: JSON.parse(r.details) as IncidentDetail['details'] } : {}),
    }));
  }

  async list(orgId: number, q: ListQuery): Promise<IncidentPage> {
    const spec = await this.spec(orgId, q);
    const keyset = q.cursor ? decodeKeyset(q.cursor, cursorScope(q.sort, q.order), isSortValue, this.cursorKey) : undefined;
    // Only a time range (and maybe a widget): the total is one of the widget counts, so the range
    // is scanned once, by the grouped count, instead of twice.
    const plain = onlyRange(spec, q);
    const wantCounts = q.withCounts || plain;
    const opts = { details: q.withDetails };
    const read = plain
      ? { page: this.store.page(spec, q.sort, q.order, q.pageSize, keyset, opts), total: Promise.resolve(null) }
      : this.store.pageAndTotal(spec, q.sort, q.order, q.pageSize, keyset, opts);
    // The page's labels, tickets, justifications and groups are read while the count still runs.
    const [page, items, counted, counts] = await Promise.all([
      read.page,
      read.page.then((p) => this.items(orgId, p.rows)),
      read.total,
      wantCounts ? this.counts(orgId, spec.range ?? resolveRange(q)) : Promise.resolve(undefined),
    ]);
    const total = counted ?? { total: counts![q.widget ?? 'all'], capped: false };
    return {
      items,
      total: total.total,
      totalCapped: total.capped,
      pageSize: q.pageSize,
      ...pageCursors(page, keyset, (r, dir) => encodeKeyset({ value: sortValue(r, q.sort), id: r.id, dir }, cursorScope(q.sort, q.order), this.cursorKey)),
      range: spec.range,
      ...(counts && q.withCounts ? { counts } : {}),
    };
  }

  /**
   * A page of whole incidents (list row + details + notes) for the compatible API: numbered by
   * `offset`, or continuing after a `cursor` this method handed out (sorted by incident date,
   * newest first). The total counts up to TOTAL_CAP like the list's.
   */
  async pageAt(
    orgId: number,
    f: ListFilters,
    pageSize: number,
    at: { offset: number } | { cursor: string },
  ): Promise<{ items: ListedIncident[]; total: number; capped: boolean; nextCursor: string | null }> {
    const spec = await this.spec(orgId, f);
    const keyset = 'cursor' in at ? decodeKeyset(at.cursor, cursorScope(f.sort, f.order), isSortValue, this.cursorKey) : undefined;
    if (keyset?.dir === 'prev')
      throw badRequest('pageId: this page id is not valid. Start again from page 0.', [{ field: 'pageId', message: 'Invalid page id.' }]);
    // Only a time range: the total is the range's "all" count (as in `list`), not a scan of it.
    const opts = { offset: 'offset' in at ? at.offset : 0, details: true };
    const read =
      onlyRange(spec, f) && !f.widget
        ? {
            page: this.store.page(spec, f.sort, f.order, pageSize, keyset, opts),
            total: this.counts(orgId, spec.range!).then((c) => ({ total: c.all, capped: false })),
          }
        : this.store.pageAndTotal(spec, f.sort, f.order, pageSize, keyset, opts);
    const [page, items, total] = await Promise.all([read.page, read.page.then((p) => this.items(orgId, p.rows)), read.total]);
    const rowsById = new Map(page.rows.map((r) => [r.id, r]));
    const last = page.rows[page.rows.length - 1];
    return {
      items: items.map((item) => {
        const r = rowsById.get(item.id)!;
        return {
          ...item,
          details: JSON.parse(r.details ?? '{}') as IncidentDetail['details'],
          notes: r.notes,
          resolution: resolutionOf(r),
        };
      }),
      total: total.total,
      capped: total.capped,
      nextCursor:
        page.more && last ? encodeKeyset({ value: sortValue(last, f.sort), id: last.id, dir: 'next' }, cursorScope(f.sort, f.order), this.cursorKey) : null,
    };
  }

  async counts(orgId: number, range: { from: string; to: string }): Promise<Counts> {
    return this.store.widgetCounts(orgId, range);
  }

  /**
   * Many incidents as rules see them, in a few queries: the list row, and the labels and ingested
   * details only when `need` says the rules read them. Deleted ids are left out.
   */
  async ruleFacts(orgId: number, ids: number[], need: { labels: boolean; details: boolean }): Promise<RuleFacts[]> {
    if (!ids.length) return [];
    const rows = await this.store.listRecords(orgId, ids, need.details);
    const by = new Map<number, IncidentLabel[]>();
    if (need.labels)
      for (const l of await this.store.labelsOf(orgId, ids))
        by.set(l.incident_id, [...(by.get(l.incident_id) ?? []), { labelId: l.label_id, name: l.label_name, value: l.value || null }]);
    return rows.map((r) => ({
      ...listItem(r, by.get(r.id) ?? []),
      ...(r.details ? { details: JSON.parse(r.details) as IncidentDetail['details'] } : {}),
    }));
  }

  async detail(orgId: number, id: number, f?: ListFilters): Promise<IncidentDetail> {
    const r = await this.store.getListRecord(orgId, id);
    if (!r) throw notFound('Incident');
    const [item] = await this.items(orgId, [r]);
    const [events, parent, [evidence]] = await Promise.all([
      this.store.events(orgId, id),
      r.duplicate_of ? this.store.get(orgId, r.duplicate_of) : Promise.resolve(undefined),
      this.store.evidenceInfo(orgId, [id]),
    ]);
    let previousId: number | null = null;
    let nextId: number | null = null;
    if (f) {
      const spec = await this.spec(orgId, f);
      const v = sortValue(r, f.sort);
      const [prev, next] = await Promise.all([
        this.store.page(spec, f.sort, f.order, 1, { value: v, id, dir: 'prev' }),
        this.store.page(spec, f.sort, f.order, 1, { value: v, id, dir: 'next' }),
      ]);
      previousId = prev.rows[0]?.id ?? null;
      nextId = next.rows[0]?.id ?? null;
    }
    const details = JSON.parse(r.details) as IncidentDetail['details'];
    return {
      ...item,
      details,
      notes: r.notes,
      currentState: { status: item.status, user: r.awaiting_user },
      resolution: resolutionOf(r),
      duplicateParent: parent ? { id: parent.id, transactionId: parent.transaction_id } : null,
      evidence: evidence ? { fileName: evidence.file_name, fileType: evidence.file_type, size: evidence.size } : null,
      events: events.map(eventView),
      previousId,
      nextId,
    };
  }

  async events(orgId: number, id: number): Promise<IncidentEvent[]> {
    if (!(await this.store.get(orgId, id))) throw notFound('Incident');
    const rows = await this.store.events(orgId, id);
    return rows.map(eventView);
  }

  async duplicates(orgId: number, id: number, page: number, pageSize: number) {
    if (!(await this.store.get(orgId, id))) throw notFound('Incident');
    const { items, total } = await this.store.duplicates(orgId, id, page, pageSize);
    return { items: items.map((d) => ({ id: d.id, transactionId: d.transaction_id, transactionTime: d.incident_date })), total, page, pageSize };
  }

  async filterOptions(orgId: number): Promise<FilterOptions> {
    const [facets, labels, admins, groups] = await Promise.all([
      this.store.facets(orgId),
      this.labels.list(orgId),
      this.assignableAdmins(orgId),
      this.store.incidentGroups(orgId),
    ]);
    return {
      statuses: ['New', 'Investigating', 'Validating with User', 'Received Justification Response', 'Escalated', 'Resolved'],
      severities: [...SEVERITIES],
      priorities: [...PRIORITIES],
      sourceTypes: ['Inline', 'Email', 'Endpoint', 'SaaS Security'],
      dlpAdmins: admins,
      labels: labels.map((l) => ({ id: l.id, name: l.name, values: l.values })),
      incidentGroups: groups,
      rules: facets.get('rule') ?? [],
      engines: facets.get('engine') ?? [],
      departments: facets.get('department') ?? [],
      actions: facets.get('action') ?? [],
      dlpTypes: facets.get('dlpType') ?? [],
    };
  }

  /** Active admins of the org whose role can edit incidents: the DLP Admin choices. */
  /** Admins who can be made DLP Admin: active, with Incidents edit (asked of the admins module). */
  assignableAdmins(orgId: number): Promise<{ id: number; name: string; email: string }[]> {
    return this.admins.withPermission(orgId, 'Incidents', 'edit');
  }
}
