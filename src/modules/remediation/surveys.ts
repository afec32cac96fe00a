import { nowIso, type AnyExec } from '../../platform/db/database.js';
import { AppError, badRequest, conflict } from '../../platform/http/errors.js';
import { sha256 } from '../../platform/tokens.js';
import type { RemediationPorts, TemplateIncident } from './ports.js';
import { TOKEN_PATTERN, type SurveyAnswer, type SurveyView } from './schemas.js';
import type { LinkRecord, RemediationStore } from './store.js';
import { SURVEY_TEXTS, JUSTIFICATION_TYPES, DECISIONS, OPTION_TEXT_KEYS } from './texts.js';
import type { Kysely } from 'kysely';
import type { RemediationTables } from './migrations.js';
import { templateIncidentOf, type RemediationIncidents } from './deps.js';

/** What a link that cannot be used says, with no incident data: 404 unknown or altered, 410 expired, 409 answered. */
export const invalidLink = () =>
  new AppError(404, 'survey_link_invalid', 'This survey link is not valid. It may have been mistyped or altered; use the link exactly as you received it.');
const expiredLink = (at: string) => new AppError(410, 'survey_link_expired', `This survey link expired on ${at}. Ask your security team to send a new one.`);
const answeredLink = (at: string) => conflict(`This survey was already answered on ${at}. Answers are final.`, { code: 'survey_answered' });

/**
 * The incident's attributes a survey or a template may show: the template variable, its label, and
 * the names Account Settings' Privacy and Security may use for it (userName, userEmail…).
 */
const ATTRIBUTES: { key: keyof TemplateIncident & string; label: string; aliases: string[] }[] = [
  { key: 'transactionId', label: 'Transaction ID', aliases: [] },
  { key: 'createdAt', label: 'Incident Date', aliases: [] },
  { key: 'severity', label: 'Severity', aliases: [] },
  { key: 'sourceDlpType', label: 'Source DLP Type', aliases: [] },
  { key: 'sourceAction', label: 'Action', aliases: [] },
  { key: 'dlpEngine', label: 'Engine', aliases: [] },
  { key: 'user', label: 'User', aliases: ['userName', 'User Name'] },
  { key: 'userEmail', label: 'User Email', aliases: [] },
  { key: 'department', label: 'Department', aliases: [] },
  { key: 'destination', label: 'Destination', aliases: [] },
  { key: 'fileName', label: 'File Name', aliases: [] },
  { key: 'matchCount', label: 'Match Count', aliases: [] },
];

const HIDDEN = '••••';

/** True when the privacy settings hide this attribute (by any of its names, case-insensitively). */
function isHidden(obfuscated: string[], a: (typeof ATTRIBUTES)[number]): boolean {
  const wanted = new Set(obfuscated.map((x) => x.trim().toLowerCase()));
  return [a.key, a.label, ...a.aliases].some((n) => wanted.has(n.toLowerCase()));
}

/** The originating user's name is hidden: a survey or message to them does not greet them by it either. */
export function hidesUserName(obfuscated: string[]): boolean {
  return isHidden(
    obfuscated,
    ATTRIBUTES.find((a) => a.key === 'user')!,
  );
}

/** The incident as templates and surveys may show it: hidden attributes masked (text) or removed (numbers). */
export function privacyFiltered(incident: TemplateIncident, obfuscated: string[]): TemplateIncident {
  const out: TemplateIncident = { ...incident };
  for (const a of ATTRIBUTES) {
    if (!isHidden(obfuscated, a)) continue;
    const v = out[a.key];
    out[a.key] = typeof v === 'string' ? HIDDEN : null;
  }
  return out;
}

/** The public side: read a survey through its token and record the one answer it takes. */
export class Surveys {
  constructor(
    private readonly db: Kysely<RemediationTables>,
    private readonly store: RemediationStore,
    private readonly incidents: RemediationIncidents,
    private readonly ports: RemediationPorts,
    /** Told in the answer's transaction (the workflows waiting on the incident wake with it). */
    private readonly onAnswered: (exec: AnyExec, orgId: number, incidentId: number, linkId: number) => Promise<void> = async () => {},
  ) {}

  /** The usable link behind a token, or the error that says why it is not usable. */
  private async usableLink(token: string, exec = this.db): Promise<LinkRecord> {
    if (!TOKEN_PATTERN.test(token)) throw invalidLink();
    const link = await this.store.byTokenHash(exec, sha256(token));
    if (!link) throw invalidLink();
    if (link.answered_at) throw answeredLink(link.answered_at);
    if (link.expires_at <= nowIso()) throw expiredLink(link.expires_at);
    return link;
  }

