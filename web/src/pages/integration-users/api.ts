/** Integration users API for the web app (contract: src/modules/integration-users/schemas.ts): query keys and data hooks. */
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiUrl, del, get, post, type Query } from '../../api/client';
import { useInvalidatingMutation, type MutationCallbacks } from '../../api/mutation';
import type { Paged } from '../../api/types';
import type { ImportView, IntegrationRefView, LookupResult, UserView, VerifyResult } from '@server/modules/integration-users/schemas';
import { usePolledImport } from '../../components/ImportCsv';
export { SYSTEMS, descriptorOf, systemNames } from '@server/connectors/descriptors';

export type { ImportView, IntegrationRefView, LookupResult, UserView, VerifyResult };
export type UserStatus = UserView['status'];
export type SortField = 'name' | 'email' | 'integration' | 'integrationType' | 'status' | 'createdAt' | 'lastVerifiedAt';

export const STATUS_BADGE: Record<UserStatus, { label: string; color: string; help: string }> = {
  active: { label: 'Active', color: 'green', help: 'Exists and is active in the ticketing system; can be assigned tickets.' },
  inactive: { label: 'Inactive', color: 'orange', help: 'Inactive in the ticketing system; cannot be picked for new tickets.' },
  deleted_in_system: { label: 'Deleted in system', color: 'red', help: 'No longer exists in the ticketing system; cannot be picked for new tickets.' },
  unverified: { label: 'Unverified', color: 'yellow', help: 'The ticketing system no longer confirms this email; cannot be picked for new tickets.' },
};

/** The import's counts (every refusal other than the first four counts as Error). */
export const IMPORT_RESULT_LABELS = { added: 'Added', not_found: 'Not found', inactive: 'Inactive', duplicate: 'Duplicate', error: 'Error' } as const;

/** Each row's own result, named as precisely as Add User's messages. */
export const IMPORT_ROW_RESULT_LABELS: Record<ImportView['rows'][number]['result'] & string, string> = {
  added: 'Added',
  not_found: 'Not found',
  inactive: 'Inactive',
  duplicate: 'Duplicate',
  ambiguous: 'Ambiguous email',
  email_hidden: 'Email hidden',
  invalid_email: 'Invalid email',
  unknown_integration: 'Unknown integration',
  integration_disabled: 'Integration disabled',
  unreachable: 'Unreachable',
  credentials_refused: 'Credentials refused',
  error: 'Error',
};

export function exportUrl(filters: Query): string {
  return apiUrl('/integration-users/export.csv', filters);
}

export type ListParams = {
  search?: string;
  integrationId?: string;
  type?: string;
  status?: string;
  sort: SortField;
  order: 'asc' | 'desc';
  page: number;
  pageSize: number;
  /** Where the previous or next page starts (keyset paging); absent for a jump by page number. */
  cursor?: string;
};
export type UserPage = Paged<UserView> & { nextCursor: string | null; prevCursor: string | null };
export type BulkVerifyResult = {
  items: VerifyResult[];
  summary: Record<'active' | 'inactive' | 'deleted_in_system' | 'unverified' | 'error' | 'changed', number>;
};

export const integrationUsersKeys = {
  all: ['integration-users'] as const,
  lists: ['integration-users', 'list'] as const,
  list: (p: ListParams) => ['integration-users', 'list', p] as const,
  integrations: ['integration-users', 'integrations'] as const,
  lookups: ['integration-users', 'lookup'] as const,
  lookup: (integrationId: string, email: string) => ['integration-users', 'lookup', integrationId, email.toLowerCase()] as const,
  import: (id: number | null) => ['integration-users', 'import', id] as const,
};

/** The integrations people can be listed under (the Integration filter and the Add User window). */
export function useUserIntegrations() {
  return useQuery({
    queryKey: integrationUsersKeys.integrations,
    queryFn: ({ signal }) => get<{ items: IntegrationRefView[] }>('/integration-users/integrations', undefined, { signal }),
  });
}

export function useIntegrationUsers(p: ListParams) {
  return useQuery({
    queryKey: integrationUsersKeys.list(p),
    queryFn: ({ signal }) => get<UserPage>('/integration-users', p, { signal }),
    placeholderData: keepPreviousData,
  });
}

/**
 * The Add User window's lookup of an email in the ticketing system. A lookup for an email the admin
 * has since changed is cancelled (React Query aborts its signal) rather than left to finish.
 */
export function useLookupUser(integrationId: string, email: string, enabled: boolean) {
  return useQuery({
    queryKey: integrationUsersKeys.lookup(integrationId, email),
    queryFn: ({ signal }) => post<LookupResult>('/integration-users/lookup', { integrationId: Number(integrationId), email }, { signal }),
    enabled,
    retry: false,
    staleTime: 0,
    gcTime: 0,
  });
}

/** The per-row results of a finished import, as CSV. */
export const importResultUrl = (importId: number) => apiUrl(`/integration-users/imports/${importId}/result.csv`);

/** The progress of a CSV import, polled until it is done or failed; then the lists refresh (the import added people). */
export function useImportProgress(importId: number | null) {
  return usePolledImport<ImportView>(
    integrationUsersKeys.import(importId),
    importId === null ? null : `/integration-users/imports/${importId}`,
    integrationUsersKeys.lists,
  );
}

/** Cancels lookups still running (the Add User window closed). */
export function useCancelLookups() {
  const qc = useQueryClient();
  return () => void qc.cancelQueries({ queryKey: integrationUsersKeys.lookups });
}

export function useAddIntegrationUser(cb?: MutationCallbacks<UserView, { integrationId: number; email: string }>) {
  return useInvalidatingMutation(
    (body: { integrationId: number; email: string }) => post<UserView>('/integration-users', body),
    [integrationUsersKeys.lists],
    cb,
  );
}

/** Starts a CSV import; the list refreshes once `useImportProgress` sees it finish. */
export function useStartImport(cb?: MutationCallbacks<ImportView, File>) {
  return useInvalidatingMutation(async (f: File) => post<ImportView>('/integration-users/imports', { csv: await f.text(), fileName: f.name }), [], cb);
}

export function useVerifyIntegrationUser(cb?: MutationCallbacks<VerifyResult, UserView>) {
  return useInvalidatingMutation((u: UserView) => post<VerifyResult>(`/integration-users/${u.id}/verify`), [integrationUsersKeys.lists], cb);
}

export function useVerifyIntegrationUsers(cb?: MutationCallbacks<BulkVerifyResult, number[]>) {
  return useInvalidatingMutation((ids: number[]) => post<BulkVerifyResult>('/integration-users/verify', { ids }), [integrationUsersKeys.lists], cb);
}

export function useRemoveIntegrationUser(cb?: MutationCallbacks<void, UserView>) {
  return useInvalidatingMutation((u: UserView) => del(`/integration-users/${u.id}`), [integrationUsersKeys.lists], cb);
}
