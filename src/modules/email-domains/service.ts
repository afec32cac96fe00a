import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { isPlainEmailAddress, type Config } from '../../config.js';
import type { AnyExec } from '../../platform/db/database.js';
import { nowIso } from '../../platform/db/database.js';
import type { TableWrites } from '../../platform/db/table-writes.js';
import { badRequest, conflict, notFound } from '../../platform/http/errors.js';
import type { Principal } from '../../platform/principal.js';
import type { SecretBox } from '../../platform/secrets.js';
import type { AuditRecorder } from '../audit/service.js';
import type { SenderIdentityHook } from '../notifications/sender-identity.js';
import type { OutgoingMessage } from '../notifications/types.js';
import { DnsChecker, type RecordCheck } from './dns-check.js';
import { SenderIdentities, envelopeSenderOf, testPurpose } from './identity.js';
import type { EmailDomainsTables, StoredStatus } from './migrations.js';
import { RECORDS_VALID_MS, generateRecordMaterial, isSubdomainOf, recordsOf } from './records.js';
import type { EmailDomainCreate, EmailDomainList, EmailDomainStatus, EmailDomainView } from './schemas.js';
import { EmailDomainsStore, type EmailDomainRow } from './store.js';

export type EmailDomainsDeps = {
  db: Kysely<EmailDomainsTables>;
  config: Pick<Config, 'smtpFrom' | 'dnsServers'>;
  secrets: Pick<SecretBox, 'seal' | 'open'>;
  writes: Pick<TableWrites, 'version'>;
  audit: AuditRecorder;
  notifications: {
    senderIdentity: Pick<SenderIdentityHook, 'use'>;
    enqueue(exec: AnyExec, orgId: number, msg: OutgoingMessage): Promise<{ id: number; created: boolean }>;
  };
};

const MODULE = 'Account Settings';
const RESOURCE = 'Custom Email Domain';
/** Domains one org may hold (each has a key pair and records to keep published). */
const MAX_DOMAINS = 20;
/** Pending domains the periodic check looks up per run. */
const SWEEP_BATCH = 50;

const STATUS_LABELS: Record<EmailDomainStatus, string> = { pending: 'Pending', success: 'Success', failed: 'Failed', expired: 'Expired', in_use: 'In Use' };

/**
 * Custom email domains (PRODUCT.md §18): Add Domain generates the DNS records to publish within
 * 72 h, Verify looks them up, Make Default sends every notification mail From the domain with its
 * envelope sender and DKIM signature, Revert goes back to the platform's sender.
 */
export class EmailDomainsService {
  private readonly store: EmailDomainsStore;
  private readonly dns: DnsChecker;
  readonly identities: SenderIdentities;

  constructor(private readonly deps: EmailDomainsDeps) {
    this.store = new EmailDomainsStore(deps.db);
    this.dns = new DnsChecker(deps.config.dnsServers);
    this.identities = new SenderIdentities(this.store, deps.secrets, deps.writes);
    deps.notifications.senderIdentity.use((orgId, purpose) => this.identities.resolve(orgId, purpose));
  }

  /** The platform's mail domain, which the SPF record includes; custom domains need email set up. */
  private platformMailDomain(): string {
    const from = this.deps.config.smtpFrom;
    if (!from) throw badRequest('Email is not set up on this server: set WFA_SMTP_URL and WFA_SMTP_FROM and restart before adding a domain.');
    return from.slice(from.lastIndexOf('@') + 1).toLowerCase();
  }

  async list(orgId: number): Promise<EmailDomainList> {
    return { items: (await this.store.list(orgId)).map((r) => this.view(r)), platformFrom: this.deps.config.smtpFrom };
  }

  async get(orgId: number, id: number): Promise<EmailDomainView> {
    return this.view(await this.row(orgId, id));
  }

  private async row(orgId: number, id: number, exec?: AnyExec): Promise<EmailDomainRow> {
    const row = await this.store.get(orgId, id, exec);
    if (!row) throw notFound('Email domain');
    return row;
  }

