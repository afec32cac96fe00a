/**
 * The pre-defined workflows (Workflows > Workflow Templates). A template fixes the steps; a
 * workflow made from it supplies their settings. The four that act on an answer wait for it with
 * a Wait for Response step and branch on it (docs/architecture.md, "Waiting for a response").
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
export type StepKindName = 'create_ticket' | 'close_incident' | 'wait' | 'notify_user' | 'escalate' | 'wait_for_response';

export type Template = {
  key: TemplateKey;
  name: string;
  description: string;
  steps: StepKindName[];
  /** Null when usable; otherwise why not (shown on the Templates page and in refusals). */
  unavailableReason: string | null;
  /** The survey whose answer its Wait for Response step waits for; absent when it does not wait. */
  waitsFor?: 'justification' | 'escalation';
};

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
    description:
      'Notifies the user, waits for the justification, and closes the incident when the answer is one the settings accept (False Positive by default).',
    steps: ['notify_user', 'wait_for_response', 'close_incident'],
    unavailableReason: null,
    waitsFor: 'justification',
  },
  {
    key: 'auto_notify_user_and_concurrently_escalate',
    name: 'Auto Notify User and Concurrently Escalate',
    description:
      'Notifies the user and escalates at the same time, then waits for the escalation decision (and closes the incident when it is approved, if close fields are set).',
    steps: ['notify_user', 'escalate', 'wait_for_response', 'close_incident'],
    unavailableReason: null,
    waitsFor: 'escalation',
  },
  {
    key: 'auto_notify_user_and_escalate',
    name: 'Auto Notify User and Escalate',
    description: 'Notifies the user, waits for the justification, and escalates to an approver or an address when none comes in time or it is not acceptable.',
    steps: ['notify_user', 'wait_for_response', 'escalate'],
    unavailableReason: null,
    waitsFor: 'justification',
  },
  {
    key: 'auto_notify_user_and_escalate_to_manager',
    name: 'Auto Notify User and Escalate to Manager',
    description:
      "Notifies the user, waits for the justification, and escalates to the user's manager (Setup > User Attributes) when none comes in time or it is not acceptable.",
    steps: ['notify_user', 'wait_for_response', 'escalate'],
    unavailableReason: null,
    waitsFor: 'justification',
  },
];

export function templateOf(key: string): Template | undefined {
  return TEMPLATES.find((t) => t.key === key);
}
