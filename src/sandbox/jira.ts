import { adfToText } from '../connectors/jira-cloud/adf.js';
import { parseJql } from './jql.js';
import type { JiraAccount, JiraFieldDef, JiraProjectDef, JiraStatusDef } from './seed.js';
import type { JiraIssueRecord, SandboxState } from './state.js';
import { basicCredentials, parseJson, type Reply, type SystemDefinition, type SystemRequest } from './wire.js';

/** Fake Jira Cloud platform REST v3 with the wire details of ticketing-apis.md §1 and the vendored spec. */

const errors = (status: number, errorMessages: string[], fieldErrors: Record<string, string> = {}, headers?: Record<string, string>): Reply => ({
  status,
  headers,
  json: { errorMessages, errors: fieldErrors },
});

const CATEGORIES = {
  new: { id: 2, key: 'new', colorName: 'blue-gray', name: 'To Do' },
  indeterminate: { id: 4, key: 'indeterminate', colorName: 'yellow', name: 'In Progress' },
  done: { id: 3, key: 'done', colorName: 'green', name: 'Done' },
} as const;

/** Jira's timestamp format, e.g. 2026-11-27T10:00:00.000+0000. */
const jiraTime = (iso: string) => iso.replace(/Z$/, '+0000');

function pageParams(req: SystemRequest, defaultMax = 50) {
  const startAt = Math.max(0, Number(req.query.get('startAt') ?? 0) || 0);
  const maxResults = Math.min(100, Math.max(1, Number(req.query.get('maxResults') ?? defaultMax) || defaultMax));
  return { startAt, maxResults };
}

function isAdfDoc(v: unknown): boolean {
  const d = v as { type?: unknown; version?: unknown; content?: unknown };
  return Boolean(d) && typeof d === 'object' && d.type === 'doc' && d.version === 1 && Array.isArray(d.content);
}

