/** Admins API for the web app (contract: src/modules/admins/schemas.ts): query keys and data hooks. */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { get, patch, post } from '../../api/client';
import { useInvalidatingMutation, type MutationCallbacks } from '../../api/mutation';
import type { AdminView, Paged } from '../../api/types';
import { roleKeys } from '../roles/api';

export type { AdminView };
export type AdminSort = 'name' | 'email' | 'createdAt' | 'lastLoginAt';
export type AdminListParams = { search: string; sort: AdminSort; order: 'asc' | 'desc'; page: number; pageSize: number };
export type NewAdmin = { email: string; name: string; roleId: number; password: string };
export type AdminChange = { roleId?: number; password?: string; status?: 'active' | 'disabled' };

export const adminKeys = {
  all: ['admins'] as const,
  list: (p: AdminListParams) => ['admins', 'list', p] as const,
};

export function useAdmins(p: AdminListParams) {
  return useQuery({
    queryKey: adminKeys.list(p),
    queryFn: ({ signal }) => get<Paged<AdminView>>('/admins', p, { signal }),
    placeholderData: keepPreviousData,
  });
}

/** A new admin changes the admin counts on the Roles page too. */
export function useAddAdmin(cb?: MutationCallbacks<AdminView, NewAdmin>) {
  return useInvalidatingMutation((body: NewAdmin) => post<AdminView>('/admins', body), [adminKeys.all, roleKeys.all], cb);
}

/** Role, password or status of one admin (PATCH /admins/:id). */
export function useUpdateAdmin<V extends { admin: AdminView; change: AdminChange }>(cb?: MutationCallbacks<AdminView, V>) {
  return useInvalidatingMutation((v: V) => patch<AdminView>(`/admins/${v.admin.id}`, v.change), [adminKeys.all, roleKeys.all], cb);
}
