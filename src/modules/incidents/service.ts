import { decodeCursor as decodeListCursor, encodeCursor as encodeListCursor } from '../../platform/http/cursor.js';
import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { nowIso } from '../../platform/db/database.js';
import type { DB } from '../../platform/db/types.js';
import { AppError, badRequest, conflict, notFound } from '../../platform/http/errors.js';
import { allows, parsePermissions } from '../../platform/permissions.js';
import type { Principal } from '../../platform/principal.js';
import type { AdminsService } from '../admins/service.js';
import type { LabelsService } from '../labels/service.js';
import type { RolesService } from '../roles/service.js';
import {
  MAX_BATCH,
  PRIORITIES,
  SEVERITIES,
  incidentInput,
  type BulkResult,
  type CloseBody,
  type Counts,
  type FieldError,
  type FilterOptions,
  type IncidentDetail,
  type IncidentEvent,
  type IncidentInput,
  type IncidentLabel,
  type IncidentListItem,
  type IncidentPage,
  type IngestBatchResult,
  type IngestItemResult,
  type LabelPick,
  type ListFilters,
  type ListQuery,
  type Priority,
  type Severity,
  type SortField,
  type Status,
} from './schemas.js';
import { IncidentTicketHooks } from './ticket-hooks.js';
import { IncidentsStore, SORT_COLUMNS, type IncidentListRecord, type IncidentRecord, type IncidentRow, type Keyset, type ListSpec } from './store.js';

type Exec = Kysely<DB> | Transaction<DB>;

/* ------------------------------------------------------------------ ranks and rows */

export const SEVERITY_RANK: Record<Severity, number> = { Info: 0, Low: 1, Medium: 2, High: 3, Critical: 4 };
export const PRIORITY_RANK: Record<Priority, number> = { Low: 0, Medium: 1, High: 2, Critical: 3 };
const severityOf = (n: number): Severity => (SEVERITIES.find((s) => SEVERITY_RANK[s] === n) ?? 'Info');
const priorityOf = (n: number): Priority => (PRIORITIES.find((p) => PRIORITY_RANK[p] === n) ?? 'Low');
const DEFAULT_PRIORITY: Record<Severity, Priority> = { Critical: 'Critical', High: 'High', Medium: 'Medium', Low: 'Low', Info: 'Low' };

const TWO_HOURS = 2 * 60 * 60 * 1000;
const MAX_RANGE_DAYS = 190;

function hostOf(input: IncidentInput): string | null {
  if (input.host) return input.host.toLowerCase();
  if (!input.url) return null;
  try {
    return new URL(input.url).hostname.toLowerCase() || null;
  } catch {
    return null;
  }
}

/** Inline incidents with host, user email, content MD5 and file name all present can be duplicates (PRODUCT.md §6). */
export function duplicateKey(input: IncidentInput): string | null {
  const host = hostOf(input);
  if (input.sourceType !== 'Inline' || !host || !input.user.email || !input.file?.md5 || !input.file?.name) return null;
  return createHash('md5')
    .update([host, input.user.email.toLowerCase(), input.file.md5.toLowerCase(), input.file.name].join('\u0000'))
    .digest('hex');
}

/** The stored row for a validated incident; used by ingestion, the demo seeder and the bench's raw baseline. */
export function incidentRow(orgId: number, input: IncidentInput, now: string): IncidentRow {
  const host = hostOf(input);
  const destination = input.destination ?? host ?? input.recipients?.triggered[0] ?? input.recipients?.external[0] ?? '';
  const { transactionId, incidentDate, severity, priority, sourceType, dlpType, action, rules, engines, dictionaries, ...rest } = input;
  const details = {
    user: rest.user,
    file: rest.file,
    application: rest.application,
    recipients: rest.recipients,
    email: rest.email,
    url: rest.url,
    referrerUrl: rest.referrerUrl,
    otherRules: rest.otherRules,
    channel: rest.channel,
    integration: rest.integration,
    saas: rest.saas,
  };
  const search = [
    transactionId,
    input.user.name,
    input.user.email,
    input.user.department,
    input.file?.name,
    input.file?.md5,
    input.url,
    host,
    destination,
    action,
    dlpType,
    input.application?.name,
    input.user.clientIp,
    ...rules,
    ...engines,
    ...dictionaries.map((d) => d.name),
    ...(input.recipients ? [...input.recipients.triggered, ...input.recipients.internal, ...input.recipients.external] : []),
  ]
    .filter(Boolean)
    .join(' ')
    .toLowerCase();
  return {
    org_id: orgId,
    transaction_id: transactionId,
    incident_date: new Date(incidentDate).toISOString(),
    created_at: now,
    updated_at: now,
    last_change: null,
    status: 'New',
    severity: SEVERITY_RANK[severity],
    priority: PRIORITY_RANK[priority ?? DEFAULT_PRIORITY[severity]],
    source_type: sourceType,
    dlp_type: dlpType ?? null,
    action,
    dlp_admin_id: null,
    rules: JSON.stringify(rules),
    engines: JSON.stringify(engines),
    dictionaries: JSON.stringify(dictionaries),
    user_name: input.user.name ?? '',
    user_email: input.user.email.toLowerCase(),
    department: input.user.department ?? null,
    file_name: input.file?.name ?? '',
    destination,
    host,
    dup_key: duplicateKey(input),
    duplicate_of: null,
    resolution_date: null,
    resolution_label: null,
    resolution_value: null,
    notes: null,
    awaiting_user: null,
    search_text: search,
    details: JSON.stringify(details),
  };
}

