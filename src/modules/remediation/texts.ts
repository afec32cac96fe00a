import type { RenderedMessage, RemediationSettings } from './ports.js';

/**
 * The survey's wording and the fallbacks used while the Survey Templates and Account Settings
 * modules are not part of the server: one place, so they are easy to find and to replace.
 */

export const JUSTIFICATION_TYPES = ['False Positive', 'Manager Approved', 'Others'] as const;
export type JustificationType = (typeof JUSTIFICATION_TYPES)[number];
export const DECISIONS = ['approve', 'reject'] as const;
export type Decision = (typeof DECISIONS)[number];

/** Longest Justification Reason (and escalation reason) a survey accepts. */
export const MAX_REASON = 2000;

/**
 * The survey page's texts when the org has no Survey Template (the notification-templates module
 * supplies them otherwise; the keys are the ones its Survey Templates use). The answer values stay
 * the fixed keys whatever the labels say.
 */
export const SURVEY_TEXTS = {
  justification: {
    title: 'End-user Justification',
    intro: 'A data protection policy flagged the activity below. Please tell your security team why it happened.',
    justificationTypeLabel: 'Justification Type',
    falsePositive: 'False Positive',
    managerApproved: 'Manager Approved',
    others: 'Others',
    reasonLabel: 'Justification Reason',
    submit: 'Submit',
    thankYou: 'Thank you. Your response has been recorded.',
  },
  escalation: {
    title: 'Escalation',
    intro: 'A data protection incident was escalated to you. Please approve or reject the activity below.',
    decisionLabel: 'Decision',
    approve: 'Approve',
    reject: 'Reject',
    reasonLabel: 'Reason',
    submit: 'Submit',
    thankYou: 'Thank you. Your decision has been recorded.',
  },
} as const;

/** Answer value → the Survey Template text that labels it. */
export const OPTION_TEXT_KEYS: Record<string, string> = {
  'False Positive': 'falsePositive',
  'Manager Approved': 'managerApproved',
  Others: 'others',
  approve: 'approve',
  reject: 'reject',
};

/** Until Account Settings is part of the server: links last a week; no domain limit; nothing hidden. */
export const DEFAULT_SETTINGS: RemediationSettings = {
  notifications: { linkExpiryDays: { endUser: 7, manager: 7, approver: 7 } },
  approverDomains: [],
  privacy: { obfuscatedAttributes: [] },
};

/** The message when no notification template is available (the templates module renders it otherwise). */
export function fallbackMessage(
  kind: 'justification' | 'escalation',
  vars: { surveyUrl: string; transactionId: string; note: string | null; expiresAt: string },
): RenderedMessage {
  const subject = kind === 'justification' ? `Please justify DLP incident ${vars.transactionId}` : `DLP incident ${vars.transactionId} needs your decision`;
  const lines = [
    kind === 'justification'
      ? 'A data protection policy flagged one of your recent activities. Please tell your security team why it happened:'
      : 'A data protection incident was escalated to you. Please approve or reject it:',
    vars.surveyUrl,
    `This link works once and expires on ${vars.expiresAt}.`,
  ];
  if (vars.note) lines.push('', `Note from your security team: ${vars.note}`);
  return { subject: subject.replace(/[\r\n]+/g, ' '), text: lines.join('\n') };
}
