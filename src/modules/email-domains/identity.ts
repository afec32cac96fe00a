import type { TableWrites } from '../../platform/db/table-writes.js';
import type { SecretBox } from '../../platform/secrets.js';
import type { SenderIdentity } from '../notifications/sender-identity.js';
import type { EmailDomainRow, EmailDomainsStore } from './store.js';

/** A domain's test email names it in its purpose; every other mail uses the org's domain In Use. */
export const TEST_PURPOSE_PREFIX = 'email-domain-test:';
export const testPurpose = (domainId: number, nonce: string) => `${TEST_PURPOSE_PREFIX}${domainId}:${nonce}`;

/**
 * The sender identity of an org's mail, asked by the notifications delivery job before each send.
 * The In Use domain is cached per org for a second and dropped at once when this process writes
 * the table (another process's Make Default is seen within that second).
 */
export class SenderIdentities {
  private readonly cache = new Map<number, { at: number; version: number; identity: SenderIdentity | null }>();

  constructor(
    private readonly store: EmailDomainsStore,
    private readonly secrets: Pick<SecretBox, 'open'>,
    private readonly writes: Pick<TableWrites, 'version'>,
    private readonly ttlMs = 1000,
  ) {}

  async resolve(orgId: number, purpose: string): Promise<SenderIdentity | null> {
    const test = purpose.startsWith(TEST_PURPOSE_PREFIX) ? Number(purpose.slice(TEST_PURPOSE_PREFIX.length).split(':')[0]) : NaN;
    if (Number.isInteger(test) && test > 0) {
      const row = await this.store.get(orgId, test);
      // A domain deleted (or regenerated) before its test mail went out sends it as the platform.
      return row && (row.status === 'success' || row.status === 'in_use') ? this.identityOf(row) : null;
    }
    const now = Date.now();
    const version = this.writes.version('email_domains');
    const hit = this.cache.get(orgId);
    if (hit && hit.version === version && now - hit.at <= this.ttlMs) return hit.identity;
    const row = await this.store.inUse(orgId);
    const identity = row ? this.identityOf(row) : null;
    if (this.writes.version('email_domains') === version) {
      if (this.cache.size >= 1000) this.cache.clear();
      this.cache.set(orgId, { at: now, version, identity });
    }
    return identity;
  }

  private identityOf(row: EmailDomainRow): SenderIdentity {
    return {
      from: row.from_address,
      envelopeFrom: envelopeSenderOf(row),
      dkim: { domainName: row.domain, keySelector: row.dkim_selector, privateKey: this.secrets.open(row.dkim_private_key) },
    };
  }
}

/** Bounces go to the envelope sender domain, with the originating address's local part. */
export function envelopeSenderOf(row: Pick<EmailDomainRow, 'from_address' | 'envelope_domain'>): string {
  return `${row.from_address.slice(0, row.from_address.lastIndexOf('@'))}@${row.envelope_domain}`;
}
