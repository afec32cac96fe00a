import { z } from 'zod';
import type { ErrorDetail } from '../http-errors.js';
import { boundedId, boundedName } from '../limits.js';
import type { ExternalStatus, ExternalTicket, ExternalUser, UserLookup } from '../types.js';

/**
 * The shapes of the Jira answers the connector reads (ticketing-apis.md §1). Only the fields used
 * are checked; others pass through untouched. Names are cut to a bounded length, ids refused when
 * absurd, where records become our types below.
 */
const SYSTEM = 'Jira Cloud';
/** Jira sends ids as strings; a number is accepted as the same id. */
const jiraId = z.union([z.string(), z.number().transform(String)]);
const optionalText = z.string().nullish();

export const jiraUser = z.looseObject({
  accountId: z.string(),
  accountType: optionalText,
  active: z.boolean().nullish(),
  displayName: optionalText,
  emailAddress: optionalText,
});
export type JiraUser = z.infer<typeof jiraUser>;

export const jiraStatus = z.looseObject({
  id: jiraId,
  name: z.string(),
  statusCategory: z.looseObject({ key: optionalText }).nullish(),
});
export type JiraStatus = z.infer<typeof jiraStatus>;

export const jiraIssue = z.looseObject({
  id: jiraId,
  key: z.string(),
  fields: z
    .looseObject({
      status: jiraStatus.nullish(),
      assignee: z.looseObject({ accountId: optionalText }).nullish(),
      updated: optionalText,
    })
    .nullish(),
});
export type JiraIssue = z.infer<typeof jiraIssue>;

export const jiraIssueList = z.looseObject({ issues: z.array(jiraIssue).nullish() });

/** GET /project/search: one page of projects. */
export const jiraProjectPage = z.looseObject({
  values: z.array(z.looseObject({ id: jiraId, key: z.string(), name: z.string() })),
  isLast: z.boolean().nullish(),
  total: z.number().nullish(),
});
export type JiraProject = z.infer<typeof jiraProjectPage>['values'][number];

/** GET /project/{key}/statuses: the statuses of each issue type. */
export const jiraProjectStatuses = z.array(z.looseObject({ statuses: z.array(jiraStatus) }));

/** GET /issue/createmeta/{project}/issuetypes: one page of creatable issue types. */
export const jiraCreateMetaTypes = z.looseObject({
  issueTypes: z.array(z.looseObject({ id: jiraId, name: z.string(), subtask: z.boolean().nullish() })).nullish(),
  total: z.number().nullish(),
});

export const jiraCreateMetaField = z.looseObject({
  key: z.string(),
  name: z.string(),
  required: z.boolean(),
  schema: z.looseObject({ type: z.string(), custom: optionalText, items: optionalText, system: optionalText }),
  allowedValues: z.array(z.looseObject({ id: jiraId.nullish(), name: optionalText, value: optionalText })).nullish(),
});
export type JiraCreateMetaField = z.infer<typeof jiraCreateMetaField>;

/** GET /issue/createmeta/{project}/issuetypes/{id}: one page of create fields ("fields" or the older "results"). */
export const jiraCreateMetaFields = z.looseObject({
  fields: z.array(jiraCreateMetaField).nullish(),
  results: z.array(jiraCreateMetaField).nullish(),
  total: z.number().nullish(),
});

export const jiraCreatedIssue = z.looseObject({ id: jiraId, key: z.string() });

export const jiraTransitions = z.looseObject({
  transitions: z
    .array(
      z.looseObject({
        id: jiraId,
        name: z.string(),
        to: z.looseObject({ name: optionalText, statusCategory: z.looseObject({ key: optionalText }).nullish() }).nullish(),
      }),
    )
    .nullish(),
});

export const jiraComments = z.looseObject({
  comments: z.array(z.looseObject({ id: jiraId, body: z.unknown() })).nullish(),
  total: z.number().nullish(),
});

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
  const accountId = boundedId(SYSTEM, 'account id', u.accountId);
  return {
    externalId: accountId,
    name: boundedName(u.displayName || accountId),
    // Jira Cloud has no usernames; the accountId is the stable handle.
    username: accountId,
    // No real address is longer than 254 characters; a longer one is treated as hidden.
    email: u.emailAddress && u.emailAddress.length <= 254 ? u.emailAddress : null,
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
  // Active accounts first (as for ServiceNow): an old deactivated account sharing the email of the
  // person's current one must neither hide it nor make it ambiguous.
  const active = exact.filter((u) => u.active);
  if (active.length > 1) return { outcome: 'ambiguous', count: active.length };
  if (active.length === 1) return { outcome: 'found', user: toExternalUser(active[0]!) };
  if (exact.length > 0) return { outcome: 'inactive', user: toExternalUser(exact[0]!) };
  const hidden = people.filter((u) => !u.emailAddress);
  if (hidden.length > 0) return { outcome: 'email_hidden', candidates: hidden.length };
  return { outcome: 'not_found' };
}

export function statusCategory(key: string | null | undefined): ExternalStatus['category'] {
  return key === 'new' || key === 'done' ? key : 'indeterminate';
}

export function toExternalTicket(issue: JiraIssue, url: string): ExternalTicket {
  const status = issue.fields?.status;
  const category = statusCategory(status?.statusCategory?.key);
  const assignee = issue.fields?.assignee?.accountId;
  return {
    externalId: boundedId(SYSTEM, 'issue id', issue.id),
    key: boundedId(SYSTEM, 'issue key', issue.key),
    url,
    status: { id: status ? boundedId(SYSTEM, 'status id', status.id) : '', name: boundedName(status?.name ?? ''), category },
    closed: status?.statusCategory?.key === 'done',
    assigneeExternalId: assignee ? boundedId(SYSTEM, 'account id', assignee) : null,
    updatedAt: isoTime(issue.fields?.updated),
  };
}

/** Jira's timestamp as ISO; one that does not parse is treated as unknown rather than failing the read. */
function isoTime(value: string | null | undefined): string | null {
  if (!value) return null;
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? null : time.toISOString();
}
