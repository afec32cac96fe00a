/** API keys for the web app (routes: src/modules/api-keys/routes.ts): query keys and data hooks. */
import { useQuery } from '@tanstack/react-query';
import { del, get, post } from '../../api/client';
import { useInvalidatingMutation, type MutationCallbacks } from '../../api/mutation';
import type { ApiKeyView } from '../../api/types';

export type { ApiKeyView };
/** The creation answer: the only time the key itself is shown. */
export type CreatedApiKey = ApiKeyView & { key: string };
export type NewApiKey = { name: string; roleId: number };

export const apiKeyKeys = {
  all: ['api-keys'] as const,
};

export function useApiKeys() {
  return useQuery({ queryKey: apiKeyKeys.all, queryFn: ({ signal }) => get<{ items: ApiKeyView[] }>('/api-keys', undefined, { signal }) });
}

export function useCreateApiKey(cb?: MutationCallbacks<CreatedApiKey, NewApiKey>) {
  return useInvalidatingMutation((body: NewApiKey) => post<CreatedApiKey>('/api-keys', body), [apiKeyKeys.all], cb);
}

export function useRevokeApiKey(cb?: MutationCallbacks<void, ApiKeyView>) {
  return useInvalidatingMutation((k: ApiKeyView) => del(`/api-keys/${k.id}`), [apiKeyKeys.all], cb);
}
