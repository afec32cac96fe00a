/** Integrations API for the web app (contract: src/modules/integrations/schemas.ts): query keys and data hooks. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { TicketSyncView } from '@server/modules/tickets/schemas';
import { del, get, patch, post, put } from '../../api/client';
import { useInvalidatingMutation, type MutationCallbacks } from '../../api/mutation';
import type { IntegrationView, JiraProjectView, MappingView } from './shared';

export type IncidentField = { key: string; label: string; kind: string };
export type ProjectSyncResult = { total: number; added: number; removed: number };
export type PollResult = { polled: number; updated: number };
export type MappingRowInput = { fieldKey: string; incidentField: string | null; defaultValue: string | null };

/** Everything under `all` is one account's data or a list of accounts: invalidating it refreshes the lists and the open account. */
export const integrationKeys = {
  all: ['integrations'] as const,
  list: (includeDeleted: boolean) => ['integrations', 'list', { includeDeleted }] as const,
  detail: (id: number) => ['integrations', id] as const,
  projects: (id: number) => ['integrations', id, 'projects'] as const,
  mapping: (id: number, projectId: number, issueType: string | null) => ['integrations', id, 'mapping', projectId, issueType] as const,
  ticketSync: (id: number) => ['integrations', id, 'ticket-sync'] as const,
  /** Not under `all`: the incident's fields do not change with an account. */
  incidentFields: ['incident-fields'] as const,
};
/** Polling tickets changes their status on the Tickets page and in incidents. */
const TICKETS = ['tickets'] as const;

/** Deleted accounts only when asked for ("Show Deleted Accounts"); the tiles' counts never include them. */
export function useIntegrations({ includeDeleted = false }: { includeDeleted?: boolean } = {}) {
  return useQuery({
    queryKey: integrationKeys.list(includeDeleted),
    queryFn: ({ signal }) => get<{ items: IntegrationView[] }>('/integrations', { includeDeleted: includeDeleted || undefined }, { signal }),
    // Flipping the switch keeps the rows on screen until the other list arrives.
    placeholderData: keepPreviousData,
  });
}

export function useIntegration(id: number, enabled: boolean) {
  return useQuery({
    queryKey: integrationKeys.detail(id),
    queryFn: ({ signal }) => get<IntegrationView>(`/integrations/${id}`, undefined, { signal }),
    enabled,
  });
}

export type NewIntegration = { type: string; name: string; baseUrl: string; credentials: Record<string, string> } & Record<string, unknown>;
export function useConnectIntegration(cb?: MutationCallbacks<IntegrationView, NewIntegration>) {
  return useInvalidatingMutation((body: NewIntegration) => post<IntegrationView>('/integrations', body), [integrationKeys.all], cb);
}

/**
 * A change of one account (save, enable/disable, verify): the answer is the account as it is now,
 * so it replaces the open page's copy at once, and the lists refresh.
 */
function useAccountChange<V>(id: number, mutationFn: (v: V) => Promise<IntegrationView>, cb: MutationCallbacks<IntegrationView, V> = {}) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: (i, v) => {
      qc.setQueryData(integrationKeys.detail(id), i);
      void qc.invalidateQueries({ queryKey: integrationKeys.all });
      cb.onSuccess?.(i, v);
    },
    onError: cb.onError,
  });
}

export const useUpdateIntegration = (id: number, cb?: MutationCallbacks<IntegrationView, unknown>) =>
  useAccountChange(id, (body: unknown) => patch<IntegrationView>(`/integrations/${id}`, body), cb);
export const useSetIntegrationEnabled = (id: number, cb?: MutationCallbacks<IntegrationView, boolean>) =>
  useAccountChange(id, (enable: boolean) => post<IntegrationView>(`/integrations/${id}/${enable ? 'enable' : 'disable'}`), cb);
export const useVerifyIntegration = (id: number, cb?: MutationCallbacks<IntegrationView, void>) =>
  useAccountChange(id, () => post<IntegrationView>(`/integrations/${id}/verify`), cb);

export function useDeleteIntegration(id: number, cb?: MutationCallbacks<void, void>) {
  return useInvalidatingMutation(() => del(`/integrations/${id}`), [integrationKeys.all], cb);
}

