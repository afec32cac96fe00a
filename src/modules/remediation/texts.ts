/** The survey's answers and its default wording, in one place. */

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
