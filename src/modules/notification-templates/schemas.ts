import { z } from 'zod';
import { bodyId, nameText, queryId, text } from '../../platform/http/input.js';
import { pageQuery, paged } from '../../platform/http/pagination.js';
import { SOURCE_TYPES } from '../incidents/vocabulary.js';
import { CHANNELS, DIGEST_TYPES, FAMILIES, INCIDENT_NOTIFICATION_TYPES, LANGUAGES, STATUSES, SURVEY_KINDS } from './vocabulary.js';

export const family = z.enum(FAMILIES);
export const channel = z.enum(CHANNELS);
export const language = z.enum(LANGUAGES, { error: `Pick a language: ${LANGUAGES.join(', ')}.` });
export const templateStatus = z.enum(STATUSES);

const templateName = nameText().trim().min(1, 'Template Name is required.').max(120, 'Template Name must be at most 120 characters.');
const subject = text().max(500, 'Subject must be at most 500 characters.');
const body = text().min(1, 'Body is required.').max(100_000, 'Body must be at most 100,000 characters.');

/** POST /api/v1/notification-templates — a new Draft (or Published straight away). */
export const createTemplateBody = z.strictObject({
  name: templateName,
  family,
  channel,
  language: language.default('en'),
  subject: subject.default(''),
  body,
  status: z.enum(['draft', 'published']).default('draft'),
});
/** PATCH /api/v1/notification-templates/:id — Save as Draft (`status: 'draft'`) or Publish Template (`'published'`). */
export const updateTemplateBody = z.strictObject({
  name: templateName.optional(),
  language: language.optional(),
  subject: subject.optional(),
  body: body.optional(),
  status: z.enum(['draft', 'published']).optional(),
});
export const translateBody = z.strictObject({ language, name: templateName.optional() });
export const cloneBody = z.strictObject({ name: templateName.optional() });
/** POST /api/v1/notification-templates/preview — renders unsaved text (the editor's live preview). */
export const previewBody = z.strictObject({ family, channel, subject: subject.default(''), body });

export const templateListQuery = z.strictObject({
  ...pageQuery,
  family: family.optional(),
  channel: channel.optional(),
  language: language.optional(),
  status: templateStatus.optional(),
  search: text().max(200).optional(),
});

export const templateView = z.object({
  id: z.number(),
  name: z.string(),
  family,
  channel,
  language: z.string(),
  subject: z.string(),
  body: z.string(),
  status: templateStatus,
  translationOf: z.number().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string(),
});
export const templateSummary = templateView.omit({ body: true, subject: true });
export const templateList = paged(templateSummary);

export const renderedView = z.object({
  subject: z.string(),
  text: z.string(),
  html: z.string().optional(),
  slackBlocks: z.array(z.unknown()).optional(),
  teamsCard: z.unknown().optional(),
});

const variable = z.object({ name: z.string(), description: z.string(), families: z.union([z.literal('all'), z.array(family)]) });
export const variablesView = z.object({ top: z.array(variable), incident: z.array(variable), row: z.array(variable) });

// --- Template Mappings ---
const sourceAction = nameText().trim().max(60, 'Source Action must be at most 60 characters.');
const templateRef = bodyId().nullable().default(null);
export const createIncidentMappingBody = z.strictObject({
  sourceDlpType: z.enum(SOURCE_TYPES),
  /** Empty or omitted: any action. */
  sourceAction: sourceAction.default(''),
  notificationType: z.enum(INCIDENT_NOTIFICATION_TYPES),
  emailTemplateId: templateRef,
  slackTemplateId: templateRef,
  teamsTemplateId: templateRef,
});
export const createDigestMappingBody = z.strictObject({
  notificationType: z.enum(DIGEST_TYPES),
  emailTemplateId: templateRef,
  slackTemplateId: templateRef,
  teamsTemplateId: templateRef,
});
export const updateMappingBody = z.strictObject({
  emailTemplateId: bodyId().nullable().optional(),
  slackTemplateId: bodyId().nullable().optional(),
  teamsTemplateId: bodyId().nullable().optional(),
});
export const mappingTab = z.enum(['incident', 'digest']);
export const mappingListQuery = z.strictObject({ tab: mappingTab.default('incident') });
const templateRefView = z.object({ id: z.number(), name: z.string(), status: templateStatus, language: z.string() }).nullable();
export const mappingView = z.object({
  id: z.number(),
  tab: mappingTab,
  sourceDlpType: z.string().nullable(),
  sourceAction: z.string().nullable(),
  notificationType: family,
  email: templateRefView,
  slack: templateRefView,
  teams: templateRefView,
  updatedAt: z.string(),
});
export const mappingList = z.object({ items: z.array(mappingView) });

// --- Survey Templates ---
export const surveyKind = z.enum(SURVEY_KINDS);
export const surveyParams = z.strictObject({ kind: surveyKind, language });
const surveyText = text().trim().min(1, 'Every survey text is required.').max(2000, 'A survey text must be at most 2,000 characters.');
export const endUserSurveyTexts = z.strictObject({
  title: surveyText,
  intro: surveyText,
  justificationTypeLabel: surveyText,
  falsePositive: surveyText,
  managerApproved: surveyText,
  others: surveyText,
  reasonLabel: surveyText,
  submit: surveyText,
  thankYou: surveyText,
});
export const escalationSurveyTexts = z.strictObject({
  title: surveyText,
  intro: surveyText,
  decisionLabel: surveyText,
  approve: surveyText,
  reject: surveyText,
  reasonLabel: surveyText,
  submit: surveyText,
  thankYou: surveyText,
});
export const saveSurveyBody = z.strictObject({ texts: z.union([endUserSurveyTexts, escalationSurveyTexts]) });
export const surveyView = z.object({
  kind: surveyKind,
  family: z.string(),
  type: z.literal('Questionnaire'),
  language: z.string(),
  /** false: the built-in English texts (nothing saved for this language). */
  customised: z.boolean(),
  texts: z.record(z.string(), z.string()),
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
});
export const surveyList = z.object({ items: z.array(surveyView) });

export const templateIdParam = z.strictObject({ id: queryId() });

export type CreateTemplateBody = z.infer<typeof createTemplateBody>;
export type UpdateTemplateBody = z.infer<typeof updateTemplateBody>;
export type TemplateListQuery = z.infer<typeof templateListQuery>;
export type TemplateView = z.infer<typeof templateView>;
export type TemplateSummary = z.infer<typeof templateSummary>;
export type PreviewBody = z.infer<typeof previewBody>;
export type CreateIncidentMappingBody = z.infer<typeof createIncidentMappingBody>;
export type CreateDigestMappingBody = z.infer<typeof createDigestMappingBody>;
export type UpdateMappingBody = z.infer<typeof updateMappingBody>;
export type MappingView = z.infer<typeof mappingView>;
export type SurveyView = z.infer<typeof surveyView>;
export type RenderedView = z.infer<typeof renderedView>;
export type VariablesView = z.infer<typeof variablesView>;
