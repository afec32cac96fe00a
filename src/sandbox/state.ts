import {
  seedJiraAccounts,
  seedJiraProjects,
  seedServiceNowUsers,
  type JiraAccount,
  type JiraProjectDef,
  type JournalEntry,
  type SnIncident,
  type SnUser,
} from './seed.js';

export type SandboxSystem = 'servicenow' | 'jira';

/** Switches that make the next requests misbehave; counters go down as requests consume them. */
export type Faults = {
  latencyMs: number;
  /** Next n requests get 429 with Retry-After. */
  rateLimitBurst: number;
  retryAfterSeconds: number;
  /** 'http-date' sends Retry-After as an HTTP date instead of seconds. */
  retryAfterFormat: 'seconds' | 'http-date';
  /** Next n requests get 503. */
  errorBurst: number;
  /** Share (0–1) of all requests answered 429 with Retry-After, at random: a steady storm rather than a burst. */
  rateLimitRate: number;
  /** Share (0–1) of all requests answered 503, at random. */
  errorRate: number;
  /** Next n requests are never answered. */
  hang: number;
  /** Next n requests have their connection destroyed. */
  drop: number;
  /**
   * Jira: issues created in the last n ms do not show in /search/jql yet, like Atlassian's
   * eventually consistent index (reading an issue by id still works at once).
   */
  searchLagMs: number;
  /** Next n ticket creates are processed (the ticket exists) and then answered with a 5xx or a dropped connection. */
  loseCreateAnswers: number;
  loseCreateAnswerAs: 'error' | 'drop';
  /** ServiceNow: fields treated as invalid, so query parts using them are silently dropped like a real instance does. */
  ignoreQueryFields: string[];
};

export const NO_FAULTS: Faults = {
  latencyMs: 0,
  rateLimitBurst: 0,
  retryAfterSeconds: 1,
  retryAfterFormat: 'seconds',
  errorBurst: 0,
  rateLimitRate: 0,
  errorRate: 0,
  hang: 0,
  drop: 0,
  searchLagMs: 0,
  loseCreateAnswers: 0,
  loseCreateAnswerAs: 'error',
  ignoreQueryFields: [],
};

/** One request as it crossed the wire, for contract tests and debugging. Authorization is masked. */
export type LoggedRequest = {
  seq: number;
  system: SandboxSystem;
  at: number;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string;
  response?: { status: number; headers: Record<string, string>; body: string };
  /** What a fault did instead of answering. */
  fault?: 'hang' | 'drop' | 'lost-answer';
};

export type JiraIssueRecord = {
  id: string;
  key: string;
  projectKey: string;
  issueTypeId: string;
  statusId: string;
  summary: string;
  description: unknown;
  labels: string[];
  assigneeAccountId: string | null;
  extraFields: Record<string, unknown>;
  created: string;
  updated: string;
  comments: { id: string; body: unknown; created: string; authorAccountId: string }[];
};

/** Where the sandbox pushes ticket changes, as a real instance configured per the product's set-up steps would. */
export type WebhookTarget = { url: string; secret: string };
export type WebhookDelivery = { seq: number; system: SandboxSystem; ticket: string; url: string; at: string; status: number | null; error?: string };

export type OAuthToken = { value: string; expiresAt: number; username: string };

export class SandboxState {
  servicenow!: {
    users: SnUser[];
    incidents: SnIncident[];
    journal: Map<string, JournalEntry[]>;
    accessTokens: Map<string, OAuthToken>;
    refreshTokens: Map<string, OAuthToken>;
    tokenTtlSeconds: number;
    nextNumber: number;
  };
  jira!: { accounts: JiraAccount[]; projects: JiraProjectDef[]; issues: JiraIssueRecord[]; nextIssueId: number };
  faults!: Record<SandboxSystem, Faults>;
  log: LoggedRequest[] = [];
  /** Where the messaging side (mailbox, Slack, Teams) serves its pages, for the root index's link. */
  messagingUrl: string | null = null;
  webhooks!: Record<SandboxSystem, WebhookTarget | null>;
  /** The last deliveries (newest last), kept short: it is for tests and the overview page. */
  webhookDeliveries: WebhookDelivery[] = [];
  /** Called after a person moved a ticket's status or assignee; the server sends the webhook. */
  onTicketChanged: ((system: SandboxSystem, id: string) => void) | null = null;
  private seq = 0;

  constructor() {
    this.reset();
  }

  /** Back to the seeded data, no faults, empty log. */
  reset(): void {
    this.servicenow = {
      users: seedServiceNowUsers(),
      incidents: [],
      journal: new Map(),
      accessTokens: new Map(),
      refreshTokens: new Map(),
      tokenTtlSeconds: 1800,
      nextNumber: 10001,
    };
    this.jira = { accounts: seedJiraAccounts(), projects: seedJiraProjects(), issues: [], nextIssueId: 10100 };
    this.faults = { servicenow: { ...NO_FAULTS }, jira: { ...NO_FAULTS } };
    this.log = [];
    this.webhooks = { servicenow: null, jira: null };
    this.webhookDeliveries = [];
  }

