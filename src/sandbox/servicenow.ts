import { randomBytes } from 'node:crypto';
import { matches, parseQuery, sortRecords } from './servicenow-query.js';
import type { SnIncident, SnUser } from './seed.js';
import { SANDBOX_SERVICENOW_CREDENTIALS } from './constants.js';
import { SN_STATES, snNow, type SandboxState } from './state.js';
import { basicCredentials, parseJson, type Reply, type SystemDefinition, type SystemRequest } from './wire.js';

/** Fake ServiceNow Table API + OAuth token endpoint with the wire details of ticketing-apis.md §2. */

const failure = (status: number, message: string, detail: string | null, headers?: Record<string, string>): Reply => ({
  status,
  headers,
  json: { error: { message, detail }, status: 'failure' },
});

const NOT_AUTHENTICATED = () => failure(401, 'User Not Authenticated', 'Required to provide Auth information');
const NO_RECORD = () => failure(404, 'No Record found', "Record doesn't exist or ACL restricts the record retrieval");

const USER_COLUMNS = ['sys_id', 'name', 'user_name', 'email', 'active', 'first_name', 'last_name', 'sys_created_on', 'sys_updated_on'];
const INCIDENT_COLUMNS = [
  'sys_id',
  'number',
  'short_description',
  'description',
  'state',
  'incident_state',
  'active',
  'assigned_to',
  'caller_id',
  'correlation_id',
  'correlation_display',
  'urgency',
  'impact',
  'priority',
  'work_notes',
  'comments',
  'sys_created_on',
  'sys_updated_on',
  'sys_created_by',
];
const JOURNAL_COLUMNS = ['sys_id', 'element_id', 'element', 'name', 'value', 'sys_created_on', 'sys_created_by'];
const REFERENCES: Record<string, Set<string>> = { incident: new Set(['assigned_to', 'caller_id']), sys_user: new Set(), sys_journal_field: new Set() };
const JOURNAL = new Set(['work_notes', 'comments']);
const WRITABLE = new Set(INCIDENT_COLUMNS.filter((c) => !['sys_id', 'number', 'sys_created_on', 'sys_updated_on', 'sys_created_by'].includes(c)));

function userRow(u: SnUser): Record<string, string> {
  const [first_name, ...rest] = u.name.split(' ');
  return {
    sys_id: u.sys_id,
    name: u.name,
    user_name: u.user_name,
    email: u.email,
    active: u.active,
    first_name,
    last_name: rest.join(' '),
    sys_created_on: '2025-01-01 00:00:00',
    sys_updated_on: '2025-01-01 00:00:00',
  };
}

