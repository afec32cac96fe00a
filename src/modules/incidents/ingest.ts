import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { nowIso } from '../../platform/db/database.js';
import { transactionWithRetry } from '../../platform/db/retry.js';
import type { IncidentsDb as DB } from './db.js';
import { AppError, badRequest } from '../../platform/http/errors.js';
import type { Principal } from '../../platform/principal.js';
import { PRIORITY_RANK, SEVERITY_RANK } from './incident-view.js';
import {
  MAX_BATCH,
  incidentInput,
  type FieldError,
  type IncidentDetail,
  type IncidentInput,
  type IngestBatchResult,
  type IngestItemResult,
  type Priority,
  type Severity,
} from './schemas.js';
import { groupedIncident } from './group-hooks.js';
import { searchText } from './search-text.js';
import { IngestedBatch, PendingBatch, type IncidentIngestHooks } from './ingest-hooks.js';
import type { EvidenceRow, IncidentRecord, IncidentRow, IncidentsStore } from './store.js';
import type { SecretBox } from '../../platform/secrets.js';

const DEFAULT_PRIORITY: Record<Severity, Priority> = { Critical: 'Critical', High: 'High', Medium: 'Medium', Low: 'Low', Info: 'Low' };

const TWO_HOURS = 2 * 60 * 60 * 1000;

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
  return createHash('md5').update([host, input.user.email.toLowerCase(), input.file.md5.toLowerCase(), input.file.name].join('\u0000')).digest('hex');
}

/** What the `details` column holds (as JSON). */
function detailsOf(input: IncidentInput): IncidentDetail['details'] {
  return {
    user: input.user,
    file: input.file,
    application: input.application,
    recipients: input.recipients,
    email: input.email,
    url: input.url,
    referrerUrl: input.referrerUrl,
    otherRules: input.otherRules,
    channel: input.channel,
    integration: input.integration,
    saas: input.saas,
  };
}

/** Every column ingestion writes (the rest have defaults), so the batch's listeners can see the row as stored. */
type NewIncidentRow = Omit<IncidentRecord, 'id' | 'duplicate_count' | 'false_positive'>;

type EventRow = Parameters<IncidentsStore['addEvents']>[1][number];

/** The stored row for a validated incident; used by ingestion, the demo seeder and the bench's raw baseline. */
export function incidentRow(orgId: number, input: IncidentInput, now: string): NewIncidentRow {
  const host = hostOf(input);
  const destination = input.destination ?? host ?? input.recipients?.triggered[0] ?? input.recipients?.external[0] ?? '';
  const { transactionId, incidentDate, severity, priority, sourceType, dlpType, action, rules, engines, dictionaries } = input;
  const details = detailsOf(input);
  const search = searchText([
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
  ]);
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
  // Sorted so concurrent batches upsert shared facet rows in one order (no deadlock between them).
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return out.sort((a, b) => cmp(a.kind, b.kind) || cmp(a.value, b.value));
}

function zodIssues(err: { issues: { path: PropertyKey[]; message: string }[] }): FieldError[] {
  return err.issues.map((i) => ({ field: i.path.length ? i.path.map(String).join('.') : null, message: i.message }));
}

/** Rows in transaction id order (code-point order, the same in every process), the order ingestion writes them. */
function byTransactionId(rows: IncidentRow[]): IncidentRow[] {
  return [...rows].sort((a, b) => (a.transaction_id < b.transaction_id ? -1 : a.transaction_id > b.transaction_id ? 1 : 0));
}

