import { z } from 'zod';
import { HttpClient } from '../http.js';
import { boundedId, boundedName } from '../limits.js';
import { collectPages } from '../paging.js';
import {
  ConnectorError,
  type ConnectorOptions,
  type CreateTicketInput,
  type ExternalProject,
  type ExternalStatus,
  type ExternalTicket,
  type ExternalUser,
  type FieldMeta,
  type JiraCredentials,
  type TicketRef,
  assertBatchSize,
  type TicketingConnector,
  type UserLookup,
} from '../types.js';
import { adfToText, textToAdf } from './adf.js';
import { JIRA_CLOUD } from './descriptor.js';
import {
  jiraComments,
  jiraCreatedIssue,
  jiraCreateMetaFields,
  jiraCreateMetaTypes,
  jiraIssue,
  jiraIssueList,
  jiraProjectPage,
  jiraProjectStatuses,
  jiraTransitions,
  jiraUser,
  pickUser,
  readJiraError,
  statusCategory,
  toExternalTicket,
  toExternalUser,
  type JiraCreateMetaField,
  type JiraIssue,
  type JiraProject,
  type JiraUser,
} from './records.js';

const ISSUE_FIELDS = ['status', 'assignee', 'updated'];
/** labels: the ticket's idempotency marker. */
const MARKER = JIRA_CLOUD.capabilities.marker.field;
const PAGE_SIZE = 50;
/** Comments read back to find our own; a ticket with more is not one this product fills. */
const MAX_COMMENTS = 500;

const SYSTEM = 'Jira Cloud';

/** Jira Cloud platform REST v3 client with email + API token (ticketing-apis.md §1). */
export class JiraCloudConnector implements TicketingConnector {
  readonly type = JIRA_CLOUD.type;
  private readonly http: HttpClient;
  private readonly authHeader: string;

  constructor(baseUrl: string, credentials: JiraCredentials, opts: ConnectorOptions) {
    this.authHeader = `Basic ${Buffer.from(`${credentials.email}:${credentials.apiToken}`).toString('base64')}`;
    this.http = new HttpClient({
      system: SYSTEM,
      baseUrl,
      options: opts,
      credentialHint: 'the account email and API token',
      readErrorBody: readJiraError,
      secrets: [credentials.apiToken],
    });
  }

  private get headers() {
    return { Authorization: this.authHeader };
  }

  async verify(): Promise<{ accountName: string }> {
    const res = await this.http.send<JiraUser>({
      method: 'GET',
      path: '/rest/api/3/myself',
      headers: this.headers,
      action: 'signing in',
      schema: jiraUser,
    });
    return { accountName: toExternalUser(res.body).name };
  }

  async lookupUserByEmail(email: string): Promise<UserLookup> {
    const res = await this.http.send<JiraUser[]>({
      method: 'GET',
      path: '/rest/api/3/user/search',
      query: { query: email.trim(), maxResults: PAGE_SIZE },
      headers: this.headers,
      action: 'looking up a user by email',
      schema: z.array(jiraUser),
    });
    return pickUser(res.body, email);
  }

  async getUser(externalId: string): Promise<ExternalUser | null> {
    const res = await this.http.sendOrNull<JiraUser>({
      method: 'GET',
      path: '/rest/api/3/user',
      query: { accountId: externalId },
      headers: this.headers,
      action: 'reading a user',
      schema: jiraUser,
    });
    return res ? toExternalUser(res.body) : null;
  }

  async listProjects(): Promise<ExternalProject[]> {
    const action = 'listing projects';
    const projects = await collectPages({
      system: SYSTEM,
      action,
      pageSize: PAGE_SIZE,
      key: (p: JiraProject) => p.id,
      fetch: async (startAt) => {
        const { body } = await this.http.send<z.infer<typeof jiraProjectPage>>({
          method: 'GET',
          path: '/rest/api/3/project/search',
          query: { startAt, maxResults: PAGE_SIZE },
          headers: this.headers,
          action,
          schema: jiraProjectPage,
        });
        return { items: body.values, total: body.total ?? undefined, isLast: body.isLast ?? undefined };
      },
    });
    const out: ExternalProject[] = [];
    // Sequential on purpose: Jira's burst limit is per endpoint, and this runs in the background.
    for (const p of projects) out.push(await this.describeProject(p));
    return out;
  }

  private async describeProject(project: JiraProject): Promise<ExternalProject> {
    const p = { id: boundedId(SYSTEM, 'project id', project.id), key: boundedId(SYSTEM, 'project key', project.key), name: boundedName(project.name) };
    const statusesRes = await this.http.send<z.infer<typeof jiraProjectStatuses>>({
      method: 'GET',
      path: `/rest/api/3/project/${encodeURIComponent(p.key)}/statuses`,
      headers: this.headers,
      action: `reading the statuses of project ${p.key}`,
      schema: jiraProjectStatuses,
    });
    const statuses = new Map<string, ExternalStatus>();
    for (const type of statusesRes.body) {
      for (const s of type.statuses) {
        const id = boundedId(SYSTEM, 'status id', s.id);
        statuses.set(id, { id, name: boundedName(s.name), category: statusCategory(s.statusCategory?.key) });
      }
    }
    const issueTypes = (await this.creatableIssueTypes(p.key)).filter((t) => !t.subtask);
    let labelsSupported = issueTypes.length > 0;
    for (const t of issueTypes) {
      const fields = await this.getFields(p.key, t.id);
      // The marker label must be settable for whichever issue type an admin maps.
      if (!fields.some((f) => f.key === MARKER)) labelsSupported = false;
    }
    return {
      id: p.id,
      key: p.key,
      name: p.name,
      statuses: [...statuses.values()],
      issueTypes: issueTypes.map((t) => ({ id: boundedId(SYSTEM, 'issue type id', t.id), name: boundedName(t.name) })),
      labelsSupported,
    };
  }

