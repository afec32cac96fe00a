import { sql, type Insertable, type Kysely, type Selectable, type Transaction, type Updateable } from 'kysely';
import type { TicketsDb as DB } from './db.js';
import type { TicketListQuery, TicketState } from './schemas.js';
import type { TicketsTable } from './migrations.js';

export type TicketRecord = Selectable<TicketsTable>;
export type TicketRow = Insertable<TicketsTable>;
export type TicketPatch = Updateable<Omit<TicketsTable, 'id' | 'org_id'>>;
type Exec = Kysely<DB> | Transaction<DB>;

export const LIVE_STATES: TicketState[] = ['creating', 'open'];

const SORT_COLUMNS = { createdAt: 'created_at', updatedAt: 'updated_at', state: 'state', ticketKey: 'external_key' } as const;

/** The only code that reads or writes the tickets table; every query is scoped to one org. */
export class TicketsStore {
  constructor(private readonly db: Kysely<DB>) {}

  /** Inserts and answers the stored row (defaults filled in), saving a read after the write. */
  insert(exec: Exec, row: TicketRow): Promise<TicketRecord> {
    return exec.insertInto('tickets').values(row).returningAll().executeTakeFirstOrThrow();
  }

  /** The incident's transaction id, or undefined when the org has no such incident (all a Submit needs of it). */
  async incidentTransactionId(orgId: number, incidentId: number, exec: Exec = this.db): Promise<string | undefined> {
    const r = await exec.selectFrom('incidents').select('transaction_id').where('org_id', '=', orgId).where('id', '=', incidentId).executeTakeFirst();
    return r?.transaction_id;
  }

  get(orgId: number, id: number, exec: Exec = this.db): Promise<TicketRecord | undefined> {
    return exec.selectFrom('tickets').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  }

  many(orgId: number, ids: number[], exec: Exec = this.db): Promise<TicketRecord[]> {
    if (!ids.length) return Promise.resolve([]);
    return exec.selectFrom('tickets').selectAll().where('org_id', '=', orgId).where('id', 'in', ids).execute();
  }

  /** The live (creating/open) ticket of an incident on an integration, if any. */
  live(orgId: number, incidentId: number, integrationId: number, exec: Exec = this.db): Promise<TicketRecord | undefined> {
    return exec
      .selectFrom('tickets')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('incident_id', '=', incidentId)
      .where('integration_id', '=', integrationId)
      .where('state', 'in', LIVE_STATES)
      .executeTakeFirst();
  }

