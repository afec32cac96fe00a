/** Account Settings, Approvers and User Attributes for the web app (contract: src/modules/account-settings/schemas.ts). */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type {
  AccountSettings,
  AccountSettingsView,
  ApproverInput,
  ApproverView,
  AttributeImportView,
  UserAttributeView,
  ValidationResult,
} from '@server/modules/account-settings/schemas';
import { apiUrl, del, get, patch, post, put } from '../../api/client';
import { useInvalidatingMutation, type MutationCallbacks } from '../../api/mutation';
import type { Paged } from '../../api/types';
import { importFinished, usePolledImport } from '../../components/ImportCsv';

export type { AccountSettings, AccountSettingsView, ApproverInput, ApproverView, AttributeImportView, UserAttributeView, ValidationResult };

export const accountSettingsKeys = {
  settings: ['account-settings'] as const,
  approvers: (q?: { page: number; pageSize: number; search: string }) => (q ? (['approvers', q] as const) : (['approvers'] as const)),
  attributes: (q?: { page: number; pageSize: number; search: string }) => (q ? (['user-attributes', q] as const) : (['user-attributes'] as const)),
  imports: (q?: { page: number; pageSize: number }) => (q ? (['user-attributes', 'imports', q] as const) : (['user-attributes', 'imports'] as const)),
  import: (id: number | null) => ['user-attributes', 'import', id] as const,
};

// ------------------------------------------------------------------ Account Settings

export function useAccountSettings() {
  return useQuery({ queryKey: accountSettingsKeys.settings, queryFn: ({ signal }) => get<AccountSettingsView>('/account-settings', undefined, { signal }) });
}

export function useSaveAccountSettings(cb?: MutationCallbacks<AccountSettingsView, AccountSettings>) {
  // Obfuscation changes what the incident views show.
  return useInvalidatingMutation(
    (body: AccountSettings) => put<AccountSettingsView>('/account-settings', body),
    [accountSettingsKeys.settings, ['incidents']],
    cb,
  );
}

// ------------------------------------------------------------------ Approvers

export function useApprovers(q: { page: number; pageSize: number; search: string }) {
  return useQuery({
    queryKey: accountSettingsKeys.approvers(q),
    queryFn: ({ signal }) => get<Paged<ApproverView>>('/approvers', { page: q.page, pageSize: q.pageSize, search: q.search || undefined }, { signal }),
    placeholderData: keepPreviousData,
  });
}

/** The rows of "Add More", saved together (all or none). */
export function useAddApprovers(cb?: MutationCallbacks<{ items: ApproverView[] }, ApproverInput[]>) {
  return useInvalidatingMutation(
    (rows: ApproverInput[]) => post<{ items: ApproverView[] }>('/approvers', { approvers: rows }),
    [accountSettingsKeys.approvers()],
    cb,
  );
}

export function useUpdateApprover(cb?: MutationCallbacks<ApproverView, { id: number; name: string; email: string }>) {
  return useInvalidatingMutation(
    (a: { id: number; name: string; email: string }) => patch<ApproverView>(`/approvers/${a.id}`, { name: a.name, email: a.email }),
    [accountSettingsKeys.approvers()],
    cb,
  );
}

export function useDeleteApprover(cb?: MutationCallbacks<void, ApproverView>) {
  return useInvalidatingMutation((a: ApproverView) => del(`/approvers/${a.id}`), [accountSettingsKeys.approvers()], cb);
}

// ------------------------------------------------------------------ User Attributes

export const templateUrl = () => apiUrl('/user-attributes/template.csv');
export const importErrorsUrl = (id: number) => apiUrl(`/user-attributes/imports/${id}/errors.csv`);

export function useUserAttributes(q: { page: number; pageSize: number; search: string }) {
  return useQuery({
    queryKey: accountSettingsKeys.attributes(q),
    queryFn: ({ signal }) =>
      get<Paged<UserAttributeView>>('/user-attributes', { page: q.page, pageSize: q.pageSize, search: q.search || undefined }, { signal }),
    placeholderData: keepPreviousData,
  });
}

export function useAttributeImports(q: { page: number; pageSize: number }) {
  return useQuery({
    queryKey: accountSettingsKeys.imports(q),
    queryFn: ({ signal }) => get<Paged<AttributeImportView>>('/user-attributes/imports', q, { signal }),
    placeholderData: keepPreviousData,
    // Files still importing move on their own.
    refetchInterval: (query) => (query.state.data?.items.some((i) => !importFinished(i)) ? 1500 : false),
  });
}

export function useValidateAttributes(cb?: MutationCallbacks<ValidationResult, File>) {
  return useInvalidatingMutation(
    async (f: File) => post<ValidationResult>('/user-attributes/imports/validate', { csv: await f.text(), fileName: f.name }),
    [],
    cb,
  );
}

export function useStartAttributeImport(cb?: MutationCallbacks<AttributeImportView, File>) {
  return useInvalidatingMutation(
    async (f: File) => post<AttributeImportView>('/user-attributes/imports', { csv: await f.text(), fileName: f.name }),
    [accountSettingsKeys.imports()],
    cb,
  );
}

/** Everything under the User Attributes key: the people, the imports and the import itself. */
const ATTRIBUTE_LISTS = accountSettingsKeys.attributes();

/** An import's progress, polled until it is done or failed; then the lists refresh. */
export function useAttributeImportProgress(importId: number | null) {
  return usePolledImport<AttributeImportView>(
    accountSettingsKeys.import(importId),
    importId === null ? null : `/user-attributes/imports/${importId}`,
    ATTRIBUTE_LISTS,
  );
}
