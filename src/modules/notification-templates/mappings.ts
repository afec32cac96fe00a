import type { Kysely } from 'kysely';
import { nowIso } from '../../platform/db/database.js';
import { isUniqueViolation } from '../../platform/db/errors.js';
import type { Exec } from '../../platform/db/exec.js';
import { badRequest, conflict, notFound } from '../../platform/http/errors.js';
import type { Principal } from '../../platform/principal.js';
import type { AuditRecorder } from '../audit/service.js';
import type { NotificationTemplatesTables } from './migrations.js';
import type { CreateDigestMappingBody, CreateIncidentMappingBody, MappingView, UpdateMappingBody } from './schemas.js';
import type { MappingRecord, NotificationTemplatesStore } from './store.js';
import {
  CHANNEL_LABELS,
  CHANNELS,
  FAMILY_LABELS,
  NOTIFICATION_TYPE_LABELS,
  type TemplateChannel,
  type TemplateFamily,
  type TemplateStatus,
} from './vocabulary.js';

const MODULE = 'Template Mappings';
const RESOURCE = 'Template Mapping';
const SLOT = { email: 'email_template_id', slack: 'slack_template_id', teams: 'teams_template_id' } as const;
const FIELD = { email: 'emailTemplateId', slack: 'slackTemplateId', teams: 'teamsTemplateId' } as const;
/** Rows per org and tab: every source type × a handful of actions × notification types fits well below. */
const MAX_ROWS = 500;

type T = NotificationTemplatesTables;

function describe(m: Pick<MappingRecord, 'tab' | 'source_dlp_type' | 'source_action' | 'notification_type'>): string {
  const type = NOTIFICATION_TYPE_LABELS[m.notification_type as TemplateFamily];
  return m.tab === 'digest' ? type : `${m.source_dlp_type} / ${m.source_action || 'any action'} / ${type}`;
}

/**
 * Template Mappings. Incident tab: Source DLP Type + Source Action + Notification Type → a template
 * per channel; Digest tab: digest type → a template per channel. Most specific wins: a row naming
 * the incident's action beats the row for any action of its source type (rows are unique, so there
 * is never a tie and order does not matter).
 */
export class MappingsManager {
  constructor(
    private readonly db: Kysely<T>,
    private readonly store: NotificationTemplatesStore,
    private readonly audit: AuditRecorder,
  ) {}

  private async view(orgId: number, m: MappingRecord, exec: Exec<T> = this.db): Promise<MappingView> {
    const ref = async (id: number | null) => {
      if (id === null) return null;
      const t = await this.store.get(orgId, id, exec);
      return t ? { id: t.id, name: t.name, status: t.status as TemplateStatus, language: t.language } : null;
    };
    return {
      id: m.id,
      tab: m.tab as 'incident' | 'digest',
      sourceDlpType: m.tab === 'incident' ? m.source_dlp_type : null,
      sourceAction: m.tab === 'incident' ? m.source_action || null : null,
      notificationType: m.notification_type as TemplateFamily,
      email: await ref(m.email_template_id),
      slack: await ref(m.slack_template_id),
      teams: await ref(m.teams_template_id),
      updatedAt: m.updated_at,
    };
  }

  async list(orgId: number, tab: 'incident' | 'digest'): Promise<MappingView[]> {
    const rows = await this.store.mappings(orgId, tab);
    return Promise.all(rows.map((m) => this.view(orgId, m)));
  }

  async get(orgId: number, id: number, exec: Exec<T> = this.db): Promise<MappingView> {
    const m = await this.store.mapping(orgId, id, exec);
    if (!m) throw notFound('Template mapping');
    return this.view(orgId, m, exec);
  }

  /** A mapped template must be of the row's family and the slot's channel, and published (or a System Default). */
  private async checkTemplates(orgId: number, family: TemplateFamily, ids: Partial<Record<TemplateChannel, number | null>>, exec: Exec<T>): Promise<void> {
    for (const channel of CHANNELS) {
      const id = ids[channel];
      if (id === undefined || id === null) continue;
      const field = FIELD[channel];
      const t = await this.store.get(orgId, id, exec);
      const fail = (why: string) => badRequest(`${field}: ${why}`, [{ field, message: why }]);
      if (!t) throw fail(`template ${id} does not exist.`);
      if (t.family !== family) throw fail(`"${t.name}" is a ${FAMILY_LABELS[t.family as TemplateFamily]} template; pick a ${FAMILY_LABELS[family]} template.`);
      if (t.channel !== channel)
        throw fail(`"${t.name}" is a ${CHANNEL_LABELS[t.channel as TemplateChannel]} template; pick a ${CHANNEL_LABELS[channel]} template.`);
      if (t.status === 'draft') throw fail(`"${t.name}" is a draft; publish it first.`);
    }
  }

