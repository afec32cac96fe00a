import type { Principal } from '../../platform/principal.js';
import type { IncidentDetail, IncidentListItem } from './schemas.js';

/**
 * Incident attributes an org can obfuscate (PRODUCT.md §8's Obfuscation Settings, those an
 * incident here carries). The Account Settings module chooses which; this module knows where each
 * one appears in its views.
 */
export const OBFUSCATABLE_ATTRIBUTES = ['userName', 'userEmail', 'managerName', 'managerEmail', 'recipientEmail', 'clientIp', 'deviceName'] as const;
export type ObfuscatableAttribute = (typeof OBFUSCATABLE_ATTRIBUTES)[number];
export const OBFUSCATABLE_LABELS: Record<ObfuscatableAttribute, string> = {
  userName: 'User Name',
  userEmail: 'User Email',
  managerName: 'Manager Name',
  managerEmail: 'Manager Email',
  recipientEmail: 'Recipient Email',
  clientIp: 'Client IP',
  deviceName: 'Device Name',
};

/** What a hidden value reads as, everywhere. */
export const OBFUSCATED = '••••';

/** The attributes to hide from this caller (none when no module registered a policy). */
export type HiddenAttributes = (principal: Principal) => Promise<ReadonlySet<ObfuscatableAttribute>>;

const hideAll = (list: string[]) => list.map(() => OBFUSCATED);

/** A copy of a listed incident with the hidden attributes replaced. */
export function maskListItem<T extends IncidentListItem>(item: T, hidden: ReadonlySet<ObfuscatableAttribute>): T {
  if (!hidden.size) return item;
  const out = { ...item };
  if (hidden.has('userName')) out.userName = OBFUSCATED;
  if (hidden.has('userEmail')) out.userEmail = OBFUSCATED;
  return out;
}

/** A copy of Incident Details with the hidden attributes replaced, in the header and in the violation details. */
export function maskDetail(d: IncidentDetail, hidden: ReadonlySet<ObfuscatableAttribute>): IncidentDetail {
  if (!hidden.size) return d;
  const out = maskListItem(d, hidden);
  const user = { ...d.details.user };
  if (hidden.has('userName') && user.name !== undefined) user.name = OBFUSCATED;
  if (hidden.has('userEmail') && user.email !== undefined) user.email = OBFUSCATED;
  if (hidden.has('clientIp') && user.clientIp !== undefined) user.clientIp = OBFUSCATED;
  if (hidden.has('deviceName') && user.deviceName !== undefined) user.deviceName = OBFUSCATED;
  if (user.manager) {
    user.manager = { ...user.manager };
    if (hidden.has('managerName') && user.manager.name !== undefined) user.manager.name = OBFUSCATED;
    if (hidden.has('managerEmail') && user.manager.email !== undefined) user.manager.email = OBFUSCATED;
  }
  const r = d.details.recipients;
  const recipients = r && hidden.has('recipientEmail') ? { triggered: hideAll(r.triggered), internal: hideAll(r.internal), external: hideAll(r.external) } : r;
  // The awaiting user is the end user's or the manager's email while the incident waits on them.
  const currentState =
    (hidden.has('userEmail') || hidden.has('managerEmail')) && d.currentState.user ? { ...d.currentState, user: OBFUSCATED } : d.currentState;
  return { ...out, currentState, details: { ...d.details, user, ...(recipients ? { recipients } : {}) } };
}

/**
 * The privacy policy another module (Account Settings) sets once, without incidents importing it:
 * the list, Incident Details, action answers and the CSV export ask it which attributes to hide
 * from the caller.
 */
export class IncidentPrivacyHooks {
  private policy: HiddenAttributes | null = null;

  useHiddenAttributes(fn: HiddenAttributes): void {
    this.policy = fn;
  }

  async hiddenFor(principal: Principal): Promise<ReadonlySet<ObfuscatableAttribute>> {
    return this.policy ? this.policy(principal) : new Set();
  }

  async detail(principal: Principal, d: IncidentDetail): Promise<IncidentDetail> {
    return maskDetail(d, await this.hiddenFor(principal));
  }
}
