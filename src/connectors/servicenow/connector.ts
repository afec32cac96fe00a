import type { z } from 'zod';
import { HttpClient, type HttpRequest } from '../http.js';
import {
  ConnectorError,
  type ConnectorOptions,
  type CreateTicketInput,
  type ExternalTicket,
  type ExternalUser,
  type ServiceNowCredentials,
  type TicketRef,
  assertBatchSize,
  type TicketingConnector,
  type UserLookup,
} from '../types.js';
import { createServiceNowAuth, type ServiceNowAuth } from './auth.js';
import { SERVICENOW } from './descriptor.js';
import { readServiceNowError } from './errors.js';
import { boundedName } from '../limits.js';
import { raw, snList, snOne, toExternalTicket, toExternalUser, type SnRecord } from './records.js';

const USER_FIELDS = 'sys_id,name,user_name,email,active';
const INCIDENT_FIELDS = 'sys_id,number,state,assigned_to,sys_updated_on';
/** correlation_id: the ticket's idempotency marker. */
const MARKER = SERVICENOW.capabilities.marker.field;
/** Shown in ServiceNow next to correlation_id as the name of the system that owns the id. */
export const CORRELATION_DISPLAY = 'WorkflowAutomation';

/** Incident state "In Progress": where a reopened incident goes. */
const IN_PROGRESS = '2';
/** Notes read back to find our own; a ticket with more is not one this product fills. */
const MAX_COMMENTS = 200;

type ListResult = z.infer<typeof snList>;
type RecordResult = z.infer<typeof snOne>;

/** ServiceNow Table API client (ticketing-apis.md §2). No projects or field mappings: see its descriptor. */
export class ServiceNowConnector implements TicketingConnector {
  readonly type = SERVICENOW.type;
  private readonly http: HttpClient;
  private readonly auth: ServiceNowAuth;

  constructor(
    baseUrl: string,
    private readonly credentials: ServiceNowCredentials,
    opts: ConnectorOptions,
  ) {
    const secrets = [credentials.password];
    if (credentials.authMethod === 'oauth') {
      secrets.push(credentials.clientSecret, credentials.accessToken ?? '', credentials.refreshToken ?? '');
    }
    this.http = new HttpClient({
      system: 'ServiceNow',
      baseUrl,
      options: opts,
      credentialHint:
        credentials.authMethod === 'basic'
          ? 'the username and password of the integration account'
          : 'the OAuth client and the integration account, or re-authorize the integration',
      readErrorBody: readServiceNowError,
      secrets,
    });
    this.auth = createServiceNowAuth(credentials, opts.onTokens);
  }

  private send<T>(req: HttpRequest) {
    return this.auth.send<T>(this.http, req);
  }

  private sendOrNull<T>(req: HttpRequest) {
    return this.auth.sendOrNull<T>(this.http, req);
  }

  async verify(): Promise<{ accountName: string }> {
    const username = this.credentials.username;
    const res = await this.send<ListResult>({
      method: 'GET',
      schema: snList,
      path: '/api/now/table/sys_user',
      query: {
        sysparm_query: `user_name=${username}`,
        sysparm_fields: 'name,user_name',
        sysparm_limit: 1,
      },
      action: 'signing in',
    });
    // An ACL may hide the account's own record; the credentials still worked.
    const own = res.body.result.find((r) => raw(r.user_name).toLowerCase() === username.toLowerCase());
    return { accountName: boundedName(own ? raw(own.name) || username : username) };
  }

