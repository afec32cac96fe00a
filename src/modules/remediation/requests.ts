import type { Kysely } from 'kysely';
import { nowIso } from '../../platform/db/database.js';
import { badRequest, conflict, notFound } from '../../platform/http/errors.js';
import type { Principal } from '../../platform/principal.js';
import { randomToken, sha256 } from '../../platform/tokens.js';
import type { Status } from '../incidents/schemas.js';
import { templateIncidentOf, type RemediationBaseDeps } from './deps.js';
import type { RemediationTables } from './migrations.js';
import type { Channel, NotificationsPort, RemediationPorts, RemediationSettings } from './ports.js';
import type { RequestView } from './schemas.js';
import type { LinkRecord, RemediationStore } from './store.js';
import { hidesUserName, privacyFiltered } from './surveys.js';

const DAY_MS = 86_400_000;

export type RecipientKind = LinkRecord['recipient_kind'];
const ROLE: Record<RecipientKind, string> = { end_user: 'Originating User', manager: 'Manager', approver: 'Approver', other: 'Other' };

/** One survey request to send: who, why, on which channels. */
export type SurveyRequest = {
  purpose: LinkRecord['purpose'];
  recipientKind: RecipientKind;
  email: string;
  name: string | null;
  language?: string;
  note?: string;
  chatConnectionIds?: number[];
  /** A repeated request (a workflow step resumed after a crash) takes the open link of this purpose instead of refusing. */
  reuseOpen?: boolean;
};

export function requestView(l: LinkRecord, now = nowIso()): RequestView {
  return {
    id: l.id,
    purpose: l.purpose,
    round: l.round,
    role: ROLE[l.recipient_kind],
    recipient: l.recipient_email,
    recipientName: l.recipient_name,
    channels: JSON.parse(l.channels) as string[],
    state: l.answered_at ? 'answered' : l.expires_at <= now ? 'expired' : 'open',
    sentAt: l.created_at,
    sentBy: l.created_by,
    expiresAt: l.expires_at,
    answeredAt: l.answered_at,
  };
}

/** Notify User and Escalate: a survey link, its messages and the status move, committed together. */
export class SurveyRequests {
  constructor(
    private readonly db: Kysely<RemediationTables>,
    private readonly store: RemediationStore,
    private readonly deps: RemediationBaseDeps,
    private readonly ports: RemediationPorts,
  ) {}

  settings(orgId: number): Promise<RemediationSettings> {
    return this.ports.accountSettings.settings(orgId);
  }

  private notifications(): NotificationsPort {
    return this.ports.notifications;
  }

  /** 400 naming the first of `ids` that is not one of the org's chat connections (a workflow checks its settings so). */
  async checkChatConnections(orgId: number, ids: number[]): Promise<void> {
    await this.chatChannels(orgId, ids);
  }

  /** The chat connections picked, each checked to be one of the org's. */
  private async chatChannels(orgId: number, ids: number[] | undefined): Promise<{ channel: Channel; recipient: string; label: string }[]> {
    if (!ids?.length) return [];
    const known = new Map((await this.notifications().chatConnections(orgId)).map((c) => [c.id, c]));
    return [...new Set(ids)].map((id, i) => {
      const c = known.get(id);
      if (!c)
        throw badRequest(
          `chatConnectionIds: chat connection ${id} does not exist in your organization. Connect Slack or Teams in Setup > Integrations first.`,
          [{ field: `chatConnectionIds.${i}`, message: 'Unknown chat connection.' }],
        );
      return { channel: c.kind, recipient: String(c.id), label: `${c.kind === 'slack' ? 'Slack' : 'Teams'}: ${c.name}` };
    });
  }

