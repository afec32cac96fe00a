import type { Kysely, Transaction } from 'kysely';
import type { SyncedTicketColumns, TicketSyncSettingsTable, TicketSyncTables } from './tables.js';

type SyncDb = TicketSyncTables & { tickets: SyncedTicketColumns };
// The whole app's database (or a transaction on it) is passed in; this store names only the tables it touches.
type AnyDb = Kysely<SyncDb> | Transaction<SyncDb>;

export type SettingsRecord = Omit<TicketSyncSettingsTable, 'id'> & { id: number };
export type SyncedTicket = Omit<SyncedTicketColumns, 'id'> & { id: number };

/** What a read from the ticketing system says about one ticket. */
export type ObservedTicket = {
  status: string;
  statusCategory: string | null;
  assigneeExternalId: string | null;
  /** The system's own update time; null when it did not say. */
  updatedAt: string | null;
};

/** The only code that touches the status-sync tables (and the sync columns of `tickets`). */
export class TicketSyncStore {
  constructor(private readonly db: AnyDb) {}

  settings(integrationId: number, exec: AnyDb = this.db): Promise<SettingsRecord | undefined> {
    return exec.selectFrom('ticket_sync_settings').selectAll().where('integration_id', '=', integrationId).executeTakeFirst();
  }

  /** Creates the row with defaults when absent (concurrent callers both end with the one row). */
  async ensureSettings(exec: AnyDb, row: Omit<SettingsRecord, 'id'>): Promise<SettingsRecord> {
    await exec.insertInto('ticket_sync_settings').values(row).onConflict((oc) => oc.column('integration_id').doNothing()).execute();
    return (await this.settings(row.integration_id, exec))!;
  }

  async updateSettings(integrationId: number, patch: Partial<Omit<SettingsRecord, 'id' | 'org_id' | 'integration_id'>>, exec: AnyDb = this.db): Promise<void> {
    await exec.updateTable('ticket_sync_settings').set(patch).where('integration_id', '=', integrationId).execute();
  }

  /**
   * Claims the integration's poll: true for exactly one caller among processes racing for the same
   * due time, which then moves it to `nextDueAt`.
   */
  async claimPoll(integrationId: number, now: string, nextDueAt: string): Promise<boolean> {
    const r = await this.db
      .updateTable('ticket_sync_settings')
      .set({ poll_due_at: nextDueAt })
      .where('integration_id', '=', integrationId)
      .where((eb) => eb.or([eb('poll_due_at', 'is', null), eb('poll_due_at', '<=', now)]))
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Integrations that have open tickets, with their org: the only ones a poll has work for. */
  integrationsWithOpenTickets(limit: number): Promise<{ org_id: number; integration_id: number }[]> {
    return this.db
      .selectFrom('tickets')
      .select(['org_id', 'integration_id'])
      .distinct()
      .where('state', '=', 'open')
      .where('external_id', 'is not', null)
      .orderBy('integration_id')
      .limit(limit)
      .execute();
  }

  /** Open tickets of an integration, least recently synced first (never synced ones before all). */
  openTickets(orgId: number, integrationId: number, limit: number): Promise<SyncedTicket[]> {
    return this.db
      .selectFrom('tickets')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('integration_id', '=', integrationId)
      .where('state', '=', 'open')
      .where('external_id', 'is not', null)
      .orderBy((eb) => eb.case().when('last_synced_at', 'is', null).then(0).else(1).end())
      .orderBy('last_synced_at')
      .orderBy('id')
      .limit(limit)
      .execute() as Promise<SyncedTicket[]>;
  }

  /** The created ticket (open or closed) a push names by its external id. */
  ticketByExternalId(orgId: number, integrationId: number, externalId: string, exec: AnyDb = this.db): Promise<SyncedTicket | undefined> {
    return exec
      .selectFrom('tickets')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('integration_id', '=', integrationId)
      .where('external_id', '=', externalId)
      .where('state', 'in', ['open', 'closed'])
      .orderBy('id', 'desc')
      .executeTakeFirst() as Promise<SyncedTicket | undefined>;
  }

  ticket(orgId: number, id: number, exec: AnyDb = this.db): Promise<SyncedTicket | undefined> {
    return exec.selectFrom('tickets').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst() as Promise<SyncedTicket | undefined>;
  }

  /**
   * Stores what the system said, unless we already hold something newer (a slow poll answer must not
   * undo a webhook that arrived meanwhile). False when nothing was written.
   */
  async recordObserved(exec: AnyDb, t: SyncedTicket, seen: ObservedTicket, now: string): Promise<boolean> {
    let q = exec
      .updateTable('tickets')
      .set({
        external_status: seen.status,
        external_status_category: seen.statusCategory,
        external_assignee_id: seen.assigneeExternalId,
        external_updated_at: seen.updatedAt ?? t.external_updated_at,
        last_synced_at: now,
      })
      .where('id', '=', t.id)
      .where('org_id', '=', t.org_id);
    if (seen.updatedAt) q = q.where((eb) => eb.or([eb('external_updated_at', 'is', null), eb('external_updated_at', '<=', seen.updatedAt!)]));
    const r = await q.executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Moves the ticket between open and closed; true only for the caller whose write made the change. */
  async transition(exec: AnyDb, t: SyncedTicket, to: 'open' | 'closed', now: string): Promise<boolean> {
    const r = await exec
      .updateTable('tickets')
      .set({ state: to, closed_at: to === 'closed' ? now : null, updated_at: now })
      .where('id', '=', t.id)
      .where('org_id', '=', t.org_id)
      .where('state', '=', to === 'closed' ? 'open' : 'closed')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Records a delivery id; false when it was accepted before (a replay). */
  async acceptDelivery(exec: AnyDb, integrationId: number, deliveryId: string, now: string): Promise<boolean> {
    const r = await exec
      .insertInto('ticket_webhook_deliveries')
      .values({ integration_id: integrationId, delivery_id: deliveryId, received_at: now })
      .onConflict((oc) => oc.columns(['integration_id', 'delivery_id']).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  async purgeDeliveries(before: string): Promise<void> {
    await this.db.deleteFrom('ticket_webhook_deliveries').where('received_at', '<', before).execute();
  }
}
