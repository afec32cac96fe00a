import type { AnyExec } from '../../../src/platform/db/database.js';
import type { AccountSettingsPort, DeliveryPortView, NotificationsPort, OutgoingMessage } from '../../../src/modules/remediation/ports.js';
import type { TestApp } from '../../helpers/test-app.js';

export type Sent = OutgoingMessage & { orgId: number; inTransaction: boolean };

/**
 * Until the notifications module is part of the server: a port that records each message and
 * whether it was handed the caller's transaction (the contract: enqueue in the action's transaction).
 */
export class RecordingNotifications implements NotificationsPort {
  readonly sent: Sent[] = [];
  chats: { orgId: number; id: number; kind: 'slack' | 'teams'; name: string; status: string }[] = [];
  async enqueue(exec: AnyExec, orgId: number, msg: OutgoingMessage) {
    const existing = this.sent.findIndex((s) => s.orgId === orgId && s.purpose === msg.purpose && s.channel === msg.channel && s.recipient === msg.recipient);
    if (existing >= 0) return { id: existing + 1, created: false };
    this.sent.push({ ...msg, orgId, inTransaction: exec.isTransaction });
    return { id: this.sent.length, created: true };
  }
  async forIncident(orgId: number, incidentId: number): Promise<DeliveryPortView[]> {
    return this.sent
      .map((s, i) => ({ s, i }))
      .filter(({ s }) => s.orgId === orgId && s.incidentId === incidentId)
      .map(({ s, i }) => ({ id: i + 1, channel: s.channel, recipient: s.recipient, status: 'queued', attempts: 0, lastError: null }));
  }
  async chatConnections(orgId: number) {
    return this.chats.filter((c) => c.orgId === orgId).map(({ orgId: _o, ...c }) => c);
  }
}

/** Until the account-settings module is part of the server: settings, user attributes and approvers held in memory. */
export class MemoryAccountSettings implements AccountSettingsPort {
  expiry = { endUser: 7, manager: 3, approver: 5 };
  approverDomains: string[] = [];
  obfuscated: string[] = [];
  users = new Map<string, { email: string; name: string | null; managerEmail: string | null; department: string | null; employeeId: string | null }>();
  list: { orgId: number; id: number; name: string; email: string }[] = [];
  async settings() {
    return { notifications: { linkExpiryDays: this.expiry }, approverDomains: this.approverDomains, privacy: { obfuscatedAttributes: this.obfuscated } };
  }
  async userAttributes(_orgId: number, email: string) {
    return this.users.get(email.toLowerCase()) ?? null;
  }
  async approvers(orgId: number) {
    return this.list.filter((a) => a.orgId === orgId).map(({ orgId: _o, ...a }) => a);
  }
  async approver(orgId: number, id: number) {
    return (await this.approvers(orgId)).find((a) => a.id === id) ?? null;
  }
}

/** Installs the stand-ins for whichever of the modules the server does not run yet. */
export function installPorts(t: TestApp) {
  const ports = t.ctx.remediation.ports;
  const notifications = new RecordingNotifications();
  const settings = new MemoryAccountSettings();
  ports.notifications = notifications;
  ports.accountSettings = settings;
  return { notifications, settings };
}

/** The survey token in a message (the last path segment of its /survey/ link). */
export function tokenIn(text: string): string {
  const m = /\/survey\/([A-Za-z0-9_-]+)/.exec(text);
  if (!m) throw new Error(`no survey link in: ${text}`);
  return m[1];
}
