/** API keys for the web app (routes: src/modules/api-keys/routes.ts): query keys and data hooks. */
import { useQuery } from '@tanstack/react-query';
import { del, get, post } from '../../api/client';
import { useInvalidatingMutation, type MutationCallbacks } from '../../api/mutation';
import type { ApiKeyView } from '../../api/types';

/** `id_secret`: a key id + secret pair for the compatible API (docs/compatible-api.md), exchanged for tokens. */
export type ApiKeyKind = 'bearer' | 'id_secret';
export type ApiKeyRow = ApiKeyView & { kind?: ApiKeyKind; keyId?: string | null };
export type { ApiKeyView };
/** The creation answer: the only time the key (or the secret) itself is shown. */
export type CreatedApiKey = ApiKeyRow & { key?: string; keySecret?: string };
export type NewApiKey = { name: string; roleId: number; kind: ApiKeyKind };

export const apiKeyKeys = {
  all: ['api-keys'] as const,
};

export function useApiKeys() {
  return useQuery({ queryKey: apiKeyKeys.all, queryFn: ({ signal }) => get<{ items: ApiKeyRow[] }>('/api-keys', undefined, { signal }) });
}

export function useCreateApiKey(cb?: MutationCallbacks<CreatedApiKey, NewApiKey>) {
  return useInvalidatingMutation((body: NewApiKey) => post<CreatedApiKey>('/api-keys', body), [apiKeyKeys.all], cb);
}

export function useRevokeApiKey(cb?: MutationCallbacks<void, ApiKeyRow>) {
  return useInvalidatingMutation((k: ApiKeyRow) => del(`/api-keys/${k.id}`), [apiKeyKeys.all], cb);
}
