import type { SurveyKind, TemplateChannel, TemplateFamily } from './vocabulary.js';

/**
 * System Default templates: seeded into every org (read-only, English), the last fallback when no
 * published template or mapping applies. Email bodies are MJML documents; Slack bodies are mrkdwn
 * and Teams bodies Adaptive Card markdown, paragraphs separated by blank lines ("---" = divider).
 */
export type DefaultTemplate = { family: TemplateFamily; channel: TemplateChannel; name: string; subject: string; body: string };

function email(title: string, content: string): string {
  return `<mjml>
  <mj-head>
    <mj-attributes>
      <mj-all font-family="Helvetica, Arial, sans-serif" />
      <mj-text font-size="14px" line-height="21px" color="#1f2933" />
    </mj-attributes>
    <mj-title>${title}</mj-title>
  </mj-head>
  <mj-body background-color="#f3f5f7">
    <mj-section background-color="#0b5cad" padding="16px 24px">
      <mj-column>
        <mj-text color="#ffffff" font-size="18px" font-weight="bold">{{ orgName | default: "Data Protection" }}</mj-text>
      </mj-column>
    </mj-section>
    <mj-section background-color="#ffffff" padding="24px">
      <mj-column>
${content}
      </mj-column>
    </mj-section>
    <mj-section padding="12px 24px">
      <mj-column>
        <mj-text font-size="12px" color="#6b7785">This message was sent by your organisation's data protection team. Do not forward it.</mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>
`;
}

const INCIDENT_FACTS = `        <mj-table font-size="14px" color="#1f2933">
          <tr><td style="padding:4px 8px 4px 0;color:#6b7785">Transaction ID</td><td>{{ incident.transactionId }}</td></tr>
          <tr><td style="padding:4px 8px 4px 0;color:#6b7785">Date</td><td>{{ incident.createdAt | date: "%Y-%m-%d %H:%M UTC" }}</td></tr>
          <tr><td style="padding:4px 8px 4px 0;color:#6b7785">Severity</td><td>{{ incident.severity }}</td></tr>
          <tr><td style="padding:4px 8px 4px 0;color:#6b7785">Source</td><td>{{ incident.sourceDlpType }}{% if incident.sourceAction %} ({{ incident.sourceAction }}){% endif %}</td></tr>
          {% if incident.fileName %}<tr><td style="padding:4px 8px 4px 0;color:#6b7785">File</td><td>{{ incident.fileName }}</td></tr>{% endif %}
          {% if incident.destination %}<tr><td style="padding:4px 8px 4px 0;color:#6b7785">Destination</td><td>{{ incident.destination }}</td></tr>{% endif %}
        </mj-table>`;

const DIGEST_TABLE = `        <mj-table font-size="13px" color="#1f2933">
          <tr style="text-align:left;color:#6b7785"><th style="padding:4px 8px 4px 0">Transaction ID</th><th style="padding:4px 8px 4px 0">Date</th><th style="padding:4px 8px 4px 0">Severity</th><th style="padding:4px 8px 4px 0">Status</th></tr>
          {% for row in rows %}<tr><td style="padding:4px 8px 4px 0">{{ row.transactionId }}</td><td style="padding:4px 8px 4px 0">{{ row.createdAt | date: "%Y-%m-%d" }}</td><td style="padding:4px 8px 4px 0">{{ row.severity }}</td><td style="padding:4px 8px 4px 0">{{ row.status }}</td></tr>
          {% endfor %}
        </mj-table>`;

