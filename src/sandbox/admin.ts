import { SANDBOX_JIRA_CREDENTIALS, SANDBOX_SEEDED_EMAILS, SANDBOX_SERVICENOW_CREDENTIALS } from './constants.js';
import { adfToText } from '../connectors/jira-cloud/adf.js';
import { NO_FAULTS, SN_STATES, type Faults, type SandboxState, type SandboxSystem } from './state.js';
import { parseJson, type AdminHandler, type Reply, type SystemRequest } from './wire.js';
import { parseWebhookTarget } from './webhooks.js';

/** `/__sandbox/*` on both ports: an overview page and switches for tests and demos. Not part of either real API. */

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function bodyOf(req: SystemRequest): Record<string, unknown> {
  if (String(req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(req.body));
  }
  const parsed = parseJson(req.body || '{}');
  return parsed.ok && parsed.value && typeof parsed.value === 'object' ? (parsed.value as Record<string, unknown>) : {};
}

const FAULT_NUMBERS = ['latencyMs', 'rateLimitBurst', 'retryAfterSeconds', 'errorBurst', 'hang', 'drop', 'searchLagMs', 'loseCreateAnswers'] as const;
const FAULT_SHARES = ['rateLimitRate', 'errorRate'] as const;

function parseFaults(body: Record<string, unknown>): Partial<Faults> | string {
  const out: Partial<Faults> = {};
  for (const key of FAULT_NUMBERS) {
    if (body[key] === undefined) continue;
    const n = Number(body[key]);
    if (!Number.isInteger(n) || n < 0) return `${key} must be a whole number ≥ 0`;
    out[key] = n;
  }
  for (const key of FAULT_SHARES) {
    if (body[key] === undefined) continue;
    const n = Number(body[key]);
    if (!(n >= 0 && n <= 1)) return `${key} must be a number from 0 to 1`;
    out[key] = n;
  }
  if ((out.rateLimitRate ?? 0) + (out.errorRate ?? 0) > 1) return 'rateLimitRate and errorRate together must be at most 1';
  if (body.retryAfterFormat !== undefined) {
    if (body.retryAfterFormat !== 'seconds' && body.retryAfterFormat !== 'http-date') return 'retryAfterFormat must be "seconds" or "http-date"';
    out.retryAfterFormat = body.retryAfterFormat;
  }
  if (body.loseCreateAnswerAs !== undefined) {
    if (body.loseCreateAnswerAs !== 'error' && body.loseCreateAnswerAs !== 'drop') return 'loseCreateAnswerAs must be "error" or "drop"';
    out.loseCreateAnswerAs = body.loseCreateAnswerAs;
  }
  if (body.ignoreQueryFields !== undefined) {
    if (!Array.isArray(body.ignoreQueryFields) || body.ignoreQueryFields.some((f) => typeof f !== 'string'))
      return 'ignoreQueryFields must be a list of field names';
    out.ignoreQueryFields = body.ignoreQueryFields as string[];
  }
  return out;
}

export function summary(state: SandboxState) {
  return {
    servicenow: {
      incidents: state.servicenow.incidents.map((i) => ({
        sys_id: i.sys_id,
        number: i.number,
        short_description: i.short_description,
        state: i.state,
        stateName: SN_STATES.find(([v]) => v === i.state)?.[1] ?? i.state,
        assigned_to: i.assigned_to,
        correlation_id: i.correlation_id,
        notes: (state.servicenow.journal.get(i.sys_id) ?? []).map((j) => ({ field: j.field, value: j.value })),
      })),
      users: state.servicenow.users.map((u) => ({ sys_id: u.sys_id, name: u.name, user_name: u.user_name, email: u.email, active: u.active })),
    },
    jira: {
      issues: state.jira.issues.map((i) => {
        const project = state.jira.projects.find((p) => p.key === i.projectKey)!;
        return {
          id: i.id,
          key: i.key,
          summary: i.summary,
          status: project.statuses.find((s) => s.id === i.statusId)!.name,
          statuses: project.statuses.map((s) => s.name),
          labels: i.labels,
          assignee: i.assigneeAccountId,
          description: adfToText(i.description),
          comments: i.comments.map((c) => adfToText(c.body)),
        };
      }),
      users: state.jira.accounts.map((a) => ({
        accountId: a.accountId,
        displayName: a.displayName,
        email: a.email,
        emailVisible: a.emailVisible,
        active: a.active,
        accountType: a.accountType,
      })),
    },
    seededEmails: SANDBOX_SEEDED_EMAILS,
    faults: state.faults,
  };
}

