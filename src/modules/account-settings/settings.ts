import { nowIso } from '../../platform/db/database.js';
import type { Exec } from '../../platform/db/exec.js';
import { badRequest } from '../../platform/http/errors.js';
import type { Principal } from '../../platform/principal.js';
import { allows } from '../../platform/permissions.js';
import type { AuditRecorder } from '../audit/service.js';
import type { ObfuscatableAttribute } from '../incidents/privacy.js';
import type { AccountSettingsTables as DB } from './migrations.js';
import {
  CHANNELS,
  CHANNEL_LABELS,
  DEFAULT_SETTINGS,
  OBFUSCATABLE_ATTRIBUTES,
  OBFUSCATABLE_LABELS,
  UNIQUE_ATTRIBUTES,
  UNIQUE_ATTRIBUTE_LABELS,
  accountSettingsBody,
  type AccountSettings,
  type AccountSettingsView,
} from './schemas.js';
import type { AccountSettingsStore } from './store.js';

export const MODULE = 'Account Settings';

/** Whether an email's domain is one of the trusted ones (exact host, case-insensitive). */
export function inDomains(email: string, domains: readonly string[]): boolean {
  const host = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
  return domains.includes(host);
}

/** The sentence an admin sees when an approver email is outside the trusted domains. */
export function outsideDomainsMessage(email: string, domains: readonly string[]): string {
  return `${email} is not in the trusted approver domains (${domains.join(', ')}). Use an address in one of them or change Account Settings > Approvers Domain Management.`;
}

/**
 * Who sees obfuscated attributes unmasked: admins whose role can edit Account Settings. They can
 * switch obfuscation off anyway (an audited change), so hiding from them protects nothing; every
 * other role (DLP Incident Manager, custom roles) sees `••••`. The product's per-admin override in
 * Admin Assignments does not exist here, so the role decides.
 */
export function seesUnobfuscated(principal: Principal): boolean {
  return allows(principal.permissions, 'Account Settings', 'edit');
}

/** Account Settings: one JSON document per org, defaults until first saved. */
export class SettingsPart {
  constructor(
    private readonly store: AccountSettingsStore,
    private readonly audit: AuditRecorder,
  ) {}

  /** The org's settings; sections never saved (or saved by an older version) read as their defaults. */
  async get(orgId: number, exec: Exec<DB> = this.store.db): Promise<AccountSettings & { updatedAt: string | null; updatedBy: string | null }> {
    const row = await this.store.settings(orgId, exec);
    if (!row) return { ...DEFAULT_SETTINGS, updatedAt: null, updatedBy: null };
    const stored = JSON.parse(row.settings) as Partial<AccountSettings>;
    const merged = accountSettingsBody.safeParse({ ...DEFAULT_SETTINGS, ...stored });
    return { ...(merged.success ? merged.data : DEFAULT_SETTINGS), updatedAt: row.updated_at, updatedBy: row.updated_by };
  }

  async view(orgId: number): Promise<AccountSettingsView> {
    return {
      ...(await this.get(orgId)),
      choices: {
        obfuscatableAttributes: OBFUSCATABLE_ATTRIBUTES.map((value) => ({ value, label: OBFUSCATABLE_LABELS[value] })),
        channels: CHANNELS.map((value) => ({ value, label: CHANNEL_LABELS[value] })),
        uniqueAttributes: UNIQUE_ATTRIBUTES.map((value) => ({ value, label: UNIQUE_ATTRIBUTE_LABELS[value] })),
      },
    };
  }

  /**
   * Save: every section at once. Restricting approver domains refuses while an existing approver
   * is outside them, so the restriction always holds for the whole list.
   */
  async update(
    actor: Principal,
    input: AccountSettings,
    approversOutside: (exec: Exec<DB>, domains: string[]) => Promise<string[]>,
  ): Promise<AccountSettingsView> {
    await this.store.db.transaction().execute(async (trx) => {
      const { updatedAt: _a, updatedBy: _b, ...before } = await this.get(actor.orgId, trx);
      if (input.approverDomains.length) {
        const outside = await approversOutside(trx, input.approverDomains);
        if (outside.length)
          throw badRequest(
            `approverDomains: ${outside.length} approver(s) are outside ${input.approverDomains.join(', ')}: ${outside.slice(0, 5).join(', ')}${outside.length > 5 ? ', …' : ''}. Change or delete them in Setup > Approvers first, or add their domain.`,
            [{ field: 'approverDomains', message: 'Existing approvers are outside these domains.' }],
          );
      }
      await this.store.saveSettings(trx, actor.orgId, JSON.stringify(input), nowIso(), actor.label);
      await this.audit.record(trx, actor, {
        action: 'Update',
        module: MODULE,
        resource: 'Account Settings',
        resourceId: actor.orgId,
        notes: `Updated Account Settings (${changedSections(before, input).join(', ') || 'no change'})`,
        before,
        after: input,
      });
    });
    return this.view(actor.orgId);
  }

  /** What the incident views hide from this caller. */
  async hiddenFor(principal: Principal): Promise<ReadonlySet<ObfuscatableAttribute>> {
    if (seesUnobfuscated(principal)) return new Set();
    return new Set((await this.get(principal.orgId)).privacy.obfuscatedAttributes);
  }
}

const SECTION_NAMES: Record<keyof AccountSettings, string> = {
  notifications: 'Notifications',
  approverDomains: 'Approvers Domain Management',
  uniqueAttributes: 'Unique Attributes',
  privacy: 'Privacy and Security',
};

function changedSections(before: AccountSettings, after: AccountSettings): string[] {
  return (Object.keys(SECTION_NAMES) as (keyof AccountSettings)[])
    .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .map((k) => SECTION_NAMES[k]);
}
