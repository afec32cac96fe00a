import type { Kysely } from 'kysely';
import { nowIso } from '../../platform/db/database.js';
import { isUniqueViolation } from '../../platform/db/errors.js';
import type { Exec } from '../../platform/db/exec.js';
import { badRequest, conflict, notFound } from '../../platform/http/errors.js';
import type { Principal } from '../../platform/principal.js';
import type { AuditRecorder } from '../audit/service.js';
import { systemDefaultRows } from './defaults.js';
import { TemplateError } from './liquid.js';
import type { NotificationTemplatesTables } from './migrations.js';
import { renderTemplate, sampleIncident, sampleVars, validateTemplate, type RenderedMessage, type TemplateSource } from './render.js';
import type { CreateTemplateBody, PreviewBody, TemplateListQuery, TemplateSummary, TemplateView, UpdateTemplateBody } from './schemas.js';
import type { NotificationTemplatesStore, TemplateRecord } from './store.js';
import { CHANNEL_LABELS, FAMILY_LABELS, LANGUAGE_LABELS, type Language, type TemplateChannel, type TemplateFamily, type TemplateStatus } from './vocabulary.js';

export const MODULE = 'Notification Templates';
const RESOURCE = 'Notification Template';
/** Templates an org may hold (the list and its filters work in memory below this). */
export const MAX_TEMPLATES = 500;

export function templateView(r: TemplateRecord): TemplateView {
  return {
    id: r.id,
    name: r.name,
    family: r.family as TemplateFamily,
    channel: r.channel as TemplateChannel,
    language: r.language,
    subject: r.subject,
    body: r.body,
    status: r.status as TemplateStatus,
    translationOf: r.translation_of,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    updatedBy: r.updated_by,
  };
}

function summary(r: TemplateRecord): TemplateSummary {
  const { body: _b, subject: _s, ...rest } = templateView(r);
  return rest;
}

function auditShape(r: Pick<TemplateRecord, 'name' | 'family' | 'channel' | 'language' | 'status' | 'subject' | 'body'>) {
  return { name: r.name, family: r.family, channel: r.channel, language: r.language, status: r.status, subject: r.subject, body: r.body };
}

function source(r: Pick<TemplateRecord, 'family' | 'channel' | 'subject' | 'body'>): TemplateSource {
  return { family: r.family as TemplateFamily, channel: r.channel as TemplateChannel, subject: r.subject, body: r.body };
}

export type OrgNames = { name(orgId: number): Promise<string> };

/** Notification Templates: the list, the editor's rules (status, read-only defaults, one published per language) and previews. */
export class TemplatesManager {
  constructor(
    private readonly db: Kysely<NotificationTemplatesTables>,
    private readonly store: NotificationTemplatesStore,
    private readonly audit: AuditRecorder,
    private readonly orgs: OrgNames,
  ) {}

  /** A new org's System Defaults, in its creation transaction. */
  async seedDefaults(trx: Exec<NotificationTemplatesTables>, orgId: number): Promise<void> {
    await this.store.insertMany(trx, systemDefaultRows(orgId, nowIso()));
  }

  async list(orgId: number, q: TemplateListQuery): Promise<{ items: TemplateSummary[]; total: number; page: number; pageSize: number }> {
    const rows = await this.store.list(orgId, q);
    const needle = q.search?.trim().toLowerCase();
    const matching = needle ? rows.filter((r) => r.name_lower.includes(needle)) : rows;
    const start = (q.page - 1) * q.pageSize;
    return { items: matching.slice(start, start + q.pageSize).map(summary), total: matching.length, page: q.page, pageSize: q.pageSize };
  }

  async record(orgId: number, id: number, exec: Exec<NotificationTemplatesTables> = this.db): Promise<TemplateRecord> {
    const r = await this.store.get(orgId, id, exec);
    if (!r) throw notFound('Notification template');
    return r;
  }

  async get(orgId: number, id: number): Promise<TemplateView> {
    return templateView(await this.record(orgId, id));
  }

  /** The save-time check as a 400 naming the field and the cause (unknown variable, filter, MJML error…). */
  private async validate(orgId: number, t: TemplateSource): Promise<void> {
    try {
      await validateTemplate(t, await this.orgs.name(orgId));
    } catch (e) {
      if (e instanceof TemplateError) {
        const field = e.message.startsWith('Subject') ? 'subject' : 'body';
        throw badRequest(e.message, [{ field, message: e.message }]);
      }
      throw e;
    }
  }

