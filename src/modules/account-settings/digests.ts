import type { AnyExec } from '../../platform/db/database.js';
import { DAY_MS, type JobQueue } from '../../platform/jobs/index.js';
import type { Logger } from '../../platform/log.js';
import { OBFUSCATED } from '../incidents/privacy.js';
import type { ListFilters } from '../incidents/schemas.js';
import type { ListedIncident } from '../incidents/service.js';
import type { OutgoingMessage, RenderedMessage } from '../notifications/types.js';
import type { AccountSettings } from './schemas.js';
import type { SettingsPart } from './settings.js';
import type { AccountSettingsStore } from './store.js';

export const DIGEST_SCHEDULE = 'account-settings.digests';
export const DIGEST_JOB = 'account-settings.digest';
export const HOUR_MS = 60 * 60_000;

export type DigestKind = 'endUser' | 'admin';
export type Frequency = AccountSettings['notifications']['digest']['admin']['frequency'];
export type DigestJobPayload = { kind: DigestKind; frequency: Frequency; period: number };

const PERIOD_MS: Record<Frequency, number> = { daily: DAY_MS, weekly: 7 * DAY_MS };
/** Bounds on one digest: incidents read (pages of 500) and rows listed per message. */
const MAX_INCIDENTS = 20_000;
const PAGE = 500;
const MAX_ROWS = 50;

/** The notification-templates contract (NT): renders a family's template for a channel. */
export type DigestRenderer = {
  render(
    orgId: number,
    input: {
      family: 'digest' | 'admin_digest';
      channel: 'email' | 'slack' | 'teams';
      vars: Record<string, string | number | boolean | null | Array<Record<string, unknown>>>;
      incident?: null;
    },
  ): Promise<RenderedMessage>;
};

/** What digests need from the notifications and incidents modules (their services, narrowly). */
export type DigestPorts = {
  notifications: {
    enqueue(exec: AnyExec, orgId: number, msg: OutgoingMessage): Promise<{ id: number; created: boolean }>;
    chatConnections(orgId: number): Promise<{ id: number; kind: 'slack' | 'teams'; name: string; status: string }[]>;
  };
  templates: DigestRenderer;
  incidents: {
    pageAt(
      orgId: number,
      f: ListFilters,
      pageSize: number,
      at: { offset: number } | { cursor: string },
    ): Promise<{ items: ListedIncident[]; nextCursor: string | null }>;
    counts(orgId: number, range: { from: string; to: string }): Promise<{ all: number; waitingFeedback: number; escalated: number }>;
  };
};

/** The period a digest sent now covers: the last whole day or week (UTC) before `now`. */
export function lastPeriod(frequency: Frequency, now: number): { period: number; from: string; to: string } {
  const len = PERIOD_MS[frequency];
  const period = Math.floor(now / len) - 1;
  return { period, ...periodRange(frequency, period) };
}

function periodRange(frequency: Frequency, period: number): { from: string; to: string } {
  const len = PERIOD_MS[frequency];
  return { from: new Date(period * len).toISOString(), to: new Date((period + 1) * len).toISOString() };
}

/**
 * Scheduled digests (Account Settings > Notifications > Digest Notifications). An hourly schedule
 * enqueues one job per org, digest and period, deduplicated by that period, so several processes
 * (or a late run) send each period's digest once; each message's purpose names the period too, so
 * a retried job hands over each recipient's message once.
 */
export class DigestsPart {
  constructor(
    private readonly store: AccountSettingsStore,
    private readonly settings: SettingsPart,
    private readonly jobs: Pick<JobQueue, 'enqueue'>,
    private readonly ports: () => DigestPorts,
  ) {}

  /** The hourly schedule: a job for each enabled digest's last period (a no-op when it exists). */
  async enqueueDue(now = Date.now()): Promise<number> {
    let enqueued = 0;
    for (const orgId of await this.store.orgsWithSettings()) {
      const s = await this.settings.get(orgId);
      for (const kind of ['endUser', 'admin'] as const) {
        const d = s.notifications.digest[kind];
        if (!d.enabled) continue;
        const { period } = lastPeriod(d.frequency, now);
        const payload: DigestJobPayload = { kind, frequency: d.frequency, period };
        const id = await this.jobs.enqueue(this.store.db, {
          kind: DIGEST_JOB,
          orgId,
          payload,
          dedupeKey: `${DIGEST_JOB}:${orgId}:${kind}:${d.frequency}:${period}`,
          maxAttempts: 5,
        });
        if (id !== null) enqueued++;
      }
    }
    return enqueued;
  }

