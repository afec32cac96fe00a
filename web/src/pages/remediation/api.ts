/**
 * Remediation API for the web app (contract: src/modules/remediation/schemas.ts): Notify User,
 * Escalate, the incident's survey requests, responses and deliveries, and the public survey.
 */
import { useQuery } from '@tanstack/react-query';
import { get, post } from '../../api/client';
import { useInvalidatingMutation, type MutationCallbacks } from '../../api/mutation';
import type {
  BulkNotifyBody,
  EscalateBody,
  NotifyBody,
  NotifyResult,
  RemediationOptions,
  RemediationView,
  RequestView,
  ResponseView,
  SurveyAnswer,
  SurveyView,
} from '@server/modules/remediation/schemas';
import type { BulkResult } from '@server/modules/incidents/schemas';

export type { EscalateBody, NotifyBody, NotifyResult, RemediationOptions, RemediationView, RequestView, ResponseView, SurveyAnswer, SurveyView };

export const remediationKeys = {
  incident: (incidentId: number) => ['remediation', 'incident', incidentId] as const,
  options: (incidentId: number) => ['remediation', 'options', incidentId] as const,
  survey: (token: string) => ['survey', token] as const,
};
/** Notify User and Escalate move the incident: its details, the list and the counts refetch. */
const INCIDENTS = ['incidents'] as const;

export function useRemediation(incidentId: number) {
  return useQuery({
    queryKey: remediationKeys.incident(incidentId),
    queryFn: ({ signal }) => get<RemediationView>(`/incidents/${incidentId}/remediation`, undefined, { signal }),
    // Answers and deliveries arrive while the page is open.
    refetchInterval: 15_000,
  });
}

export function useRemediationOptions(incidentId: number, enabled: boolean) {
  return useQuery({
    queryKey: remediationKeys.options(incidentId),
    queryFn: ({ signal }) => get<RemediationOptions>(`/incidents/${incidentId}/remediation/options`, undefined, { signal }),
    enabled,
  });
}

export function useNotifyUser(incidentId: number, cb?: MutationCallbacks<NotifyResult, NotifyBody>) {
  return useInvalidatingMutation(
    (body: NotifyBody) => post<NotifyResult>(`/incidents/${incidentId}/notify-user`, body),
    [remediationKeys.incident(incidentId), INCIDENTS],
    cb,
  );
}

export function useEscalate(incidentId: number, cb?: MutationCallbacks<NotifyResult, EscalateBody>) {
  return useInvalidatingMutation(
    (body: EscalateBody) => post<NotifyResult>(`/incidents/${incidentId}/escalate`, body),
    [remediationKeys.incident(incidentId), INCIDENTS],
    cb,
  );
}

export function useBulkNotifyUser(cb?: MutationCallbacks<BulkResult, BulkNotifyBody>) {
  return useInvalidatingMutation((body: BulkNotifyBody) => post<BulkResult>('/incidents/bulk/notify-user', body), [['remediation'], INCIDENTS], cb);
}

export function useSurvey(token: string) {
  return useQuery({
    queryKey: remediationKeys.survey(token),
    queryFn: ({ signal }) => get<SurveyView>(`/public/surveys/${encodeURIComponent(token)}`, undefined, { signal }),
    retry: false,
  });
}

export function useAnswerSurvey(token: string, cb?: MutationCallbacks<{ thanks: string }, SurveyAnswer>) {
  return useInvalidatingMutation((body: SurveyAnswer) => post<{ thanks: string }>(`/public/surveys/${encodeURIComponent(token)}/answer`, body), [], cb);
}