  async lookupUserByEmail(email: string): Promise<UserLookup> {
    const wanted = email.trim().toLowerCase();
    // '^' separates query terms: an email containing it would turn into a different query.
    if (wanted.includes('^') || wanted.includes(',')) {
      throw new ConnectorError('invalid', 'This email address contains characters ServiceNow queries cannot express safely (^ or ,).');
    }
    // ServiceNow silently drops invalid query parts and may then return unrelated users, so every
    // row is re-checked and a limit of 2 is enough to tell one from many.
    const matching = (rows: SnRecord[]) => rows.filter((r) => raw(r.email).trim().toLowerCase() === wanted);
    // `active` is re-checked too: that query part could have been dropped as well.
    const active = matching(await this.queryUsers(`email=${wanted}^active=true`)).filter((r) => raw(r.active) === 'true');
    if (active.length > 1) return { outcome: 'ambiguous', count: active.length };
    if (active.length === 1) return { outcome: 'found', user: toExternalUser(active[0]) };
    const any = matching(await this.queryUsers(`email=${wanted}`));
    if (any.length === 0) return { outcome: 'not_found' };
    return { outcome: 'inactive', user: toExternalUser(any[0]) };
  }

  private async queryUsers(query: string): Promise<SnRecord[]> {
    const res = await this.send<ListResult>({
      method: 'GET',
      schema: snList,
      path: '/api/now/table/sys_user',
      query: {
        sysparm_query: query,
        sysparm_fields: USER_FIELDS,
        sysparm_limit: 2,
        sysparm_exclude_reference_link: true,
      },
      action: 'looking up a user by email',
    });
    return res.body.result;
  }

  async getUser(externalId: string): Promise<ExternalUser | null> {
    assertSysId(externalId, 'user');
    const res = await this.sendOrNull<RecordResult>({
      method: 'GET',
      schema: snOne,
      path: `/api/now/table/sys_user/${externalId}`,
      query: { sysparm_fields: USER_FIELDS, sysparm_exclude_reference_link: true },
      action: 'reading a user',
    });
    return res ? toExternalUser(res.body.result) : null;
  }

  async findTicketByMarker(marker: string): Promise<ExternalTicket | null> {
    assertMarker(marker);
    const res = await this.send<ListResult>({
      method: 'GET',
      schema: snList,
      path: '/api/now/table/incident',
      query: {
        sysparm_query: `${MARKER}=${marker}^ORDERBYsys_created_on`,
        sysparm_fields: `${INCIDENT_FIELDS},${MARKER}`,
        sysparm_display_value: 'all',
        sysparm_exclude_reference_link: true,
        sysparm_limit: 2,
      },
      action: 'looking for an existing ticket',
    });
    // Re-checked: a dropped query part would otherwise hand back an unrelated incident.
    const hit = res.body.result.find((r) => raw(r[MARKER]) === marker);
    return hit ? this.toTicket(hit) : null;
  }

  async createTicket(input: CreateTicketInput): Promise<ExternalTicket> {
    assertMarker(input.marker);
    assertSysId(input.assigneeExternalId, 'assignee');
    const res = await this.send<RecordResult>({
      method: 'POST',
      schema: snOne,
      path: '/api/now/table/incident',
      query: { sysparm_fields: INCIDENT_FIELDS, sysparm_display_value: 'all', sysparm_exclude_reference_link: true },
      json: serviceNowIncidentBody(input),
      action: 'creating the incident',
    });
    return this.toTicket(res.body.result);
  }

  async getTicket(externalId: string): Promise<ExternalTicket | null> {
    assertSysId(externalId, 'incident');
    const res = await this.sendOrNull<RecordResult>({
      method: 'GET',
      schema: snOne,
      path: `/api/now/table/incident/${externalId}`,
      query: { sysparm_fields: INCIDENT_FIELDS, sysparm_display_value: 'all', sysparm_exclude_reference_link: true },
      action: 'reading the incident status',
    });
    return res ? this.toTicket(res.body.result) : null;
  }

