import type { AnyExec } from '../../platform/db/database.js';
import type { Channel, OutgoingMessage, RenderedMessage } from '../notifications/types.js';
import type { RenderInput } from '../notification-templates/service.js';

/**
 * What remediation takes from the notifications, notification-templates and account-settings
 * modules, as narrow ports (docs/conventions.md): the message and template types are theirs, the
 * methods only those used here; the root checks each real service against them at compile time.
 */

export type { Channel, OutgoingMessage, RenderedMessage } from '../notifications/types.js';

/** A delivery as Incident Details shows it (NC's DeliveryView, the fields this module reads). */
export type DeliveryPortView = {
  id: number;
  channel: Channel;
  recipient: string;
  recipientName?: string | null;
  status: string;
  attempts?: number;
  lastError?: string | null;
  createdAt?: string;
  sentAt?: string | null;
  [k: string]: unknown;
};

export type NotificationsPort = {
  enqueue(exec: AnyExec, orgId: number, msg: OutgoingMessage): Promise<{ id: number; created: boolean }>;
  forIncident(orgId: number, incidentId: number): Promise<DeliveryPortView[]>;
  chatConnections(orgId: number): Promise<{ id: number; kind: 'slack' | 'teams'; name: string; status: string }[]>;
};

export type { RenderInput, TemplateIncident } from '../notification-templates/service.js';

/** The survey page's texts (Survey Templates), per kind and language; keys as NT's defaults name them. */
export type SurveyTexts = Record<string, string>;

export type TemplatesPort = {
  render(orgId: number, input: RenderInput): Promise<RenderedMessage>;
  surveyTemplate(orgId: number, kind: 'end_user' | 'escalation', language?: string): Promise<{ texts: SurveyTexts }>;
};

export type RemediationSettings = {
  notifications: { linkExpiryDays: { endUser: number; manager: number; approver: number } };
  approverDomains: string[];
  privacy: { obfuscatedAttributes: string[] };
};

export type UserAttributesView = { email: string; name: string | null; managerEmail: string | null; department: string | null; employeeId: string | null };
export type ApproverView = { id: number; name: string; email: string };

export type AccountSettingsPort = {
  settings(orgId: number): Promise<RemediationSettings>;
  userAttributes(orgId: number, email: string): Promise<UserAttributesView | null>;
  approvers(orgId: number): Promise<ApproverView[]>;
  approver(orgId: number, id: number): Promise<ApproverView | null>;
};

export type RemediationPorts = {
  notifications: NotificationsPort;
  templates: TemplatesPort;
  accountSettings: AccountSettingsPort;
};
