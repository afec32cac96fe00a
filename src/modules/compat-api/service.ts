import { badRequest, forbidden, notFound } from '../../platform/http/errors.js';
import type { Principal } from '../../platform/principal.js';
import type { AuditService } from '../audit/service.js';
import { maskListItem } from '../incidents/privacy.js';
import type { IncidentsService, ListedIncident } from '../incidents/service.js';
import type { IncidentGroupsService } from '../incident-groups/service.js';
import type { LabelsService } from '../labels/service.js';
import type { TicketsService } from '../tickets/service.js';
import type { DemoDeps } from './demo.js';
import { toSearch } from './filters.js';
import { RateLimiter } from './rate-limit.js';
import type { FilterBody, WireCursor, WireIncident } from './schemas.js';
import type { CompatTokens } from './tokens.js';
import { EVIDENCE_LINK_SECONDS, type EvidenceLinks } from './evidence-links.js';
import type { EvidenceFile } from '../incidents/evidence.js';
import { upperSnake, wireChangeHistory, wireGroup, wireIncident, wireTicket } from './wire.js';

export type CompatDeps = {
  tokens: CompatTokens;
  incidents: Pick<IncidentsService, 'pageAt' | 'detail' | 'events' | 'delete' | 'close' | 'addNotes' | 'setLabels' | 'privacyHooks' | 'evidenceFile'>;
  evidenceLinks: EvidenceLinks;
  /** WFA_PUBLIC_URL: the base of evidence links; without it, the address the caller used. */
  publicUrl: string | null;
  tickets: Pick<TicketsService, 'forIncident'>;
  labels: Pick<LabelsService, 'list'>;
  incidentGroups: Pick<IncidentGroupsService, 'choices' | 'groupsOfIncident'>;
  audit: Pick<AuditService, 'list' | 'facets'>;
  /** What `npm run demo` uses to hand out a key (demo.ts). */
  demo: DemoDeps;
};

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 50;

/** Paging as vendor clients send it: 0-based `page`, `pageSize` clamped to 1..100 (never refused), or a `pageId` from the last answer. */
export type Paging = { page?: number; pageSize?: number; pageId?: string };

function pageSizeOf(p: Paging): number {
  return Math.min(MAX_PAGE_SIZE, Math.max(1, p.pageSize ?? DEFAULT_PAGE_SIZE));
}

/** A `pageId` is `<page number>.<the incidents list's cursor>`: the number keeps `currentPageNumber` right. */
function readPageId(pageId: string): { page: number; cursor: string } {
  const m = /^(\d{1,7})\.([A-Za-z0-9_.-]{1,1900})$/.exec(pageId);
  if (!m) throw badRequest('pageId: this page id is not valid. Send the pageId of the previous answer, or start again with page=0.');
  return { page: Number(m[1]), cursor: m[2] };
}

function cursorOf(page: number, pageSize: number, itemCount: number, total: number, pageId: string): WireCursor {
  return { totalPages: Math.ceil(total / pageSize), currentPageNumber: page, currentPageSize: itemCount, pageId, totalElements: total };
}

/** An incident id as the vendor's clients send it back: our integer id, as a decimal string. */
export function incidentIdOf(raw: string): number {
  if (!/^\d{1,15}$/.test(raw) || Number(raw) < 1) throw notFound('Incident');
  return Number(raw);
}

const AUDIT_ACTIONS = { Insert: 'CREATE', Update: 'UPDATE', Delete: 'DELETE' } as const;
const AUDIT_ACTION_OF: Record<string, 'Insert' | 'Update' | 'Delete'> = { CREATE: 'Insert', INSERT: 'Insert', UPDATE: 'Update', DELETE: 'Delete' };

/**
 * The compatible API: the reference product's public API over our incidents, tickets, labels and
 * audit services. It translates shapes and names only; every rule (who may do what, what a close
 * does, which labels exist) is the owning module's.
 */
