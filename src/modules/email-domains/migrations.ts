import { sql, type Generated, type Kysely } from 'kysely';
import type { Dialect } from '../../platform/db/database.js';
import { withId } from '../../platform/db/schema-helpers.js';

/** Stored states; "Expired" is not stored: it is a pending or failed domain past `expires_at`. */
export const STORED_STATUSES = ['pending', 'success', 'failed', 'in_use'] as const;
export type StoredStatus = (typeof STORED_STATUSES)[number];

/** A custom sending domain: its identity, the DNS records it must publish and their check. */
export interface EmailDomainsTable {
  id: Generated<number>;
  org_id: number;
  domain: string;
  envelope_domain: string;
  from_address: string;
  status: StoredStatus;
  /** DKIM selector of the current key (a new one with every regeneration). */
  dkim_selector: string;
  /** SubjectPublicKeyInfo DER, base64: the `p=` of the DKIM record. */
  dkim_public_key: string;
  /** SecretBox ciphertext of the PKCS#8 PEM private key. */
  dkim_private_key: string;
  verification_token: string;
  /** The records must be published and verified before this time (72 h after generation). */
  expires_at: string;
  /** Why the last check failed, naming the record; null after a success. */
  last_error: string | null;
  /** JSON of the last check's verdict per record ([{ kind, ok, problem }]); null before the first. */
  record_checks: string | null;
  last_checked_at: string | null;
  verified_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface EmailDomainsTables {
  email_domains: EmailDomainsTable;
}

export async function emailDomainsInit(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await withId(db.schema.createTable('email_domains'), dialect)
    .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('domain', 'text', (c) => c.notNull())
    .addColumn('envelope_domain', 'text', (c) => c.notNull())
    .addColumn('from_address', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('dkim_selector', 'text', (c) => c.notNull())
    .addColumn('dkim_public_key', 'text', (c) => c.notNull())
    .addColumn('dkim_private_key', 'text', (c) => c.notNull())
    .addColumn('verification_token', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('record_checks', 'text')
    .addColumn('last_checked_at', 'text')
    .addColumn('verified_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('email_domains_org_domain_unique').on('email_domains').columns(['org_id', 'domain']).unique().execute();
  // At most one domain per org sends the notifications, whatever two requests race.
  await sql`create unique index email_domains_one_in_use on email_domains (org_id) where status = 'in_use'`.execute(db);
  await db.schema.createIndex('email_domains_status_checked_idx').on('email_domains').columns(['status', 'last_checked_at', 'id']).execute();
}
