import type { ErrorDetail } from '../http-errors.js';
import type { ExternalStatus, ExternalTicket, ExternalUser, UserLookup } from '../types.js';

export type JiraUser = {
  accountId: string;
  accountType?: string;
  active?: boolean;
  displayName?: string;
  emailAddress?: string | null;
};

export type JiraStatus = { id: string; name: string; statusCategory?: { key?: string } };

export type JiraIssue = {
  id: string;
  key: string;
  fields?: { status?: JiraStatus; assignee?: { accountId?: string } | null; updated?: string };
};

/** Jira error bodies are ErrorCollection `{errorMessages[], errors{field: message}}`, or anything on 401/gateway errors. */
export function readJiraError(body: unknown): ErrorDetail {
  if (!body || typeof body !== 'object') return {};
  const b = body as { errorMessages?: unknown; errors?: unknown; message?: unknown };
  const messages = Array.isArray(b.errorMessages) ? b.errorMessages.filter((m): m is string => typeof m === 'string') : [];
  if (typeof b.message === 'string') messages.push(b.message);
  const fieldErrors =
    b.errors && typeof b.errors === 'object'
      ? Object.fromEntries(Object.entries(b.errors as Record<string, unknown>).map(([k, v]) => [k, String(v)]))
      : undefined;
  return {
    ...(messages.length ? { detail: messages.join(' ') } : {}),
    ...(fieldErrors && Object.keys(fieldErrors).length ? { fieldErrors } : {}),
  };
}

export function toExternalUser(u: JiraUser): ExternalUser {
  return {
    externalId: u.accountId,
    name: u.displayName ?? u.accountId,
    // Jira Cloud has no usernames; the accountId is the stable handle.
    username: u.accountId,
    email: u.emailAddress ? u.emailAddress : null,
    active: u.active === true,
  };
}

/**
 * The user search matches prefixes of names and emails and may hide emails, so an answer is only
 * "found" when a real person's visible email equals the one asked for (ticketing-apis.md §1.3).
 */
export function pickUser(candidates: JiraUser[], email: string): UserLookup {
  const wanted = email.trim().toLowerCase();
  const people = candidates.filter((u) => u.accountType === 'atlassian');
  const exact = people.filter((u) => typeof u.emailAddress === 'string' && u.emailAddress.toLowerCase() === wanted);
  if (exact.length > 1) return { outcome: 'ambiguous', count: exact.length };
  if (exact.length === 1) {
    const user = toExternalUser(exact[0]);
    return user.active ? { outcome: 'found', user } : { outcome: 'inactive', user };
  }
  const hidden = people.filter((u) => !u.emailAddress);
  if (hidden.length > 0) return { outcome: 'email_hidden', candidates: hidden.length };
  return { outcome: 'not_found' };
}

export function statusCategory(key: string | undefined): ExternalStatus['category'] {
  return key === 'new' || key === 'done' ? key : 'indeterminate';
}

export function toExternalTicket(issue: JiraIssue, url: string): ExternalTicket {
  const status = issue.fields?.status;
  const category = statusCategory(status?.statusCategory?.key);
  return {
    externalId: issue.id,
    key: issue.key,
    url,
    status: { id: status?.id ?? '', name: status?.name ?? '', category },
    closed: status?.statusCategory?.key === 'done',
    assigneeExternalId: issue.fields?.assignee?.accountId ?? null,
    updatedAt: issue.fields?.updated ? new Date(issue.fields.updated).toISOString() : null,
  };
}