  private creatableIssueTypes(projectKey: string) {
    const action = `reading the issue types of project ${projectKey}`;
    return collectPages({
      system: SYSTEM,
      action,
      pageSize: PAGE_SIZE,
      key: (t: { id: string }) => t.id,
      fetch: async (startAt) => {
        const { body } = await this.http.send<z.infer<typeof jiraCreateMetaTypes>>({
          method: 'GET',
          path: `/rest/api/3/issue/createmeta/${encodeURIComponent(projectKey)}/issuetypes`,
          query: { startAt, maxResults: PAGE_SIZE },
          headers: this.headers,
          action,
          schema: jiraCreateMetaTypes,
        });
        return { items: body.issueTypes ?? [], total: body.total ?? undefined };
      },
    });
  }

  async getFields(projectKey: string, issueTypeId: string): Promise<FieldMeta[]> {
    const action = `reading the create fields of project ${projectKey}`;
    const fields = await collectPages({
      system: SYSTEM,
      action,
      pageSize: PAGE_SIZE,
      key: (f: JiraCreateMetaField) => f.key,
      fetch: async (startAt) => {
        const { body } = await this.http.send<z.infer<typeof jiraCreateMetaFields>>({
          method: 'GET',
          path: `/rest/api/3/issue/createmeta/${encodeURIComponent(projectKey)}/issuetypes/${encodeURIComponent(issueTypeId)}`,
          query: { startAt, maxResults: PAGE_SIZE },
          headers: this.headers,
          action,
          schema: jiraCreateMetaFields,
        });
        return { items: body.fields ?? body.results ?? [], total: body.total ?? undefined };
      },
    });
    return fields.map((f) => ({
      key: boundedId(SYSTEM, 'field key', f.key),
      name: boundedName(f.name),
      required: f.required,
      schemaType: boundedName(f.schema.type),
      ...(f.allowedValues
        ? {
            allowedValues: f.allowedValues.map((v) => ({
              id: String(v.id ?? ''),
              name: boundedName(String(v.name ?? v.value ?? v.id ?? '')),
            })),
          }
        : {}),
    }));
  }

  async findTicketByMarker(marker: string, projectKey?: string): Promise<ExternalTicket | null> {
    assertLabel(marker);
    const scope = projectKey ? `project = ${jqlString(projectKey)} AND ` : '';
    // POST /search/jql: the old /rest/api/3/search is being removed (CHANGE-2046). Read-only, so safe to retry.
    const res = await this.http.send<z.infer<typeof jiraIssueList>>({
      method: 'POST',
      path: '/rest/api/3/search/jql',
      schema: jiraIssueList,
      json: { jql: `${scope}${MARKER} = ${jqlString(marker)} ORDER BY created ASC`, fields: [...ISSUE_FIELDS, MARKER], maxResults: 2 },
      idempotent: true,
      headers: this.headers,
      action: 'looking for an existing issue',
    });
    const issue = (res.body.issues ?? [])[0];
    return issue ? this.toTicket(issue) : null;
  }

  async createTicket(input: CreateTicketInput): Promise<ExternalTicket> {
    assertLabel(input.marker);
    if (!input.projectKey || !input.issueTypeId) {
      throw new ConnectorError('invalid', 'A Jira ticket needs a project and an issue type: pick them in the ticket action.');
    }
    const res = await this.http.send<z.infer<typeof jiraCreatedIssue>>({
      method: 'POST',
      path: '/rest/api/3/issue',
      schema: jiraCreatedIssue,
      json: jiraIssueBody(input),
      headers: this.headers,
      action: `creating an issue in project ${input.projectKey}`,
    });
    const created = { id: boundedId(SYSTEM, 'issue id', res.body.id), key: boundedId(SYSTEM, 'issue key', res.body.key) };
    try {
      const issue = await this.getTicket(created.id);
      if (issue) return issue;
    } catch {
      // The issue exists already; failing here would make the caller create a second one.
    }
    return {
      externalId: created.id,
      key: created.key,
      url: this.ticketUrl(created.key, created.id),
      status: { id: '', name: '' },
      closed: false,
      assigneeExternalId: input.assigneeExternalId,
      updatedAt: null,
    };
  }

