import { sql, type Kysely, type Selectable } from 'kysely';
import type { AnyExec } from '../../platform/db/database.js';
import type { Exec as ExecOf } from '../../platform/db/exec.js';
import type { DeliveryStatus, EventWebhookDeliveriesTable, EventWebhooksTable, EventWebhooksTables } from './migrations.js';
import { chunks } from '../../platform/db/chunks.js';

type Exec = ExecOf<EventWebhooksTables>;
export type WebhookRecord = Selectable<EventWebhooksTable>;
export type DeliveryRecord = Selectable<EventWebhookDeliveriesTable>;
export type NewDelivery = Omit<DeliveryRecord, 'id' | 'attempts' | 'runs' | 'response_code' | 'last_error' | 'delivered_at'>;

/** The only code that touches the event webhook tables. */
export class EventWebhooksStore {
  constructor(private readonly db: Kysely<EventWebhooksTables>) {}

  list(orgId: number): Promise<WebhookRecord[]> {
    return this.db.selectFrom('event_webhooks').selectAll().where('org_id', '=', orgId).orderBy('name').orderBy('id').limit(500).execute();
  }

  get(orgId: number, id: number, exec: Exec = this.db): Promise<WebhookRecord | undefined> {
    return exec.selectFrom('event_webhooks').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  }

  /** Enabled webhooks and what they subscribe to: the subscription cache's source. */
  subscriptions(orgId: number, exec: AnyExec): Promise<{ id: number; events: string }[]> {
    const e: Exec = exec;
    return e.selectFrom('event_webhooks').select(['id', 'events']).where('org_id', '=', orgId).where('enabled', '=', 1).execute();
  }

  async insert(exec: Exec, row: Omit<WebhookRecord, 'id' | 'consecutive_failures'>): Promise<number> {
    const r = await exec.insertInto('event_webhooks').values(row).returning('id').executeTakeFirstOrThrow();
    return r.id;
  }

  async update(exec: Exec, orgId: number, id: number, patch: Partial<Omit<WebhookRecord, 'id' | 'org_id'>>): Promise<void> {
    await exec.updateTable('event_webhooks').set(patch).where('org_id', '=', orgId).where('id', '=', id).execute();
  }

  async delete(exec: Exec, orgId: number, id: number): Promise<void> {
    await exec.deleteFrom('event_webhook_deliveries').where('org_id', '=', orgId).where('webhook_id', '=', id).execute();
    await exec.deleteFrom('event_webhooks').where('org_id', '=', orgId).where('id', '=', id).execute();
  }

  /** A failure for good: one more in a row; returns the new count. */
  async failedOnce(orgId: number, id: number, at: string): Promise<number> {
    await this.db
      .updateTable('event_webhooks')
      .set((eb) => ({ consecutive_failures: eb('consecutive_failures', '+', 1), last_delivery_at: at }))
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .execute();
    const r = await this.get(orgId, id);
    return r?.consecutive_failures ?? 0;
  }

  /** Many deliveries in one statement per 500 rows (an ingest batch). */
  async insertDeliveries(exec: AnyExec, rows: NewDelivery[]): Promise<void> {
    const e: Exec = exec;
    for (const part of chunks(rows, 500)) await e.insertInto('event_webhook_deliveries').values(part).execute();
  }

  delivery(orgId: number, id: number, exec: Exec = this.db): Promise<DeliveryRecord | undefined> {
    return exec.selectFrom('event_webhook_deliveries').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  }

  deliveryByUid(orgId: number, uid: string): Promise<DeliveryRecord | undefined> {
    return this.db.selectFrom('event_webhook_deliveries').selectAll().where('org_id', '=', orgId).where('uid', '=', uid).executeTakeFirst();
  }

  async deliveries(
    orgId: number,
    webhookId: number,
    page: number,
    pageSize: number,
    status?: DeliveryStatus,
  ): Promise<{ items: DeliveryRecord[]; total: number }> {
    let q = this.db.selectFrom('event_webhook_deliveries').where('org_id', '=', orgId).where('webhook_id', '=', webhookId);
    if (status) q = q.where('status', '=', status);
    const [items, n] = await Promise.all([
      q
        .selectAll()
        .orderBy('id', 'desc')
        .limit(pageSize)
        .offset((page - 1) * pageSize)
        .execute(),
      q.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items, total: Number(n.n) };
  }

  /** Only a delivery still owed (not delivered, not given up) moves on; false when another run got there first. */
  async updateDelivery(
    exec: Exec,
    orgId: number,
    id: number,
    patch: Partial<Omit<DeliveryRecord, 'id' | 'org_id'>>,
    from: readonly DeliveryStatus[],
  ): Promise<boolean> {
    const r = await exec
      .updateTable('event_webhook_deliveries')
      .set(patch)
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .where('status', 'in', [...from])
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
}
