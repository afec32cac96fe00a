import { ApiError, toQueryString, type Query } from '../../api/client';
import type { ImportView, IntegrationRefView, LookupResult, UserView, VerifyResult } from '../../../../src/modules/integration-users/schemas';
export { SYSTEMS, descriptorOf, systemNames } from '../../../../src/connectors/descriptors';

export type { ImportView, IntegrationRefView, LookupResult, UserView, VerifyResult };
export type UserStatus = UserView['status'];
export type SortField = 'name' | 'email' | 'integration' | 'integrationType' | 'status' | 'createdAt' | 'lastVerifiedAt';

export const STATUS_BADGE: Record<UserStatus, { label: string; color: string; help: string }> = {
  active: { label: 'Active', color: 'green', help: 'Exists and is active in the ticketing system; can be assigned tickets.' },
  inactive: { label: 'Inactive', color: 'orange', help: 'Inactive in the ticketing system; cannot be picked for new tickets.' },
  deleted_in_system: { label: 'Deleted in system', color: 'red', help: 'No longer exists in the ticketing system; cannot be picked for new tickets.' },
  unverified: { label: 'Unverified', color: 'yellow', help: 'The ticketing system no longer confirms this email; cannot be picked for new tickets.' },
};

export const IMPORT_RESULT_LABELS = { added: 'Added', not_found: 'Not found', inactive: 'Inactive', duplicate: 'Duplicate', error: 'Error' } as const;

export function exportUrl(filters: Query): string {
  return `/api/v1/integration-users/export.csv${toQueryString(filters)}`;
}

/**
 * The Add User window's lookup. Unlike the shared client it takes an AbortSignal, so a lookup for
 * an email the admin has since changed is cancelled rather than left to finish.
 */
export async function lookupUser(body: { integrationId: number; email: string }, csrf: string | null, signal?: AbortSignal): Promise<LookupResult> {
  const res = await fetch('/api/v1/integration-users/lookup', {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) },
    body: JSON.stringify(body),
    credentials: 'same-origin',
    signal,
  });
  const data = await res.json().catch(() => undefined);
  if (!res.ok) {
    const err = (data as { error?: { code: string; message: string; details?: unknown } } | undefined)?.error;
    throw new ApiError(res.status, err?.code ?? 'http_error', err?.message ?? `Lookup failed (${res.status}).`, err?.details);
  }
  return data as LookupResult;
}