  /** The newest closed ticket of an incident on an integration (the closed-ticket policy acts on it). */
  latestClosed(orgId: number, incidentId: number, integrationId: number, exec: Exec = this.db): Promise<TicketRecord | undefined> {
    return exec
      .selectFrom('tickets')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('incident_id', '=', incidentId)
      .where('integration_id', '=', integrationId)
      .where('state', '=', 'closed')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  /** An incident's tickets, newest first. Bounded: one live ticket per integration, so few rows. */
  byIncident(orgId: number, incidentId: number, exec: Exec = this.db): Promise<TicketRecord[]> {
    return exec.selectFrom('tickets').selectAll().where('org_id', '=', orgId).where('incident_id', '=', incidentId).orderBy('id', 'desc').limit(200).execute();
  }

  /** Summaries for a page of incidents: newest first per incident. */
  summaries(orgId: number, incidentIds: number[], exec: Exec = this.db) {
    return exec
      .selectFrom('tickets')
      .select(['id', 'incident_id', 'integration_id', 'integration_name', 'state', 'external_key'])
      .where('org_id', '=', orgId)
      .where('incident_id', 'in', incidentIds)
      .orderBy('id', 'desc')
      .execute();
  }

  async list(orgId: number, q: TicketListQuery, assigneeUserId: number | null): Promise<{ rows: TicketRecord[]; total: number }> {
    let base = this.db.selectFrom('tickets').where('org_id', '=', orgId);
    if (q.integrationId) base = base.where('integration_id', '=', q.integrationId);
    if (q.state) base = base.where('state', '=', q.state);
    if (q.assignee) {
      const email = q.assignee.toLowerCase();
      base = base.where((eb) =>
        eb.or([eb(eb.fn('lower', ['assignee_email']), '=', email), ...(assigneeUserId ? [eb('integration_user_id', '=', assigneeUserId)] : [])]),
      );
    }
    if (q.from) base = base.where('created_at', '>=', new Date(q.from).toISOString());
    if (q.to) base = base.where('created_at', '<=', new Date(q.to).toISOString());
    if (q.search) {
      const s = q.search.toLowerCase();
      base = base.where((eb) => eb.or([eb(eb.fn('lower', ['external_key']), '=', s), eb(eb.fn('lower', ['transaction_id']), '=', s)]));
    }
    const column = SORT_COLUMNS[q.sort];
    const [rows, count] = await Promise.all([
      base
        .selectAll()
        .orderBy(column, q.order)
        .orderBy('id', q.order)
        .limit(q.pageSize)
        .offset((q.page - 1) * q.pageSize)
        .execute(),
      base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { rows, total: Number(count.n) };
  }

  /** Applies `patch` only while the row still matches `guard`; returns whether it did (compare-and-set). */
  async update(exec: Exec, orgId: number, id: number, patch: TicketPatch, guard: { state?: TicketState[]; run?: number } = {}): Promise<boolean> {
    let q = exec.updateTable('tickets').set(patch).where('org_id', '=', orgId).where('id', '=', id);
    if (guard.state) q = q.where('state', 'in', guard.state);
    if (guard.run !== undefined) q = q.where('runs', '=', guard.run);
    const r = await q.executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /**
   * Claims the right to send a create: only the caller that sees `create_sent_at` as it last read
   * it wins, so two workers (or two processes) never both send one.
   */
  async claimCreate(orgId: number, id: number, run: number, seenSentAt: string | null, now: string): Promise<boolean> {
    const r = await this.db
      .updateTable('tickets')
      .set((eb) => ({ create_sent_at: now, attempts: eb('attempts', '+', 1), updated_at: now }))
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .where('state', '=', 'creating')
      .where('runs', '=', run)
      .where('external_id', 'is', null)
      .where((eb) => (seenSentAt === null ? eb('create_sent_at', 'is', null) : eb('create_sent_at', '=', seenSentAt)))
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** Gives back a claim taken at `claimedAt` when nothing was sent after all (nor counted as an attempt). */
  async releaseCreate(orgId: number, id: number, run: number, claimedAt: string): Promise<void> {
    await this.db
      .updateTable('tickets')
      .set((eb) => ({ create_sent_at: null, attempts: eb('attempts', '-', 1) }))
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .where('runs', '=', run)
      .where('external_id', 'is', null)
      .where('create_sent_at', '=', claimedAt)
      .execute();
  }

  /** Live tickets on an integration (deleting it is refused while > 0). */
  countLiveByIntegration(orgId: number, integrationId: number, exec: Exec = this.db): Promise<number> {
    return this.countLive(orgId, 'integration_id', integrationId, exec);
  }

  /** Live tickets assigned to an integration user (removing them is refused while > 0). */
  countLiveByUser(orgId: number, integrationUserId: number, exec: Exec = this.db): Promise<number> {
    return this.countLive(orgId, 'integration_user_id', integrationUserId, exec);
  }

  private async countLive(orgId: number, column: 'integration_id' | 'integration_user_id', id: number, exec: Exec): Promise<number> {
    const r = await exec
      .selectFrom('tickets')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('org_id', '=', orgId)
      .where(column, '=', id)
      .where('state', 'in', LIVE_STATES)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /** Demo: how many tickets an org has (the seeder adds its samples once). */
  async countAll(orgId: number): Promise<number> {
    const r = await this.db
      .selectFrom('tickets')
      .select(sql<number>`count(*)`.as('n'))
      .where('org_id', '=', orgId)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