  /** One digest job: builds every recipient's message, then hands them all over in one transaction. */
  async send(orgId: number, p: DigestJobPayload, log?: Logger): Promise<number> {
    const s = await this.settings.get(orgId);
    const d = s.notifications.digest[p.kind];
    // Switched off (or changed frequency) since the job was enqueued: that period is not sent.
    if (!d.enabled || d.frequency !== p.frequency) return 0;
    const range = periodRange(p.frequency, p.period);
    const hidden = new Set(s.privacy.obfuscatedAttributes);
    const messages = p.kind === 'endUser' ? await this.endUserMessages(orgId, range, d.channels, hidden) : await this.adminMessages(orgId, range, s, hidden);
    const purpose = `digest:${p.kind}:${p.frequency}:${p.period}`;
    let created = 0;
    await this.store.db.transaction().execute(async (trx) => {
      for (const m of messages) if ((await this.ports().notifications.enqueue(trx, orgId, { ...m, purpose })).created) created++;
    });
    log?.info({ orgId, kind: p.kind, period: p.period, messages: messages.length, created }, 'digest handed over');
    return created;
  }

  private async incidents(orgId: number, range: { from: string; to: string }, openOnly: boolean): Promise<ListedIncident[]> {
    const f = { ...range, searchMode: 'all', sort: 'incidentDate', order: 'desc', ...(openOnly ? { widget: 'open' } : {}) } as ListFilters;
    const out: ListedIncident[] = [];
    let at: { offset: number } | { cursor: string } = { offset: 0 };
    while (out.length < MAX_INCIDENTS) {
      const page = await this.ports().incidents.pageAt(orgId, f, PAGE, at);
      out.push(...page.items);
      if (!page.nextCursor || page.items.length < PAGE) break;
      at = { cursor: page.nextCursor };
    }
    return out;
  }

  /** Each person with open incidents in the period gets their own list, by email. */
  private async endUserMessages(
    orgId: number,
    range: { from: string; to: string },
    channels: string[],
    hidden: ReadonlySet<string>,
  ): Promise<Omit<OutgoingMessage, 'purpose'>[]> {
    if (!channels.includes('email')) return [];
    const byUser = new Map<string, ListedIncident[]>();
    for (const i of await this.incidents(orgId, range, true)) {
      const key = i.userEmail.toLowerCase();
      byUser.set(key, [...(byUser.get(key) ?? []), i]);
    }
    const out: Omit<OutgoingMessage, 'purpose'>[] = [];
    for (const list of byUser.values()) {
      const first = list[0];
      const content = await this.ports().templates.render(orgId, {
        family: 'digest',
        channel: 'email',
        incident: null,
        vars: {
          recipientName: first.userName,
          recipientEmail: first.userEmail,
          periodStart: range.from,
          periodEnd: range.to,
          totalCount: list.length,
          pendingCount: list.filter((i) => i.status === 'Validating with User').length,
          rows: list.slice(0, MAX_ROWS).map((i) => digestRow(i, hidden)),
        },
      });
      out.push({ kind: 'digest', channel: 'email', recipient: first.userEmail, recipientName: first.userName, content });
    }
    return out;
  }

  /** The admins' digest: the period's counts and its newest open incidents, to each recipient and chat connection. */
  private async adminMessages(orgId: number, range: { from: string; to: string }, s: AccountSettings, hidden: ReadonlySet<string>) {
    const d = s.notifications.digest.admin;
    const [counts, open] = await Promise.all([this.ports().incidents.counts(orgId, range), this.incidents(orgId, range, true)]);
    const vars = {
      periodStart: range.from,
      periodEnd: range.to,
      totalCount: counts.all,
      pendingCount: counts.waitingFeedback + counts.escalated,
      rows: open.slice(0, MAX_ROWS).map((i) => digestRow(i, hidden)),
    };
    const out: Omit<OutgoingMessage, 'purpose'>[] = [];
    if (d.channels.includes('email')) {
      const content = await this.ports().templates.render(orgId, { family: 'admin_digest', channel: 'email', incident: null, vars });
      for (const r of d.recipients) out.push({ kind: 'admin_digest', channel: 'email', recipient: r, recipientName: null, content });
    }
    const chats = (await this.ports().notifications.chatConnections(orgId)).filter((c) => d.channels.includes(c.kind));
    for (const kind of ['slack', 'teams'] as const) {
      const targets = chats.filter((c) => c.kind === kind);
      if (!targets.length) continue;
      const content = await this.ports().templates.render(orgId, { family: 'admin_digest', channel: kind, incident: null, vars });
      for (const c of targets) out.push({ kind: 'admin_digest', channel: kind, recipient: String(c.id), recipientName: c.name, content });
    }
    return out;
  }
}

/** A digest row as the templates know it (`row.user`…), with obfuscated attributes masked. */
function digestRow(i: ListedIncident, hidden: ReadonlySet<string>): Record<string, unknown> {
  return {
    id: i.id,
    transactionId: i.transactionId,
    severity: i.severity,
    status: i.status,
    sourceDlpType: i.sourceType,
    user: hidden.has('userName') ? OBFUSCATED : i.userName,
    fileName: i.fileName,
    createdAt: i.incidentDate,
    surveyUrl: null,
  };
}
