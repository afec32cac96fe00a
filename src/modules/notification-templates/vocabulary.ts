/**
 * Notification template vocabularies (PRODUCT.md §15) as plain constants with no dependencies, so
 * the web app shows the very lists and variable names the server validates with.
 */

export const FAMILIES = ['end_user', 'escalation', 'digest', 'admin_digest'] as const;
export type TemplateFamily = (typeof FAMILIES)[number];
export const FAMILY_LABELS: Record<TemplateFamily, string> = {
  end_user: 'End-user Justification',
  escalation: 'Escalation',
  digest: 'Digest',
  admin_digest: 'DLP Admin Digest',
};

export const CHANNELS = ['email', 'slack', 'teams'] as const;
export type TemplateChannel = (typeof CHANNELS)[number];
export const CHANNEL_LABELS: Record<TemplateChannel, string> = { email: 'Email', slack: 'Slack', teams: 'Teams' };

export const STATUSES = ['draft', 'published', 'system_default'] as const;
export type TemplateStatus = (typeof STATUSES)[number];
export const STATUS_LABELS: Record<TemplateStatus, string> = { draft: 'Draft', published: 'Published', system_default: 'System Default' };

/** Languages a template or survey can be written in (ISO 639-1). System Defaults are English. */
export const LANGUAGES = ['en', 'de', 'es', 'fr', 'it', 'ja', 'ko', 'nl', 'pt', 'zh'] as const;
export type Language = (typeof LANGUAGES)[number];
export const LANGUAGE_LABELS: Record<Language, string> = {
  en: 'English',
  de: 'German',
  es: 'Spanish',
  fr: 'French',
  it: 'Italian',
  ja: 'Japanese',
  ko: 'Korean',
  nl: 'Dutch',
  pt: 'Portuguese',
  zh: 'Chinese',
};

/** Survey templates (PRODUCT.md §15): one questionnaire per kind and language. */
export const SURVEY_KINDS = ['end_user', 'escalation'] as const;
export type SurveyKind = (typeof SURVEY_KINDS)[number];
export const SURVEY_KIND_LABELS: Record<SurveyKind, string> = {
  end_user: 'End-user Justification - Questionnaire Template',
  escalation: 'Escalation - Questionnaire Template',
};

/** Template Mappings: Notification Type of the Incident tab and the digest kinds of the Digest tab. */
export const INCIDENT_NOTIFICATION_TYPES = ['end_user', 'escalation'] as const;
export type IncidentNotificationType = (typeof INCIDENT_NOTIFICATION_TYPES)[number];
export const NOTIFICATION_TYPE_LABELS: Record<TemplateFamily, string> = {
  end_user: 'End User Notification',
  escalation: 'Escalation',
  digest: 'Digest',
  admin_digest: 'DLP Admin Digest',
};
export const DIGEST_TYPES = ['digest', 'admin_digest'] as const;

/** Source Action values offered per Source DLP Type in the Incident tab (free text is accepted too). */
export const SOURCE_ACTIONS = ['Default', 'Allow', 'Block', 'Confirm', 'Quarantine', 'Encrypt', 'Notify'] as const;

export type TemplateVariable = { name: string; description: string; families: readonly TemplateFamily[] | 'all' };

/** Attributes of `incident` a template may use (`{{ incident.fileName }}`); a hidden (obfuscated) one renders as masked text. */
export const INCIDENT_VARIABLES: readonly TemplateVariable[] = [
  { name: 'id', description: 'Incident ID (number)', families: 'all' },
  { name: 'transactionId', description: 'Transaction ID', families: 'all' },
  { name: 'severity', description: 'Severity (Critical, High, Medium, Low, Info)', families: 'all' },
  { name: 'status', description: 'Incident status', families: 'all' },
  { name: 'sourceDlpType', description: 'Source DLP Type (Inline, Email, Endpoint, SaaS Security)', families: 'all' },
  { name: 'sourceAction', description: 'Action the DLP engine took (Block, Allow, Confirm…)', families: 'all' },
  { name: 'dlpEngine', description: 'Triggered DLP engine', families: 'all' },
  { name: 'user', description: "Originating user's name", families: 'all' },
  { name: 'userEmail', description: "Originating user's email", families: 'all' },
  { name: 'department', description: "Originating user's department", families: 'all' },
  { name: 'destination', description: 'Destination (URL, application or recipient)', families: 'all' },
  { name: 'fileName', description: 'File name', families: 'all' },
  { name: 'matchCount', description: 'Number of matches', families: 'all' },
  { name: 'createdAt', description: 'Incident date (ISO-8601 UTC)', families: 'all' },
];

/** Top-level variables. `incident` is null in digests; `rows` is empty outside digests. */
export const TOP_VARIABLES: readonly TemplateVariable[] = [
  { name: 'incident', description: 'The incident (see its attributes); null in digests', families: ['end_user', 'escalation'] },
  { name: 'recipientName', description: 'Name of the person receiving the message', families: 'all' },
  { name: 'recipientEmail', description: 'Email address of the person receiving the message', families: 'all' },
  { name: 'surveyUrl', description: 'Link to the justification or escalation survey', families: ['end_user', 'escalation'] },
  { name: 'expiresAt', description: 'When the survey link expires (ISO-8601 UTC)', families: ['end_user', 'escalation'] },
  { name: 'note', description: 'Note to user typed by the admin (may be empty)', families: ['end_user', 'escalation'] },
  { name: 'originatingUser', description: 'Escalation: the user who caused the incident', families: ['escalation'] },
  { name: 'orgName', description: "Your organisation's name", families: 'all' },
  { name: 'periodStart', description: 'Digest: start of the period (ISO-8601 UTC)', families: ['digest', 'admin_digest'] },
  { name: 'periodEnd', description: 'Digest: end of the period (ISO-8601 UTC)', families: ['digest', 'admin_digest'] },
  { name: 'totalCount', description: 'Digest: number of incidents in the period', families: ['digest', 'admin_digest'] },
  { name: 'pendingCount', description: 'Digest: incidents still waiting for a response', families: ['digest', 'admin_digest'] },
  { name: 'rows', description: 'Digest: list of incidents; each row has the row attributes below', families: ['digest', 'admin_digest'] },
];

/** Attributes of each digest row (`{% for row in rows %}{{ row.transactionId }}{% endfor %}`). */
export const ROW_VARIABLES: readonly TemplateVariable[] = [
  { name: 'id', description: 'Incident ID', families: ['digest', 'admin_digest'] },
  { name: 'transactionId', description: 'Transaction ID', families: ['digest', 'admin_digest'] },
  { name: 'severity', description: 'Severity', families: ['digest', 'admin_digest'] },
  { name: 'status', description: 'Incident status', families: ['digest', 'admin_digest'] },
  { name: 'sourceDlpType', description: 'Source DLP Type', families: ['digest', 'admin_digest'] },
  { name: 'user', description: "Originating user's name", families: ['digest', 'admin_digest'] },
  { name: 'fileName', description: 'File name', families: ['digest', 'admin_digest'] },
  { name: 'createdAt', description: 'Incident date', families: ['digest', 'admin_digest'] },
  { name: 'surveyUrl', description: 'Survey link for this incident (end-user digest)', families: ['digest', 'admin_digest'] },
];