  async create(actor: Principal, input: EmailDomainCreate): Promise<EmailDomainView> {
    const platformDomain = this.platformMailDomain();
    const { domain, envelopeDomain } = input;
    const fromAddress = input.fromAddress;
    if (!isSubdomainOf(envelopeDomain, domain)) throw badRequest(`The envelope sender domain name must be a subdomain of ${domain}, such as bounce.${domain}.`);
    const at = fromAddress.lastIndexOf('@');
    if (!isPlainEmailAddress(fromAddress)) throw badRequest('The originating email address must be one address such as security@example.com.');
    if (fromAddress.slice(at + 1).toLowerCase() !== domain) throw badRequest(`The originating email address must be in ${domain}, such as security@${domain}.`);
    if (domain === platformDomain) throw badRequest(`${domain} is this server's own mail domain; add your organization's domain instead.`);
    const material = await generateRecordMaterial();
    const id = await this.deps.db.transaction().execute(async (trx) => {
      if (await this.store.byDomain(trx, actor.orgId, domain)) throw conflict(`${domain} has been added already.`);
      if ((await this.store.count(trx, actor.orgId)) >= MAX_DOMAINS)
        throw conflict(`An organization can have at most ${MAX_DOMAINS} custom email domains; delete one first.`);
      const now = new Date();
      const id = await this.store.insert(trx, {
        org_id: actor.orgId,
        domain,
        envelope_domain: envelopeDomain,
        from_address: `${fromAddress.slice(0, at)}@${domain}`,
        status: 'pending',
        dkim_selector: material.selector,
        dkim_public_key: material.publicKey,
        dkim_private_key: this.deps.secrets.seal(material.privateKeyPem),
        verification_token: material.token,
        expires_at: new Date(now.getTime() + RECORDS_VALID_MS).toISOString(),
        last_error: null,
        record_checks: null,
        last_checked_at: null,
        verified_at: null,
        created_at: now.toISOString(),
        updated_at: now.toISOString(),
      });
      await this.deps.audit.record(trx, actor, {
        action: 'Insert',
        module: MODULE,
        resource: RESOURCE,
        resourceId: id,
        notes: `Added the email domain ${domain}`,
        after: { domain, envelopeDomain, fromAddress, dkimSelector: material.selector, status: 'Pending' },
      });
      return id;
    });
    return this.get(actor.orgId, id);
  }

  /** Looks the records up now; Success when all match, Failed naming each missing or mismatched record. */
  async verify(actor: Principal, id: number): Promise<EmailDomainView> {
    const row = await this.row(actor.orgId, id);
    const status = statusOf(row);
    if (status === 'expired') throw conflict(`The DNS records of ${row.domain} expired unverified; use Regenerate DNS records and publish the new ones.`);
    if (status === 'success' || status === 'in_use') throw conflict(`${row.domain} is verified already.`);
    await this.check(row, actor);
    return this.get(actor.orgId, id);
  }

  /** The periodic check: pending domains still within their 72 h, a bounded batch per run. */
  async verifyPending(): Promise<number> {
    if (!this.deps.config.smtpFrom) return 0;
    const due = await this.store.duePending(nowIso(), SWEEP_BATCH);
    for (const row of due) {
      try {
        await this.check(row, null);
      } catch {
        // Changed by an admin meanwhile (verified, regenerated, deleted): their outcome stands.
      }
    }
    return due.length;
  }

  private async check(row: EmailDomainRow, actor: Principal | null): Promise<void> {
    const records = recordsOf(row, this.platformMailDomain());
    const checks = await this.dns.check(records);
    const problems = checks.filter((c) => !c.ok).map((c) => c.problem!);
    const ok = problems.length === 0;
    // The periodic check leaves a pending domain pending until it passes: a record may still be on its way.
    const next: StoredStatus = ok ? 'success' : actor ? 'failed' : row.status;
    const now = nowIso();
    await this.deps.db.transaction().execute(async (trx) => {
      const changed = await this.store.update(trx, row.org_id, row.id, row.status, {
        status: next,
        last_error: ok ? null : problems.join(' '),
        record_checks: JSON.stringify(checks.map((c: RecordCheck) => ({ kind: c.kind, ok: c.ok, problem: c.problem }))),
        last_checked_at: now,
        verified_at: ok ? now : null,
        updated_at: now,
      });
      if (!changed) throw conflict(`${row.domain} was changed by someone else meanwhile; reload and try again.`);
      if (actor)
        await this.deps.audit.record(trx, actor, {
          action: 'Update',
          module: MODULE,
          resource: RESOURCE,
          resourceId: row.id,
          notes: ok ? `Verified the DNS records of ${row.domain}` : `Verified the DNS records of ${row.domain}: ${problems.length} not right`,
          before: { status: STATUS_LABELS[statusOf(row)] },
          after: { status: STATUS_LABELS[next], ...(ok ? {} : { reason: problems.join(' ') }) },
        });
    });
  }