export class CompatApiService {
  readonly limiter = new RateLimiter();

  constructor(private readonly deps: CompatDeps) {}

  get publicUrl(): string | null {
    return this.deps.publicUrl;
  }

  get tokens(): CompatTokens {
    return this.deps.tokens;
  }

  get demoDeps(): DemoDeps {
    return this.deps.demo;
  }

  /** The vendor's incident shape, with what the org's privacy settings hide from this caller masked as in the web app. */
  private async wire(viewer: Principal, items: ListedIncident[]): Promise<WireIncident[]> {
    const orgId = viewer.orgId;
    const [hidden, tickets] = await Promise.all([
      this.deps.incidents.privacyHooks.hiddenFor(viewer),
      // Full ticket rows only for incidents that have tickets (most have none).
      Promise.all(items.map((i) => (i.tickets.length ? this.deps.tickets.forIncident(orgId, i.id) : Promise.resolve([])))),
    ]);
    return items.map((i, n) => wireIncident(maskListItem(i, hidden), tickets[n]));
  }

  async incident(viewer: Principal, id: number): Promise<WireIncident> {
    const d = await this.deps.incidents.detail(viewer.orgId, id);
    return (await this.wire(viewer, [d]))[0];
  }

  async search(viewer: Principal, body: FilterBody, paging: Paging) {
    const orgId = viewer.orgId;
    const { filters, none } = await toSearch(
      body,
      () => this.deps.labels.list(orgId),
      async () => (await this.deps.incidentGroups.choices(orgId)).items,
    );
    const pageSize = pageSizeOf(paging);
    const at = paging.pageId ? readPageId(paging.pageId) : { page: paging.page ?? 0, cursor: null };
    if (none) return { cursor: cursorOf(at.page, pageSize, 0, 0, ''), items: [] };
    const res = await this.deps.incidents.pageAt(orgId, filters, pageSize, at.cursor ? { cursor: at.cursor } : { offset: at.page * pageSize });
    const items = await this.wire(viewer, res.items);
    const next = res.nextCursor ? `${at.page + 1}.${res.nextCursor}` : '';
    return { cursor: cursorOf(at.page, pageSize, items.length, res.total, next), items };
  }

  /** The incidents of one transaction id; 404 when the org has none (a duplicate's transaction answers its parent, as the list does). */
  async byTransaction(viewer: Principal, transactionId: string, paging: Paging) {
    const res = await this.search(viewer, { fields: [{ name: 'transactionId', value: [transactionId] }] }, paging);
    if (!res.cursor.totalElements) throw notFound('Transaction');
    return res;
  }

  async remove(actor: Principal, id: number): Promise<void> {
    await this.deps.incidents.delete(actor, id);
  }

  async changeHistory(orgId: number, id: number) {
    return wireChangeHistory(id, await this.deps.incidents.events(orgId, id));
  }

  async tickets(orgId: number, id: number, paging: Paging) {
    const all = (await this.deps.tickets.forIncident(orgId, id)).map(wireTicket);
    const pageSize = pageSizeOf(paging);
    const page = paging.page ?? 0;
    const items = all.slice(page * pageSize, (page + 1) * pageSize);
    return { cursor: cursorOf(page, pageSize, items.length, all.length, ''), items };
  }

  /** The incident's (checked) groups, only those asked for when `incidentGroupIds` lists some (reference §7.7). */
  async groups(orgId: number, id: number, wanted: (number | string)[] = []) {
    await this.deps.incidents.events(orgId, id);
    const only = new Set(wanted.map(Number));
    const groups = (await this.deps.incidentGroups.groupsOfIncident(orgId, id)).filter((g) => !only.size || only.has(g.id));
    return { incidentGroups: groups.map(wireGroup) };
  }