function overviewPage(state: SandboxState): string {
  const s = summary(state);
  const statusForm = (id: string, options: string[], current: string) =>
    `<form method="post" action="/__sandbox/tickets/${encodeURIComponent(id)}/status"><select name="status">${options
      .map((o) => `<option${o === current ? ' selected' : ''}>${esc(o)}</option>`)
      .join('')}</select> <button>Move</button></form>`;
  // Assignee picker: every active person of the system, the current one selected; "" unassigns.
  const assigneeForm = (id: string, people: { id: string; label: string }[], current: string | null) =>
    `<form method="post" action="/__sandbox/tickets/${encodeURIComponent(id)}/assignee"><select name="assignee" aria-label="Assignee"><option value="">(unassigned)</option>${people
      .map((p) => `<option value="${esc(p.id)}"${p.id === current ? ' selected' : ''}>${esc(p.label)}</option>`)
      .join('')}</select> <button>Assign</button></form>`;
  const snPeople = s.servicenow.users.filter((u) => u.active === 'true').map((u) => ({ id: u.sys_id, label: `${u.name} <${u.email}>` }));
  const jiraPeople = s.jira.users
    .filter((u) => u.active && u.accountType === 'atlassian')
    .map((u) => ({ id: u.accountId, label: `${u.displayName} <${u.email}>` }));
  const snRows = s.servicenow.incidents
    .map(
      (i) =>
        `<tr><td><a href="/incident.do?sys_id=${i.sys_id}">${esc(i.number)}</a></td><td>${esc(i.short_description)}</td><td>${esc(i.stateName)}</td><td>${esc(i.correlation_id)}</td><td>${statusForm(
          i.sys_id,
          SN_STATES.map(([, n]) => n),
          i.stateName,
        )}</td><td>${assigneeForm(i.sys_id, snPeople, i.assigned_to || null)}</td></tr>`,
    )
    .join('');
  const jiraRows = s.jira.issues
    .map(
      (i) =>
        `<tr><td><a href="/browse/${encodeURIComponent(i.key)}">${esc(i.key)}</a></td><td>${esc(i.summary)}</td><td>${esc(i.status)}</td><td>${esc(i.labels.join(' '))}</td><td>${statusForm(i.id, i.statuses, i.status)}</td><td>${assigneeForm(i.id, jiraPeople, i.assignee)}</td></tr>`,
    )
    .join('');
  const hooks = (['servicenow', 'jira'] as const)
    .map(
      (sys) =>
        `<li><b>${sys === 'jira' ? 'Jira' : 'ServiceNow'}</b>: ${state.webhooks[sys] ? `sends to ${esc(state.webhooks[sys]!.url)}` : 'not sending (POST /__sandbox/webhooks {system, url, secret})'}</li>`,
    )
    .join('');
  const deliveries = state.webhookDeliveries
    .slice(-10)
    .reverse()
    .map((d) => `<li>${esc(d.at)} ${d.system} ${esc(d.ticket)} → ${d.status ?? esc(d.error ?? 'failed')}</li>`)
    .join('');
  const emails = (o: Record<string, readonly string[]>) =>
    Object.entries(o)
      .map(([k, v]) => `<li><b>${esc(k)}</b>: ${v.map(esc).join(', ')}</li>`)
      .join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Workflow Automation sandbox</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem}form{margin:0}</style></head><body>
<h1>Ticketing sandbox</h1><p>A fake ServiceNow and Jira Cloud for demos and tests. Data lives in memory.</p>${
    state.messagingUrl
      ? `<p>Notifications: <a href="${esc(state.messagingUrl)}/mailbox">mailbox</a>, <a href="${esc(state.messagingUrl)}/slack">Slack</a> and <a href="${esc(state.messagingUrl)}/teams">Teams</a> messages (<a href="${esc(state.messagingUrl)}/">sandbox messaging</a>).</p>`
      : ''
  }
