/**
 * The pre-defined workflows (Workflows > Workflow Templates). A template fixes the steps; a
 * workflow made from it supplies their settings. Templates that act on the user's answer (notify,
 * then close or escalate) are listed but cannot be used until a Wait for Response step exists.
 */
export const TEMPLATE_KEYS = [
  'auto_close_with_resolution_label',
  'auto_close',
  'auto_create_tickets',
  'auto_escalate',
  'auto_notify',
  'auto_notify_user_and_close',
  'auto_notify_user_and_concurrently_escalate',
  'auto_notify_user_and_escalate',
  'auto_notify_user_and_escalate_to_manager',
] as const;
export type TemplateKey = (typeof TEMPLATE_KEYS)[number];

/** Step kinds drawn on the Workflow Settings page. */
export type StepKindName = 'create_ticket' | 'close_incident' | 'wait' | 'notify_user' | 'escalate';

export type Template = {
  key: TemplateKey;
  name: string;
  description: string;
  steps: StepKindName[];
  /** Null when usable; otherwise why not (shown on the Templates page and in refusals). */
  unavailableReason: string | null;
};

const NEEDS_RESPONSE_STEP = 'Needs the Wait for Response step (act on the user’s answer or its absence), which is not available yet.';

export const TEMPLATES: readonly Template[] = [
  {
    key: 'auto_close_with_resolution_label',
    name: 'Auto Close Data Protection Incident With Resolution Label',
    description: 'Closes the incident with a resolution label and value, notes and the false-positive flag.',
    steps: ['close_incident'],
    unavailableReason: null,
  },
  {
    key: 'auto_close',
    name: 'Auto Close Data Protection Incident',
    description: 'Closes the incident with notes, optionally as a false positive.',
    steps: ['close_incident'],
    unavailableReason: null,
  },
  {
    key: 'auto_create_tickets',
    name: 'Auto Create Tickets',
    description: 'Creates a ticket in ServiceNow or Jira Cloud for the incident, assigned to an integration user, exactly once.',
    steps: ['create_ticket'],
    unavailableReason: null,
  },
  {
    key: 'auto_escalate',
    name: 'Auto Escalate',
    description: "Escalates the incident to the user's manager or an approver.",
    steps: ['escalate'],
    unavailableReason: null,
  },
  {
    key: 'auto_notify',
    name: 'Auto Notify',
    description: 'Notifies the user who caused the incident.',
    steps: ['notify_user'],
    unavailableReason: null,
  },
  {
    key: 'auto_notify_user_and_close',
    name: 'Auto Notify User and Close Incident',
    description: 'Notifies the user, waits for a response, then closes the incident.',
    steps: ['notify_user', 'wait', 'close_incident'],
    unavailableReason: NEEDS_RESPONSE_STEP,
  },
  {
    key: 'auto_notify_user_and_concurrently_escalate',
    name: 'Auto Notify User and Concurrently Escalate',
    description: 'Notifies the user and escalates at the same time.',
    steps: ['notify_user', 'escalate'],
    unavailableReason: NEEDS_RESPONSE_STEP,
  },
  {
    key: 'auto_notify_user_and_escalate',
    name: 'Auto Notify User and Escalate',
    description: 'Notifies the user, waits for a response, then escalates to an approver.',
    steps: ['notify_user', 'wait', 'escalate'],
    unavailableReason: NEEDS_RESPONSE_STEP,
  },
  {
    key: 'auto_notify_user_and_escalate_to_manager',
    name: 'Auto Notify User and Escalate to Manager',
    description: "Notifies the user, waits for a response, then escalates to the user's manager.",
    steps: ['notify_user', 'wait', 'escalate'],
    unavailableReason: NEEDS_RESPONSE_STEP,
  },
];

export function templateOf(key: string): Template | undefined {
  return TEMPLATES.find((t) => t.key === key);
}