  /**
   * Resolves the incident: a `FALSE_POSITIVE` code marks it a false positive, a resolution label
   * `{key, value}` names a label of Setup > Labels. An already resolved incident answers as it is
   * (the vendor allows closing twice); its notes, if sent, are still recorded.
   */
  async close(actor: Principal, id: number, body: { resolutionLabel?: { key?: string; value?: string }; resolutionCode?: string; notes?: string }) {
    const code = body.resolutionCode?.toUpperCase();
    if (code && code !== 'FALSE_POSITIVE') throw badRequest(`resolutionCode: "${body.resolutionCode}" is not supported. Send FALSE_POSITIVE or leave it out.`);
    const current = await this.deps.incidents.detail(actor.orgId, id);
    if (current.status === 'Resolved') {
      if (body.notes) await this.deps.incidents.addNotes(actor, id, body.notes);
      return this.incident(actor, id);
    }
    const labelKey = body.resolutionLabel?.key;
    const labelId = labelKey ? await this.labelId(actor.orgId, labelKey, 'resolutionLabel.key') : undefined;
    await this.deps.incidents.close(actor, id, {
      notes: body.notes,
      resolutionLabelId: labelId,
      resolutionValue: labelId ? (body.resolutionLabel?.value ?? null) : null,
      falsePositive: code === 'FALSE_POSITIVE',
    });
    return this.incident(actor, id);
  }

  async notes(actor: Principal, id: number, notes: string | undefined) {
    if (!notes) throw badRequest('notes: write the note text (at most 4000 characters).');
    await this.deps.incidents.addNotes(actor, id, notes);
    return this.incident(actor, id);
  }

  /** Adds the labels (existing ones stay), each a label of Setup > Labels by name with one of its values. */
  async labels(actor: Principal, id: number, labels: { key: string; value?: string }[] | undefined) {
    if (!labels?.length) throw badRequest('labels: send at least one {"key": "<label name>", "value": "<value>"}.');
    const picks = [];
    for (const [n, l] of labels.entries()) picks.push({ labelId: await this.labelId(actor.orgId, l.key, `labels.${n}.key`), value: l.value ?? null });
    await this.deps.incidents.setLabels(actor, id, picks, 'add');
    return this.incident(actor, id);
  }

  private async labelId(orgId: number, name: string, field: string): Promise<number> {
    const hit = (await this.deps.labels.list(orgId)).find((l) => l.name.toLowerCase() === name.trim().toLowerCase());
    if (!hit) throw badRequest(`${field}: there is no label "${name}". Labels are defined in Setup > Labels.`);
    return hit.id;
  }

  /** What matched: rules, engines and dictionaries, each value a string (the vendor's typed clients read a string map). */
  async triggers(orgId: number, id: number): Promise<Record<string, string>> {
    const d = await this.deps.incidents.detail(orgId, id);
    const out: Record<string, string> = {
      rules: [...d.rules, ...(d.details.otherRules ?? [])].join(', '),
      engines: d.engines.join(', '),
      dictionaries: d.dictionaries.map((x) => `${x.name}[${x.matchCount}]`).join(', '),
      action: d.action,
    };
    if (d.fileName) out.fileName = d.fileName;
    return out;
  }

  /**
   * The incident's evidence: when the DLP engine sent content with it, `evidenceURL` is a presigned
   * link (15 minutes, this incident only) to the XML file; otherwise the object with
   * `evidenceURL: null` and the name and type the incident reports, as the reference's schema
   * requires `fileName` either way. `baseUrl` is where this server is reached.
   */
  async evidence(viewer: Principal, id: number, baseUrl: string) {
    const d = await this.deps.incidents.detail(viewer.orgId, id);
    if (!d.evidence) return { fileName: d.fileName, fileType: d.details.file?.type ?? null, additionalInfo: null, evidenceURL: null };
    // Compatible calls always carry their key (tokens.ts); a principal without one cannot get a link.
    if (viewer.apiKeyId === null) throw forbidden('Evidence links are issued to API keys only.');
    const link = this.deps.evidenceLinks.sign(viewer.orgId, id, viewer.apiKeyId);
    return {
      fileName: d.evidence.fileName,
      fileType: d.evidence.fileType,
      additionalInfo: `evidenceURL expires at ${link.expiresAt} (${EVIDENCE_LINK_SECONDS / 60} minutes); the file is XML.`,
      evidenceURL: `${baseUrl}/dlp/v1/evidence/${link.token}`,
    };
  }