/** A Jira account's projects. */
export function useProjects(id: number) {
  return useQuery({
    queryKey: integrationKeys.projects(id),
    queryFn: ({ signal }) => get<{ items: JiraProjectView[] }>(`/integrations/${id}/projects`, undefined, { signal }),
  });
}

/** Reads the project list from Jira again. A failed sync may still have changed the account's status, so both outcomes refresh. */
export function useSyncProjects(id: number, cb: MutationCallbacks<ProjectSyncResult, void> = {}) {
  const qc = useQueryClient();
  const refresh = () => void qc.invalidateQueries({ queryKey: integrationKeys.all });
  return useMutation({
    mutationFn: () => post<ProjectSyncResult>(`/integrations/${id}/projects/sync`),
    onSuccess: (r, v) => {
      refresh();
      cb.onSuccess?.(r, v);
    },
    onError: (e, v) => {
      refresh();
      cb.onError?.(e, v);
    },
  });
}

export function useSetCompleteStatus(id: number, cb?: MutationCallbacks<JiraProjectView, { projectId: number; statusId: string | null }>) {
  return useInvalidatingMutation(
    (v: { projectId: number; statusId: string | null }) =>
      patch<JiraProjectView>(`/integrations/${id}/projects/${v.projectId}`, { completeStatusId: v.statusId }),
    [integrationKeys.all],
    cb,
  );
}

/** The incident fields a mapping can take values from; they only change with a new version of the app. */
export function useIncidentFields() {
  return useQuery({
    queryKey: integrationKeys.incidentFields,
    queryFn: ({ signal }) => get<{ items: IncidentField[] }>('/integrations/incident-fields', undefined, { signal }),
    staleTime: Infinity,
  });
}

export function useMapping(id: number, projectId: number, issueType: string | null) {
  return useQuery({
    queryKey: integrationKeys.mapping(id, projectId, issueType),
    queryFn: ({ signal }) => get<MappingView>(`/integrations/${id}/projects/${projectId}/mappings/${issueType}`, undefined, { signal }),
    enabled: !!issueType,
  });
}

export function useSaveMapping(id: number, projectId: number, issueType: string | null, cb: MutationCallbacks<MappingView, MappingRowInput[]> = {}) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (rows: MappingRowInput[]) => put<MappingView>(`/integrations/${id}/projects/${projectId}/mappings/${issueType}`, { rows }),
    onSuccess: (m, rows) => {
      qc.setQueryData(integrationKeys.mapping(id, projectId, issueType), m);
      // The project's mapped issue types (Projects table) and the account's status change with it.
      void qc.invalidateQueries({ queryKey: integrationKeys.all });
      cb.onSuccess?.(m, rows);
    },
    onError: cb.onError,
  });
}

export function useTicketSync(id: number) {
  return useQuery({
    queryKey: integrationKeys.ticketSync(id),
    queryFn: ({ signal }) => get<TicketSyncView>(`/integrations/${id}/ticket-sync`, undefined, { signal }),
  });
}

export function useSaveTicketSync(id: number, cb: MutationCallbacks<TicketSyncView, unknown> = {}) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: unknown) => put<TicketSyncView>(`/integrations/${id}/ticket-sync`, body),
    onSuccess: (v, body) => {
      qc.setQueryData(integrationKeys.ticketSync(id), v);
      cb.onSuccess?.(v, body);
    },
    onError: cb.onError,
  });
}

/** A new webhook secret: the answer carries it this once; the cached settings never keep it. */
export function useRotateWebhookSecret(id: number, cb: MutationCallbacks<TicketSyncView, void> = {}) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => post<TicketSyncView>(`/integrations/${id}/ticket-sync/rotate-secret`),
    onSuccess: (v, vars) => {
      qc.setQueryData(integrationKeys.ticketSync(id), { ...v, secret: null });
      cb.onSuccess?.(v, vars);
    },
    onError: cb.onError,
  });
}

export function usePollTickets(id: number, cb?: MutationCallbacks<PollResult, void>) {
  return useInvalidatingMutation(() => post<PollResult>(`/integrations/${id}/ticket-sync/poll`), [integrationKeys.ticketSync(id), TICKETS], cb);
}