  async create(
    actor: Principal,
    input: (CreateIncidentMappingBody & { tab: 'incident' }) | (CreateDigestMappingBody & { tab: 'digest' }),
  ): Promise<MappingView> {
    const sourceDlpType = input.tab === 'incident' ? input.sourceDlpType : '';
    const sourceAction = input.tab === 'incident' ? input.sourceAction : '';
    const family = input.notificationType as TemplateFamily;
    if (input.emailTemplateId === null && input.slackTemplateId === null && input.teamsTemplateId === null) {
      throw badRequest('Pick a template for at least one channel (Email, Slack or Teams).');
    }
    const row = {
      org_id: actor.orgId,
      tab: input.tab,
      source_dlp_type: sourceDlpType,
      source_action: sourceAction,
      source_action_lower: sourceAction.toLowerCase(),
      notification_type: family,
      email_template_id: input.emailTemplateId,
      slack_template_id: input.slackTemplateId,
      teams_template_id: input.teamsTemplateId,
    };
    const exists = () => conflict(`A mapping for ${describe(row)} already exists. Edit that row instead.`);
    const id = await this.db
      .transaction()
      .execute(async (trx) => {
        await this.checkTemplates(actor.orgId, family, { email: input.emailTemplateId, slack: input.slackTemplateId, teams: input.teamsTemplateId }, trx);
        if ((await this.store.mappings(actor.orgId, input.tab, trx)).length >= MAX_ROWS)
          throw conflict(`The ${input.tab === 'incident' ? 'Incident' : 'Digest'} tab holds at most ${MAX_ROWS} rows.`);
        const same = await this.store.candidates(actor.orgId, input.tab, sourceDlpType, sourceAction, family, trx);
        if (same.some((m) => m.source_action_lower === row.source_action_lower)) throw exists();
        const now = nowIso();
        const id = await this.store.insertMapping(trx, { ...row, created_at: now, updated_at: now });
        await this.audit.record(trx, actor, {
          action: 'Insert',
          module: MODULE,
          resource: RESOURCE,
          resourceId: id,
          notes: `Added template mapping ${describe(row)}`,
          after: row,
        });
        return id;
      })
      .catch((e: unknown) => {
        if (isUniqueViolation(e)) throw exists();
        throw e;
      });
    return this.get(actor.orgId, id);
  }

  async update(actor: Principal, id: number, input: UpdateMappingBody): Promise<MappingView> {
    await this.db.transaction().execute(async (trx) => {
      const current = await this.store.mapping(actor.orgId, id, trx);
      if (!current) throw notFound('Template mapping');
      const next = {
        email_template_id: input.emailTemplateId === undefined ? current.email_template_id : input.emailTemplateId,
        slack_template_id: input.slackTemplateId === undefined ? current.slack_template_id : input.slackTemplateId,
        teams_template_id: input.teamsTemplateId === undefined ? current.teams_template_id : input.teamsTemplateId,
      };
      if (next.email_template_id === null && next.slack_template_id === null && next.teams_template_id === null) {
        throw badRequest('Pick a template for at least one channel (Email, Slack or Teams), or delete the row.');
      }
      await this.checkTemplates(
        actor.orgId,
        current.notification_type as TemplateFamily,
        { email: input.emailTemplateId, slack: input.slackTemplateId, teams: input.teamsTemplateId },
        trx,
      );
      await this.store.updateMapping(trx, actor.orgId, id, { ...next, updated_at: nowIso() });
      await this.audit.record(trx, actor, {
        action: 'Update',
        module: MODULE,
        resource: RESOURCE,
        resourceId: id,
        notes: `Edited template mapping ${describe(current)}`,
        before: { email_template_id: current.email_template_id, slack_template_id: current.slack_template_id, teams_template_id: current.teams_template_id },
        after: next,
      });
    });
    return this.get(actor.orgId, id);
  }

  async delete(actor: Principal, id: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const current = await this.store.mapping(actor.orgId, id, trx);
      if (!current) throw notFound('Template mapping');
      await this.store.deleteMapping(trx, actor.orgId, id);
      await this.audit.record(trx, actor, {
        action: 'Delete',
        module: MODULE,
        resource: RESOURCE,
        resourceId: id,
        notes: `Deleted template mapping ${describe(current)}`,
        before: current,
      });
    });
  }

  /** The template a mapping row names for the channel, if any (most specific row first). */
  async mapped(
    orgId: number,
    family: TemplateFamily,
    channel: TemplateChannel,
    incident: { sourceDlpType?: unknown; sourceAction?: unknown } | null | undefined,
  ): Promise<number | null> {
    const digest = family === 'digest' || family === 'admin_digest';
    if (!digest && (!incident || typeof incident.sourceDlpType !== 'string')) return null;
    const sourceDlpType = digest ? '' : (incident!.sourceDlpType as string);
    const sourceAction = digest || typeof incident?.sourceAction !== 'string' ? '' : incident.sourceAction;
    const rows = await this.store.candidates(orgId, digest ? 'digest' : 'incident', sourceDlpType, sourceAction, family);
    const ordered = rows.sort((a, b) => (b.source_action_lower ? 1 : 0) - (a.source_action_lower ? 1 : 0));
    for (const r of ordered) {
      const id = r[SLOT[channel]];
      if (id !== null) return id;
    }
    return null;
  }
}