export function serviceNowSystem(state: SandboxState): SystemDefinition {
  const sn = () => state.servicenow;

  function authenticate(req: SystemRequest): SnUser | null {
    const header = req.headers.authorization;
    const basic = basicCredentials(header);
    if (basic) {
      const user = sn().users.find((u) => u.user_name === basic.user && u.password !== undefined && u.password === basic.secret);
      return user ?? null;
    }
    if (header?.startsWith('Bearer ')) {
      const token = sn().accessTokens.get(header.slice(7));
      if (!token || token.expiresAt <= Date.now()) return null;
      return sn().users.find((u) => u.user_name === token.username) ?? null;
    }
    return null;
  }

  function tableRows(table: string): Record<string, string>[] | null {
    if (table === 'sys_user') return sn().users.map(userRow);
    if (table === 'incident') return sn().incidents;
    if (table === 'sys_journal_field') return journalRows();
    return null;
  }

  /** Work notes and comments as the real instance stores them: one sys_journal_field row each. */
  function journalRows(): Record<string, string>[] {
    const rows: Record<string, string>[] = [];
    for (const [sysId, entries] of sn().journal) {
      entries.forEach((j, i) =>
        rows.push({
          sys_id: `${sysId.slice(0, 28)}${String(i).padStart(4, '0')}`,
          element_id: sysId,
          element: j.field,
          name: 'incident',
          value: j.value,
          sys_created_on: j.at,
          sys_created_by: 'wfa.integration',
        }),
      );
    }
    return rows;
  }

  function columnsOf(table: string): string[] {
    return table === 'sys_user' ? USER_COLUMNS : table === 'sys_journal_field' ? JOURNAL_COLUMNS : INCIDENT_COLUMNS;
  }

  /** Shapes a record like the Table API: field selection, display values and reference links. */
  function render(table: string, row: Record<string, string>, req: SystemRequest): Record<string, unknown> {
    const wanted = req.query
      .get('sysparm_fields')
      ?.split(',')
      .map((f) => f.trim())
      .filter(Boolean);
    const fields = (wanted ?? columnsOf(table)).filter((f) => columnsOf(table).includes(f));
    const mode = req.query.get('sysparm_display_value') ?? 'false';
    const withLinks = req.query.get('sysparm_exclude_reference_link') !== 'true';
    const out: Record<string, unknown> = {};
    for (const f of fields) {
      const value = JOURNAL.has(f) ? '' : (row[f] ?? '');
      const display = displayValue(table, f, value);
      const isRef = REFERENCES[table]?.has(f) && value !== '';
      const link = `${req.origin}/api/now/table/sys_user/${value}`;
      if (mode === 'all') out[f] = isRef && withLinks ? { display_value: display, link, value } : { display_value: display, value };
      else if (mode === 'true') out[f] = isRef && withLinks ? { display_value: display, link } : display;
      else out[f] = isRef && withLinks ? { link, value } : value;
    }
    return out;
  }

  function displayValue(table: string, field: string, value: string): string {
    if (REFERENCES[table]?.has(field)) return sn().users.find((u) => u.sys_id === value)?.name ?? '';
    if (table === 'incident' && (field === 'state' || field === 'incident_state')) return SN_STATES.find(([v]) => v === value)?.[1] ?? value;
    return value;
  }

  function list(table: string, req: SystemRequest): Reply {
    const rows = tableRows(table)!;
    const q = parseQuery(req.query.get('sysparm_query') ?? '', new Set(columnsOf(table)), state.faults.servicenow.ignoreQueryFields);
    const hits = sortRecords(
      rows.filter((r) => matches(r, q)),
      q.order,
    );
    const offset = Number(req.query.get('sysparm_offset') ?? 0) || 0;
    const limit = Number(req.query.get('sysparm_limit') ?? 10000) || 10000;
    const page = hits.slice(offset, offset + limit);
    return { status: 200, headers: { 'X-Total-Count': String(hits.length) }, json: { result: page.map((r) => render(table, r, req)) } };
  }

  function createIncident(user: SnUser, req: SystemRequest): Reply {
    if (!user.canWrite) return failure(403, 'Operation Failed', 'ACL Exception Insert Failed due to security constraints');
    const parsed = parseBody(req);
    if ('status' in parsed) return parsed;
    const values = parsed.values;
    // A data policy most instances have: an incident needs a short description.
    if (!values.short_description?.trim()) return failure(400, 'Operation Failed', 'Data Policy Exception: \n Short description is mandatory');
    const now = snNow();
    const urgency = values.urgency ?? '3';
    const impact = values.impact ?? '3';
    const incident: SnIncident = {
      sys_id: randomBytes(16).toString('hex'),
      number: `INC${String(sn().nextNumber++).padStart(7, '0')}`,
      short_description: '',
      description: '',
      state: '1',
      incident_state: '1',
      active: 'true',
      assigned_to: '',
      caller_id: '',
      correlation_id: '',
      correlation_display: '',
      work_notes: '',
      comments: '',
      sys_created_by: user.user_name,
      ...Object.fromEntries(Object.entries(values).filter(([k]) => WRITABLE.has(k) && !JOURNAL.has(k))),
      urgency,
      impact,
      priority: String(Math.min(5, Number(urgency) + Number(impact) - 1)),
      sys_created_on: now,
      sys_updated_on: now,
    };
    sn().incidents.push(incident);
    journal(incident.sys_id, values);
    return {
      status: 201,
      headers: { Location: `${req.origin}/api/now/table/incident/${incident.sys_id}` },
      json: { result: render('incident', incident, req) },
    };
  }

  function updateIncident(user: SnUser, sysId: string, req: SystemRequest): Reply {
    const incident = sn().incidents.find((i) => i.sys_id === sysId);
    if (!incident) return NO_RECORD();
    if (!user.canWrite) return failure(403, 'Operation Failed', 'ACL Exception Update Failed due to security constraints');
    const parsed = parseBody(req);
    if ('status' in parsed) return parsed;
    for (const [k, v] of Object.entries(parsed.values)) if (WRITABLE.has(k) && !JOURNAL.has(k)) incident[k] = v;
    journal(sysId, parsed.values);
    incident.sys_updated_on = snNow();
    return { status: 200, json: { result: render('incident', incident, req) } };
  }

  function journal(sysId: string, values: Record<string, string>) {
    for (const field of ['work_notes', 'comments'] as const) {
      if (values[field]) {
        const entries = sn().journal.get(sysId) ?? [];
        entries.push({ field, value: values[field], at: snNow() });
        sn().journal.set(sysId, entries);
      }
    }
  }

  /** JSON body with every value stored as a string, as ServiceNow does. */
  function parseBody(req: SystemRequest): { values: Record<string, string> } | Reply {
    if (!String(req.headers['content-type'] ?? '').includes('application/json')) {
      return failure(400, 'Exception while reading request', 'Content-Type must be application/json');
    }
    const parsed = parseJson(req.body);
    if (!parsed.ok || !parsed.value || typeof parsed.value !== 'object' || Array.isArray(parsed.value)) {
      return failure(400, 'Exception while reading request', 'The payload is not valid JSON.');
    }
    return {
      values: Object.fromEntries(Object.entries(parsed.value).map(([k, v]) => [k, v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v)])),
    };
  }

  function oauthToken(req: SystemRequest): Reply {
    const denied: Reply = { status: 401, json: { error_description: 'access_denied', error: 'server_error' } };
    if (!String(req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) {
      return { status: 400, json: { error_description: 'unspecified error', error: 'server_error' } };
    }
    const form = new URLSearchParams(req.body);
    const client = SANDBOX_SERVICENOW_CREDENTIALS.oauth;
    if (form.get('client_id') !== client.clientId || form.get('client_secret') !== client.clientSecret) return denied;
    let username: string;
    if (form.get('grant_type') === 'password') {
      const user = sn().users.find((u) => u.user_name === form.get('username') && u.password !== undefined && u.password === form.get('password'));
      if (!user) return denied;
      username = user.user_name;
    } else if (form.get('grant_type') === 'refresh_token') {
      const refresh = sn().refreshTokens.get(form.get('refresh_token') ?? '');
      if (!refresh || refresh.expiresAt <= Date.now()) return denied;
      username = refresh.username;
    } else {
      return { status: 400, json: { error_description: 'unsupported grant type', error: 'server_error' } };
    }
    const ttl = sn().tokenTtlSeconds;
    const access = randomBytes(24).toString('base64url');
    sn().accessTokens.set(access, { value: access, username, expiresAt: Date.now() + ttl * 1000 });
    const body: Record<string, unknown> = { access_token: access, scope: 'useraccount', token_type: 'Bearer', expires_in: ttl };
    // The password grant returns a refresh token; the refresh grant returns an access token only.
    if (form.get('grant_type') === 'password') {
      const refresh = randomBytes(24).toString('base64url');
      sn().refreshTokens.set(refresh, { value: refresh, username, expiresAt: Date.now() + 100 * 24 * 3600 * 1000 });
      body.refresh_token = refresh;
    }
    return { status: 200, json: body };
  }

  function incidentPage(req: SystemRequest): Reply {
    const incident = sn().incidents.find((i) => i.sys_id === req.query.get('sys_id'));
    if (!incident) return { status: 404, html: '<!doctype html><title>Not found</title><p>No such incident in the sandbox.</p>' };
    const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
    const notes = (sn().journal.get(incident.sys_id) ?? []).map((j) => `<li>${esc(j.at)} ${j.field}: ${esc(j.value)}</li>`).join('');
    return {
      status: 200,
      html: `<!doctype html><title>${esc(incident.number)}</title><h1>${esc(incident.number)}: ${esc(incident.short_description)}</h1>
<p>State: <span id="state">${esc(displayValue('incident', 'state', incident.state))}</span></p><p>Assigned to: <span id="assignee">${esc(displayValue('incident', 'assigned_to', incident.assigned_to ?? '') || 'Unassigned')}</span></p>
<p>Urgency ${esc(incident.urgency ?? '')}, impact ${esc(incident.impact ?? '')}, correlation ID ${esc(incident.correlation_id ?? '')}</p><pre>${esc(incident.description)}</pre><ul>${notes}</ul>
<p><a href="/__sandbox/">Sandbox overview</a></p>`,
    };
  }

  return {
    system: 'servicenow',
    rateLimited: (faults, retryAfter) =>
      failure(429, 'Rate limit exceeded', 'Rate limit of 100 requests per hour for Table API exceeded', {
        'Retry-After': retryAfter,
        'X-RateLimit-Limit': '100',
        'X-RateLimit-Reset': String(Math.ceil(Date.now() / 1000) + faults.retryAfterSeconds),
        'X-RateLimit-Rule': 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
      }),
    unavailable: () => failure(503, 'Service Unavailable', 'The instance is temporarily unavailable'),
    isCreate: (req) => req.method === 'POST' && /^\/api\/now\/(?:v[12]\/)?table\/incident\/?$/.test(req.path),
    handle(req) {
      if (req.path === '/oauth_token.do' && req.method === 'POST') return oauthToken(req);
      if (req.path === '/incident.do' && req.method === 'GET') return incidentPage(req);
      const m = req.path.match(/^\/api\/now\/(?:v[12]\/)?table\/([^/]+)(?:\/([^/]+))?$/);
      if (!m) return failure(400, 'Requested URI does not represent any resource', null);
      const user = authenticate(req);
      if (!user) return NOT_AUTHENTICATED();
      const [, table, sysId] = m;
      const rows = tableRows(table);
      if (!rows) return failure(400, `Invalid table ${table}`, null);
      if (req.method === 'GET' && !sysId) return list(table, req);
      if (req.method === 'GET') {
        const row = rows.find((r) => r.sys_id === sysId);
        return row ? { status: 200, json: { result: render(table, row, req) } } : NO_RECORD();
      }
      if (table !== 'incident') return failure(403, 'Operation Failed', 'ACL Exception Insert Failed due to security constraints');
      if (req.method === 'POST' && !sysId) return createIncident(user, req);
      if ((req.method === 'PATCH' || req.method === 'PUT') && sysId) return updateIncident(user, sysId, req);
      return failure(405, 'Method not Supported', `${req.method} is not supported for this resource`);
    },
  };
}
