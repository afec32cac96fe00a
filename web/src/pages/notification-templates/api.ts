/** Notification Templates, Survey Templates and Template Mappings API for the web app (contract: src/modules/notification-templates/schemas.ts). */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { MappingView, RenderedView, SurveyView, TemplateSummary, TemplateView, VariablesView } from '@server/modules/notification-templates/schemas';
import { del, get, patch, post, put } from '../../api/client';
import { useInvalidatingMutation, type MutationCallbacks } from '../../api/mutation';
import type { Paged } from '../../api/types';

export type { MappingView, RenderedView, SurveyView, TemplateSummary, TemplateView, VariablesView };
export {
  CHANNEL_LABELS,
  CHANNELS,
  FAMILIES,
  FAMILY_LABELS,
  LANGUAGE_LABELS,
  LANGUAGES,
  NOTIFICATION_TYPE_LABELS,
  SOURCE_ACTIONS,
  STATUS_LABELS,
  STATUSES,
  SURVEY_KIND_LABELS,
  SURVEY_KINDS,
  INCIDENT_NOTIFICATION_TYPES,
  DIGEST_TYPES,
  type TemplateChannel,
  type TemplateFamily,
  type TemplateStatus,
  type SurveyKind,
} from '@server/modules/notification-templates/vocabulary';
export { SOURCE_TYPES } from '@server/modules/incidents/vocabulary';

export type TemplateFilters = { family?: string; channel?: string; language?: string; status?: string; search?: string; page: number; pageSize: number };
export type TemplateInput = {
  name?: string;
  family?: string;
  channel?: string;
  language?: string;
  subject?: string;
  body?: string;
  status?: 'draft' | 'published';
};
export type PreviewInput = { family: string; channel: string; subject: string; body: string };

export const templateKeys = {
  all: ['notification-templates'] as const,
  list: (f: TemplateFilters) => ['notification-templates', 'list', f] as const,
  one: (id: number) => ['notification-templates', 'one', id] as const,
  preview: (id: number) => ['notification-templates', 'preview', id] as const,
  variables: ['notification-templates', 'variables'] as const,
  livePreview: (input: PreviewInput) => ['notification-templates', 'live-preview', input] as const,
};
export const mappingKeys = { all: ['template-mappings'] as const, tab: (tab: string) => ['template-mappings', tab] as const };
export const surveyKeys = { all: ['survey-templates'] as const };

export function useTemplates(f: TemplateFilters) {
  return useQuery({
    queryKey: templateKeys.list(f),
    queryFn: ({ signal }) => get<Paged<TemplateSummary>>('/notification-templates', f, { signal }),
    placeholderData: keepPreviousData,
  });
}

/** Every usable template of a family and channel (for the Template Mappings selects). */
export function useTemplateChoices(family: string, channel: string, enabled = true) {
  return useQuery({
    queryKey: templateKeys.list({ family, channel, page: 1, pageSize: 100 }),
    queryFn: ({ signal }) => get<Paged<TemplateSummary>>('/notification-templates', { family, channel, page: 1, pageSize: 100 }, { signal }),
    enabled,
    select: (d) => d.items.filter((t) => t.status !== 'draft'),
  });
}

export function useTemplate(id: number | null) {
  return useQuery({
    queryKey: templateKeys.one(id ?? 0),
    queryFn: ({ signal }) => get<TemplateView>(`/notification-templates/${id}`, undefined, { signal }),
    enabled: id !== null,
  });
}

export function useTemplatePreview(id: number | null) {
  return useQuery({
    queryKey: templateKeys.preview(id ?? 0),
    queryFn: ({ signal }) => get<RenderedView>(`/notification-templates/${id}/preview`, undefined, { signal }),
    enabled: id !== null,
  });
}

