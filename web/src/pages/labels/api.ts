/** Labels API for the web app (contract: src/modules/labels/schemas.ts): query keys and data hooks. */
import { useQuery } from '@tanstack/react-query';
import type { LabelView } from '@server/modules/labels/schemas';
import { del, get, patch, post } from '../../api/client';
import { useInvalidatingMutation, type MutationCallbacks } from '../../api/mutation';

export type { LabelView };
export type LabelInput = { name: string; values: string[] };

export const labelKeys = {
  all: ['labels'] as const,
};

/** A label change also changes the Label choices of the incidents' Filters window (their filter options). */
const INCIDENT_FILTER_OPTIONS = ['incidents', 'filter-options'] as const;

/** GET /labels (the Labels page; the Label and Close windows of incidents, which may use a copy up to `staleTime` old). */
export function useLabels({ enabled = true, staleTime = 0 }: { enabled?: boolean; staleTime?: number } = {}) {
  return useQuery({ queryKey: labelKeys.all, queryFn: ({ signal }) => get<{ items: LabelView[] }>('/labels', undefined, { signal }), enabled, staleTime });
}

/** Add Label (no `id`) or Edit Label. */
export function useSaveLabel(id: number | null, cb?: MutationCallbacks<LabelView, LabelInput>) {
  return useInvalidatingMutation(
    (body: LabelInput) => (id === null ? post<LabelView>('/labels', body) : patch<LabelView>(`/labels/${id}`, body)),
    [labelKeys.all, INCIDENT_FILTER_OPTIONS],
    cb,
  );
}

export function useDeleteLabel(cb?: MutationCallbacks<void, LabelView>) {
  return useInvalidatingMutation((l: LabelView) => del(`/labels/${l.id}`), [labelKeys.all, INCIDENT_FILTER_OPTIONS], cb);
}
