import type { AnyExec } from '../../platform/db/database.js';

/**
 * What remediation takes from the notifications (NC), notification-templates (NT) and
 * account-settings (NA) modules, declared here as narrow ports (docs/conventions.md). The shapes
 * are the contract between those modules; the root checks each real service against them at
 * compile time.
 */

export type Channel = 'email' | 'slack' | 'teams';

export type RenderedMessage = {
  subject: string;
  text: string;
  html?: string;
  slackBlocks?: unknown[];
  teamsCard?: unknown;
};

export type OutgoingMessage = {
  purpose: string;
  kind: 'end_user' | 'escalation' | 'digest' | 'admin_digest' | 'test';
  incidentId?: number | null;
  channel: Channel;
  recipient: string;
  recipientName?: string | null;
  content: RenderedMessage;
};

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

export type TemplateIncident = {
  id: number;
  transactionId: string;
  severity: string;
  status: string;
  sourceDlpType: string;
  sourceAction: string | null;
  dlpEngine: string | null;
  user: string | null;
  userEmail: string | null;
  department: string | null;
  destination: string | null;
  fileName: string | null;
  matchCount: number | null;
  createdAt: string;
  [k: string]: unknown;
};

export type RenderInput = {
  family: 'end_user' | 'escalation' | 'digest' | 'admin_digest';
  channel: Channel;
  language?: string;
  incident?: TemplateIncident | null;
  vars: Record<string, string | number | boolean | null | Array<Record<string, unknown>>>;
  notificationType?: string;
};

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
