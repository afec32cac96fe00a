/** Roles API for the web app (contract: src/modules/roles/schemas.ts): query keys and data hooks. */
import { useQuery } from '@tanstack/react-query';
import { del, get, patch, post } from '../../api/client';
import { useInvalidatingMutation, type MutationCallbacks } from '../../api/mutation';
import type { Category, PermissionLevel, RoleView } from '../../api/types';

export type { RoleView };
export type RoleInput = { name: string; permissions: Record<Category, PermissionLevel> };

export const roleKeys = {
  all: ['roles'] as const,
};

/** GET /roles: one cache entry shared by the Roles page and the role pickers of Add Admin, Change Role and Create API Key. */
export function useRoles(enabled = true) {
  return useQuery({ queryKey: roleKeys.all, queryFn: ({ signal }) => get<{ items: RoleView[] }>('/roles', undefined, { signal }), enabled });
}

/** Add Role (no `id`) or Edit Permissions of a custom role. */
export function useSaveRole(id: number | null, cb?: MutationCallbacks<RoleView, RoleInput>) {
  return useInvalidatingMutation(
    (body: RoleInput) => (id === null ? post<RoleView>('/roles', body) : patch<RoleView>(`/roles/${id}`, body)),
    [roleKeys.all],
    cb,
  );
}

export function useDeleteRole(cb?: MutationCallbacks<void, RoleView>) {
  return useInvalidatingMutation((r: RoleView) => del(`/roles/${r.id}`), [roleKeys.all], cb);
}