  async send(actor: Principal, incidentId: number, req: SurveyRequest): Promise<{ request: RequestView; created: boolean; status: Status }> {
    const notifications = this.notifications();
    const publicUrl = this.deps.config.publicUrl;
    if (!publicUrl) throw conflict('Survey links need the address people reach this server at: set WFA_PUBLIC_URL and restart the server.');
    const orgId = actor.orgId;
    const detail = await this.deps.incidents.detail(orgId, incidentId);
    const settings = await this.settings(orgId);
    const chats = await this.chatChannels(orgId, req.chatConnectionIds);
    const days =
      req.recipientKind === 'end_user'
        ? settings.notifications.linkExpiryDays.endUser
        : req.recipientKind === 'approver'
          ? settings.notifications.linkExpiryDays.approver
          : settings.notifications.linkExpiryDays.manager;
    const token = randomToken(32);
    const surveyUrl = `${publicUrl}/survey/${token}`;
    const createdAt = nowIso();
    const expiresAt = new Date(Date.parse(createdAt) + days * DAY_MS).toISOString();
    const incident = privacyFiltered(templateIncidentOf(detail), settings.privacy.obfuscatedAttributes);
    const family = req.purpose === 'justification' ? 'end_user' : 'escalation';
    const greetedName = req.recipientKind === 'end_user' && hidesUserName(settings.privacy.obfuscatedAttributes) ? null : req.name;
    const targets: { channel: Channel; recipient: string; label: string }[] = [{ channel: 'email', recipient: req.email, label: 'Email' }, ...chats];
    // Rendered before the transaction: templates read their own tables, and a refused template changes nothing.
    const contents = await Promise.all(
      targets.map((t) =>
        this.ports.templates.render(orgId, {
          family,
          channel: t.channel,
          language: req.language ?? 'en',
          incident,
          vars: { surveyUrl, recipientName: greetedName, recipientEmail: req.email, expiresAt, note: req.note ?? null },
          notificationType: req.purpose === 'justification' ? 'Notify User' : 'Escalate',
        }),
      ),
    );

    try {
      return await this.db.transaction().execute(async (trx) => {
        const hooks = this.deps.incidents.remediationHooks;
        const row = await hooks.incident(trx, orgId, incidentId);
        if (!row) throw notFound('Incident');
        if (req.purpose === 'escalation' && row.status === 'Resolved')
          throw conflict(`Incident ${row.transactionId} is Resolved, so it cannot be escalated. Reopen it first.`);
        const open = await this.store.openLink(trx, orgId, incidentId, req.purpose, createdAt);
        if (open) {
          if (req.reuseOpen && open.recipient_email.toLowerCase() === req.email.toLowerCase())
            return { request: requestView(open, createdAt), created: false, status: row.status };
          throw conflict(
            `Incident ${row.transactionId} already waits for ${open.recipient_email}'s answer to the ${req.purpose === 'justification' ? 'justification' : 'escalation'} survey sent ${open.created_at} (the link expires ${open.expires_at}).`,
            { requestId: open.id },
          );
        }
        const round = await this.store.nextRound(trx, orgId, incidentId, req.purpose);
        const link = await this.store.insertLink(trx, {
          org_id: orgId,
          incident_id: incidentId,
          purpose: req.purpose,
          round,
          recipient_kind: req.recipientKind,
          recipient_email: req.email,
          recipient_name: req.name,
          token_hash: sha256(token),
          channels: JSON.stringify(targets.map((t) => t.label)),
          language: req.language ?? 'en',
          note: req.note ?? null,
          expires_at: expiresAt,
          created_at: createdAt,
          created_by: actor.label,
          created_by_admin_id: actor.adminId,
          answered_at: null,
        });
        const purposeKey = `${req.purpose === 'justification' ? 'notify' : 'escalate'}:incident:${incidentId}:${round}`;
        for (const [i, t] of targets.entries()) {
          await notifications.enqueue(trx, orgId, {
            purpose: purposeKey,
            kind: family,
            incidentId,
            channel: t.channel,
            recipient: t.recipient,
            recipientName: greetedName,
            content: contents[i],
          });
        }
        const status: Status | null = req.purpose === 'escalation' ? 'Escalated' : row.status === 'Resolved' ? null : 'Validating with User';
        const who = req.name ? `${req.name} (${req.email})` : req.email;
        const what = req.purpose === 'justification' ? `Notified user ${who}` : `Escalated to ${ROLE[req.recipientKind].toLowerCase()} ${who}`;
        await hooks.move(trx, orgId, incidentId, {
          status,
          awaitingUser: req.email,
          action: req.purpose === 'justification' ? 'notify-user' : 'escalate',
          summary: `${what} by ${targets.map((t) => t.label).join(', ')}${req.note ? `. Note: ${req.note}` : ''}`,
          changedBy: actor.label,
          adminId: actor.adminId,
        });
        return { request: requestView(link, createdAt), created: true, status: status ?? row.status };
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw conflict('Another request for this incident was sent at the same moment; refresh to see it.');
      throw e;
    }
  }

  async links(orgId: number, incidentId: number): Promise<RequestView[]> {
    const now = nowIso();
    return (await this.store.links(orgId, incidentId)).map((l) => requestView(l, now));
  }
}

function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string; message?: string };
  return err?.code === '23505' || err?.code === 'SQLITE_CONSTRAINT_UNIQUE' || /UNIQUE constraint failed/.test(err?.message ?? '');
}
