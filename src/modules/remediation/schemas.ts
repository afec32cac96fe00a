import { z } from 'zod';
import { bodyId, text } from '../../platform/http/input.js';
import { DECISIONS, JUSTIFICATION_TYPES, MAX_REASON } from './texts.js';

/* ------------------------------------------------------------------ admin requests */

const email = text()
  .trim()
  .max(254, 'An email address is at most 254 characters.')
  .pipe(z.email({ message: 'Enter a valid email address.' }));
const note = text().trim().max(2000, 'The note to the user must be at most 2000 characters.').optional();
const language = z
  .string()
  .regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'Language: use a code such as en or fr-CA.')
  .optional();
/** Chat connections (Setup > Integrations) to send on besides email; absent or empty: email only. */
const chatConnectionIds = z.array(bodyId()).max(10, 'Pick at most 10 chat connections.').optional();

export const notifyBody = z.strictObject({
  /** Defaults to the incident's user. */
  email: email.optional(),
  language,
  note,
  chatConnectionIds,
});
export type NotifyBody = z.infer<typeof notifyBody>;

/** Bulk Notify User renders one message per incident, so a request takes at most this many. */
export const MAX_BULK_NOTIFY = 100;
export const bulkNotifyBody = z.strictObject({
  ids: z.array(bodyId()).min(1, 'Select at least one incident.').max(MAX_BULK_NOTIFY, `Select at most ${MAX_BULK_NOTIFY} incidents at a time.`),
  language,
  note,
  chatConnectionIds,
});
export type BulkNotifyBody = z.infer<typeof bulkNotifyBody>;

export const escalateBody = z.strictObject({
  /** Manager: the user's manager from User Attributes; Approver: one of Setup > Approvers; Email: any address (within the trusted domains when set). */
  userType: z.enum(['manager', 'approver', 'email']),
  approverId: bodyId().optional(),
  email: email.optional(),
  language,
  note,
  chatConnectionIds,
});
export type EscalateBody = z.infer<typeof escalateBody>;

/* ------------------------------------------------------------------ admin views */

export const surveyLinkState = z.enum(['open', 'answered', 'expired']);
export const requestView = z.object({
  id: z.number(),
  purpose: z.enum(['justification', 'escalation']),
  round: z.number(),
  /** Originating User / Manager / Approver / Other. */
  role: z.string(),
  recipient: z.string(),
  recipientName: z.string().nullable(),
  channels: z.array(z.string()),
  state: surveyLinkState,
  sentAt: z.string(),
  sentBy: z.string(),
  expiresAt: z.string(),
  answeredAt: z.string().nullable(),
});
export type RequestView = z.infer<typeof requestView>;

export const responseView = z.object({
  id: z.number(),
  purpose: z.enum(['justification', 'escalation']),
  question: z.string(),
  answer: z.string(),
  reason: z.string().nullable(),
  responder: z.string(),
  responderName: z.string().nullable(),
  respondedAt: z.string(),
});
export type ResponseView = z.infer<typeof responseView>;

export const deliveryView = z.object({
  id: z.number(),
  channel: z.string(),
  recipient: z.string(),
  status: z.string(),
  attempts: z.number().nullable(),
  reason: z.string().nullable(),
  createdAt: z.string().nullable(),
});

export const remediationView = z.object({
  requests: z.array(requestView),
  responses: z.array(responseView),
  /** Deliveries of this incident's messages (the notifications module's). */
  deliveries: z.array(deliveryView),
});
export type RemediationView = z.infer<typeof remediationView>;

export const notifyResult = z.object({
  request: requestView,
  /** False when this round's link already existed (a repeated request). */
  created: z.boolean(),
  status: z.string(),
});
export type NotifyResult = z.infer<typeof notifyResult>;

export const remediationOptions = z.object({
  userEmail: z.string(),
  managerEmail: z.string().nullable(),
  managerName: z.string().nullable(),
  approvers: z.array(z.object({ id: z.number(), name: z.string(), email: z.string() })),
  approverDomains: z.array(z.string()),
  chatConnections: z.array(z.object({ id: z.number(), kind: z.enum(['slack', 'teams']), name: z.string(), status: z.string() })),
});
export type RemediationOptions = z.infer<typeof remediationOptions>;

/* ------------------------------------------------------------------ public survey */

/** A survey token: 256 random bits, base64url (43 characters). Anything else cannot be one of ours. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
export const tokenParam = z.strictObject({ token: z.string().max(200) });

export const surveyView = z.object({
  purpose: z.enum(['justification', 'escalation']),
  title: z.string(),
  intro: z.string(),
  recipientName: z.string().nullable(),
  note: z.string().nullable(),
  expiresAt: z.string(),
  /** Incident attributes as label/value, without those the privacy settings hide. */
  incident: z.array(z.object({ label: z.string(), value: z.string() })),
  questions: z.array(
    z.object({
      key: z.enum(['justificationType', 'decision', 'reason']),
      label: z.string(),
      /** value: what the answer sends; label: what the page shows (Survey Templates). */
      options: z.array(z.object({ value: z.string(), label: z.string() })).nullable(),
      required: z.boolean(),
    }),
  ),
  submitLabel: z.string(),
  thanks: z.string(),
});
export type SurveyView = z.infer<typeof surveyView>;

const reason = text().trim().max(MAX_REASON, `The reason must be at most ${MAX_REASON} characters.`);
export const surveyAnswer = z.union([
  z.strictObject({
    justificationType: z.enum(JUSTIFICATION_TYPES, { message: `Justification Type: pick ${JUSTIFICATION_TYPES.join(', ')}.` }),
    reason: reason.optional(),
  }),
  z.strictObject({ decision: z.enum(DECISIONS, { message: 'Decision: pick approve or reject.' }), reason: reason.optional() }),
]);
export type SurveyAnswer = z.infer<typeof surveyAnswer>;
export const surveyAnswered = z.object({ thanks: z.string() });