export const DEFAULT_TEMPLATES: readonly DefaultTemplate[] = [
  {
    family: 'end_user',
    channel: 'email',
    name: 'End-user Justification - Email',
    subject: 'Action needed: please explain a blocked data transfer ({{ incident.transactionId }})',
    body: email(
      'Please justify a data protection incident',
      `        <mj-text font-size="16px" font-weight="bold">Hello {{ recipientName | default: "there" }},</mj-text>
        <mj-text>Our data protection controls recorded an activity of yours that may have exposed sensitive information. Please tell us why it happened so we can close the incident or help you work safely.</mj-text>
${INCIDENT_FACTS}
        {% if note %}<mj-text><strong>Message from your security team:</strong> {{ note }}</mj-text>{% endif %}
        <mj-button href="{{ surveyUrl }}" background-color="#0b5cad" align="left">Give a justification</mj-button>
        <mj-text font-size="12px" color="#6b7785">The link works once{% if expiresAt %} and expires on {{ expiresAt | date: "%Y-%m-%d %H:%M UTC" }}{% endif %}.</mj-text>`,
    ),
  },
  {
    family: 'end_user',
    channel: 'slack',
    name: 'End-user Justification - Slack',
    subject: 'Please justify a data protection incident',
    body: `Hello {{ recipientName | default: "there" }}, our data protection controls recorded an activity of yours that may have exposed sensitive information. Please tell us why it happened.

*Transaction ID:* {{ incident.transactionId }}
*Severity:* {{ incident.severity }}
*Source:* {{ incident.sourceDlpType }}{% if incident.sourceAction %} ({{ incident.sourceAction }}){% endif %}{% if incident.fileName %}
*File:* {{ incident.fileName }}{% endif %}
{% if note %}
*Message from your security team:* {{ note }}
{% endif %}
<{{ surveyUrl }}|Give a justification>{% if expiresAt %} (the link expires on {{ expiresAt | date: "%Y-%m-%d" }}){% endif %}`,
  },
  {
    family: 'end_user',
    channel: 'teams',
    name: 'End-user Justification - Teams',
    subject: 'Please justify a data protection incident',
    body: `Hello {{ recipientName | default: "there" }}, our data protection controls recorded an activity of yours that may have exposed sensitive information. Please tell us why it happened.

**Transaction ID:** {{ incident.transactionId }}
**Severity:** {{ incident.severity }}
**Source:** {{ incident.sourceDlpType }}{% if incident.fileName %}
**File:** {{ incident.fileName }}{% endif %}
{% if note %}
**Message from your security team:** {{ note }}
{% endif %}
[Give a justification]({{ surveyUrl }}){% if expiresAt %} (the link expires on {{ expiresAt | date: "%Y-%m-%d" }}){% endif %}`,
  },
  {
    family: 'escalation',
    channel: 'email',
    name: 'Escalation - Email',
    subject: 'Approval needed: data protection incident {{ incident.transactionId }}',
    body: email(
      'A data protection incident needs your decision',
      `        <mj-text font-size="16px" font-weight="bold">Hello {{ recipientName | default: "there" }},</mj-text>
        <mj-text>An activity by {{ originatingUser | default: incident.user | default: "a member of your team" }} was flagged by our data protection controls and needs your decision. Please approve it if it was legitimate business, or reject it.</mj-text>
${INCIDENT_FACTS}
        {% if note %}<mj-text><strong>Message from the security team:</strong> {{ note }}</mj-text>{% endif %}
        <mj-button href="{{ surveyUrl }}" background-color="#0b5cad" align="left">Approve or reject</mj-button>
        <mj-text font-size="12px" color="#6b7785">The link works once{% if expiresAt %} and expires on {{ expiresAt | date: "%Y-%m-%d %H:%M UTC" }}{% endif %}.</mj-text>`,
    ),
  },
  {
    family: 'escalation',
    channel: 'slack',
    name: 'Escalation - Slack',
    subject: 'A data protection incident needs your decision',
    body: `Hello {{ recipientName | default: "there" }}, an activity by {{ originatingUser | default: incident.user | default: "a member of your team" }} was flagged and needs your decision.

*Transaction ID:* {{ incident.transactionId }}
*Severity:* {{ incident.severity }}
*Source:* {{ incident.sourceDlpType }}{% if incident.fileName %}
*File:* {{ incident.fileName }}{% endif %}
{% if note %}
*Message from the security team:* {{ note }}
{% endif %}
<{{ surveyUrl }}|Approve or reject>`,
  },
  {
    family: 'escalation',
    channel: 'teams',
    name: 'Escalation - Teams',
    subject: 'A data protection incident needs your decision',
    body: `Hello {{ recipientName | default: "there" }}, an activity by {{ originatingUser | default: incident.user | default: "a member of your team" }} was flagged and needs your decision.

**Transaction ID:** {{ incident.transactionId }}
**Severity:** {{ incident.severity }}
**Source:** {{ incident.sourceDlpType }}{% if incident.fileName %}
**File:** {{ incident.fileName }}{% endif %}
{% if note %}
**Message from the security team:** {{ note }}
{% endif %}
[Approve or reject]({{ surveyUrl }})`,
  },
  {
    family: 'digest',
    channel: 'email',
    name: 'Digest - Email',
    subject: 'Your data protection incidents: {{ pendingCount }} waiting for you',
    body: email(
      'Your data protection incidents',
      `        <mj-text font-size="16px" font-weight="bold">Hello {{ recipientName | default: "there" }},</mj-text>
        <mj-text>Between {{ periodStart | date: "%Y-%m-%d" }} and {{ periodEnd | date: "%Y-%m-%d" }}, {{ totalCount }} of your activities were flagged by our data protection controls; {{ pendingCount }} still wait for your justification.</mj-text>
${DIGEST_TABLE}
        {% for row in rows %}{% if row.surveyUrl %}<mj-text><a href="{{ row.surveyUrl }}">Justify {{ row.transactionId }}</a></mj-text>{% endif %}{% endfor %}`,
    ),
  },
  {
    family: 'digest',
    channel: 'slack',
    name: 'Digest - Slack',
    subject: 'Your data protection incidents',
    body: `Hello {{ recipientName | default: "there" }}, between {{ periodStart | date: "%Y-%m-%d" }} and {{ periodEnd | date: "%Y-%m-%d" }}, {{ totalCount }} of your activities were flagged; {{ pendingCount }} still wait for your justification.

{% for row in rows %}• {{ row.transactionId }} ({{ row.severity }}, {{ row.status }}){% if row.surveyUrl %} <{{ row.surveyUrl }}|Justify>{% endif %}
{% endfor %}`,
  },
  {
    family: 'digest',
    channel: 'teams',
    name: 'Digest - Teams',
    subject: 'Your data protection incidents',
    body: `Hello {{ recipientName | default: "there" }}, between {{ periodStart | date: "%Y-%m-%d" }} and {{ periodEnd | date: "%Y-%m-%d" }}, {{ totalCount }} of your activities were flagged; {{ pendingCount }} still wait for your justification.

{% for row in rows %}- {{ row.transactionId }} ({{ row.severity }}, {{ row.status }}){% if row.surveyUrl %} [Justify]({{ row.surveyUrl }}){% endif %}
{% endfor %}`,
  },
  {
    family: 'admin_digest',
    channel: 'email',
    name: 'DLP Admin Digest - Email',
    subject: 'DLP admin digest: {{ totalCount }} incidents, {{ pendingCount }} awaiting a response',
    body: email(
      'DLP admin digest',
      `        <mj-text font-size="16px" font-weight="bold">Hello {{ recipientName | default: "there" }},</mj-text>
        <mj-text>Between {{ periodStart | date: "%Y-%m-%d" }} and {{ periodEnd | date: "%Y-%m-%d" }}: {{ totalCount }} incidents, {{ pendingCount }} still awaiting a response from a user, manager or approver.</mj-text>
${DIGEST_TABLE}`,
    ),
  },
  {
    family: 'admin_digest',
    channel: 'slack',
    name: 'DLP Admin Digest - Slack',
    subject: 'DLP admin digest',
    body: `Between {{ periodStart | date: "%Y-%m-%d" }} and {{ periodEnd | date: "%Y-%m-%d" }}: *{{ totalCount }}* incidents, *{{ pendingCount }}* awaiting a response.

{% for row in rows %}• {{ row.transactionId }}: {{ row.severity }}, {{ row.status }}{% if row.user %}, {{ row.user }}{% endif %}
{% endfor %}`,
  },
  {
    family: 'admin_digest',
    channel: 'teams',
    name: 'DLP Admin Digest - Teams',
    subject: 'DLP admin digest',
    body: `Between {{ periodStart | date: "%Y-%m-%d" }} and {{ periodEnd | date: "%Y-%m-%d" }}: **{{ totalCount }}** incidents, **{{ pendingCount }}** awaiting a response.

{% for row in rows %}- {{ row.transactionId }}: {{ row.severity }}, {{ row.status }}{% if row.user %}, {{ row.user }}{% endif %}
{% endfor %}`,
  },
];

