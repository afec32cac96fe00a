import { mjmlToHtml, mjmlToText, oneLine, slackBlocks, slackText, teamsCard } from './formats.js';
import { checkVariables, renderLiquid, templateContext, TemplateError } from './liquid.js';
import type { TemplateChannel, TemplateFamily } from './vocabulary.js';

/** What a channel sends; the same shape as the notifications module's (notif-contract.md). */
/** What a rendered template hands to the notifications module, in its own words. */
export type { RenderedMessage } from '../notifications/types.js';
import type { RenderedMessage } from '../notifications/types.js';

export type TemplateSource = { family: TemplateFamily; channel: TemplateChannel; subject: string; body: string };

/** The incident a preview uses and a saved template is checked against (every attribute filled). */
export const SAMPLE_INCIDENT = {
  id: 1042,
  transactionId: 'TX-2026-0001042',
  severity: 'High',
  status: 'Validating with User',
  sourceDlpType: 'Inline',
  sourceAction: 'Block',
  dlpEngine: 'PCI',
  user: 'Alex Morgan',
  userEmail: 'alex.morgan@example.com',
  department: 'Finance',
  destination: 'drive.example-share.com',
  fileName: 'Q3 customer cards.xlsx',
  matchCount: 27,
  createdAt: '2026-11-30T09:15:00.000Z',
};

export function sampleVars(family: TemplateFamily, orgName: string): Record<string, unknown> {
  const common = { recipientName: 'Alex Morgan', recipientEmail: 'alex.morgan@example.com', orgName };
  if (family === 'digest' || family === 'admin_digest') {
    const row = (n: number, severity: string, status: string) => ({
      id: 1040 + n,
      transactionId: `TX-2026-000104${n}`,
      severity,
      status,
      sourceDlpType: 'Inline',
      user: 'Alex Morgan',
      fileName: `report-${n}.pdf`,
      createdAt: `2026-11-2${n}T10:00:00.000Z`,
      surveyUrl: family === 'digest' ? `https://wfa.example.com/survey/sample-${n}` : null,
    });
    return {
      ...common,
      recipientName: family === 'admin_digest' ? 'DLP Admin' : 'Alex Morgan',
      periodStart: '2026-11-23T00:00:00.000Z',
      periodEnd: '2026-11-30T00:00:00.000Z',
      totalCount: 3,
      pendingCount: 2,
      rows: [row(1, 'High', 'Validating with User'), row(2, 'Medium', 'Validating with User'), row(3, 'Low', 'Resolved')],
    };
  }
  return {
    ...common,
    recipientName: family === 'escalation' ? 'Jordan Lee' : 'Alex Morgan',
    recipientEmail: family === 'escalation' ? 'jordan.lee@example.com' : 'alex.morgan@example.com',
    originatingUser: family === 'escalation' ? 'Alex Morgan' : null,
    surveyUrl: 'https://wfa.example.com/survey/sample-token',
    expiresAt: '2026-12-07T09:15:00.000Z',
    note: 'Please answer by Friday.',
  };
}

export function sampleIncident(family: TemplateFamily): Record<string, unknown> | null {
  return family === 'digest' || family === 'admin_digest' ? null : SAMPLE_INCIDENT;
}

/**
 * Renders a template for its channel. `strict` is for saving: MJML must validate strictly.
 * Every failure is a TemplateError whose message an admin can act on.
 */
export async function renderTemplate(
  t: TemplateSource,
  incident: Record<string, unknown> | null | undefined,
  vars: Record<string, unknown>,
  strict = false,
): Promise<RenderedMessage> {
  const ctx = templateContext(incident, vars);
  // A Teams title is a markdown TextBlock like the body; elsewhere the title is shown literally.
  const subject = oneLine(await renderLiquid(t.channel === 'teams' ? 'teams' : 'plain', t.subject, ctx));
  if (t.channel === 'email') {
    const mjml = await renderLiquid('html', t.body, ctx);
    const html = await mjmlToHtml(mjml, strict);
    return { subject, text: mjmlToText(mjml), html };
  }
  if (t.channel === 'slack') {
    const body = await renderLiquid('slack', t.body, ctx);
    // The title goes in a plain_text header, which Slack shows literally: no mrkdwn escaping there.
    return { subject, text: slackText(subject, body), slackBlocks: slackBlocks(subject, body) };
  }
  const body = await renderLiquid('teams', t.body, ctx);
  return { subject, text: [subject, body.trim()].filter(Boolean).join('\n\n'), teamsCard: teamsCard(subject, body) };
}

/**
 * The save-time check: every variable known and available to the family (all branches), the
 * strict render of the sample context (locals, filters, limits) and, for email, strict MJML.
 */
export async function validateTemplate(t: TemplateSource, orgName: string): Promise<void> {
  for (const [field, source] of [
    ['Subject', t.subject],
    ['Body', t.body],
  ] as const) {
    try {
      checkVariables(source, t.family);
    } catch (e) {
      if (e instanceof TemplateError) throw new TemplateError(`${field}: ${e.message}`);
      throw e;
    }
  }
  if (t.channel === 'email' && !t.subject.trim()) throw new TemplateError('Subject: an email template needs a subject.');
  await renderTemplate(t, sampleIncident(t.family), sampleVars(t.family, orgName), true);
}