  private async uniqueName(orgId: number, wanted: string, exec: Exec<NotificationTemplatesTables>): Promise<string> {
    if (!(await this.store.byName(orgId, wanted, exec))) return wanted;
    for (let n = 2; n < 100; n++) {
      const candidate = `${wanted} ${n}`;
      if (!(await this.store.byName(orgId, candidate, exec))) return candidate;
    }
    throw conflict(`Too many templates are named "${wanted}". Give the copy a name.`);
  }

  private async publishedConflict(
    orgId: number,
    r: Pick<TemplateRecord, 'family' | 'channel' | 'language'>,
    selfId: number | null,
    exec: Exec<NotificationTemplatesTables>,
  ) {
    const other = await this.store.published(orgId, r.family, r.channel, r.language, exec);
    if (other && other.id !== selfId) {
      throw conflict(
        `"${other.name}" is already the published ${FAMILY_LABELS[r.family as TemplateFamily]} template for ${CHANNEL_LABELS[r.channel as TemplateChannel]} in ${LANGUAGE_LABELS[r.language as Language] ?? r.language}. Save it as a draft first, or keep this one as a draft.`,
      );
    }
  }

  /** A unique-index refusal from a concurrent save, said the way the checks say it. */
  private translateUnique(e: unknown, name: string): never {
    if (isUniqueViolation(e)) {
      const msg = String((e as Error).message ?? '');
      if (/one_published|family|language/.test(msg))
        throw conflict('Another template was published for this family, channel and language at the same time. Reload and try again.');
      throw conflict(`A template named "${name}" already exists.`);
    }
    throw e;
  }

  async create(actor: Principal, input: CreateTemplateBody): Promise<TemplateView> {
    await this.validate(actor.orgId, input);
    const id = await this.db
      .transaction()
      .execute(async (trx) => {
        if ((await this.store.count(actor.orgId, trx)) >= MAX_TEMPLATES)
          throw conflict(`An organisation can hold at most ${MAX_TEMPLATES} notification templates. Delete unused drafts first.`);
        if (await this.store.byName(actor.orgId, input.name, trx)) throw conflict(`A template named "${input.name}" already exists.`);
        if (input.status === 'published') await this.publishedConflict(actor.orgId, input, null, trx);
        const now = nowIso();
        const row = {
          org_id: actor.orgId,
          name: input.name,
          name_lower: input.name.toLowerCase(),
          family: input.family,
          channel: input.channel,
          language: input.language,
          subject: input.subject,
          body: input.body,
          status: input.status,
          translation_of: null,
          system_key: null,
          created_at: now,
          updated_at: now,
          updated_by: actor.label,
        };
        const id = await this.store.insert(trx, row);
        await this.audit.record(trx, actor, {
          action: 'Insert',
          module: MODULE,
          resource: RESOURCE,
          resourceId: id,
          notes: `Added notification template ${input.name}`,
          after: auditShape(row),
        });
        return id;
      })
      .catch((e: unknown) => this.translateUnique(e, input.name));
    return this.get(actor.orgId, id);
  }

  async update(actor: Principal, id: number, input: UpdateTemplateBody): Promise<TemplateView> {
    const current = await this.record(actor.orgId, id);
    if (current.status === 'system_default')
      throw badRequest(`"${current.name}" is a System Default template and cannot be changed. Clone it or translate it, then edit the copy.`);
    const next = {
      name: input.name ?? current.name,
      language: input.language ?? current.language,
      subject: input.subject ?? current.subject,
      body: input.body ?? current.body,
      status: input.status ?? current.status,
      family: current.family,
      channel: current.channel,
    };
    await this.validate(actor.orgId, source(next));
    await this.db
      .transaction()
      .execute(async (trx) => {
        const fresh = await this.record(actor.orgId, id, trx);
        if (next.name.toLowerCase() !== fresh.name_lower && (await this.store.byName(actor.orgId, next.name, trx)))
          throw conflict(`A template named "${next.name}" already exists.`);
        if (next.status === 'published') await this.publishedConflict(actor.orgId, next, id, trx);
        await this.store.update(trx, actor.orgId, id, {
          name: next.name,
          name_lower: next.name.toLowerCase(),
          language: next.language,
          subject: next.subject,
          body: next.body,
          status: next.status,
          updated_at: nowIso(),
          updated_by: actor.label,
        });
        const verb = next.status !== fresh.status ? (next.status === 'published' ? 'Published' : 'Moved to draft') : 'Edited';
        await this.audit.record(trx, actor, {
          action: 'Update',
          module: MODULE,
          resource: RESOURCE,
          resourceId: id,
          notes: `${verb} notification template ${next.name}`,
          before: auditShape(fresh),
          after: auditShape(next),
        });
      })
      .catch((e: unknown) => this.translateUnique(e, next.name));
    return this.get(actor.orgId, id);
  }

