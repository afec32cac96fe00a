import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type { Exec } from '../../platform/db/exec.js';
import type { NotificationTemplatesTables } from './migrations.js';

type T = NotificationTemplatesTables;
export type TemplateRecord = Selectable<T['notification_templates']>;
export type MappingRecord = Selectable<T['template_mappings']>;
export type SurveyRecord = Selectable<T['survey_templates']>;

export type TemplateFilter = { family?: string; channel?: string; language?: string; status?: string };

export class NotificationTemplatesStore {
  constructor(private readonly db: Kysely<T>) {}

  // --- templates ---
  /** Every template of the org matching the filters (an org holds at most MAX_TEMPLATES). */
  list(orgId: number, f: TemplateFilter, exec: Exec<T> = this.db): Promise<TemplateRecord[]> {
    let q = exec.selectFrom('notification_templates').selectAll().where('org_id', '=', orgId);
    if (f.family) q = q.where('family', '=', f.family);
    if (f.channel) q = q.where('channel', '=', f.channel);
    if (f.language) q = q.where('language', '=', f.language);
    if (f.status) q = q.where('status', '=', f.status);
    return q.orderBy('family').orderBy('channel').orderBy('name_lower').orderBy('id').execute();
  }

  async count(orgId: number, exec: Exec<T> = this.db): Promise<number> {
    const r = await exec
      .selectFrom('notification_templates')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('org_id', '=', orgId)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  get(orgId: number, id: number, exec: Exec<T> = this.db): Promise<TemplateRecord | undefined> {
    return exec.selectFrom('notification_templates').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  }

  byName(orgId: number, name: string, exec: Exec<T> = this.db): Promise<TemplateRecord | undefined> {
    return exec.selectFrom('notification_templates').selectAll().where('org_id', '=', orgId).where('name_lower', '=', name.toLowerCase()).executeTakeFirst();
  }

  async insertMany(exec: Exec<T>, rows: Insertable<T['notification_templates']>[]): Promise<void> {
    if (rows.length) await exec.insertInto('notification_templates').values(rows).execute();
  }

  /** Published or System Default templates of a family and channel, for the fallbacks of `render`. */
  usable(orgId: number, family: string, channel: string, exec: Exec<T> = this.db): Promise<TemplateRecord[]> {
    return exec
      .selectFrom('notification_templates')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('family', '=', family)
      .where('channel', '=', channel)
      .where('status', 'in', ['published', 'system_default'])
      .orderBy('id')
      .execute();
  }

  published(orgId: number, family: string, channel: string, language: string, exec: Exec<T> = this.db): Promise<TemplateRecord | undefined> {
    return exec
      .selectFrom('notification_templates')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('family', '=', family)
      .where('channel', '=', channel)
      .where('language', '=', language)
      .where('status', '=', 'published')
      .executeTakeFirst();
  }

  async insert(exec: Exec<T>, row: Insertable<T['notification_templates']>): Promise<number> {
    const r = await exec.insertInto('notification_templates').values(row).returning('id').executeTakeFirstOrThrow();
    return r.id;
  }

  async update(exec: Exec<T>, orgId: number, id: number, patch: Updateable<T['notification_templates']>): Promise<void> {
    await exec.updateTable('notification_templates').set(patch).where('org_id', '=', orgId).where('id', '=', id).execute();
  }

  async delete(exec: Exec<T>, orgId: number, id: number): Promise<void> {
    await exec.deleteFrom('notification_templates').where('org_id', '=', orgId).where('id', '=', id).execute();
  }

  // --- mappings ---
  mappings(orgId: number, tab: string, exec: Exec<T> = this.db): Promise<MappingRecord[]> {
    return exec
      .selectFrom('template_mappings')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('tab', '=', tab)
      .orderBy('source_dlp_type')
      .orderBy('source_action_lower')
      .orderBy('notification_type')
      .orderBy('id')
      .execute();
  }

  mapping(orgId: number, id: number, exec: Exec<T> = this.db): Promise<MappingRecord | undefined> {
    return exec.selectFrom('template_mappings').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  }

  /** Rows that could apply: the exact action and the any-action row of the source type and notification type. */
  candidates(orgId: number, tab: string, sourceDlpType: string, sourceAction: string, notificationType: string, exec: Exec<T> = this.db) {
    return exec
      .selectFrom('template_mappings')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('tab', '=', tab)
      .where('source_dlp_type', '=', sourceDlpType)
      .where('notification_type', '=', notificationType)
      .where('source_action_lower', 'in', sourceAction ? ['', sourceAction.toLowerCase()] : [''])
      .execute();
  }

  usingTemplate(orgId: number, templateId: number, exec: Exec<T> = this.db): Promise<MappingRecord[]> {
    return exec
      .selectFrom('template_mappings')
      .selectAll()
      .where('org_id', '=', orgId)
      .where((eb) => eb.or([eb('email_template_id', '=', templateId), eb('slack_template_id', '=', templateId), eb('teams_template_id', '=', templateId)]))
      .execute();
  }

  async insertMapping(exec: Exec<T>, row: Insertable<T['template_mappings']>): Promise<number> {
    const r = await exec.insertInto('template_mappings').values(row).returning('id').executeTakeFirstOrThrow();
    return r.id;
  }

  async updateMapping(exec: Exec<T>, orgId: number, id: number, patch: Updateable<T['template_mappings']>): Promise<void> {
    await exec.updateTable('template_mappings').set(patch).where('org_id', '=', orgId).where('id', '=', id).execute();
  }

  async deleteMapping(exec: Exec<T>, orgId: number, id: number): Promise<void> {
    await exec.deleteFrom('template_mappings').where('org_id', '=', orgId).where('id', '=', id).execute();
  }

  // --- surveys ---
  surveys(orgId: number, exec: Exec<T> = this.db): Promise<SurveyRecord[]> {
    return exec.selectFrom('survey_templates').selectAll().where('org_id', '=', orgId).orderBy('kind').orderBy('language').execute();
  }

  survey(orgId: number, kind: string, language: string, exec: Exec<T> = this.db): Promise<SurveyRecord | undefined> {
    return exec
      .selectFrom('survey_templates')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('kind', '=', kind)
      .where('language', '=', language)
      .executeTakeFirst();
  }

  async upsertSurvey(exec: Exec<T>, row: Insertable<T['survey_templates']>): Promise<void> {
    await exec
      .insertInto('survey_templates')
      .values(row)
      .onConflict((oc) => oc.columns(['org_id', 'kind', 'language']).doUpdateSet({ texts: row.texts, updated_at: row.updated_at, updated_by: row.updated_by }))
      .execute();
  }

  async deleteSurvey(exec: Exec<T>, orgId: number, kind: string, language: string): Promise<void> {
    await exec.deleteFrom('survey_templates').where('org_id', '=', orgId).where('kind', '=', kind).where('language', '=', language).execute();
  }
}
