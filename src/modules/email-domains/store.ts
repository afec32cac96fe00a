import { sql, type Insertable, type Kysely, type Selectable, type Updateable } from 'kysely';
import type { AnyExec } from '../../platform/db/database.js';
import type { EmailDomainsTable, EmailDomainsTables } from './migrations.js';

export type EmailDomainRow = Selectable<EmailDomainsTable>;

/** The only code that touches `email_domains`; every query is scoped by org except the checker's sweep. */
export class EmailDomainsStore {
  constructor(private readonly db: Kysely<EmailDomainsTables>) {}

  private exec(exec?: AnyExec): Kysely<EmailDomainsTables> {
    return (exec ?? this.db) as Kysely<EmailDomainsTables>;
  }

  list(orgId: number): Promise<EmailDomainRow[]> {
    return this.db.selectFrom('email_domains').selectAll().where('org_id', '=', orgId).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
  }

  count(exec: AnyExec, orgId: number): Promise<number> {
    return this.exec(exec)
      .selectFrom('email_domains')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('org_id', '=', orgId)
      .executeTakeFirstOrThrow()
      .then((r) => Number(r.n));
  }

  get(orgId: number, id: number, exec?: AnyExec): Promise<EmailDomainRow | undefined> {
    return this.exec(exec).selectFrom('email_domains').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  }

  byDomain(exec: AnyExec, orgId: number, domain: string): Promise<EmailDomainRow | undefined> {
    return this.exec(exec).selectFrom('email_domains').selectAll().where('org_id', '=', orgId).where('domain', '=', domain).executeTakeFirst();
  }

  inUse(orgId: number, exec?: AnyExec): Promise<EmailDomainRow | undefined> {
    return this.exec(exec).selectFrom('email_domains').selectAll().where('org_id', '=', orgId).where('status', '=', 'in_use').executeTakeFirst();
  }

  async insert(exec: AnyExec, row: Insertable<EmailDomainsTable>): Promise<number> {
    const r = await this.exec(exec).insertInto('email_domains').values(row).returning('id').executeTakeFirstOrThrow();
    return r.id;
  }

  /** Compare-and-set on the status read before, so a concurrent change is not overwritten. */
  async update(exec: AnyExec, orgId: number, id: number, fromStatus: EmailDomainRow['status'], set: Updateable<EmailDomainsTable>): Promise<boolean> {
    const r = await this.exec(exec)
      .updateTable('email_domains')
      .set(set)
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .where('status', '=', fromStatus)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async delete(exec: AnyExec, orgId: number, id: number): Promise<void> {
    await this.exec(exec).deleteFrom('email_domains').where('org_id', '=', orgId).where('id', '=', id).where('status', '!=', 'in_use').execute();
  }

  /** Pending domains whose records are still valid, least recently checked first, across orgs (the periodic check). */
  duePending(now: string, limit: number): Promise<EmailDomainRow[]> {
    return (
      this.db
        .selectFrom('email_domains')
        .selectAll()
        .where('status', '=', 'pending')
        .where('expires_at', '>', now)
        // Never-checked first on both databases (their NULL orders differ).
        .orderBy(sql`coalesce(last_checked_at, '')`)
        .orderBy('id', 'asc')
        .limit(limit)
        .execute()
    );
  }
}