  /** Translate (another language) or Clone (same language): a Draft copy the admin then edits. */
  async copy(actor: Principal, id: number, how: { language?: string; name?: string }): Promise<TemplateView> {
    const from = await this.record(actor.orgId, id);
    const translating = how.language !== undefined;
    if (translating && how.language === from.language)
      throw badRequest(`"${from.name}" is already in ${LANGUAGE_LABELS[from.language as Language] ?? from.language}. Pick another language, or use Clone.`);
    const language = how.language ?? from.language;
    const base = how.name ?? (translating ? `${from.name} (${LANGUAGE_LABELS[language as Language]})` : `${from.name} (copy)`);
    const newId = await this.db
      .transaction()
      .execute(async (trx) => {
        if ((await this.store.count(actor.orgId, trx)) >= MAX_TEMPLATES)
          throw conflict(`An organisation can hold at most ${MAX_TEMPLATES} notification templates. Delete unused drafts first.`);
        if (how.name && (await this.store.byName(actor.orgId, how.name, trx))) throw conflict(`A template named "${how.name}" already exists.`);
        const name = how.name ?? (await this.uniqueName(actor.orgId, base, trx));
        const now = nowIso();
        const row = {
          org_id: actor.orgId,
          name,
          name_lower: name.toLowerCase(),
          family: from.family,
          channel: from.channel,
          language,
          subject: from.subject,
          body: from.body,
          status: 'draft',
          translation_of: translating ? (from.translation_of ?? from.id) : null,
          system_key: null,
          created_at: now,
          updated_at: now,
          updated_by: actor.label,
        };
        const newId = await this.store.insert(trx, row);
        await this.audit.record(trx, actor, {
          action: 'Insert',
          module: MODULE,
          resource: RESOURCE,
          resourceId: newId,
          notes: translating
            ? `Translated notification template ${from.name} to ${LANGUAGE_LABELS[language as Language]} as ${name}`
            : `Cloned notification template ${from.name} as ${name}`,
          after: auditShape(row),
        });
        return newId;
      })
      .catch((e: unknown) => this.translateUnique(e, how.name ?? base));
    return this.get(actor.orgId, newId);
  }

  /** Only drafts can be deleted, and not while a Template Mapping row names them. */
  async delete(actor: Principal, id: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const current = await this.record(actor.orgId, id, trx);
      if (current.status !== 'draft') {
        throw badRequest(
          `Only draft templates can be deleted; "${current.name}" is ${current.status === 'published' ? 'published. Save it as a draft first' : 'a System Default'}.`,
        );
      }
      const used = await this.store.usingTemplate(actor.orgId, id, trx);
      if (used.length) throw conflict(`"${current.name}" is used by ${used.length} Template Mappings row(s). Change those rows first.`);
      await this.store.delete(trx, actor.orgId, id);
      await this.audit.record(trx, actor, {
        action: 'Delete',
        module: MODULE,
        resource: RESOURCE,
        resourceId: id,
        notes: `Deleted notification template ${current.name}`,
        before: auditShape(current),
      });
    });
  }

  /** View/Preview: the stored template rendered with the sample incident exactly as its channel receives it. */
  async preview(orgId: number, id: number): Promise<RenderedMessage> {
    return this.previewSource(orgId, source(await this.record(orgId, id)));
  }

  /** The editor's live preview of unsaved text: the same checks as saving, then the sample render. */
  async previewUnsaved(orgId: number, input: PreviewBody): Promise<RenderedMessage> {
    await this.validate(orgId, input);
    return this.previewSource(orgId, input);
  }

  private async previewSource(orgId: number, t: TemplateSource): Promise<RenderedMessage> {
    try {
      return await renderTemplate(t, sampleIncident(t.family), sampleVars(t.family, await this.orgs.name(orgId)));
    } catch (e) {
      if (e instanceof TemplateError) throw badRequest(e.message);
      throw e;
    }
  }
}