  /** The survey's texts: the org's Survey Template in the link's language, else the defaults. */
  private async texts(link: LinkRecord): Promise<Record<string, string>> {
    const defaults: Record<string, string> = { ...SURVEY_TEXTS[link.purpose] };
    const template = await this.ports.templates.surveyTemplate(link.org_id, link.purpose === 'justification' ? 'end_user' : 'escalation', link.language);
    return { ...defaults, ...template.texts };
  }

  async view(token: string): Promise<SurveyView> {
    const link = await this.usableLink(token);
    const settings = await this.ports.accountSettings.settings(link.org_id);
    const hidden = settings.privacy.obfuscatedAttributes;
    const incident = templateIncidentOf(await this.incidents.detail(link.org_id, link.incident_id));
    const attributes = ATTRIBUTES.filter((a) => !isHidden(hidden, a))
      .map((a) => ({ label: a.label, value: incident[a.key] }))
      .filter((a): a is { label: string; value: string | number } => typeof a.value === 'string' || typeof a.value === 'number')
      .map((a) => ({ label: a.label, value: String(a.value) }));
    const t = await this.texts(link);
    const options = (values: readonly string[]) => values.map((value) => ({ value, label: t[OPTION_TEXT_KEYS[value]!] ?? value }));
    const questions: SurveyView['questions'] =
      link.purpose === 'justification'
        ? [
            { key: 'justificationType', label: t.justificationTypeLabel!, options: options(JUSTIFICATION_TYPES), required: true },
            { key: 'reason', label: t.reasonLabel!, options: null, required: false },
          ]
        : [
            { key: 'decision', label: t.decisionLabel!, options: options(DECISIONS), required: true },
            { key: 'reason', label: t.reasonLabel!, options: null, required: false },
          ];
    return {
      purpose: link.purpose,
      title: t.title!,
      intro: t.intro!,
      recipientName: link.recipient_kind === 'end_user' && hidesUserName(hidden) ? null : link.recipient_name,
      note: link.note,
      expiresAt: link.expires_at,
      incident: attributes,
      questions,
      submitLabel: t.submit!,
      thanks: t.thankYou!,
    };
  }

  /** Records the answer and moves the incident, in one transaction; a link takes one answer only. */
  async answer(token: string, answer: SurveyAnswer): Promise<{ thanks: string }> {
    const link = await this.usableLink(token);
    const reason = answer.reason?.trim() || null;
    let summary: string;
    if (link.purpose === 'justification') {
      if (!('justificationType' in answer))
        throw badRequest('This survey asks for a Justification Type (False Positive, Manager Approved or Others).', [
          { field: 'justificationType', message: 'Required.' },
        ]);
      if (answer.justificationType === 'Others' && !reason)
        throw badRequest('Justification Reason is required when the Justification Type is Others.', [{ field: 'reason', message: 'Required for Others.' }]);
      summary = `Justification received from ${link.recipient_email}: ${answer.justificationType}${reason ? ` (${reason})` : ''}`;
    } else {
      if (!('decision' in answer)) throw badRequest('This survey asks for a decision: approve or reject.', [{ field: 'decision', message: 'Required.' }]);
      summary = `Escalation ${answer.decision === 'approve' ? 'approved' : 'rejected'} by ${link.recipient_email}${reason ? ` (${reason})` : ''}`;
    }
    await this.db.transaction().execute(async (trx) => {
      const now = nowIso();
      // Compare-and-set: of two answers racing through one link, only one marks it.
      if (!(await this.store.markAnswered(trx, link.id, now))) {
        const current = await this.store.byTokenHash(trx, link.token_hash);
        throw answeredLink(current?.answered_at ?? now);
      }
      await this.store.insertResponse(trx, {
        org_id: link.org_id,
        incident_id: link.incident_id,
        link_id: link.id,
        purpose: link.purpose,
        justification_type: 'justificationType' in answer ? answer.justificationType : null,
        decision: 'decision' in answer ? answer.decision : null,
        reason,
        responder_email: link.recipient_email,
        responder_name: link.recipient_name,
        responded_at: now,
      });
      const incident = await this.incidents.remediationHooks.incident(trx, link.org_id, link.incident_id);
      if (!incident) throw invalidLink();
      await this.incidents.remediationHooks.move(trx, link.org_id, link.incident_id, {
        // A Resolved incident stays Resolved; the answer is still recorded and shown.
        status: incident.status === 'Resolved' ? null : 'Received Justification Response',
        awaitingUser: null,
        action: link.purpose === 'justification' ? 'justification-response' : 'escalation-response',
        summary,
        changedBy: link.recipient_email,
        adminId: null,
      });
      await this.onAnswered(trx, link.org_id, link.incident_id, link.id);
    });
    return { thanks: (await this.texts(link)).thankYou! };
  }
}
