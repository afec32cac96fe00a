import { sql, type Generated, type Kysely } from 'kysely';
import type { Dialect } from '../../platform/db/database.js';
import { withId } from '../../platform/db/schema-helpers.js';
import { systemDefaultRows } from './defaults.js';

/** Notification Templates: per org; System Defaults are seeded rows with a `system_key`. */
export interface NotificationTemplatesTable {
  id: Generated<number>;
  org_id: number;
  name: string;
  name_lower: string;
  family: string;
  channel: string;
  language: string;
  /** Email subject or chat title (Liquid). */
  subject: string;
  /** Liquid: an MJML document for email, mrkdwn for Slack, card markdown for Teams. */
  body: string;
  status: string;
  /** The template this one was translated from (a translation group), else null. */
  translation_of: number | null;
  /** "family:channel" on a System Default, null on an admin's template. */
  system_key: string | null;
  created_at: string;
  updated_at: string;
  updated_by: string;
}

/** Template Mappings rows: the Incident tab (source type + action + notification type) and the Digest tab. */
export interface TemplateMappingsTable {
  id: Generated<number>;
  org_id: number;
  tab: string;
  /** Incident tab: a Source DLP Type; Digest tab: ''. */
  source_dlp_type: string;
  /** '' means any action. */
  source_action: string;
  source_action_lower: string;
  notification_type: string;
  email_template_id: number | null;
  slack_template_id: number | null;
  teams_template_id: number | null;
  created_at: string;
  updated_at: string;
}

/** Survey Templates: the questionnaire texts per kind and language (JSON); absent = the built-in English texts. */
export interface SurveyTemplatesTable {
  id: Generated<number>;
  org_id: number;
  kind: string;
  language: string;
  texts: string;
  created_at: string;
  updated_at: string;
  updated_by: string;
}

export interface NotificationTemplatesTables {
  notification_templates: NotificationTemplatesTable;
  template_mappings: TemplateMappingsTable;
  survey_templates: SurveyTemplatesTable;
}

export async function notificationTemplatesInit(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await withId(db.schema.createTable('notification_templates'), dialect)
    .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_lower', 'text', (c) => c.notNull())
    .addColumn('family', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('translation_of', 'integer')
    .addColumn('system_key', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addUniqueConstraint('notification_templates_org_name_unique', ['org_id', 'name_lower'])
    .addUniqueConstraint('notification_templates_org_system_unique', ['org_id', 'system_key'])
    .execute();
  // One published template per language per family and channel, even with concurrent publishes.
  await db.schema
    .createIndex('notification_templates_one_published')
    .on('notification_templates')
    .columns(['org_id', 'family', 'channel', 'language'])
    .unique()
    .where(sql.ref('status'), '=', 'published')
    .execute();
  await db.schema.createIndex('notification_templates_org_family').on('notification_templates').columns(['org_id', 'family', 'channel']).execute();

  await withId(db.schema.createTable('template_mappings'), dialect)
    .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('tab', 'text', (c) => c.notNull())
    .addColumn('source_dlp_type', 'text', (c) => c.notNull())
    .addColumn('source_action', 'text', (c) => c.notNull())
    .addColumn('source_action_lower', 'text', (c) => c.notNull())
    .addColumn('notification_type', 'text', (c) => c.notNull())
    .addColumn('email_template_id', 'integer', (c) => c.references('notification_templates.id'))
    .addColumn('slack_template_id', 'integer', (c) => c.references('notification_templates.id'))
    .addColumn('teams_template_id', 'integer', (c) => c.references('notification_templates.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('template_mappings_unique', ['org_id', 'tab', 'source_dlp_type', 'source_action_lower', 'notification_type'])
    .execute();

  await withId(db.schema.createTable('survey_templates'), dialect)
    .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('texts', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addUniqueConstraint('survey_templates_unique', ['org_id', 'kind', 'language'])
    .execute();

  // Orgs created before this module get their System Defaults here; new orgs at creation (orgSetup).
  const legacy = db as Kysely<NotificationTemplatesTables & { orgs: { id: number } }>;
  const now = new Date().toISOString();
  for (const org of await legacy.selectFrom('orgs').select('id').execute()) {
    await legacy.insertInto('notification_templates').values(systemDefaultRows(org.id, now)).execute();
  }
}