/** Ingestion (POST /incidents): validation per item, idempotency on transaction id, duplicate detection. */
export class IncidentIngest {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly store: IncidentsStore,
    private readonly hooks: IncidentIngestHooks,
    /** Seals evidence content: it is the sensitive data the DLP engine caught. */
    private readonly secrets: Pick<SecretBox, 'seal'>,
  ) {}

  /** One incident: 400 naming the field when invalid (nothing stored), otherwise created or existing. */
  async ingestOne(actor: Principal, raw: unknown): Promise<IngestItemResult> {
    const parsed = incidentInput.safeParse(raw);
    if (!parsed.success) {
      const issues = zodIssues(parsed.error);
      const first = issues[0];
      throw new AppError(400, 'validation_failed', `Invalid incident — ${first.field ? `${first.field}: ` : ''}${first.message}`, issues);
    }
    const [result] = await this.storeValid(actor.orgId, [{ index: 0, input: parsed.data }]);
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
        const txn =
          raw && typeof raw === 'object' && typeof (raw as { transactionId?: unknown }).transactionId === 'string'
            ? (raw as { transactionId: string }).transactionId
            : null;
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
    for (const r of await this.storeValid(actor.orgId, good)) results[r.index] = r;
    return {
      created: results.filter((r) => r.result === 'created').length,
      existing: results.filter((r) => r.result === 'existing').length,
      rejected: results.filter((r) => r.result === 'rejected').length,
      results,
    };
  }

  /** Stores validated incidents in one transaction: idempotent on transaction id, with duplicate detection. */
  private async storeValid(orgId: number, items: { index: number; input: IncidentInput }[]): Promise<IngestItemResult[]> {
    if (!items.length) return [];
    // Two requests carrying overlapping incidents wait on each other's rows; each writes in
    // transaction id order so they queue instead of deadlocking, and a transaction PostgreSQL
    // still aborts (a deadlock through another table, a serialization failure) is run again.
    return transactionWithRetry(this.db, async (trx) => {
      const now = nowIso();
      const out: IngestItemResult[] = [];
      const existing = await this.store.existingByTxn(trx, orgId, [...new Set(items.map((i) => i.input.transactionId))]);
      // First occurrence of a transaction id in the batch wins; later ones answer "existing".
      const fresh = new Map<string, { index: number; input: IncidentInput; row: NewIncidentRow }>();
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
      // Rules settle the rows before they are written: each new incident is written once, with
      // the priority its groups derive and the Last Change of what its workflow started.
      const parsedOf = (input: IncidentInput) => ({ rules: input.rules, engines: input.engines, dictionaries: input.dictionaries, details: detailsOf(input) });
      const pending = new PendingBatch(() => [...fresh.values()].map((f) => groupedIncident(f.row, parsedOf(f.input), { id: 0, duplicateCount: 0 })));
      const afterWrite = fresh.size ? await this.hooks.pending(trx, orgId, pending) : null;
      for (const f of fresh.values()) {
        const priority = pending.priorityOf(f.input.transactionId);
        if (priority) f.row.priority = PRIORITY_RANK[priority];
        const events = pending.eventsOf(f.input.transactionId);
        if (events.length) f.row.last_change = events[events.length - 1].summary;
      }
      const parentRows = [...fresh.values()].filter((f) => !parentOf.has(f.input.transactionId));
      const ids = await this.store.insertMany(trx, byTransactionId(parentRows.map((f) => f.row)));
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
      for (const [txn, id] of await this.store.insertMany(trx, byTransactionId(dupRows))) ids.set(txn, id);
      // Whatever a concurrent request stored first is "existing" for us.
      const raced = [...fresh.keys()].filter((t) => !ids.has(t));
      if (raced.length) for (const [t, e] of await this.store.existingByTxn(trx, orgId, raced)) existing.set(t, e);
      const duplicateCounts = new Map<number, number>();
      for (const [parentId, n] of [...bump].sort(([a], [b]) => a - b)) {
        const inserted = dupRows.filter((r) => r.duplicate_of === parentId && ids.has(r.transaction_id)).length;
        if (inserted) await this.store.adjustDuplicateCount(trx, orgId, parentId, Math.min(n, inserted));
        duplicateCounts.set(parentId, Math.min(n, inserted));
      }
      const evidence: EvidenceRow[] = [];
      for (const f of fresh.values()) {
        const id = ids.get(f.input.transactionId);
        const e = f.input.evidence;
        if (id === undefined || !e) continue;
        evidence.push({
          org_id: orgId,
          incident_id: id,
          file_name: e.fileName ?? (f.input.file?.name || `incident-${id}`),
          file_type: e.fileType ?? f.input.file?.type ?? null,
          content: this.secrets.seal(e.content),
          size: e.content.length,
          created_at: now,
        });
      }
      // In id order, like every other write of the batch, so overlapping batches cannot deadlock.
      await this.store.insertEvidence(
        trx,
        evidence.sort((a, b) => a.incident_id - b.incident_id),
      );
      const events: EventRow[] = [];
      for (const f of fresh.values()) {
        const id = ids.get(f.input.transactionId);
        if (id === undefined) continue;
        for (const e of pending.eventsOf(f.input.transactionId))
          events.push({
            org_id: orgId,
            incident_id: id,
            state: f.row.status,
            action: e.action,
            created_at: now,
            changed_by: e.changedBy,
            admin_id: e.adminId,
            comment: e.summary,
          });
      }
      // Stable: an incident's entries keep the order they were recorded in.
      await this.store.addEvents(
        trx,
        events.sort((a, b) => a.incident_id - b.incident_id),
      );
      // Listeners see the rows as written, without reading them back.
      const created = () =>
        [...fresh.values()]
          .flatMap((f) => {
            const id = ids.get(f.input.transactionId);
            if (id === undefined) return [];
            return [groupedIncident(f.row, parsedOf(f.input), { id, duplicateCount: duplicateCounts.get(id) ?? 0 })];
          })
          .sort((a, b) => a.id - b.id);
      await afterWrite?.(
        trx,
        orgId,
        new IngestedBatch(
          [...ids.values()].sort((a, b) => a - b),
          created,
          ids,
        ),
      );
      await this.store.addFacets(trx, orgId, facetsOf([...fresh.values()].filter((f) => ids.has(f.input.transactionId)).map((f) => f.input)));
      for (const f of fresh.values()) {
        const id = ids.get(f.input.transactionId);
        if (id !== undefined)
          out.push({ index: f.index, transactionId: f.input.transactionId, result: 'created', id, duplicateOf: f.row.duplicate_of ?? null });
        else {
          const e = existing.get(f.input.transactionId);
          out.push({ index: f.index, transactionId: f.input.transactionId, result: 'existing', id: e?.id ?? null, duplicateOf: e?.duplicate_of ?? null });
        }
      }
      for (const r of repeats) {
        const e = existing.get(r.txn);
        const id = e?.id ?? ids.get(r.txn) ?? null;
        out.push({
          index: r.index,
          transactionId: r.txn,
          result: 'existing',
          id,
          duplicateOf: e ? e.duplicate_of : (fresh.get(r.txn)?.row.duplicate_of ?? null),
        });
      }
      return out;
    });
  }
}