/** The rows of an org's System Defaults (seeded when the org is created, or by the migration for older orgs). */
export function systemDefaultRows(orgId: number, now: string) {
  return DEFAULT_TEMPLATES.map((d) => ({
    org_id: orgId,
    name: d.name,
    name_lower: d.name.toLowerCase(),
    family: d.family,
    channel: d.channel,
    language: 'en',
    subject: d.subject,
    body: d.body,
    status: 'system_default',
    translation_of: null,
    system_key: `${d.family}:${d.channel}`,
    created_at: now,
    updated_at: now,
    updated_by: 'System',
  }));
}

/** Survey texts (plain text, shown escaped by the survey page). Option values stay fixed; their labels translate. */
export type EndUserSurveyTexts = {
  title: string;
  intro: string;
  justificationTypeLabel: string;
  falsePositive: string;
  managerApproved: string;
  others: string;
  reasonLabel: string;
  submit: string;
  thankYou: string;
};
export type EscalationSurveyTexts = {
  title: string;
  intro: string;
  decisionLabel: string;
  approve: string;
  reject: string;
  reasonLabel: string;
  submit: string;
  thankYou: string;
};
export type SurveyTexts = EndUserSurveyTexts | EscalationSurveyTexts;

export const DEFAULT_SURVEYS: { end_user: EndUserSurveyTexts; escalation: EscalationSurveyTexts } = {
  end_user: {
    title: 'Justify a data protection incident',
    intro:
      'Our data protection controls flagged an activity of yours. Tell us why it happened; your answer goes to the security team and cannot be changed once sent.',
    justificationTypeLabel: 'Justification Type',
    falsePositive: 'False Positive',
    managerApproved: 'Manager Approved',
    others: 'Others',
    reasonLabel: 'Justification Reason',
    submit: 'Submit',
    thankYou: 'Thank you. Your justification has been sent to the security team.',
  },
  escalation: {
    title: 'Decide on a data protection incident',
    intro:
      'An activity by a member of your team was flagged by our data protection controls. Approve it if it was legitimate business, or reject it, and say why.',
    decisionLabel: 'Decision',
    approve: 'Approve',
    reject: 'Reject',
    reasonLabel: 'Reason',
    submit: 'Submit',
    thankYou: 'Thank you. Your decision has been sent to the security team.',
  },
};

export const SURVEY_TEXT_KEYS: { [K in SurveyKind]: (keyof (typeof DEFAULT_SURVEYS)[K])[] } = {
  end_user: ['title', 'intro', 'justificationTypeLabel', 'falsePositive', 'managerApproved', 'others', 'reasonLabel', 'submit', 'thankYou'],
  escalation: ['title', 'intro', 'decisionLabel', 'approve', 'reject', 'reasonLabel', 'submit', 'thankYou'],
};