  /**
   * What an evidence link serves: 403 for an altered link or one whose API key was revoked (or lost
   * Incidents), 410 for an expired one, 404 once the incident or its evidence is gone.
   */
  async evidenceByLink(token: string): Promise<EvidenceFile> {
    const { orgId, incidentId, apiKeyId } = this.deps.evidenceLinks.read(token);
    if (!(await this.deps.tokens.keyMayViewIncidents(orgId, apiKeyId)))
      throw forbidden('The API key this evidence link was issued to was revoked or may no longer view incidents. Ask for a new link with another key.');
    return this.deps.incidents.evidenceFile(orgId, incidentId);
  }

  /** Audit Logs with the vendor's filter names (action, resource, admin, module), one value each. */
  async audit(orgId: number, body: FilterBody, paging: Paging) {
    const q: Parameters<AuditService['list']>[1] = { page: 1, pageSize: pageSizeOf(paging) };
    for (const field of body.fields ?? []) {
      const name = field.name.toLowerCase();
      const values = field.value.filter((v): v is string => typeof v === 'string' && v.trim() !== '');
      if (!values.length) continue;
      if (values.length > 1) throw badRequest(`fields.${field.name}: audit filters take one value each.`);
      const v = values[0].trim();
      if (name === 'action') {
        q.action = AUDIT_ACTION_OF[v.toUpperCase()];
        if (!q.action) throw badRequest(`fields.action: "${v}" is not an audit action. Use CREATE, UPDATE or DELETE.`);
      } else if (name === 'module') q.module = v;
      else if (name === 'resource') q.resource = v;
      else if (name === 'admin') {
        const admins = (await this.deps.audit.facets(orgId)).admins;
        const hit = admins.find((a) => String(a.id) === v || a.actor.toLowerCase() === v.toLowerCase());
        // An admin who never changed anything has no entries: an empty answer, not an error.
        q.adminId = hit?.id ?? -1;
      } else throw badRequest(`fields: "${field.name}" is not an audit filter. Use action, resource, admin or module.`);
    }
    if (body.timeRange?.startTime) q.from = new Date(body.timeRange.startTime).toISOString();
    if (body.timeRange?.endTime) q.to = new Date(body.timeRange.endTime).toISOString();
    const page = paging.pageId ? readAuditPageId(paging.pageId) : (paging.page ?? 0);
    q.page = page + 1;
    const { items, total } = await this.deps.audit.list(orgId, q);
    const logs = items.map((e) => ({
      action: { action: AUDIT_ACTIONS[e.action as keyof typeof AUDIT_ACTIONS] ?? (upperSnake(e.action) as 'UPDATE') },
      module: e.module,
      resource: e.resource,
      changedAt: e.createdAt,
      changedBy: e.actor,
      oldRowJson: e.before === null || e.before === undefined ? null : JSON.stringify(e.before),
      newRowJson: e.after === null || e.after === undefined ? null : JSON.stringify(e.after),
      changeNote: e.changeNotes,
    }));
    const more = (page + 1) * q.pageSize < total;
    return { cursor: cursorOf(page, q.pageSize, logs.length, total, more ? `audit.${page + 1}` : ''), logs };
  }
}

function readAuditPageId(pageId: string): number {
  const m = /^audit\.(\d{1,7})$/.exec(pageId);
  if (!m) throw badRequest('pageId: this page id is not valid. Send the pageId of the previous answer, or start again with page=0.');
  return Number(m[1]);
}