  async getTickets(refs: TicketRef[]): Promise<ExternalTicket[]> {
    assertBatchSize(refs);
    if (refs.length === 0) return [];
    for (const r of refs) assertSysId(r.externalId, 'incident');
    const wanted = new Set(refs.map((r) => r.externalId));
    const res = await this.send<ListResult>({
      method: 'GET',
      schema: snList,
      path: '/api/now/table/incident',
      query: {
        sysparm_query: `sys_idIN${[...wanted].join(',')}`,
        sysparm_fields: INCIDENT_FIELDS,
        sysparm_display_value: 'all',
        sysparm_exclude_reference_link: true,
        sysparm_limit: refs.length,
      },
      action: `reading the state of ${refs.length} incidents`,
    });
    // Re-checked: an instance that drops the query part would hand back unrelated incidents.
    return res.body.result.filter((r) => wanted.has(raw(r.sys_id))).map((r) => this.toTicket(r));
  }

  async addComment(externalId: string, text: string): Promise<void> {
    assertSysId(externalId, 'incident');
    // Work notes stay internal to the fulfilment team; incident details should not reach the caller.
    await this.send({
      method: 'PATCH',
      path: `/api/now/table/incident/${externalId}`,
      query: { sysparm_fields: 'sys_id' },
      json: { work_notes: text },
      action: 'adding a work note',
    });
  }

  async reopenTicket(externalId: string): Promise<ExternalTicket> {
    assertSysId(externalId, 'incident');
    const res = await this.send<RecordResult>({
      method: 'PATCH',
      schema: snOne,
      path: `/api/now/table/incident/${externalId}`,
      query: { sysparm_fields: INCIDENT_FIELDS, sysparm_display_value: 'all', sysparm_exclude_reference_link: true },
      json: { state: IN_PROGRESS },
      action: 'reopening the incident',
    });
    return this.toTicket(res.body.result);
  }

  async listComments(externalId: string): Promise<string[]> {
    assertSysId(externalId, 'incident');
    // Work notes live in the journal table; the incident record itself returns them write-only.
    const res = await this.send<ListResult>({
      method: 'GET',
      schema: snList,
      path: '/api/now/table/sys_journal_field',
      query: {
        sysparm_query: `element_id=${externalId}^element=work_notes^ORDERBYsys_created_on`,
        sysparm_fields: 'value,element_id,element',
        sysparm_limit: MAX_COMMENTS,
      },
      action: 'reading the work notes',
    });
    const rows = res.body.result;
    // Re-checked: a dropped query part would hand back other incidents' notes.
    return rows
      .filter((r) => raw(r.element_id) === externalId && raw(r.element) === 'work_notes')
      .slice(0, MAX_COMMENTS)
      .map((r) => raw(r.value));
  }

  ticketUrl(_key: string, externalId: string): string {
    return `${this.http.baseUrl}/incident.do?sys_id=${encodeURIComponent(externalId)}`;
  }

  private toTicket(r: SnRecord): ExternalTicket {
    const sysId = raw(r.sys_id);
    return toExternalTicket(r, this.ticketUrl(raw(r.number), sysId));
  }
}

/** The Table API body of a new incident: caller-supplied fields (urgency, impact) first, ours on top. */
export function serviceNowIncidentBody(input: CreateTicketInput): Record<string, unknown> {
  const description = input.incidentUrl ? `${input.description}\n\nLinked security incident: ${input.incidentUrl}` : input.description;
  return {
    ...input.fields,
    short_description: input.summary,
    description,
    assigned_to: input.assigneeExternalId,
    correlation_id: input.marker,
    correlation_display: CORRELATION_DISPLAY,
  };
}

function assertSysId(id: string, what: string): void {
  if (!/^[0-9a-f]{32}$/i.test(id)) {
    throw new ConnectorError('invalid', `The ServiceNow ${what} id "${id.slice(0, 40)}" is not a sys_id (32 hexadecimal characters).`);
  }
}

function assertMarker(marker: string): void {
  if (!/^[A-Za-z0-9._:-]{1,100}$/.test(marker)) {
    throw new ConnectorError('invalid', 'The ticket marker must be 1–100 letters, digits or . _ : - so ServiceNow can query it exactly.');
  }
}