function facetsOf(inputs: IncidentInput[]): { kind: string; value: string }[] {
  const seen = new Set<string>();
  const out: { kind: string; value: string }[] = [];
  const add = (kind: string, value: string | undefined | null) => {
    if (!value) return;
    const k = `${kind}\u0000${value}`;
    if (seen.has(k)) return;
    seen.add(k);
    out.push({ kind, value });
  };
  for (const i of inputs) {
    for (const r of i.rules) add('rule', r);
    for (const e of i.engines) add('engine', e);
    add('department', i.user.department);
    add('action', i.action);
    add('dlpType', i.dlpType);
  }
  return out;
}

function zodIssues(err: { issues: { path: PropertyKey[]; message: string }[] }): FieldError[] {
  return err.issues.map((i) => ({ field: i.path.length ? i.path.map(String).join('.') : null, message: i.message }));
}

/* ------------------------------------------------------------------ time range and cursors */

/** Current week, Sunday 00:00 to the next Sunday 00:00 (UTC). */
export function currentWeek(now = new Date()): { from: string; to: string } {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - now.getUTCDay()));
  return { from: start.toISOString(), to: new Date(start.getTime() + 7 * 86_400_000).toISOString() };
}

export function resolveRange(q: { from?: string; to?: string }): { from: string; to: string } {
  if (!q.from && !q.to) return currentWeek();
  const to = q.to ? new Date(q.to) : new Date();
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - 7 * 86_400_000);
  if (from.getTime() >= to.getTime()) throw badRequest('from: the start of the time range must be before its end.', [{ field: 'from', message: 'from must be before to.' }]);
  if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * 86_400_000) {
    throw badRequest(`to: a time range can span at most ${MAX_RANGE_DAYS} days.`, [{ field: 'to', message: 'Range too long.' }]);
  }
  return { from: from.toISOString(), to: to.toISOString() };
}

function encodeCursor(k: Keyset): string {
  return encodeListCursor([k.v, k.id, k.dir === 'prev' ? 'p' : 'n']);
}
function decodeCursor(s: string): Keyset {
  const [v, id, d] = decodeListCursor(s, (p): p is [string | number, number, 'p' | 'n'] => p.length === 3 && (typeof p[0] === 'string' || typeof p[0] === 'number') && typeof p[1] === 'number' && (p[2] === 'p' || p[2] === 'n'));
  return { v, id, dir: d === 'p' ? 'prev' : 'next' };
}
function sortValue(r: IncidentListRecord, sort: SortField): string | number {
  return r[SORT_COLUMNS[sort]] as string | number;
}

/* ------------------------------------------------------------------ views */

function listItem(r: IncidentListRecord, labels: IncidentLabel[]): Omit<IncidentListItem, 'tickets'> {
  return {
    id: r.id,
    transactionId: r.transaction_id,
    incidentDate: r.incident_date,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    lastChange: r.last_change,
    status: r.status as Status,
    severity: severityOf(r.severity),
    priority: priorityOf(r.priority),
    sourceType: r.source_type as IncidentListItem['sourceType'],
    dlpType: r.dlp_type,
    dlpAdmin: r.dlp_admin_id && r.admin_email ? { id: r.dlp_admin_id, name: r.admin_name ?? '', email: r.admin_email } : null,
    action: r.action,
    rules: JSON.parse(r.rules) as string[],
    engines: JSON.parse(r.engines) as string[],
    dictionaries: JSON.parse(r.dictionaries) as IncidentListItem['dictionaries'],
    userName: r.user_name,
    userEmail: r.user_email,
    department: r.department,
    fileName: r.file_name,
    destination: r.destination,
    host: r.host,
    labels,
    duplicateCount: Number(r.duplicate_count),
    duplicateOf: r.duplicate_of,
    resolutionDate: r.resolution_date,
  };
}