  setFaults(system: SandboxSystem, faults: Partial<Faults>): Faults {
    this.faults[system] = { ...this.faults[system], ...faults };
    return this.faults[system];
  }

  clearFaults(system?: SandboxSystem): void {
    for (const s of system ? [system] : (['servicenow', 'jira'] as const)) this.faults[s] = { ...NO_FAULTS };
  }

  nextSeq(): number {
    return ++this.seq;
  }

  requests(system?: SandboxSystem): LoggedRequest[] {
    return system ? this.log.filter((r) => r.system === system) : [...this.log];
  }

  /** Every access token stops working now (as if its lifetime ran out); refresh tokens still work. */
  expireAccessTokens(): void {
    for (const t of this.servicenow.accessTokens.values()) t.expiresAt = 0;
  }

  /** Refresh tokens stop working, so the next refresh fails and the integration needs re-authorization. */
  revokeRefreshTokens(): void {
    this.servicenow.refreshTokens.clear();
  }

  /**
   * Moves a ticket to another status, as a person working it would (drives status sync).
   * `id` is a ServiceNow sys_id or number, or a Jira issue id or key; `status` a state value/name or status id/name.
   */
  setTicketStatus(id: string, status: string): { system: SandboxSystem; status: string } {
    const wanted = status.trim().toLowerCase();
    const incident = this.servicenow.incidents.find((i) => i.sys_id === id || i.number === id);
    if (incident) {
      const value = SN_STATES.find(([v, name]) => v === wanted || name.toLowerCase() === wanted)?.[0];
      if (!value) throw new Error(`Unknown ServiceNow state "${status}"; use one of ${SN_STATES.map(([v, n]) => `${v} ${n}`).join(', ')}`);
      incident.state = value;
      incident.incident_state = value;
      incident.active = value === '6' || value === '7' || value === '8' ? 'false' : 'true';
      incident.sys_updated_on = snNow();
      this.onTicketChanged?.('servicenow', incident.sys_id);
      return { system: 'servicenow', status: value };
    }
    const issue = this.jira.issues.find((i) => i.id === id || i.key.toLowerCase() === id.toLowerCase());
    if (issue) {
      const project = this.jira.projects.find((p) => p.key === issue.projectKey)!;
      const target = project.statuses.find((s) => s.id === wanted || s.name.toLowerCase() === wanted);
      if (!target) throw new Error(`Unknown status "${status}" in ${project.key}; use one of ${project.statuses.map((s) => s.name).join(', ')}`);
      issue.statusId = target.id;
      issue.updated = new Date().toISOString();
      this.onTicketChanged?.('jira', issue.id);
      return { system: 'jira', status: target.name };
    }
    throw new Error(`No ticket with id or key "${id}"`);
  }

  /**
   * Hands a ticket to another person, as someone working it would. `assignee` is a ServiceNow user
   * (sys_id, user_name or email) or a Jira account (accountId or email); empty unassigns.
   */
  setTicketAssignee(id: string, assignee: string): { system: SandboxSystem; assignee: string | null } {
    const wanted = assignee.trim().toLowerCase();
    const incident = this.servicenow.incidents.find((i) => i.sys_id === id || i.number === id);
    if (incident) {
      const user = wanted
        ? this.servicenow.users.find((u) => u.sys_id === wanted || u.user_name.toLowerCase() === wanted || u.email.toLowerCase() === wanted)
        : null;
      if (wanted && !user) throw new Error(`No ServiceNow user "${assignee}"`);
      incident.assigned_to = user?.sys_id ?? '';
      incident.sys_updated_on = snNow();
      this.onTicketChanged?.('servicenow', incident.sys_id);
      return { system: 'servicenow', assignee: user?.sys_id ?? null };
    }
    const issue = this.jira.issues.find((i) => i.id === id || i.key.toLowerCase() === id.toLowerCase());
    if (issue) {
      const account = wanted ? this.jira.accounts.find((a) => a.accountId.toLowerCase() === wanted || a.email.toLowerCase() === wanted) : null;
      if (wanted && !account) throw new Error(`No Jira account "${assignee}"`);
      issue.assigneeAccountId = account?.accountId ?? null;
      issue.updated = new Date().toISOString();
      this.onTicketChanged?.('jira', issue.id);
      return { system: 'jira', assignee: account?.accountId ?? null };
    }
    throw new Error(`No ticket with id or key "${id}"`);
  }

  recordDelivery(d: Omit<WebhookDelivery, 'seq'>): void {
    this.webhookDeliveries.push({ seq: this.nextSeq(), ...d });
    if (this.webhookDeliveries.length > 200) this.webhookDeliveries.splice(0, this.webhookDeliveries.length - 200);
  }
}

export const SN_STATES: [string, string][] = [
  ['1', 'New'],
  ['2', 'In Progress'],
  ['3', 'On Hold'],
  ['6', 'Resolved'],
  ['7', 'Closed'],
  ['8', 'Canceled'],
];

/** ServiceNow's glide date-time format, UTC: "2026-11-27 10:00:00". */
export function snNow(): string {
  return new Date().toISOString().slice(0, 19).replace('T', ' ');
}