  /** New key pair, selector and token, valid 72 h again; the old records no longer count. */
  async regenerate(actor: Principal, id: number): Promise<EmailDomainView> {
    const row = await this.row(actor.orgId, id);
    if (row.status === 'success' || row.status === 'in_use')
      throw conflict(`${row.domain} is verified; its records stay as they are (regenerating would break its signatures).`);
    const material = await generateRecordMaterial();
    await this.deps.db.transaction().execute(async (trx) => {
      const now = new Date();
      const changed = await this.store.update(trx, actor.orgId, id, row.status, {
        status: 'pending',
        dkim_selector: material.selector,
        dkim_public_key: material.publicKey,
        dkim_private_key: this.deps.secrets.seal(material.privateKeyPem),
        verification_token: material.token,
        expires_at: new Date(now.getTime() + RECORDS_VALID_MS).toISOString(),
        last_error: null,
        record_checks: null,
        last_checked_at: null,
        verified_at: null,
        updated_at: now.toISOString(),
      });
      if (!changed) throw conflict(`${row.domain} was changed by someone else meanwhile; reload and try again.`);
      await this.deps.audit.record(trx, actor, {
        action: 'Update',
        module: MODULE,
        resource: RESOURCE,
        resourceId: id,
        notes: `Regenerated the DNS records of ${row.domain}`,
        before: { status: STATUS_LABELS[statusOf(row)], dkimSelector: row.dkim_selector },
        after: { status: 'Pending', dkimSelector: material.selector },
      });
    });
    return this.get(actor.orgId, id);
  }

  /** One test mail From the domain's address, DKIM-signed, through the notifications queue. */
  async sendTestEmail(actor: Principal, id: number, to: string): Promise<{ messageId: number; from: string; to: string }> {
    if (!isPlainEmailAddress(to)) throw badRequest(`"${to.slice(0, 100)}" is not one email address (write it as name@example.com).`);
    const row = await this.row(actor.orgId, id);
    if (row.status !== 'success' && row.status !== 'in_use') throw conflict(`Verify ${row.domain} before sending a test email from it.`);
    const messageId = await this.deps.db.transaction().execute(async (trx) => {
      const { id: messageId } = await this.deps.notifications.enqueue(trx, actor.orgId, {
        purpose: testPurpose(id, randomUUID()),
        kind: 'test',
        channel: 'email',
        recipient: to,
        content: {
          subject: `Test email from ${row.domain}`,
          text: `This is a test email from Workflow Automation, sent from ${row.from_address} and signed for ${row.domain}. Notifications will come from this address once the domain is made default.`,
          html: `<p>This is a test email from <b>Workflow Automation</b>, sent from ${row.from_address} and signed for ${row.domain}.</p><p>Notifications will come from this address once the domain is made default.</p>`,
        },
      });
      await this.deps.audit.record(trx, actor, {
        action: 'Insert',
        module: MODULE,
        resource: 'Custom Email Domain test email',
        resourceId: id,
        notes: `Sent a test email from ${row.from_address} to ${to}`,
        after: { from: row.from_address, to },
      });
      return messageId;
    });
    return { messageId, from: row.from_address, to };
  }