<h2>ServiceNow incidents (${s.servicenow.incidents.length})</h2><table><tr><th>Number</th><th>Short description</th><th>State</th><th>Correlation ID</th><th>Move to</th><th>Assignee</th></tr>${snRows}</table>
<h2>Jira issues (${s.jira.issues.length})</h2><table><tr><th>Key</th><th>Summary</th><th>Status</th><th>Labels</th><th>Move to</th><th>Assignee</th></tr>${jiraRows}</table>
<h2>Outbound webhooks</h2><ul>${hooks}</ul><ol reversed>${deliveries}</ol>
<h2>Seeded emails</h2><h3>ServiceNow</h3><ul>${emails(s.seededEmails.servicenow)}</ul><h3>Jira Cloud</h3><ul>${emails(s.seededEmails.jira)}</ul>
</body></html>`;
}

/** What `GET /` answers on each port: which fake system this is, its API, its credentials and the overview page. */
function rootIndex(req: SystemRequest, system: SandboxSystem, state: SandboxState): Reply {
  const sn = SANDBOX_SERVICENOW_CREDENTIALS;
  const jira = SANDBOX_JIRA_CREDENTIALS;
  const index =
    system === 'servicenow'
      ? {
          system: 'ServiceNow (sandbox)',
          api: ['/api/now/table/sys_user', '/api/now/table/incident', '/oauth_token.do'],
          credentials: { basic: sn.basic, oauth: { clientId: sn.oauth.clientId, clientSecret: sn.oauth.clientSecret } },
        }
      : {
          system: 'Jira Cloud (sandbox)',
          api: ['/rest/api/3/myself', '/rest/api/3/project/search', '/rest/api/3/issue', '/rest/api/3/search/jql'],
          credentials: { email: jira.email, apiToken: jira.apiToken },
        };
  const body = {
    ...index,
    overview: '/__sandbox/',
    messaging: state.messagingUrl,
    note: 'A local fake for demos and tests; data lives in memory and these credentials work nowhere else.',
  };
  if (!String(req.headers.accept ?? '').includes('text/html')) return { status: 200, json: body };
  const creds = Object.entries(index.credentials)
    .map(([k, v]) => `<li><b>${esc(k)}</b>: <code>${esc(typeof v === 'string' ? v : JSON.stringify(v))}</code></li>`)
    .join('');
  return {
    status: 200,
    html: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(index.system)}</title></head><body style="font-family:system-ui,sans-serif;margin:2rem">
<h1>${esc(index.system)}</h1><p>${esc(body.note)}</p>
<p><a href="/__sandbox/">Sandbox overview</a>: tickets, their status and assignee, webhooks and seeded users.</p>${
      state.messagingUrl
        ? `<p><a href="${esc(state.messagingUrl)}/">Sandbox messaging</a>: the <a href="${esc(state.messagingUrl)}/mailbox">mailbox</a> (SMTP), <a href="${esc(state.messagingUrl)}/slack">Slack</a> and <a href="${esc(state.messagingUrl)}/teams">Teams</a> messages.</p>`
        : ''
    }
<h2>Credentials for Connect Account</h2><ul>${creds}</ul>
<h2>API</h2><ul>${index.api.map((a) => `<li><code>${esc(a)}</code></li>`).join('')}</ul></body></html>`,
  };
}

export function adminHandler(state: SandboxState): AdminHandler {
  return (req, portSystem): Reply => {
    const path = req.path.replace(/\/+$/, '') || '/';
    const body = req.method === 'POST' ? bodyOf(req) : {};
    const system: SandboxSystem = body.system === 'jira' || body.system === 'servicenow' ? body.system : portSystem;
    if (req.method === 'GET' && path === '/') return rootIndex(req, portSystem, state);
    if (req.method === 'GET' && path === '/__sandbox') return { status: 200, html: overviewPage(state) };
    if (req.method === 'GET' && path === '/__sandbox/state') return { status: 200, json: summary(state) };
    if (req.method === 'GET' && path === '/__sandbox/requests') return { status: 200, json: state.requests() };
    if (req.method === 'POST' && path === '/__sandbox/faults') {
      const faults = parseFaults(body);
      if (typeof faults === 'string') return { status: 400, json: { error: faults } };
      return { status: 200, json: { system, faults: state.setFaults(system, faults) } };
    }
    if (req.method === 'DELETE' && path === '/__sandbox/faults') {
      state.clearFaults();
      return { status: 200, json: { faults: { servicenow: NO_FAULTS, jira: NO_FAULTS } } };
    }
    if (req.method === 'POST' && path === '/__sandbox/reset') {
      state.reset();
      return { status: 200, json: { reset: true } };
    }
    if (req.method === 'POST' && path === '/__sandbox/oauth/expire-access-tokens') {
      state.expireAccessTokens();
      return { status: 200, json: { expired: true } };
    }
    if (req.method === 'POST' && path === '/__sandbox/oauth/revoke-refresh-tokens') {
      state.revokeRefreshTokens();
      return { status: 200, json: { revoked: true } };
    }
    if (req.method === 'GET' && path === '/__sandbox/webhooks') {
      const masked = (t: { url: string } | null) => (t ? { url: t.url, secretSet: true } : null);
      return { status: 200, json: { servicenow: masked(state.webhooks.servicenow), jira: masked(state.webhooks.jira), deliveries: state.webhookDeliveries } };
    }
    if (req.method === 'POST' && path === '/__sandbox/webhooks') {
      const target = parseWebhookTarget(body);
      if (typeof target === 'string') return { status: 400, json: { error: target } };
      state.webhooks[system] = target;
      return { status: 200, json: { system, url: target?.url ?? null } };
    }
    const m = path.match(/^\/__sandbox\/tickets\/([^/]+)\/(status|assignee)$/);
    if (req.method === 'POST' && m) {
      try {
        const id = decodeURIComponent(m[1]);
        const moved = m[2] === 'status' ? state.setTicketStatus(id, String(body.status ?? '')) : state.setTicketAssignee(id, String(body.assignee ?? ''));
        const fromForm = String(req.headers['content-type'] ?? '').includes('form-urlencoded');
        return fromForm ? { status: 303, headers: { Location: '/__sandbox/' }, text: '' } : { status: 200, json: moved };
      } catch (err) {
        return { status: 404, json: { error: (err as Error).message } };
      }
    }
    return { status: 404, json: { error: 'Unknown sandbox admin route' } };
  };
}
