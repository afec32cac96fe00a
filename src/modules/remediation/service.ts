import type { AnyExec } from '../../platform/db/database.js';
import { AppError, badRequest } from '../../platform/http/errors.js';
import type { Principal } from '../../platform/principal.js';
import type { BulkResult } from '../incidents/schemas.js';
import type { RemediationBaseDeps } from './deps.js';
import type { RemediationPorts } from './ports.js';
import { SurveyRequests } from './requests.js';
import type {
  BulkNotifyBody,
  EscalateBody,
  NotifyBody,
  NotifyResult,
  RemediationOptions,
  RemediationView,
  ResponseView,
  SurveyAnswer,
  SurveyView,
} from './schemas.js';
import { RemediationStore, type ResponseRecord } from './store.js';
import { Surveys } from './surveys.js';
import { SURVEY_TEXTS } from './texts.js';
import type { SurveyRequestState } from '../workflows/steps.js';

/** How a hidden attribute reads (as the incidents module masks it). */
const MASK = '••••';

/** Rows of the Responses section: one per question answered. */
function responseRows(r: ResponseRecord): ResponseView[] {
  const base = { purpose: r.purpose, responder: r.responder_email, responderName: r.responder_name, respondedAt: r.responded_at };
  const t = r.purpose === 'justification' ? SURVEY_TEXTS.justification : SURVEY_TEXTS.escalation;
  const first =
    r.purpose === 'justification'
      ? { question: SURVEY_TEXTS.justification.justificationTypeLabel, answer: r.justification_type ?? '' }
      : { question: SURVEY_TEXTS.escalation.decisionLabel, answer: r.decision === 'approve' ? 'Approved' : 'Rejected' };
  const rows: ResponseView[] = [{ id: r.id, ...base, ...first, reason: r.reason }];
  if (r.reason) rows.push({ id: r.id, ...base, question: t.reasonLabel, answer: r.reason, reason: null });
  return rows;
}

/**
 * Remediation (issue #12 items 3–4): Notify User and Escalate send a survey link (Incident Details
 * and bulk), the public survey records the one answer it takes, and Incident Details shows the
 * requests, the responses and the deliveries.
 */
export class RemediationService {
  private readonly store: RemediationStore;
  private readonly requests: SurveyRequests;
  readonly surveys: Surveys;

  constructor(
    private readonly deps: RemediationBaseDeps,
    /** The other modules' services this one uses (tests may wrap them). */
    readonly ports: RemediationPorts,
    onAnswered?: (exec: AnyExec, orgId: number, incidentId: number, linkId: number) => Promise<void>,
  ) {
    this.store = new RemediationStore(deps.db);
    this.requests = new SurveyRequests(deps.db, this.store, deps, ports);
    this.surveys = new Surveys(deps.db, this.store, deps.incidents, ports, onAnswered);
    deps.incidents.justificationHooks.useSummaries((orgId, ids, exec) => this.store.latestJustifications(exec, orgId, ids));
  }

  /** The incident's newest survey request of this purpose and its answer, as a workflow's Wait for Response step reads it. */
  async latestRequest(orgId: number, incidentId: number, purpose: 'justification' | 'escalation'): Promise<SurveyRequestState | null> {
    const link = await this.store.latestLink(orgId, incidentId, purpose);
    if (!link) return null;
    const r = link.answered_at ? await this.store.responseOf(orgId, link.id) : undefined;
    const value = r ? (r.purpose === 'justification' ? (r.justification_type ?? '') : r.decision === 'approve' ? 'Approved' : 'Rejected') : null;
    return {
      recipient: link.recipient_email,
      sentAt: link.created_at,
      expiresAt: link.expires_at,
      answer: r && value !== null ? { value, reason: r.reason, respondedAt: r.responded_at } : null,
    };
  }

  checkChatConnections(orgId: number, ids: number[]): Promise<void> {
    return this.requests.checkChatConnections(orgId, ids);
  }

  /** Notify User: the justification survey to the incident's user (or the address given). */
  async notifyUser(actor: Principal, incidentId: number, body: NotifyBody, opts: { reuseOpen?: boolean } = {}): Promise<NotifyResult> {
    const detail = await this.deps.incidents.detail(actor.orgId, incidentId);
    const email = body.email ?? detail.userEmail;
    if (!email) throw badRequest('email: this incident has no user email; enter the address to notify.', [{ field: 'email', message: 'Required.' }]);
    const sameUser = email.toLowerCase() === detail.userEmail.toLowerCase();
    return this.requests.send(actor, incidentId, {
      purpose: 'justification',
      recipientKind: 'end_user',
      email,
      name: sameUser ? detail.userName || null : null,
      language: body.language,
      note: body.note,
      chatConnectionIds: body.chatConnectionIds,
      reuseOpen: opts.reuseOpen,
    });
  }

  /** Notify User on many incidents, each its own transaction, with a result per id. */
  async bulkNotifyUser(actor: Principal, body: BulkNotifyBody): Promise<BulkResult> {
    const results: BulkResult['results'] = [];
    for (const id of [...new Set(body.ids)]) {
      try {
        await this.notifyUser(actor, id, { language: body.language, note: body.note, chatConnectionIds: body.chatConnectionIds });
        results.push({ id, ok: true });
      } catch (e) {
        if (!(e instanceof AppError) || e.statusCode >= 500) throw e;
        results.push({ id, ok: false, error: { code: e.code, message: e.message } });
      }
    }
    const succeeded = results.filter((r) => r.ok).length;
    return { succeeded, failed: results.length - succeeded, results };
  }