/** The editor's live preview of unsaved text (the server checks it as on save). */
export function useLivePreview(input: PreviewInput | null) {
  return useQuery({
    queryKey: templateKeys.livePreview(input ?? { family: '', channel: '', subject: '', body: '' }),
    queryFn: ({ signal }) => post<RenderedView>('/notification-templates/preview', input, { signal }),
    enabled: !!input && !!input.body.trim(),
    placeholderData: keepPreviousData,
    retry: false,
  });
}

export function useVariables() {
  return useQuery({
    queryKey: templateKeys.variables,
    queryFn: ({ signal }) => get<VariablesView>('/notification-templates/variables', undefined, { signal }),
    staleTime: Infinity,
  });
}

export function useSaveTemplate(id: number | null, cb?: MutationCallbacks<TemplateView, TemplateInput>) {
  return useInvalidatingMutation(
    (body: TemplateInput) => (id === null ? post<TemplateView>('/notification-templates', body) : patch<TemplateView>(`/notification-templates/${id}`, body)),
    [templateKeys.all, mappingKeys.all],
    cb,
  );
}

export function useCopyTemplate(cb?: MutationCallbacks<TemplateView, { id: number; language?: string; name?: string }>) {
  return useInvalidatingMutation(
    ({ id, language, name }: { id: number; language?: string; name?: string }) =>
      language
        ? post<TemplateView>(`/notification-templates/${id}/translate`, { language, ...(name ? { name } : {}) })
        : post<TemplateView>(`/notification-templates/${id}/clone`, name ? { name } : {}),
    [templateKeys.all],
    cb,
  );
}

export function useDeleteTemplate(cb?: MutationCallbacks<void, TemplateSummary>) {
  return useInvalidatingMutation((t: TemplateSummary) => del(`/notification-templates/${t.id}`), [templateKeys.all], cb);
}

// --- Template Mappings ---
export type MappingInput = {
  sourceDlpType?: string;
  sourceAction?: string;
  notificationType: string;
  emailTemplateId: number | null;
  slackTemplateId: number | null;
  teamsTemplateId: number | null;
};

export function useMappings(tab: 'incident' | 'digest') {
  return useQuery({ queryKey: mappingKeys.tab(tab), queryFn: ({ signal }) => get<{ items: MappingView[] }>('/template-mappings', { tab }, { signal }) });
}

export function useSaveMapping(tab: 'incident' | 'digest', id: number | null, cb?: MutationCallbacks<MappingView, MappingInput>) {
  return useInvalidatingMutation(
    (body: MappingInput) =>
      id === null
        ? post<MappingView>(`/template-mappings/${tab}`, body)
        : patch<MappingView>(`/template-mappings/${id}`, {
            emailTemplateId: body.emailTemplateId,
            slackTemplateId: body.slackTemplateId,
            teamsTemplateId: body.teamsTemplateId,
          }),
    [mappingKeys.all],
    cb,
  );
}

export function useDeleteMapping(cb?: MutationCallbacks<void, MappingView>) {
  return useInvalidatingMutation((m: MappingView) => del(`/template-mappings/${m.id}`), [mappingKeys.all], cb);
}

// --- Survey Templates ---
export function useSurveys() {
  return useQuery({ queryKey: surveyKeys.all, queryFn: ({ signal }) => get<{ items: SurveyView[] }>('/survey-templates', undefined, { signal }) });
}

export function useSaveSurvey(cb?: MutationCallbacks<SurveyView, { kind: string; language: string; texts: Record<string, string> }>) {
  return useInvalidatingMutation(
    ({ kind, language, texts }: { kind: string; language: string; texts: Record<string, string> }) =>
      put<SurveyView>(`/survey-templates/${kind}/${language}`, { texts }),
    [surveyKeys.all],
    cb,
  );
}

export function useResetSurvey(cb?: MutationCallbacks<void, SurveyView>) {
  return useInvalidatingMutation((s: SurveyView) => del(`/survey-templates/${s.kind}/${s.language}`), [surveyKeys.all], cb);
}
