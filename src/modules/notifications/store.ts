import { sql, type Kysely, type Selectable } from 'kysely';
import type { AnyExec } from '../../platform/db/database.js';
import type { Exec } from '../../platform/db/exec.js';
import { nowIso } from '../../platform/db/database.js';
import type { ChatConnectionsTable, NotificationMessagesTable, NotificationsTables } from './migrations.js';
import type { MessageListQuery } from './schemas.js';

export type MessageRow = Selectable<NotificationMessagesTable>;
export type ConnectionRow = Selectable<ChatConnectionsTable>;
type X = Exec<NotificationsTables>;

const SORT_COLUMNS = { createdAt: 'created_at', status: 'status', recipient: 'recipient', sentAt: 'sent_at' } as const;

/** The only code that reads or writes the notifications tables; every query is scoped by org. */
export class NotificationsStore {
  constructor(private readonly db: Kysely<NotificationsTables>) {}

  // ------------------------------------------------------------------ messages

  async insertMessage(exec: AnyExec, row: Omit<MessageRow, 'id' | 'attempts' | 'runs'>): Promise<number | null> {
    const x: X = exec;
    const r = await x
      .insertInto('notification_messages')
      .values(row)
      .onConflict((oc) => oc.columns(['org_id', 'purpose', 'channel', 'recipient']).doNothing())
      .returning('id')
      .executeTakeFirst();
    return r?.id ?? null;
  }

  async findByPurpose(exec: AnyExec, orgId: number, purpose: string, channel: string, recipient: string): Promise<MessageRow | undefined> {
    const x: X = exec;
    return x
      .selectFrom('notification_messages')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('purpose', '=', purpose)
      .where('channel', '=', channel as MessageRow['channel'])
      .where('recipient', '=', recipient)
      .executeTakeFirst();
  }

  async message(orgId: number, id: number, exec: AnyExec = this.db): Promise<MessageRow | undefined> {
    const x: X = exec;
    return x.selectFrom('notification_messages').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  }