  /** Make Default: from now on notification mail is From this domain (the one In Use before goes back to Success). */
  async makeDefault(actor: Principal, id: number): Promise<EmailDomainView> {
    await this.deps.db.transaction().execute(async (trx) => {
      const row = await this.row(actor.orgId, id, trx);
      if (row.status === 'in_use') throw conflict(`${row.domain} is the default already.`);
      if (row.status !== 'success')
        throw conflict(`Only a verified domain (status Success) can be made default; ${row.domain} is ${STATUS_LABELS[statusOf(row)]}.`);
      const previous = await this.store.inUse(actor.orgId, trx);
      const now = nowIso();
      if (previous) await this.store.update(trx, actor.orgId, previous.id, 'in_use', { status: 'success', updated_at: now });
      if (!(await this.store.update(trx, actor.orgId, id, 'success', { status: 'in_use', updated_at: now })))
        throw conflict(`${row.domain} was changed by someone else meanwhile; reload and try again.`);
      await this.deps.audit.record(trx, actor, {
        action: 'Update',
        module: MODULE,
        resource: RESOURCE,
        resourceId: id,
        notes: `Made ${row.domain} the default email domain`,
        before: { defaultFrom: previous?.from_address ?? this.deps.config.smtpFrom },
        after: { defaultFrom: row.from_address, envelopeSender: envelopeSenderOf(row), status: 'In Use' },
      });
    });
    return this.get(actor.orgId, id);
  }

  /** Revert to default domain: notification mail is From the platform's sender again. */
  async revertDefault(actor: Principal): Promise<EmailDomainList> {
    await this.deps.db.transaction().execute(async (trx) => {
      const current = await this.store.inUse(actor.orgId, trx);
      if (!current) throw conflict('No custom email domain is in use; mail is already sent from the default domain.');
      await this.store.update(trx, actor.orgId, current.id, 'in_use', { status: 'success', updated_at: nowIso() });
      await this.deps.audit.record(trx, actor, {
        action: 'Update',
        module: MODULE,
        resource: RESOURCE,
        resourceId: current.id,
        notes: `Reverted to the default email domain (was ${current.domain})`,
        before: { defaultFrom: current.from_address, status: 'In Use' },
        after: { defaultFrom: this.deps.config.smtpFrom, status: 'Success' },
      });
    });
    return this.list(actor.orgId);
  }

  async delete(actor: Principal, id: number): Promise<void> {
    await this.deps.db.transaction().execute(async (trx) => {
      const row = await this.row(actor.orgId, id, trx);
      if (row.status === 'in_use') throw conflict(`${row.domain} is in use; revert to the default domain before deleting it.`);
      await this.store.delete(trx, actor.orgId, id);
      await this.deps.audit.record(trx, actor, {
        action: 'Delete',
        module: MODULE,
        resource: RESOURCE,
        resourceId: id,
        notes: `Deleted the email domain ${row.domain}`,
        before: { domain: row.domain, envelopeDomain: row.envelope_domain, fromAddress: row.from_address, status: STATUS_LABELS[statusOf(row)] },
      });
    });
  }

  private view(row: EmailDomainRow): EmailDomainView {
    const status = statusOf(row);
    const checks = row.record_checks ? (JSON.parse(row.record_checks) as { kind: string; ok: boolean; problem: string | null }[]) : [];
    const platformDomain = this.deps.config.smtpFrom
      ? this.deps.config.smtpFrom.slice(this.deps.config.smtpFrom.lastIndexOf('@') + 1).toLowerCase()
      : 'the-platform-mail-domain';
    return {
      id: row.id,
      domain: row.domain,
      envelopeDomain: row.envelope_domain,
      fromAddress: row.from_address,
      status,
      statusLabel: STATUS_LABELS[status],
      records: recordsOf(row, platformDomain).map((r) => {
        const c = checks.find((x) => x.kind === r.kind);
        return { ...r, ok: c ? c.ok : null, problem: c ? c.problem : null };
      }),
      expiresAt: row.expires_at,
      lastError: row.last_error,
      lastCheckedAt: row.last_checked_at,
      verifiedAt: row.verified_at,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }
}

/** Expired: not verified within the records' 72 h. */
export function statusOf(row: Pick<EmailDomainRow, 'status' | 'expires_at'>, now = nowIso()): EmailDomainStatus {
  if ((row.status === 'pending' || row.status === 'failed') && row.expires_at <= now) return 'expired';
  return row.status;
}
