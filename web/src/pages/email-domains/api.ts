/** Custom email domains for the web app (routes: src/modules/email-domains/routes.ts): query keys and data hooks. */
import { useQuery } from '@tanstack/react-query';
import { del, get, post } from '../../api/client';
import { useInvalidatingMutation, type MutationCallbacks } from '../../api/mutation';
import type { EmailDomainCreate, EmailDomainList, EmailDomainView } from '@server/modules/email-domains/schemas';

export type { EmailDomainList, EmailDomainView } from '@server/modules/email-domains/schemas';
export type NewEmailDomain = EmailDomainCreate;
export type TestEmailResult = { messageId: number; from: string; to: string };

export const emailDomainKeys = { all: ['email-domains'] as const };

export function useEmailDomains() {
  return useQuery({ queryKey: emailDomainKeys.all, queryFn: ({ signal }) => get<EmailDomainList>('/email-domains', undefined, { signal }) });
}

export function useAddEmailDomain(cb?: MutationCallbacks<EmailDomainView, NewEmailDomain>) {
  return useInvalidatingMutation((body: NewEmailDomain) => post<EmailDomainView>('/email-domains', body), [emailDomainKeys.all], cb);
}

/** verify | regenerate | make-default: one POST on a domain that answers its new view. */
export function useDomainAction(action: 'verify' | 'regenerate' | 'make-default', cb?: MutationCallbacks<EmailDomainView, EmailDomainView>) {
  return useInvalidatingMutation((d: EmailDomainView) => post<EmailDomainView>(`/email-domains/${d.id}/${action}`), [emailDomainKeys.all], cb);
}

export function useRevertDefault(cb?: MutationCallbacks<EmailDomainList, EmailDomainView>) {
  // The domain In Use rides along so the confirmation can name it.
  return useInvalidatingMutation((_current: EmailDomainView) => post<EmailDomainList>('/email-domains/revert-default'), [emailDomainKeys.all], cb);
}

export function useDeleteEmailDomain(cb?: MutationCallbacks<void, EmailDomainView>) {
  return useInvalidatingMutation((d: EmailDomainView) => del(`/email-domains/${d.id}`), [emailDomainKeys.all], cb);
}

export function useSendDomainTestEmail(cb?: MutationCallbacks<TestEmailResult, { domain: EmailDomainView; to: string }>) {
  return useInvalidatingMutation(
    ({ domain, to }: { domain: EmailDomainView; to: string }) => post<TestEmailResult>(`/email-domains/${domain.id}/test-email`, { to }),
    [emailDomainKeys.all],
    cb,
  );
}

export const STATUS_COLORS: Record<EmailDomainView['status'], string> = { pending: 'yellow', success: 'green', failed: 'red', expired: 'gray', in_use: 'blue' };
export const RECORD_LABELS: Record<EmailDomainView['records'][number]['kind'], string> = {
  dkim: 'DKIM',
  spf: 'SPF (envelope sender)',
  verification: 'Ownership',
};