  async getTicket(externalId: string): Promise<ExternalTicket | null> {
    const res = await this.http.sendOrNull<JiraIssue>({
      method: 'GET',
      path: `/rest/api/3/issue/${encodeURIComponent(externalId)}`,
      query: { fields: ISSUE_FIELDS.join(',') },
      headers: this.headers,
      action: 'reading the issue status',
      schema: jiraIssue,
    });
    return res ? this.toTicket(res.body) : null;
  }

  async getTickets(refs: TicketRef[]): Promise<ExternalTicket[]> {
    assertBatchSize(refs);
    if (refs.length === 0) return [];
    for (const r of refs) assertIssueKey(r.key);
    // One page is enough: maxResults equals the number of keys asked for.
    const res = await this.http.send<z.infer<typeof jiraIssueList>>({
      method: 'POST',
      path: '/rest/api/3/search/jql',
      schema: jiraIssueList,
      json: { jql: `key in (${refs.map((r) => r.key).join(', ')})`, fields: ISSUE_FIELDS, maxResults: refs.length },
      idempotent: true,
      headers: this.headers,
      action: `reading the status of ${refs.length} issues`,
    });
    return (res.body.issues ?? []).slice(0, refs.length).map((i) => this.toTicket(i));
  }

  async addComment(externalId: string, text: string): Promise<void> {
    await this.http.send({
      method: 'POST',
      path: `/rest/api/3/issue/${encodeURIComponent(externalId)}/comment`,
      json: { body: textToAdf(text) },
      headers: this.headers,
      action: 'adding a comment',
    });
  }

  async reopenTicket(externalId: string): Promise<ExternalTicket> {
    const path = `/rest/api/3/issue/${encodeURIComponent(externalId)}/transitions`;
    const res = await this.http.send<z.infer<typeof jiraTransitions>>({
      method: 'GET',
      path,
      schema: jiraTransitions,
      headers: this.headers,
      action: 'reading the workflow transitions',
    });
    // The workflow decides where a done issue may go; the first way out of "done" is taken.
    const out = (res.body.transitions ?? []).find((t) => t.to?.statusCategory?.key && t.to.statusCategory.key !== 'done');
    if (!out) {
      throw new ConnectorError(
        'invalid',
        "The Jira workflow offers no transition out of the issue's closed status: reopen it in Jira, or set the closed-ticket policy to create a new ticket.",
      );
    }
    await this.http.send({
      method: 'POST',
      path,
      json: { transition: { id: out.id } },
      headers: this.headers,
      action: `moving the issue to ${boundedName(out.to?.name ?? out.name)}`,
    });
    const issue = await this.getTicket(externalId);
    if (!issue) throw new ConnectorError('not_found', 'Jira Cloud found nothing while reopening the issue: it may have been deleted.');
    return issue;
  }

  async listComments(externalId: string): Promise<string[]> {
    const action = 'reading the comments';
    const comments = await collectPages({
      system: SYSTEM,
      action,
      pageSize: PAGE_SIZE,
      maxItems: MAX_COMMENTS,
      key: (c: { id: string }) => c.id,
      fetch: async (startAt) => {
        const { body } = await this.http.send<z.infer<typeof jiraComments>>({
          method: 'GET',
          path: `/rest/api/3/issue/${encodeURIComponent(externalId)}/comment`,
          query: { startAt, maxResults: PAGE_SIZE, orderBy: 'created' },
          headers: this.headers,
          action,
          schema: jiraComments,
        });
        return { items: body.comments ?? [], total: body.total ?? undefined };
      },
    });
    return comments.map((c) => adfToText(c.body));
  }

  ticketUrl(key: string, _externalId?: string): string {
    return `${this.http.baseUrl}/browse/${encodeURIComponent(key)}`;
  }

  private toTicket(issue: JiraIssue): ExternalTicket {
    return toExternalTicket(issue, this.ticketUrl(issue.key));
  }
}

/** The create-issue body: mapped fields first, the ones the product controls on top (ticketing-apis.md §1). */
export function jiraIssueBody(input: CreateTicketInput): { fields: Record<string, unknown> } {
  const link = input.incidentUrl ? { label: 'Linked security incident: ', text: input.incidentUrl, href: input.incidentUrl } : undefined;
  return {
    fields: {
      ...input.fields,
      project: { key: input.projectKey },
      issuetype: { id: input.issueTypeId },
      summary: input.summary,
      description: textToAdf(input.description, link),
      assignee: { accountId: input.assigneeExternalId },
      labels: [input.marker],
    },
  };
}

/** Labels cannot contain spaces; the marker is also quoted into JQL, so keep it to a safe alphabet. */
function assertLabel(marker: string): void {
  if (!/^[A-Za-z0-9._:-]{1,255}$/.test(marker)) {
    throw new ConnectorError('invalid', 'The ticket marker must be letters, digits or . _ : - (a Jira label cannot contain spaces).');
  }
}

/** Keys go into JQL unquoted (a quoted key that no longer exists fails the whole query the same way). */
function assertIssueKey(key: string): void {
  if (!/^[A-Z][A-Z0-9_]*-\d+$/.test(key)) {
    throw new ConnectorError('invalid', `"${key.slice(0, 40)}" is not a Jira issue key (PROJECT-123).`);
  }
}

function jqlString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
