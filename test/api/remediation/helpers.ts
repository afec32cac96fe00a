import type { AnyExec } from '../../../src/platform/db/database.js';
import type { AccountSettingsPort, DeliveryPortView, NotificationsPort, OutgoingMessage } from '../../../src/modules/remediation/ports.js';
import type { TestApp } from '../../helpers/test-app.js';

export type Sent = OutgoingMessage & { orgId: number; inTransaction: boolean };

/**
 * The real notifications service, with each message also kept here with whether it was handed the
 * caller's transaction (the contract: enqueue in the action's transaction), so a test can read
 * the survey link it carries without waiting for a delivery.
 */
export class RecordingNotifications implements NotificationsPort {
  readonly sent: Sent[] = [];
  constructor(private readonly inner: NotificationsPort) {}
  async enqueue(exec: AnyExec, orgId: number, msg: OutgoingMessage) {
    const r = await this.inner.enqueue(exec, orgId, msg);
    if (r.created) this.sent.push({ ...msg, orgId, inTransaction: exec.isTransaction });
    return r;
  }
  forIncident(orgId: number, incidentId: number): Promise<DeliveryPortView[]> {
    return this.inner.forIncident(orgId, incidentId);
  }
  chatConnections(orgId: number) {
    return this.inner.chatConnections(orgId);
  }
}

/** Settings, user attributes and approvers held in memory, so a test sets each case directly (full-flow.test.ts uses the real module). */
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

/** Records the real notifications; account settings held in memory unless `realSettings`. */
export function installPorts(t: TestApp, opts: { realSettings?: boolean } = {}) {
  const ports = t.ctx.remediation.ports;
  const notifications = new RecordingNotifications(t.ctx.notifications);
  const settings = new MemoryAccountSettings();
  ports.notifications = notifications;
  if (!opts.realSettings) ports.accountSettings = settings;
  return { notifications, settings };
}

/** The survey token in a message (the last path segment of its /survey/ link). */
export function tokenIn(text: string): string {
  const m = /\/survey\/([A-Za-z0-9_-]+)/.exec(text);
  if (!m) throw new Error(`no survey link in: ${text}`);
  return m[1];
}
