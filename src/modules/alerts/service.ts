import type { Kysely } from 'kysely';
import { nowIso } from '../../platform/db/database.js';
import type { AlertsTables } from './migrations.js';
import type { AlertsTable } from './migrations.js';
import type { AnyExec } from '../../platform/db/database.js';

export type AlertView = {
  id: number;
  module: string;
  severity: AlertsTable['severity'];
  summary: string;
  detail: string | null;
  firstDetected: string;
  lastDetected: string;
  active: boolean;
};

/**
 * Notification Center. An alert is keyed (e.g. `integration:12`) so a condition that keeps
 * happening updates one row's Last Detected instead of flooding the list.
 */
/** What other modules need from the Notification Center: raising and clearing their alerts. */
export type AlertsRaiser = Pick<AlertsService, 'raise' | 'clear'>;

export class AlertsService {
  constructor(private readonly db: Kysely<AlertsTables>) {}

  async raise(
    orgId: number,
    a: { key: string; module: string; severity: AlertsTable['severity']; summary: string; detail?: string },
    exec: AnyExec = this.db,
  ): Promise<void> {
    const now = nowIso();
    const open = await exec
      .selectFrom('alerts')
      .select('id')
      .where('org_id', '=', orgId)
      .where('key', '=', a.key)
      .where('cleared_at', 'is', null)
      .executeTakeFirst();
    if (open) {
      await exec
        .updateTable('alerts')
        .set({ last_detected: now, summary: a.summary, detail: a.detail ?? null })
        .where('id', '=', open.id)
        .execute();
      return;
    }
    await exec
      .insertInto('alerts')
      .values({
        org_id: orgId,
        key: a.key,
        module: a.module,
        severity: a.severity,
        summary: a.summary,
        detail: a.detail ?? null,
        first_detected: now,
        last_detected: now,
        cleared_at: null,
      })
      .execute();
  }

  async clear(orgId: number, key: string, exec: AnyExec = this.db): Promise<void> {
    await exec.updateTable('alerts').set({ cleared_at: nowIso() }).where('org_id', '=', orgId).where('key', '=', key).where('cleared_at', 'is', null).execute();
  }

  async list(orgId: number, opts: { includeCleared: boolean; limit: number }): Promise<AlertView[]> {
    let q = this.db.selectFrom('alerts').selectAll().where('org_id', '=', orgId);
    if (!opts.includeCleared) q = q.where('cleared_at', 'is', null);
    const rows = await q.orderBy('last_detected', 'desc').orderBy('id', 'desc').limit(opts.limit).execute();
    return rows.map((r) => ({
      id: r.id,
      module: r.module,
      severity: r.severity,
      summary: r.summary,
      detail: r.detail,
      firstDetected: r.first_detected,
      lastDetected: r.last_detected,
      active: r.cleared_at === null,
    }));
  }
}