export function jiraSystem(state: SandboxState): SystemDefinition {
  const jira = () => state.jira;

  const userJson = (origin: string, a: JiraAccount) => ({
    self: `${origin}/rest/api/3/user?accountId=${a.accountId}`,
    accountId: a.accountId,
    accountType: a.accountType,
    ...(a.emailVisible ? { emailAddress: a.email } : {}),
    displayName: a.displayName,
    active: a.active,
    timeZone: 'Etc/UTC',
    locale: 'en_US',
  });

  const statusJson = (origin: string, s: JiraStatusDef) => ({
    self: `${origin}/rest/api/3/status/${s.id}`,
    description: '',
    iconUrl: `${origin}/images/icons/statuses/generic.png`,
    name: s.name,
    id: s.id,
    statusCategory: { self: `${origin}/rest/api/3/statuscategory/${CATEGORIES[s.category].id}`, ...CATEGORIES[s.category] },
  });

  const projectJson = (origin: string, p: JiraProjectDef) => ({
    self: `${origin}/rest/api/3/project/${p.id}`,
    id: p.id,
    key: p.key,
    name: p.name,
    projectTypeKey: 'software',
    simplified: false,
    style: 'classic' as const,
    isPrivate: false,
    properties: {},
  });

  function authenticate(req: SystemRequest): JiraAccount | null {
    const basic = basicCredentials(req.headers.authorization);
    if (!basic) return null;
    return (
      jira().accounts.find((a) => a.email.toLowerCase() === basic.user.toLowerCase() && a.apiToken !== undefined && a.apiToken === basic.secret && a.active) ??
      null
    );
  }

  function findProject(idOrKey: string) {
    return jira().projects.find((p) => p.id === idOrKey || p.key.toLowerCase() === idOrKey.toLowerCase());
  }

  function findIssue(idOrKey: string) {
    return jira().issues.find((i) => i.id === idOrKey || i.key.toLowerCase() === idOrKey.toLowerCase());
  }

  function issueJson(origin: string, issue: JiraIssueRecord, fieldsParam: string[] | null) {
    const project = findProject(issue.projectKey)!;
    const type = project.issueTypes.find((t) => t.id === issue.issueTypeId)!;
    const status = project.statuses.find((s) => s.id === issue.statusId)!;
    const assignee = jira().accounts.find((a) => a.accountId === issue.assigneeAccountId);
    const all: Record<string, unknown> = {
      summary: issue.summary,
      description: issue.description,
      labels: issue.labels,
      status: statusJson(origin, status),
      assignee: assignee ? userJson(origin, assignee) : null,
      project: { self: `${origin}/rest/api/3/project/${project.id}`, id: project.id, key: project.key, name: project.name },
      issuetype: { self: `${origin}/rest/api/3/issuetype/${type.id}`, id: type.id, name: type.name, subtask: type.subtask },
      created: jiraTime(issue.created),
      updated: jiraTime(issue.updated),
      ...issue.extraFields,
    };
    const wanted = !fieldsParam || fieldsParam.includes('*all') || fieldsParam.includes('*navigable') ? Object.keys(all) : fieldsParam;
    return {
      expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations',
      id: issue.id,
      self: `${origin}/rest/api/3/issue/${issue.id}`,
      key: issue.key,
      fields: Object.fromEntries(wanted.filter((f) => f in all).map((f) => [f, all[f]])),
    };
  }

  function userSearch(req: SystemRequest, me: JiraAccount): Reply {
    if (req.query.has('username')) return errors(400, ["The query parameter 'username' is not supported in GDPR strict mode."]);
    const query = req.query.get('query');
    const accountId = req.query.get('accountId');
    if (query && accountId) return errors(400, ["The parameters 'query' and 'accountId' cannot be used together."]);
    if (!query && !accountId && !req.query.has('property')) {
      return errors(400, ["One of the query parameters 'query', 'accountId' or 'property' is required."]);
    }
    // Without the Browse users and groups permission Jira answers an empty list, not 403.
    if (!me.canBrowseUsers) return { status: 200, json: [] };
    const q = (query ?? '').toLowerCase();
    // Prefix match on the email (hidden or not) and on each word of the display name, as Jira does.
    const hits = jira().accounts.filter((a) =>
      accountId
        ? a.accountId === accountId
        : a.email.toLowerCase().startsWith(q) ||
          a.displayName
            .toLowerCase()
            .split(/\s+/)
            .some((w) => w.startsWith(q)) ||
          a.displayName.toLowerCase().startsWith(q),
    );
    const { startAt, maxResults } = pageParams(req);
    return { status: 200, json: hits.slice(startAt, startAt + maxResults).map((a) => userJson(req.origin, a)) };
  }

  function createIssue(req: SystemRequest, me: JiraAccount): Reply {
    const parsed = parseJson(req.body);
    const body = parsed.ok ? (parsed.value as { fields?: Record<string, unknown> }) : null;
    if (!body || typeof body !== 'object' || !body.fields || typeof body.fields !== 'object') {
      return errors(400, ['Can not deserialize instance of com.atlassian.jira.rest.v2.issue.IssueUpdateBean out of the request body.']);
    }
    const f = body.fields;
    const projectRef = f.project as { id?: string; key?: string } | undefined;
    const project = projectRef ? findProject(String(projectRef.id ?? projectRef.key ?? '')) : undefined;
    if (!project) return errors(400, [], { project: 'Specify a valid project ID or key' });
    if (!me.canCreate) return errors(403, ['You do not have permission to create issues in this project.']);
    const typeRef = f.issuetype as { id?: string; name?: string } | undefined;
    const type = project.issueTypes.find((t) => t.id === typeRef?.id || (typeRef?.name && t.name === typeRef.name));
    if (!type) return errors(400, [], { issuetype: 'Specify an issue type' });

    const fieldErrors = validateFields(f, type.fields);
    if (Object.keys(fieldErrors).length) return errors(400, [], fieldErrors);

    const number = jira().issues.filter((i) => i.projectKey === project.key).length + 1;
    const now = new Date().toISOString();
    const known = new Set(['project', 'issuetype', 'summary', 'description', 'labels', 'assignee']);
    const issue: JiraIssueRecord = {
      id: String(jira().nextIssueId++),
      key: `${project.key}-${number}`,
      projectKey: project.key,
      issueTypeId: type.id,
      statusId: project.statuses.find((s) => s.category === 'new')!.id,
      summary: String(f.summary),
      description: f.description ?? null,
      labels: (f.labels as string[] | undefined) ?? [],
      assigneeAccountId: (f.assignee as { accountId?: string; id?: string } | undefined)?.accountId ?? (f.assignee as { id?: string } | undefined)?.id ?? null,
      extraFields: Object.fromEntries(Object.entries(f).filter(([k]) => !known.has(k))),
      created: now,
      updated: now,
      comments: [],
    };
    jira().issues.push(issue);
    return { status: 201, json: { id: issue.id, key: issue.key, self: `${req.origin}/rest/api/3/issue/${issue.id}` } };
  }

  /** Field checks Jira makes on create, with its messages. */
  function validateFields(f: Record<string, unknown>, meta: JiraFieldDef[]): Record<string, string> {
    const out: Record<string, string> = {};
    for (const key of Object.keys(f)) {
      if (!meta.some((m) => m.key === key)) out[key] = `Field '${key}' cannot be set. It is not on the appropriate screen, or unknown.`;
    }
    for (const m of meta) {
      if (m.required && (f[m.key] === undefined || f[m.key] === null || f[m.key] === '')) out[m.key] = `${m.name} is required.`;
    }
    if (f.summary !== undefined && (typeof f.summary !== 'string' || f.summary.length > 255 || /[\r\n]/.test(f.summary))) {
      out.summary = 'Summary must be a single line of at most 255 characters.';
    }
    if (f.description !== undefined && f.description !== null && !isAdfDoc(f.description)) {
      out.description = 'Operation value must be an Atlassian Document (see the Atlassian Document Format)';
    }
    if (f.labels !== undefined && !out.labels) {
      const labels = f.labels;
      const bad = Array.isArray(labels) ? labels.find((l) => typeof l !== 'string' || /\s/.test(l) || l.length === 0 || l.length > 255) : labels;
      if (!Array.isArray(labels) || bad !== undefined) out.labels = `The label '${String(bad)}' contains spaces which is invalid.`;
    }
    if (f.assignee !== undefined && f.assignee !== null) {
      const ref = f.assignee as { accountId?: string; id?: string };
      const id = ref.accountId ?? ref.id;
      const a = jira().accounts.find((x) => x.accountId === id);
      if (!a || !a.active || a.accountType !== 'atlassian') out.assignee = `User '${String(id)}' cannot be assigned issues.`;
    }
    for (const m of meta.filter((x) => x.schema.type === 'option' && f[x.key] !== undefined)) {
      const v = f[m.key] as { id?: string; value?: string };
      if (!m.allowedValues?.some((o) => o.id === v?.id || (v?.value !== undefined && o.value === v.value))) {
        out[m.key] = `Option id '${String(v?.id ?? v?.value)}' is not valid`;
      }
    }
    return out;
  }

  function search(req: SystemRequest): Reply {
    const parsed = parseJson(req.body);
    const body = parsed.ok ? (parsed.value as { jql?: unknown; maxResults?: number; fields?: string[] }) : null;
    if (!body || typeof body.jql !== 'string') return errors(400, ['The JQL query is required.']);
    const jql = parseJql(body.jql);
    if (!jql.ok) return errors(400, [jql.message]);
    // Like Jira, a key that names no issue makes the whole query fail (the poller then reads one by one).
    for (const { field, values } of jql.query.clauses) {
      const missing = field === 'key' ? values.find((v) => !findIssue(v)) : undefined;
      if (missing) return errors(400, [`An issue with key '${missing}' does not exist for field 'key'.`]);
    }
    const indexedBefore = Date.now() - state.faults.jira.searchLagMs;
    let hits = jira().issues.filter(
      (i) =>
        Date.parse(i.created) <= indexedBefore &&
        jql.query.clauses.every(({ field, values }) =>
          values.some((value) => {
            const v = value.toLowerCase();
            if (field === 'project') return i.projectKey.toLowerCase() === v || findProject(i.projectKey)!.id === value;
            if (field === 'labels') return i.labels.includes(value); // labels are case-sensitive in Jira
            if (field === 'key') return i.key.toLowerCase() === v;
            if (field === 'issuetype') return i.issueTypeId === value;
            if (field === 'assignee') return i.assigneeAccountId === value;
            const status = findProject(i.projectKey)!.statuses.find((s) => s.id === i.statusId)!;
            return status.name.toLowerCase() === v || status.id === value;
          }),
        ),
    );
    if (jql.query.orderBy?.field === 'created') {
      hits = [...hits].sort((a, b) => Number(a.id) - Number(b.id));
      if (jql.query.orderBy.desc) hits.reverse();
    }
    const max = Math.min(100, body.maxResults ?? 50);
    return {
      status: 200,
      json: { issues: hits.slice(0, max).map((i) => issueJson(req.origin, i, body.fields ?? ['*navigable'])), isLast: hits.length <= max },
    };
  }

  function addComment(req: SystemRequest, me: JiraAccount, idOrKey: string): Reply {
    const issue = findIssue(idOrKey);
    if (!issue) return errors(404, ['Issue does not exist or you do not have permission to see it.']);
    const parsed = parseJson(req.body);
    const body = parsed.ok ? (parsed.value as { body?: unknown }) : null;
    if (!body || !isAdfDoc(body.body)) return errors(400, [], { comment: 'Comment body must be an Atlassian Document.' });
    const now = new Date().toISOString();
    const comment = {
      id: String(10000 + jira().issues.reduce((n, i) => n + i.comments.length, 0)),
      body: body.body,
      created: now,
      authorAccountId: me.accountId,
    };
    issue.comments.push(comment);
    issue.updated = now;
    const author = { self: `${req.origin}/rest/api/3/user?accountId=${me.accountId}`, accountId: me.accountId, displayName: me.displayName, active: me.active };
    return {
      status: 201,
      json: {
        self: `${req.origin}/rest/api/3/issue/${issue.id}/comment/${comment.id}`,
        id: comment.id,
        author,
        body: comment.body,
        updateAuthor: author,
        created: now,
        updated: now,
        jsdPublic: true,
      },
    };
  }

  function listComments(req: SystemRequest, idOrKey: string): Reply {
    const issue = findIssue(idOrKey);
    if (!issue) return errors(404, ['Issue does not exist or you do not have permission to see it.']);
    const { startAt, maxResults } = pageParams(req);
    const comments = issue.comments.slice(startAt, startAt + maxResults).map((c) => {
      const a = jira().accounts.find((x) => x.accountId === c.authorAccountId);
      const author = { accountId: c.authorAccountId, displayName: a?.displayName ?? '', active: a?.active ?? false };
      return {
        self: `${req.origin}/rest/api/3/issue/${issue.id}/comment/${c.id}`,
        id: c.id,
        author,
        body: c.body,
        updateAuthor: author,
        created: jiraTime(c.created),
        updated: jiraTime(c.created),
        jsdPublic: true,
      };
    });
    return { status: 200, json: { startAt, maxResults, total: issue.comments.length, comments } };
  }

  /** Every other status of the project is one transition away (transition id = target status id). */
  function transitions(req: SystemRequest, idOrKey: string): Reply {
    const issue = findIssue(idOrKey);
    if (!issue) return errors(404, ['Issue does not exist or you do not have permission to see it.']);
    const project = findProject(issue.projectKey)!;
    if (req.method === 'GET') {
      const list = project.statuses
        .filter((s) => s.id !== issue.statusId)
        .map((s) => ({ id: s.id, name: `Move to ${s.name}`, to: statusJson(req.origin, s), hasScreen: false, isGlobal: true }));
      return { status: 200, json: { expand: 'transitions', transitions: list } };
    }
    const parsed = parseJson(req.body);
    const id = parsed.ok ? (parsed.value as { transition?: { id?: string } }).transition?.id : undefined;
    const target = project.statuses.find((s) => s.id === id && s.id !== issue.statusId);
    if (!target) return errors(400, [`Transition id '${String(id)}' is not valid for this issue.`]);
    issue.statusId = target.id;
    issue.updated = new Date().toISOString();
    return { status: 204, text: '' };
  }

  function issuePage(issue: JiraIssueRecord): Reply {
    const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
    const project = findProject(issue.projectKey)!;
    const status = project.statuses.find((s) => s.id === issue.statusId)?.name ?? '';
    const assignee = jira().accounts.find((a) => a.accountId === issue.assigneeAccountId);
    const comments = issue.comments.map((c) => `<li>${esc(jiraTime(c.created))}: <pre>${esc(adfToText(c.body))}</pre></li>`).join('');
    return {
      status: 200,
      html: `<!doctype html><title>${esc(issue.key)}</title><h1>${esc(issue.key)}: ${esc(issue.summary)}</h1>
<p>Status: <span id="status">${esc(status)}</span></p><p>Assignee: <span id="assignee">${esc(assignee ? `${assignee.displayName} (${assignee.email})` : 'Unassigned')}</span></p>
<p>Labels: ${esc(issue.labels.join(' '))}</p><pre>${esc(adfToText(issue.description))}</pre><h2>Comments (${issue.comments.length})</h2><ul id="comments">${comments}</ul>
<p><a href="/__sandbox/">Sandbox overview</a></p>`,
    };
  }

  function createMetaIssueTypes(req: SystemRequest, project: JiraProjectDef): Reply {
    const { startAt, maxResults } = pageParams(req);
    const types = project.issueTypes.map((t) => ({
      self: `${req.origin}/rest/api/3/issuetype/${t.id}`,
      id: t.id,
      description: '',
      iconUrl: `${req.origin}/images/icons/issuetypes/task.svg`,
      name: t.name,
      subtask: t.subtask,
      hierarchyLevel: 0,
    }));
    return { status: 200, json: { maxResults, startAt, total: types.length, issueTypes: types.slice(startAt, startAt + maxResults) } };
  }

  function createMetaFields(req: SystemRequest, project: JiraProjectDef, typeId: string): Reply {
    const type = project.issueTypes.find((t) => t.id === typeId);
    if (!type) return errors(400, ['The issue type selected is invalid.']);
    const { startAt, maxResults } = pageParams(req);
    const fields = type.fields.map((m) => ({
      required: m.required,
      schema: m.schema,
      name: m.name,
      key: m.key,
      fieldId: m.key,
      hasDefaultValue: false,
      operations: m.schema.type === 'array' ? ['add', 'set', 'remove'] : ['set'],
      ...(m.allowedValues ? { allowedValues: m.allowedValues.map((v) => ({ self: `${req.origin}/rest/api/3/customFieldOption/${v.id}`, ...v })) } : {}),
    }));
    return { status: 200, json: { maxResults, startAt, total: fields.length, fields: fields.slice(startAt, startAt + maxResults) } };
  }

  return {
    system: 'jira',
    rateLimited: (faults, retryAfter) =>
      errors(
        429,
        ['Rate limit exceeded.'],
        {},
        {
          'Retry-After': retryAfter,
          'X-RateLimit-Limit': '100',
          'X-RateLimit-Remaining': '0',
          'X-RateLimit-Reset': new Date(Date.now() + faults.retryAfterSeconds * 1000).toISOString(),
          'RateLimit-Reason': 'jira-burst-based',
        },
      ),
    unavailable: () => errors(503, ['Service Unavailable. Please try again later.']),
    isCreate: (req) => req.method === 'POST' && req.path === '/rest/api/3/issue',
    handle(req) {
      const browse = req.path.match(/^\/browse\/([A-Z][A-Z0-9]*-\d+)$/);
      if (browse && req.method === 'GET') {
        const issue = findIssue(browse[1]);
        return issue ? issuePage(issue) : { status: 404, html: '<!doctype html><p>Issue not found</p>' };
      }
      const me = authenticate(req);
      // Jira answers a failed Basic login with a short non-JSON body.
      if (!me)
        return { status: 401, headers: { 'WWW-Authenticate': 'Basic realm="protected-area"' }, text: 'Client must be authenticated to access this resource.' };
      const p = req.path;
      const route = `${req.method} ${p}`;
      if (route === 'GET /rest/api/3/myself') return { status: 200, json: userJson(req.origin, me) };
      if (route === 'GET /rest/api/3/user/search') return userSearch(req, me);
      if (route === 'GET /rest/api/3/user') {
        const a = jira().accounts.find((x) => x.accountId === req.query.get('accountId'));
        return a ? { status: 200, json: userJson(req.origin, a) } : errors(404, ['Specified user does not exist or you do not have required permissions']);
      }
      if (route === 'GET /rest/api/3/project/search') {
        const { startAt, maxResults } = pageParams(req);
        const all = jira().projects;
        const values = all.slice(startAt, startAt + maxResults).map((x) => projectJson(req.origin, x));
        return {
          status: 200,
          json: { self: `${req.origin}${p}`, maxResults, startAt, total: all.length, isLast: startAt + maxResults >= all.length, values },
        };
      }
      let m = p.match(/^\/rest\/api\/3\/project\/([^/]+)\/statuses$/);
      if (m && req.method === 'GET') {
        const project = findProject(decodeURIComponent(m[1]));
        if (!project) return errors(404, [`No project could be found with key '${decodeURIComponent(m[1])}'.`]);
        return {
          status: 200,
          json: project.issueTypes.map((t) => ({
            self: `${req.origin}/rest/api/3/issueType/${t.id}`,
            id: t.id,
            name: t.name,
            subtask: t.subtask,
            statuses: project.statuses.map((s) => statusJson(req.origin, s)),
          })),
        };
      }
      m = p.match(/^\/rest\/api\/3\/issue\/createmeta\/([^/]+)\/issuetypes(?:\/([^/]+))?$/);
      if (m && req.method === 'GET') {
        const project = findProject(decodeURIComponent(m[1]));
        if (!project) return errors(404, [`No project could be found with key '${decodeURIComponent(m[1])}'.`]);
        return m[2] ? createMetaFields(req, project, decodeURIComponent(m[2])) : createMetaIssueTypes(req, project);
      }
      if (route === 'POST /rest/api/3/issue') return createIssue(req, me);
      if (route === 'POST /rest/api/3/search/jql') return search(req);
      if (p === '/rest/api/3/search') {
        return errors(410, ['The requested API has been removed. Please migrate to the /rest/api/3/search/jql API.']);
      }
      m = p.match(/^\/rest\/api\/3\/issue\/([^/]+)\/comment$/);
      if (m && req.method === 'POST') return addComment(req, me, decodeURIComponent(m[1]));
      if (m && req.method === 'GET') return listComments(req, decodeURIComponent(m[1]));
      m = p.match(/^\/rest\/api\/3\/issue\/([^/]+)\/transitions$/);
      if (m && (req.method === 'GET' || req.method === 'POST')) return transitions(req, decodeURIComponent(m[1]));
      m = p.match(/^\/rest\/api\/3\/issue\/([^/]+)$/);
      if (m && req.method === 'GET') {
        const issue = findIssue(decodeURIComponent(m[1]));
        const fields =
          req.query
            .get('fields')
            ?.split(',')
            .map((s) => s.trim()) ?? null;
        return issue
          ? { status: 200, json: issueJson(req.origin, issue, fields) }
          : errors(404, ['Issue does not exist or you do not have permission to see it.']);
      }
      return errors(404, [`null for uri: ${req.origin}${p}`]);
    },
  };
}