  async listMessages(orgId: number, q: MessageListQuery): Promise<{ rows: MessageRow[]; total: number }> {
    let base = this.db.selectFrom('notification_messages').where('org_id', '=', orgId);
    if (q.status) base = base.where('status', '=', q.status);
    if (q.channel) base = base.where('channel', '=', q.channel);
    if (q.incidentId) base = base.where('incident_id', '=', q.incidentId);
    if (q.kind) base = base.where('kind', '=', q.kind);
    const total = await base.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
    const rows = await base
      .selectAll()
      .orderBy(SORT_COLUMNS[q.sort], q.order)
      .orderBy('id', q.order)
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize)
      .execute();
    return { rows, total: Number(total.n) };
  }

  async forIncident(orgId: number, incidentId: number): Promise<MessageRow[]> {
    return this.db
      .selectFrom('notification_messages')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('incident_id', '=', incidentId)
      .orderBy('id', 'desc')
      .limit(500)
      .execute();
  }

  /**
   * Takes a message for one send attempt: counts the attempt before it is made (a crash mid-send
   * still shows in Attempts) and answers the row, in one statement; undefined when it is no longer
   * queued for this run (sent, failed, or a Retry started a newer run).
   */
  async startAttempt(orgId: number, id: number, run: number): Promise<MessageRow | undefined> {
    return this.db
      .updateTable('notification_messages')
      .set((eb) => ({ attempts: eb('attempts', '+', 1), updated_at: nowIso() }))
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .where('status', '=', 'queued')
      .where('runs', '=', run)
      .returningAll()
      .executeTakeFirst();
  }

  /** Compare-and-set from queued: a late, stale worker cannot overwrite another outcome. */
  async markSent(id: number, providerId: string | null): Promise<void> {
    const now = nowIso();
    await this.db
      .updateTable('notification_messages')
      .set({ status: 'sent', sent_at: now, provider_id: providerId, last_error: null, updated_at: now })
      .where('id', '=', id)
      .where('status', '=', 'queued')
      .execute();
  }

  async markFailed(exec: AnyExec, id: number, reason: string): Promise<boolean> {
    const x: X = exec;
    const r = await x
      .updateTable('notification_messages')
      .set({ status: 'failed', last_error: reason, updated_at: nowIso() })
      .where('id', '=', id)
      .where('status', '=', 'queued')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async noteError(id: number, reason: string): Promise<void> {
    await this.db.updateTable('notification_messages').set({ last_error: reason, updated_at: nowIso() }).where('id', '=', id).execute();
  }

  /** Retry: a failed message is queued again under a new run; answers the new run number. */
  async requeue(exec: AnyExec, orgId: number, id: number): Promise<number | null> {
    const x: X = exec;
    const r = await x
      .updateTable('notification_messages')
      .set((eb) => ({ status: 'queued' as const, runs: eb('runs', '+', 1), updated_at: nowIso() }))
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .where('status', '=', 'failed')
      .returning('runs')
      .executeTakeFirst();
    return r?.runs ?? null;
  }

  // ------------------------------------------------------------------ chat connections

  async connections(orgId: number, exec: AnyExec = this.db): Promise<ConnectionRow[]> {
    const x: X = exec;
    return x
      .selectFrom('chat_connections')
      .selectAll()
      .where('org_id', '=', orgId)
      .orderBy(sql`lower(name)`)
      .orderBy('id')
      .limit(500)
      .execute();
  }

  async connection(orgId: number, id: number, exec: AnyExec = this.db): Promise<ConnectionRow | undefined> {
    const x: X = exec;
    return x.selectFrom('chat_connections').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  }

  async nameTaken(exec: AnyExec, orgId: number, name: string, exceptId?: number): Promise<boolean> {
    const x: X = exec;
    let q = x
      .selectFrom('chat_connections')
      .select('id')
      .where('org_id', '=', orgId)
      .where(sql<boolean>`lower(name) = ${name.toLowerCase()}`);
    if (exceptId !== undefined) q = q.where('id', '!=', exceptId);
    return (await q.executeTakeFirst()) !== undefined;
  }

  async insertConnection(exec: AnyExec, row: Omit<ConnectionRow, 'id' | 'failures_in_row'>): Promise<number> {
    const x: X = exec;
    const r = await x.insertInto('chat_connections').values(row).returning('id').executeTakeFirstOrThrow();
    return r.id;
  }

  async updateConnection(exec: AnyExec, orgId: number, id: number, set: Partial<Omit<ConnectionRow, 'id' | 'org_id'>>): Promise<void> {
    const x: X = exec;
    await x
      .updateTable('chat_connections')
      .set({ ...set, updated_at: nowIso() })
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .execute();
  }

  async deleteConnection(exec: AnyExec, orgId: number, id: number): Promise<void> {
    const x: X = exec;
    await x.deleteFrom('chat_connections').where('org_id', '=', orgId).where('id', '=', id).execute();
  }

  /** A delivery's outcome for the connection's health: answers the failures in a row after it. */
  async recordConnectionOutcome(orgId: number, id: number, ok: boolean, error: string | null): Promise<number> {
    const now = nowIso();
    const r = await this.db
      .updateTable('chat_connections')
      .set((eb) =>
        ok
          ? { failures_in_row: 0, status: 'active' as const, last_error: null, last_success_at: now, updated_at: now }
          : { failures_in_row: eb('failures_in_row', '+', 1), last_error: error, updated_at: now },
      )
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .returning('failures_in_row')
      .executeTakeFirst();
    return r?.failures_in_row ?? 0;
  }

  async setConnectionStatus(orgId: number, id: number, status: ConnectionRow['status']): Promise<void> {
    await this.db.updateTable('chat_connections').set({ status }).where('org_id', '=', orgId).where('id', '=', id).execute();
  }
}
