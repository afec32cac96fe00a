import type { Kysely } from 'kysely';
import type { JobQueue } from '../../platform/jobs/index.js';
import type { Principal } from '../../platform/principal.js';
import type { AuditRecorder } from '../audit/service.js';
import type { IncidentPrivacyHooks } from '../incidents/privacy.js';
import { ApproversPart } from './approvers.js';
import type { AccountSettingsTables } from './migrations.js';
import type {
  AccountSettings,
  AccountSettingsView,
  ApproverInput,
  ApproverView,
  AttributeImportBody,
  NotificationSettings,
  PrivacySettings,
  UpdateApproverBody,
} from './schemas.js';
import { SettingsPart } from './settings.js';
import { AccountSettingsStore } from './store.js';
import { UserAttributesPart } from './user-attributes.js';

export type Deps = {
  db: Kysely<AccountSettingsTables>;
  audit: AuditRecorder;
  jobs: Pick<JobQueue, 'enqueue'>;
  incidents: { privacyHooks: Pick<IncidentPrivacyHooks, 'useHiddenAttributes'> };
};

/** The person a notification is about or goes to, as User Attributes knows them. */
export type UserAttributes = { email: string; name: string | null; managerEmail: string | null; department: string | null; employeeId: string | null };

/**
 * Account Settings, Setup > Approvers and Setup > User Attributes, as their routes and the
 * notification modules see them. The work is in `settings.ts`, `approvers.ts` and `user-attributes.ts`.
 */
export class AccountSettingsService {
  private readonly settingsPart: SettingsPart;
  private readonly approversPart: ApproversPart;
  readonly attributes: UserAttributesPart;

  constructor(deps: Deps) {
    const store = new AccountSettingsStore(deps.db);
    this.settingsPart = new SettingsPart(store, deps.audit);
    this.approversPart = new ApproversPart(store, deps.audit, this.settingsPart);
    this.attributes = new UserAttributesPart(store, deps.audit, deps.jobs, this.settingsPart);
    deps.incidents.privacyHooks.useHiddenAttributes((principal) => this.settingsPart.hiddenFor(principal));
  }

  // ---------------------------------------------------------------- the notifications contract

  /** What notifications, surveys and digests follow (link expiry, digests, trusted domains, obfuscation). */
  async settings(
    orgId: number,
  ): Promise<{ notifications: NotificationSettings; approverDomains: string[]; privacy: PrivacySettings; uniqueAttributes: string[] }> {
    const s = await this.settingsPart.get(orgId);
    return { notifications: s.notifications, approverDomains: s.approverDomains, privacy: s.privacy, uniqueAttributes: s.uniqueAttributes };
  }

  /** The person's attributes by email (case-insensitive), or null when no import named them. */
  async userAttributes(orgId: number, email: string): Promise<UserAttributes | null> {
    const r = await this.attributes.byEmail(orgId, email);
    return r ? { email: r.email, name: r.name, managerEmail: r.managerEmail, department: r.department, employeeId: r.employeeId } : null;
  }

  async approvers(orgId: number): Promise<{ id: number; name: string; email: string }[]> {
    return (await this.approversPart.all(orgId)).map(({ id, name, email }) => ({ id, name, email }));
  }

  async approver(orgId: number, id: number): Promise<{ id: number; name: string; email: string } | null> {
    const a = await this.approversPart.get(orgId, id);
    return a ? { id: a.id, name: a.name, email: a.email } : null;
  }

  // ---------------------------------------------------------------- Account Settings page

  view(orgId: number): Promise<AccountSettingsView> {
    return this.settingsPart.view(orgId);
  }

  update(actor: Principal, input: AccountSettings): Promise<AccountSettingsView> {
    return this.settingsPart.update(actor, input, (exec, domains) => this.approversPart.outside(exec, actor.orgId, domains));
  }

  // ---------------------------------------------------------------- Setup > Approvers

  listApprovers(orgId: number, q: { page: number; pageSize: number; search?: string }) {
    return this.approversPart.list(orgId, q);
  }
  getApprover(orgId: number, id: number): Promise<ApproverView | null> {
    return this.approversPart.get(orgId, id);
  }
  addApprovers(actor: Principal, rows: ApproverInput[]): Promise<ApproverView[]> {
    return this.approversPart.add(actor, rows);
  }
  updateApprover(actor: Principal, id: number, input: UpdateApproverBody): Promise<ApproverView> {
    return this.approversPart.update(actor, id, input);
  }
  deleteApprover(actor: Principal, id: number): Promise<void> {
    return this.approversPart.delete(actor, id);
  }

  // ---------------------------------------------------------------- Setup > User Attributes

  validateImport(orgId: number, input: AttributeImportBody) {
    return this.attributes.validate(orgId, input);
  }
  startImport(actor: Principal, input: AttributeImportBody) {
    return this.attributes.startImport(actor, input);
  }
}