const csvCell = (v: unknown): string => {
  let s = v == null ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`; // no formula injection when opened in a spreadsheet
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
export const CSV_COLUMNS: [string, (i: IncidentListItem) => unknown][] = [
  ['Transaction ID', (i) => i.transactionId],
  ['Incident Date', (i) => i.incidentDate],
  ['System Creation Date', (i) => i.createdAt],
  ['Last Change Date', (i) => i.updatedAt],
  ['Status', (i) => i.status],
  ['Severity', (i) => i.severity],
  ['Priority', (i) => i.priority],
  ['DLP Admin', (i) => i.dlpAdmin?.email ?? ''],
  ['Source DLP Type', (i) => i.sourceType],
  ['DLP Type', (i) => i.dlpType],
  ['Action', (i) => i.action],
  ['Rules', (i) => i.rules.join('; ')],
  ['Engines', (i) => i.engines.join('; ')],
  ['Dictionary Match Counts', (i) => i.dictionaries.map((d) => `${d.name} [${d.matchCount}]`).join('; ')],
  ['Username', (i) => i.userName],
  ['User Email', (i) => i.userEmail],
  ['Department', (i) => i.department],
  ['File Name', (i) => i.fileName],
  ['Destination', (i) => i.destination],
  ['Labels', (i) => i.labels.map((l) => (l.value ? `${l.name}: ${l.value}` : l.name)).join('; ')],
  ['Duplicate Count', (i) => i.duplicateCount],
  ['Resolution Date', (i) => i.resolutionDate],
];

/* ------------------------------------------------------------------ actions */

type Plan = {
  action: string;
  status?: Status;
  patch?: Partial<Omit<IncidentRecord, 'id' | 'org_id'>>;
  /** What happened, for State Changes and Last Change. */
  summary: string;
  notes?: string;
  labels?: { mode: 'replace' | 'add'; rows: { labelId: number; name: string; value: string | null }[] };
};
type Planner = (row: IncidentRecord) => Plan;

const refused = (message: string) => conflict(message);

export class IncidentsService {
  readonly store: IncidentsStore;
  /** What the tickets module does to incidents (State Changes entries, resolve by System, list summaries). */
  readonly ticketHooks: IncidentTicketHooks;
  constructor(
    private readonly db: Kysely<DB>,
    private readonly admins: AdminsService,
    private readonly roles: RolesService,
    private readonly labels: LabelsService,
  ) {
    this.store = new IncidentsStore(db);
    this.ticketHooks = new IncidentTicketHooks(this.store);
  }

  /* -------------------------------------------------------------- ingestion */

  /** One incident: 400 naming the field when invalid (nothing stored), otherwise created or existing. */
  async ingestOne(actor: Principal, raw: unknown): Promise<IngestItemResult> {
    const parsed = incidentInput.safeParse(raw);
    if (!parsed.success) {
      const issues = zodIssues(parsed.error);
      const first = issues[0];
      throw new AppError(400, 'validation_failed', `Invalid incident — ${first.field ? `${first.field}: ` : ''}${first.message}`, issues);
    }
    const [result] = await this.store_(actor.orgId, [{ index: 0, input: parsed.data }]);
    return result;
  }

  /** A batch: each item validated on its own; good ones stored, bad ones reported with the field. */
  async ingestBatch(actor: Principal, items: unknown[]): Promise<IngestBatchResult> {
    if (items.length > MAX_BATCH) throw badRequest(`incidents: send at most ${MAX_BATCH} incidents per request.`);
    const results: IngestItemResult[] = new Array(items.length);
    const good: { index: number; input: IncidentInput }[] = [];
    items.forEach((raw, index) => {
      const parsed = incidentInput.safeParse(raw);
      if (parsed.success) good.push({ index, input: parsed.data });
      else {
        const txn = raw && typeof raw === 'object' && typeof (raw as { transactionId?: unknown }).transactionId === 'string' ? (raw as { transactionId: string }).transactionId : null;
        results[index] = {
          index,
          transactionId: txn,
          result: 'rejected',
          id: null,
          duplicateOf: null,
          errors: zodIssues(parsed.error).map((e) => ({ field: e.field ? `incidents.${index}.${e.field}` : `incidents.${index}`, message: e.message })),
        };
      }
    });
    for (const r of await this.store_(actor.orgId, good)) results[r.index] = r;
    return {
      created: results.filter((r) => r.result === 'created').length,
      existing: results.filter((r) => r.result === 'existing').length,
      rejected: results.filter((r) => r.result === 'rejected').length,
      results,
    };
  }

  /** Stores validated incidents in one transaction: idempotent on transaction id, with duplicate detection. */
  private async store_(orgId: number, items: { index: number; input: IncidentInput }[]): Promise<IngestItemResult[]> {
    if (!items.length) return [];
    return this.db.transaction().execute(async (trx) => {
      const now = nowIso();
      const out: IngestItemResult[] = [];
      const existing = await this.store.existingByTxn(trx, orgId, [...new Set(items.map((i) => i.input.transactionId))]);
      // First occurrence of a transaction id in the batch wins; later ones answer "existing".
      const fresh = new Map<string, { index: number; input: IncidentInput; row: IncidentRow }>();
      const repeats: { index: number; txn: string }[] = [];
      for (const it of items) {
        const txn = it.input.transactionId;
        if (existing.has(txn) || fresh.has(txn)) repeats.push({ index: it.index, txn });
        else fresh.set(txn, { ...it, row: incidentRow(orgId, it.input, now) });
      }
      // Duplicate detection: a parent is a non-duplicate with the same key up to 2 hours earlier.
      const keyed = [...fresh.values()].filter((f) => f.row.dup_key).sort((a, b) => a.row.incident_date.localeCompare(b.row.incident_date));
      const parentOf = new Map<string, string | number>(); // txn -> parent txn (in batch) or parent id (stored)
      if (keyed.length) {
        const min = new Date(new Date(keyed[0].row.incident_date).getTime() - TWO_HOURS).toISOString();
        const max = keyed[keyed.length - 1].row.incident_date;
        const stored = await this.store.parentsByDupKey(trx, orgId, [...new Set(keyed.map((k) => k.row.dup_key!))], min, max);
        const parents = new Map<string, { date: number; ref: string | number }[]>();
        for (const p of stored) parents.set(p.dup_key, [...(parents.get(p.dup_key) ?? []), { date: Date.parse(p.incident_date), ref: p.id }]);
        for (const k of keyed) {
          const d = Date.parse(k.row.incident_date);
          const list = parents.get(k.row.dup_key!) ?? [];
          let best: { date: number; ref: string | number } | null = null;
          for (const p of list) if (p.date <= d && d - p.date <= TWO_HOURS && (!best || p.date > best.date)) best = p;
          if (best) parentOf.set(k.input.transactionId, best.ref);
          else parents.set(k.row.dup_key!, [...list, { date: d, ref: k.input.transactionId }]);
        }
      }
      const parentRows = [...fresh.values()].filter((f) => !parentOf.has(f.input.transactionId));
      const ids = await this.store.insertMany(trx, parentRows.map((f) => f.row));
      const dupRows: IncidentRow[] = [];
      const bump = new Map<number, number>();
      for (const f of fresh.values()) {
        const ref = parentOf.get(f.input.transactionId);
        if (ref === undefined) continue;
        const parentId = typeof ref === 'number' ? ref : (ids.get(ref) ?? existing.get(ref)?.id);
        if (parentId === undefined) continue;
        f.row.duplicate_of = parentId;
        dupRows.push(f.row);
        bump.set(parentId, (bump.get(parentId) ?? 0) + 1);
      }
      for (const [txn, id] of await this.store.insertMany(trx, dupRows)) ids.set(txn, id);
      // Whatever a concurrent request stored first is "existing" for us.
      const raced = [...fresh.keys()].filter((t) => !ids.has(t));
      if (raced.length) for (const [t, e] of await this.store.existingByTxn(trx, orgId, raced)) existing.set(t, e);
      for (const [parentId, n] of bump) {
        const inserted = dupRows.filter((r) => r.duplicate_of === parentId && ids.has(r.transaction_id)).length;
        if (inserted) await this.store.adjustDuplicateCount(trx, orgId, parentId, Math.min(n, inserted));
      }
      await this.store.addFacets(trx, orgId, facetsOf([...fresh.values()].filter((f) => ids.has(f.input.transactionId)).map((f) => f.input)));
      for (const f of fresh.values()) {
        const id = ids.get(f.input.transactionId);
        if (id !== undefined) out.push({ index: f.index, transactionId: f.input.transactionId, result: 'created', id, duplicateOf: f.row.duplicate_of ?? null });
        else {
          const e = existing.get(f.input.transactionId);
          out.push({ index: f.index, transactionId: f.input.transactionId, result: 'existing', id: e?.id ?? null, duplicateOf: e?.duplicate_of ?? null });
        }
      }
      for (const r of repeats) {
        const e = existing.get(r.txn);
        const id = e?.id ?? ids.get(r.txn) ?? null;
        out.push({ index: r.index, transactionId: r.txn, result: 'existing', id, duplicateOf: e ? e.duplicate_of : (fresh.get(r.txn)?.row.duplicate_of ?? null) });
      }
      return out;
    });
  }

  /* -------------------------------------------------------------- reading */

  private async spec(orgId: number, f: ListFilters): Promise<ListSpec> {
    const spec: ListSpec = {
      orgId,
      filters: f,
      range: null,
      severityRanks: f.severity?.map((s) => SEVERITY_RANK[s]),
      priorityRanks: f.priority?.map((p) => PRIORITY_RANK[p]),
    };
    if (f.search && f.searchMode === 'transactionId') {
      const txns = [...new Set(f.search.split(',').map((s) => s.trim()).filter(Boolean))];
      if (txns.length > 10) throw badRequest('search: search by at most 10 transaction IDs at a time.', [{ field: 'search', message: 'Too many transaction IDs.' }]);
      spec.ids = await this.store.resolveTransactionIds(orgId, txns);
    } else {
      spec.range = resolveRange(f);
    }
    return spec;
  }

  private async items(orgId: number, rows: IncidentListRecord[], exec: Exec = this.db): Promise<IncidentListItem[]> {
    const ids = rows.map((r) => r.id);
    const [labels, tickets] = await Promise.all([this.store.labelsOf(orgId, ids, exec), this.ticketHooks.ticketSummaries(orgId, ids, exec)]);
    const by = new Map<number, IncidentLabel[]>();
    for (const l of labels) by.set(l.incident_id, [...(by.get(l.incident_id) ?? []), { labelId: l.label_id, name: l.label_name, value: l.value || null }]);
    return rows.map((r) => ({ ...listItem(r, by.get(r.id) ?? []), tickets: tickets.get(r.id) ?? [] }));
  }

  async list(orgId: number, q: ListQuery): Promise<IncidentPage> {
    const spec = await this.spec(orgId, q);
    const keyset = q.cursor ? decodeCursor(q.cursor) : undefined;
    // Only a time range (and maybe a widget): the total is one of the widget counts, so the range
    // is scanned once, by the grouped count, instead of twice.
    const plain =
      !!spec.range &&
      !q.search &&
      !q.user &&
      !q.duplicated &&
      !([q.status, q.severity, q.priority, q.sourceType, q.dlpAdmin, q.label, q.rule, q.engine, q.department, q.action] as (unknown[] | undefined)[]).some((v) => v?.length);
    const wantCounts = q.withCounts || plain;
    const [{ rows, more }, counted, counts] = await Promise.all([
      this.store.page(spec, q.sort, q.order, q.pageSize, keyset),
      plain ? Promise.resolve(null) : this.store.total(spec),
      wantCounts ? this.counts(orgId, spec.range ?? resolveRange(q)) : Promise.resolve(undefined),
    ]);
    const total = counted ?? { total: counts![q.widget ?? 'all'], capped: false };
    const first = rows[0];
    const last = rows[rows.length - 1];
    const hasNext = keyset?.dir === 'prev' ? true : more;
    const hasPrev = keyset?.dir === 'prev' ? more : !!keyset;
    return {
      items: await this.items(orgId, rows),
      total: total.total,
      totalCapped: total.capped,
      pageSize: q.pageSize,
      nextCursor: hasNext && last ? encodeCursor({ v: sortValue(last, q.sort), id: last.id, dir: 'next' }) : null,
      prevCursor: hasPrev && first ? encodeCursor({ v: sortValue(first, q.sort), id: first.id, dir: 'prev' }) : null,
      range: spec.range,
      ...(counts && q.withCounts ? { counts } : {}),
    };
  }

  async counts(orgId: number, range: { from: string; to: string }): Promise<Counts> {
    return this.store.widgetCounts(orgId, range);
  }

  /** The filtered set as CSV, read in keyset chunks so memory stays flat. */
  async *exportCsv(orgId: number, f: ListFilters): AsyncGenerator<string> {
    const spec = await this.spec(orgId, f);
    yield `${CSV_COLUMNS.map(([h]) => csvCell(h)).join(',')}\r\n`;
    let keyset: Keyset | undefined;
    for (;;) {
      const { rows, more } = await this.store.page(spec, f.sort, f.order, 1000, keyset);
      if (!rows.length) return;
      const items = await this.items(orgId, rows);
      yield items.map((i) => CSV_COLUMNS.map(([, get]) => csvCell(get(i))).join(',')).join('\r\n') + '\r\n';
      if (!more) return;
      const last = rows[rows.length - 1];
      keyset = { v: sortValue(last, f.sort), id: last.id, dir: 'next' };
    }
  }

  async detail(orgId: number, id: number, f?: ListFilters): Promise<IncidentDetail> {
    const r = await this.store.getListRecord(orgId, id);
    if (!r) throw notFound('Incident');
    const [item] = await this.items(orgId, [r]);
    const [events, parent] = await Promise.all([
      this.store.events(orgId, id),
      r.duplicate_of ? this.store.get(orgId, r.duplicate_of) : Promise.resolve(undefined),
    ]);
    let previousId: number | null = null;
    let nextId: number | null = null;
    if (f) {
      const spec = await this.spec(orgId, f);
      const v = sortValue(r, f.sort);
      const [prev, next] = await Promise.all([
        this.store.page(spec, f.sort, f.order, 1, { v, id, dir: 'prev' }),
        this.store.page(spec, f.sort, f.order, 1, { v, id, dir: 'next' }),
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
      resolution: r.status === 'Resolved' || r.resolution_label ? { label: r.resolution_label, value: r.resolution_value, falsePositive: r.false_positive === 1 } : null,
      duplicateParent: parent ? { id: parent.id, transactionId: parent.transaction_id } : null,
      events: events.map(
        (e): IncidentEvent => ({ id: e.id, state: e.state as Status, action: e.action, date: e.created_at, changedBy: e.changed_by, comment: e.comment }),
      ),
      previousId,
      nextId,
    };
  }

  async events(orgId: number, id: number): Promise<IncidentEvent[]> {
    if (!(await this.store.get(orgId, id))) throw notFound('Incident');
    const rows = await this.store.events(orgId, id);
    return rows.map((e) => ({ id: e.id, state: e.state as Status, action: e.action, date: e.created_at, changedBy: e.changed_by, comment: e.comment }));
  }

  async duplicates(orgId: number, id: number, page: number, pageSize: number) {
    if (!(await this.store.get(orgId, id))) throw notFound('Incident');
    const { items, total } = await this.store.duplicates(orgId, id, page, pageSize);
    return { items: items.map((d) => ({ id: d.id, transactionId: d.transaction_id, transactionTime: d.incident_date })), total, page, pageSize };
  }

  async filterOptions(orgId: number): Promise<FilterOptions> {
    const [facets, labels, admins] = await Promise.all([
      this.store.facets(orgId),
      this.labels.list(orgId),
      this.assignableAdmins(orgId),
    ]);
    return {
      statuses: ['New', 'Investigating', 'Validating with User', 'Received Justification Response', 'Escalated', 'Resolved'],
      severities: [...SEVERITIES],
      priorities: [...PRIORITIES],
      sourceTypes: ['Inline', 'Email', 'Endpoint', 'SaaS Security'],
      dlpAdmins: admins,
      labels: labels.map((l) => ({ id: l.id, name: l.name, values: l.values })),
      rules: facets.get('rule') ?? [],
      engines: facets.get('engine') ?? [],
      departments: facets.get('department') ?? [],
      actions: facets.get('action') ?? [],
      dlpTypes: facets.get('dlpType') ?? [],
    };
  }

  /** Active admins of the org whose role can edit incidents: the DLP Admin choices. */
  async assignableAdmins(orgId: number): Promise<{ id: number; name: string; email: string }[]> {
    const rows = await this.db
      .selectFrom('admins')
      .innerJoin('roles', 'roles.id', 'admins.role_id')
      .select(['admins.id', 'admins.name', 'admins.email', 'roles.permissions'])
      .where('admins.org_id', '=', orgId)
      .where('admins.status', '=', 'active')
      .orderBy('admins.name')
      .execute();
    return rows.filter((r) => allows(parsePermissions(r.permissions), 'Incidents', 'edit')).map((r) => ({ id: r.id, name: r.name, email: r.email }));
  }

  /* -------------------------------------------------------------- actions */

  /**
   * Runs one action on each id in one transaction: the incident change and its State Changes
   * entry land together. A single incident gets the refusal as an error; a bulk run reports it per id.
   */
  private async run(actor: Principal, ids: number[], planner: Planner, bulk: boolean): Promise<BulkResult> {
    const unique = [...new Set(ids)];
    const results: BulkResult['results'] = [];
    await this.db.transaction().execute(async (trx) => {
      const rows = new Map((await this.store.many(actor.orgId, unique, trx)).map((r) => [r.id, r]));
      const events: Parameters<IncidentsStore['addEvents']>[1] = [];
      const now = nowIso();
      for (const id of unique) {
        const row = rows.get(id);
        try {
          if (!row) throw notFound('Incident');
          const plan = planner(row);
          const state = plan.status ?? (row.status as Status);
          await this.store.update(trx, actor.orgId, id, { ...plan.patch, ...(plan.status ? { status: plan.status } : {}), updated_at: now, last_change: plan.summary });
          if (plan.labels) await this.store.setLabels(trx, actor.orgId, id, plan.labels.rows, plan.labels.mode, now);
          events.push({
            org_id: actor.orgId,
            incident_id: id,
            state,
            action: plan.action,
            created_at: now,
            changed_by: actor.label,
            admin_id: actor.adminId,
            comment: plan.notes ? `${plan.summary}. Notes: ${plan.notes}` : plan.summary,
          });
          results.push({ id, ok: true });
        } catch (e) {
          if (!bulk || !(e instanceof AppError)) throw e;
          results.push({ id, ok: false, error: { code: e.code, message: e.message } });
        }
      }
      await this.store.addEvents(trx, events);
    });
    const succeeded = results.filter((r) => r.ok).length;
    return { succeeded, failed: results.length - succeeded, results };
  }

  private async one(actor: Principal, id: number, planner: Planner): Promise<IncidentDetail> {
    await this.run(actor, [id], planner, false);
    return this.detail(actor.orgId, id);
  }

  private investigatingPlanner(notes?: string): Planner {
    return (row) => {
      if (row.status === 'Resolved') throw refused(`Incident ${row.transaction_id} is Resolved. Use Reopen to move it back to Investigating.`);
      return { action: 'investigating', status: 'Investigating', summary: 'Marked as Investigating', notes };
    };
  }

  private async closePlanner(actor: Principal, body: CloseBody): Promise<Planner> {
    const label = body.resolutionLabelId
      ? await this.labels.resolve(actor.orgId, { labelId: body.resolutionLabelId, value: body.resolutionValue }, 'resolutionLabelId')
      : null;
    if (!label && body.resolutionValue) throw badRequest('resolutionValue: pick a resolution label first.', [{ field: 'resolutionValue', message: 'No resolution label.' }]);
    return (row) => {
      if (row.status === 'Resolved') throw refused(`Incident ${row.transaction_id} is already Resolved.`);
      const what = [
        'Closed',
        label ? `with resolution label ${label.name}${label.value ? `: ${label.value}` : ''}` : null,
        body.falsePositive ? 'as a false positive' : null,
      ]
        .filter(Boolean)
        .join(' ');
      return {
        action: 'close',
        status: 'Resolved',
        summary: what,
        notes: body.notes,
        patch: {
          resolution_date: nowIso(),
          resolution_label: label?.name ?? null,
          resolution_value: label?.value ?? null,
          false_positive: body.falsePositive ? 1 : 0,
          awaiting_user: null,
        },
      };
    };
  }

  private async assignPlanner(actor: Principal, adminId: number, notes: string | undefined, field: string, self: boolean): Promise<Planner> {
    const admin = await this.admins.get(actor.orgId, adminId).catch((e: unknown) => {
      if (e instanceof AppError && e.statusCode === 404) throw badRequest(`${field}: admin ${adminId} does not exist in your organization.`, [{ field, message: 'Unknown admin.' }]);
      throw e;
    });
    if (admin.status !== 'active') throw badRequest(`${field}: ${admin.email} is disabled and cannot be assigned incidents.`, [{ field, message: 'Admin is disabled.' }]);
    const perms = await this.roles.permissionsOf(actor.orgId, admin.roleId);
    if (!perms || !allows(perms, 'Incidents', 'edit')) {
      throw badRequest(`${field}: ${admin.email}'s role (${admin.roleName}) cannot edit incidents, so they cannot be the DLP Admin.`, [{ field, message: 'Admin cannot edit incidents.' }]);
    }
    return () => ({
      action: self ? 'assign-to-me' : 'assign',
      summary: self ? `Assigned to me (${admin.name})` : `Assigned DLP Admin ${admin.name} (${admin.email})`,
      notes,
      patch: { dlp_admin_id: admin.id },
    });
  }

  private async labelsPlanner(actor: Principal, picks: LabelPick[], mode: 'replace' | 'add', notes?: string): Promise<Planner> {
    const rows: { labelId: number; name: string; value: string | null }[] = [];
    for (const [i, p] of picks.entries()) rows.push(await this.labels.resolve(actor.orgId, p, `labels.${i}`));
    const text = rows.map((r) => (r.value ? `${r.name}: ${r.value}` : r.name)).join(', ');
    return () => ({
      action: 'labels',
      summary: mode === 'add' ? `Added labels ${text}` : rows.length ? `Set labels ${text}` : 'Removed all labels',
      notes,
      labels: { mode, rows },
    });
  }

  private selfId(actor: Principal): number {
    if (actor.kind !== 'admin' || !actor.adminId) throw badRequest('Assign to Me needs a signed-in admin; an API key cannot be assigned incidents. Use Assign DLP Admin instead.');
    return actor.adminId;
  }

  close = async (actor: Principal, id: number, body: CloseBody) => this.one(actor, id, await this.closePlanner(actor, body));
  investigating = (actor: Principal, id: number, notes?: string) => this.one(actor, id, this.investigatingPlanner(notes));
  reopen = (actor: Principal, id: number, notes?: string) =>
    this.one(actor, id, (row) => {
      if (row.status !== 'Resolved') throw refused(`Only a Resolved incident can be reopened; incident ${row.transaction_id} is ${row.status}.`);
      return {
        action: 'reopen',
        status: 'Investigating',
        summary: 'Reopened',
        notes,
        patch: { resolution_date: null, resolution_label: null, resolution_value: null, false_positive: 0 },
      };
    });
  assignToMe = async (actor: Principal, id: number, notes?: string) => this.one(actor, id, await this.assignPlanner(actor, this.selfId(actor), notes, 'adminId', true));
  assign = async (actor: Principal, id: number, adminId: number, notes?: string) => this.one(actor, id, await this.assignPlanner(actor, adminId, notes, 'adminId', false));
  priority = (actor: Principal, id: number, priority: Priority, notes?: string) =>
    this.one(actor, id, (row) => ({
      action: 'priority',
      summary: `Priority changed from ${priorityOf(row.priority)} to ${priority}`,
      notes,
      patch: { priority: PRIORITY_RANK[priority] },
    }));
  setLabels = async (actor: Principal, id: number, picks: LabelPick[], mode: 'replace' | 'add', notes?: string) =>
    this.one(actor, id, await this.labelsPlanner(actor, picks, mode, notes));
  /** Notes: free text kept on the incident and logged into State Changes. */
  addNotes = (actor: Principal, id: number, notes: string) =>
    this.one(actor, id, () => ({ action: 'notes', summary: 'Notes updated', notes, patch: { notes } }));

  /**
   * Moves an open incident to a state that waits on a person (Validating with User, Escalated,
   * Received Justification Response). Used by the demo now and by Notify User / Escalate later.
   */
  markWaiting = (actor: Principal, id: number, status: 'Validating with User' | 'Escalated' | 'Received Justification Response', summary: string, user?: string) =>
    this.one(actor, id, (row) => {
      if (row.status === 'Resolved') throw refused(`Incident ${row.transaction_id} is Resolved. Reopen it first.`);
      return { action: 'status', status, summary, patch: { awaiting_user: status === 'Received Justification Response' ? null : (user ?? row.user_email) } };
    });

  bulk = {
    assignToMe: async (actor: Principal, ids: number[], notes?: string) => this.run(actor, ids, await this.assignPlanner(actor, this.selfId(actor), notes, 'adminId', true), true),
    assign: async (actor: Principal, ids: number[], adminId: number, notes?: string) => this.run(actor, ids, await this.assignPlanner(actor, adminId, notes, 'adminId', false), true),
    priority: (actor: Principal, ids: number[], priority: Priority, notes?: string) =>
      this.run(actor, ids, (row) => ({ action: 'priority', summary: `Priority changed from ${priorityOf(row.priority)} to ${priority}`, notes, patch: { priority: PRIORITY_RANK[priority] } }), true),
    investigating: (actor: Principal, ids: number[], notes?: string) => this.run(actor, ids, this.investigatingPlanner(notes), true),
    close: async (actor: Principal, ids: number[], body: CloseBody) => this.run(actor, ids, await this.closePlanner(actor, body), true),
    labels: async (actor: Principal, ids: number[], picks: LabelPick[], notes?: string) => this.run(actor, ids, await this.labelsPlanner(actor, picks, 'add', notes), true),
  };

  /** Permanent; not recorded in State Changes. Duplicates of the incident go with it. */
  async delete(actor: Principal, id: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const row = await this.store.get(actor.orgId, id, trx);
      if (!row) throw notFound('Incident');
      await this.store.delete(trx, actor.orgId, id);
      if (row.duplicate_of) await this.store.adjustDuplicateCount(trx, actor.orgId, row.duplicate_of, -1);
    });
  }
}
