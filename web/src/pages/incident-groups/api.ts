/** Incident Groups, Incident Group Mappings and Priorities for the web app (contract: src/modules/incident-groups/schemas.ts). */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import type {
  GroupMappingList,
  GroupMappingView,
  GroupPage,
  GroupView,
  PriorityList,
  groupChoices,
  groupMappingBody,
  prioritiesBody,
} from '@server/modules/incident-groups/schemas';
import type { Vocabulary } from '../workflows/api';
import { del, get, post, put } from '../../api/client';
import { useInvalidatingMutation, type MutationCallbacks } from '../../api/mutation';

export type { GroupMappingList, GroupMappingView, GroupView, PriorityList };
export type GroupInput = { type: string; name: string; description: string | null };
export type GroupMappingInput = z.input<typeof groupMappingBody>;
export type PrioritiesInput = z.infer<typeof prioritiesBody>;
export type GroupChoice = z.infer<typeof groupChoices>['items'][number];
export type GroupSort = 'type' | 'name' | 'description';
export type GroupListParams = { search?: string; sort: GroupSort; order: 'asc' | 'desc'; page: number; pageSize: number };

export const PRIORITY_CHOICES = ['Critical', 'High', 'Medium', 'Low'] as const;

export const groupKeys = {
  all: ['incident-groups'] as const,
  list: (p: GroupListParams) => ['incident-groups', 'list', p] as const,
  choices: () => ['incident-groups', 'choices'] as const,
  types: () => ['incident-groups', 'types'] as const,
  mappings: () => ['incident-groups', 'mappings'] as const,
  vocabulary: () => ['incident-groups', 'vocabulary'] as const,
  priorities: () => ['incident-groups', 'priorities'] as const,
};

/** Groups appear in the incidents' Incident Group filter; their priorities set new incidents' priority. */
const INCIDENT_FILTER_OPTIONS = ['incidents', 'filter-options'] as const;

export function useGroups(p: GroupListParams) {
  return useQuery({
    queryKey: groupKeys.list(p),
    queryFn: ({ signal }) => get<GroupPage>('/incident-groups', { ...p, search: p.search || undefined }, { signal }),
    placeholderData: keepPreviousData,
  });
}

export function useGroupChoices(enabled = true) {
  return useQuery({
    queryKey: groupKeys.choices(),
    queryFn: ({ signal }) => get<{ items: GroupChoice[] }>('/incident-groups/choices', undefined, { signal }),
    enabled,
  });
}

export function useGroupTypes(enabled = true) {
  return useQuery({ queryKey: groupKeys.types(), queryFn: ({ signal }) => get<{ items: string[] }>('/incident-groups/types', undefined, { signal }), enabled });
}

export function useGroupMappings() {
  return useQuery({ queryKey: groupKeys.mappings(), queryFn: ({ signal }) => get<GroupMappingList>('/incident-group-mappings', undefined, { signal }) });
}

export function useGroupVocabulary() {
  return useQuery({
    queryKey: groupKeys.vocabulary(),
    queryFn: ({ signal }) => get<Vocabulary>('/incident-group-mappings/vocabulary', undefined, { signal }),
    staleTime: Infinity,
  });
}

export function usePriorities() {
  return useQuery({ queryKey: groupKeys.priorities(), queryFn: ({ signal }) => get<PriorityList>('/priorities', undefined, { signal }) });
}

/** Add (no `id`) or edit an incident group. */
export function useSaveGroup(id: number | null, cb?: MutationCallbacks<GroupView, GroupInput>) {
  return useInvalidatingMutation(
    (body: GroupInput) => (id === null ? post<GroupView>('/incident-groups', body) : put<GroupView>(`/incident-groups/${id}`, body)),
    [groupKeys.all, INCIDENT_FILTER_OPTIONS],
    cb,
  );
}

export function useDeleteGroup(cb?: MutationCallbacks<void, GroupView>) {
  return useInvalidatingMutation((g: GroupView) => del(`/incident-groups/${g.id}`), [groupKeys.all, INCIDENT_FILTER_OPTIONS], cb);
}

export function useSaveGroupMapping(id: number | null, cb?: MutationCallbacks<GroupMappingView, GroupMappingInput>) {
  return useInvalidatingMutation(
    (body: GroupMappingInput) =>
      id === null ? post<GroupMappingView>('/incident-group-mappings', body) : put<GroupMappingView>(`/incident-group-mappings/${id}`, body),
    [groupKeys.all],
    cb,
  );
}

export function useDeleteGroupMapping(cb?: MutationCallbacks<void, GroupMappingView>) {
  return useInvalidatingMutation((m: GroupMappingView) => del(`/incident-group-mappings/${m.id}`), [groupKeys.all], cb);
}

export function useMoveGroupMapping(cb?: MutationCallbacks<GroupMappingList, { id: number; direction: 'up' | 'down' }>) {
  return useInvalidatingMutation(
    ({ id, direction }: { id: number; direction: 'up' | 'down' }) => post<GroupMappingList>(`/incident-group-mappings/${id}/move`, { direction }),
    [groupKeys.mappings()],
    cb,
  );
}

export function useSetDefaultGroup(cb?: MutationCallbacks<GroupMappingList, number | null>) {
  return useInvalidatingMutation((groupId: number | null) => put<GroupMappingList>('/incident-group-mappings/default', { groupId }), [groupKeys.all], cb);
}

export function useSavePriorities(cb?: MutationCallbacks<PriorityList, PrioritiesInput>) {
  return useInvalidatingMutation((body: PrioritiesInput) => put<PriorityList>('/priorities', body), [groupKeys.all], cb);
}

export function useDeletePriority(cb?: MutationCallbacks<void, { groupId: number; groupName: string }>) {
  return useInvalidatingMutation((p: { groupId: number; groupName: string }) => del(`/priorities/${p.groupId}`), [groupKeys.all], cb);
}