  /** Escalate: the escalation survey to the user's manager, an approver or another address. */
  async escalate(actor: Principal, incidentId: number, body: EscalateBody, opts: { reuseOpen?: boolean } = {}): Promise<NotifyResult> {
    const orgId = actor.orgId;
    const detail = await this.deps.incidents.detail(orgId, incidentId);
    let recipient: { email: string; name: string | null; kind: 'manager' | 'approver' | 'other' };
    if (body.userType === 'manager') {
      const attrs = await this.ports.accountSettings.userAttributes(orgId, detail.userEmail);
      if (!attrs?.managerEmail)
        throw badRequest(
          `userType: no manager is known for ${detail.userEmail}. Import their manager's email in Setup > User Attributes, or escalate to an approver or an email address.`,
          [{ field: 'userType', message: 'No manager known.' }],
        );
      recipient = { email: attrs.managerEmail, name: null, kind: 'manager' };
    } else if (body.userType === 'approver') {
      if (!body.approverId) throw badRequest('approverId: pick an approver.', [{ field: 'approverId', message: 'Required for Approver.' }]);
      const approver = await this.ports.accountSettings.approver(orgId, body.approverId);
      if (!approver)
        throw badRequest(`approverId: approver ${body.approverId} does not exist in your organization. Add approvers in Setup > Approvers.`, [
          { field: 'approverId', message: 'Unknown approver.' },
        ]);
      recipient = { email: approver.email, name: approver.name, kind: 'approver' };
    } else {
      if (!body.email) throw badRequest('email: enter the address to escalate to.', [{ field: 'email', message: 'Required for Email.' }]);
      const domains = (await this.requests.settings(orgId)).approverDomains;
      const domain = body.email.split('@').pop()!.toLowerCase();
      if (domains.length && !domains.some((d) => d.toLowerCase() === domain))
        throw badRequest(`email: ${body.email} is outside the trusted domains (${domains.join(', ')}) set in Account Settings > Approvers Domain Management.`, [
          { field: 'email', message: 'Outside the trusted domains.' },
        ]);
      recipient = { email: body.email, name: null, kind: 'other' };
    }
    return this.requests.send(actor, incidentId, {
      purpose: 'escalation',
      recipientKind: recipient.kind,
      email: recipient.email,
      name: recipient.name,
      language: body.language,
      note: body.note,
      chatConnectionIds: body.chatConnectionIds,
      reuseOpen: opts.reuseOpen,
    });
  }

  /** What the Notify User and Escalate dialogs offer for this incident. */
  async options(actor: Principal, incidentId: number): Promise<RemediationOptions> {
    const orgId = actor.orgId;
    const detail = await this.deps.incidents.detail(orgId, incidentId);
    const hidden = await this.deps.incidents.privacyHooks.hiddenFor(actor);
    const settings = await this.requests.settings(orgId);
    const attrs = await this.ports.accountSettings.userAttributes(orgId, detail.userEmail);
    const manager = attrs?.managerEmail ? await this.ports.accountSettings.userAttributes(orgId, attrs.managerEmail) : null;
    return {
      userEmail: hidden.has('userEmail') ? MASK : detail.userEmail,
      managerEmail: attrs?.managerEmail ?? null,
      managerName: manager?.name ?? null,
      approvers: await this.ports.accountSettings.approvers(orgId),
      approverDomains: settings.approverDomains,
      chatConnections: await this.ports.notifications.chatConnections(orgId),
    };
  }

  /**
   * Incident Details: the survey requests, their responses and the messages' deliveries. The
   * originating user's name and email are masked for a caller the privacy settings hide them from.
   */
  async view(actor: Principal, incidentId: number): Promise<RemediationView> {
    const orgId = actor.orgId;
    const detail = await this.deps.incidents.detail(orgId, incidentId); // 404 for another org's incident
    const hidden = await this.deps.incidents.privacyHooks.hiddenFor(actor);
    const [requests, responses, deliveries] = await Promise.all([
      this.requests.links(orgId, incidentId),
      this.store.responses(orgId, incidentId),
      this.ports.notifications.forIncident(orgId, incidentId),
    ]);
    const user = detail.userEmail.toLowerCase();
    const isUser = (email: string) => email.toLowerCase() === user;
    const email = (e: string) => (hidden.has('userEmail') && isUser(e) ? MASK : e);
    const name = (n: string | null, e: string) => (n && hidden.has('userName') && isUser(e) ? MASK : n);
    return {
      requests: requests.map((r) => ({ ...r, recipient: email(r.recipient), recipientName: name(r.recipientName, r.recipient) })),
      responses: responses.flatMap(responseRows).map((r) => ({ ...r, responder: email(r.responder), responderName: name(r.responderName, r.responder) })),
      deliveries: deliveries.map((d) => ({
        id: d.id,
        channel: d.channel,
        recipient:
          typeof d.recipientName === 'string' && d.recipientName ? `${name(d.recipientName, d.recipient)} <${email(d.recipient)}>` : email(d.recipient),
        status: d.status,
        attempts: typeof d.attempts === 'number' ? d.attempts : null,
        reason: typeof d.lastError === 'string' ? d.lastError : null,
        createdAt: typeof d.createdAt === 'string' ? d.createdAt : null,
      })),
    };
  }

  survey(token: string): Promise<SurveyView> {
    return this.surveys.view(token);
  }

  answer(token: string, answer: SurveyAnswer): Promise<{ thanks: string }> {
    return this.surveys.answer(token, answer);
  }
}
