import type { Kysely } from 'kysely';
import type { Logger } from '../../platform/log.js';
import type { ConnectorError } from '../../connectors/index.js';
import { nowIso } from '../../platform/db/database.js';
import type { IntegrationsTables } from './tables.js';
import type { AlertsRaiser } from '../alerts/service.js';
import { MODULE } from './audit-entries.js';
import type { IntegrationRecord, IntegrationsStore } from './store.js';

/** Failed calls in a row before the Notification Center says the integration is not working. */
export const FAILURES_BEFORE_ALERT = 3;
/** A success only rewrites last_success_at when the stored one is older than this (avoids a write per call). */
const SUCCESS_WRITE_INTERVAL_MS = 60_000;

export const alertKey = (integrationId: number) => `integration:${integrationId}`;

/** The status a failure puts an enabled integration in; other failures leave the status alone. */
export function statusAfterFailure(error: ConnectorError | undefined): IntegrationRecord['status'] | undefined {
  if (error?.opts.reauthorize) return 'Reauthorization Required';
  if (error?.kind === 'auth') return 'Validation Failed';
  return undefined;
}

/**
 * Turns the outcome of every connector call into the integration's health: failure count, last
 * error and success, status, and the Notification Center alert.
 */
export class IntegrationHealth {
  /** Per-integration chain of health writes, so outcomes are recorded in the order calls ended. */
  private readonly chains = new Map<number, Promise<void>>();
  /** Integrations with a success queued that has not started recording. */
  private readonly successWaiting = new Set<number>();

  constructor(
    private readonly db: Kysely<IntegrationsTables>,
    private readonly store: IntegrationsStore,
    private readonly alerts: AlertsRaiser,
    private readonly log: Logger,
  ) {}

  track(orgId: number, id: number, ok: boolean, error?: ConnectorError): void {
    // A success queued behind another that has not started yet changes nothing the first will not
    // (busy integrations would otherwise read their row once per call); a failure breaks the run.
    if (ok && this.successWaiting.has(id)) return;
    if (ok) this.successWaiting.add(id);
    else this.successWaiting.delete(id);
    const prev = this.chains.get(id) ?? Promise.resolve();
    const next = prev
      .then(() => {
        if (ok) this.successWaiting.delete(id);
        return this.recordOutcome(orgId, id, ok, error);
      })
      .catch((err: unknown) => this.log.error({ integrationId: id, err: (err as Error).message }, 'could not record integration health'));
    this.chains.set(id, next);
    void next.then(() => {
      if (this.chains.get(id) === next) this.chains.delete(id);
    });
  }

  /** Resolves when every health write queued so far has landed (tests, and routes before answering). */
  async settled(id?: number): Promise<void> {
    const chains = id === undefined ? [...this.chains.values()] : [this.chains.get(id)].filter(Boolean);
    await Promise.all(chains);
  }

  private async recordOutcome(orgId: number, id: number, ok: boolean, error?: ConnectorError): Promise<void> {
    if (ok) return this.recordSuccess(orgId, id);
    const now = nowIso();
    const message = error?.message ?? 'The call failed.';
    const reauthorize = !!error?.opts.reauthorize;
    await this.db.transaction().execute(async (trx) => {
      const before = await this.store.get(orgId, id, trx);
      if (!before) return;
      const status = before.enabled ? statusAfterFailure(error) : undefined;
      const r = await this.store.recordFailure(trx, orgId, id, { last_error: message, last_error_at: now, ...(status ? { status } : {}) });
      if (!r) return;
      this.log.warn({ integrationId: id, kind: error?.kind, failures: r.consecutive_failures }, `integration call failed: ${message}`);
      // Needing re-authorization never fixes itself, so it is raised at once.
      if (r.enabled && (r.consecutive_failures >= FAILURES_BEFORE_ALERT || reauthorize)) {
        await this.alerts.raise(
          orgId,
          {
            key: alertKey(id),
            module: MODULE,
            severity: 'High',
            summary: `${r.name} integration is not working`,
            detail: `${r.consecutive_failures} call${r.consecutive_failures === 1 ? '' : 's'} in a row failed. Last error: ${message}`,
          },
          trx,
        );
      }
    });
  }

  private async recordSuccess(orgId: number, id: number): Promise<void> {
    const now = nowIso();
    const r = await this.store.get(orgId, id);
    if (!r) return;
    const unhealthy = r.consecutive_failures > 0 || (r.enabled === 1 && r.status !== 'Active');
    if (unhealthy) {
      await this.db.transaction().execute(async (trx) => {
        await this.store.update(trx, orgId, id, {
          consecutive_failures: 0,
          last_success_at: now,
          ...(r.enabled ? { status: 'Active' as const } : {}),
        });
        await this.alerts.clear(orgId, alertKey(id), trx);
      });
      this.log.info({ integrationId: id }, 'integration calls succeed again');
    } else if (!r.last_success_at || Date.parse(now) - Date.parse(r.last_success_at) > SUCCESS_WRITE_INTERVAL_MS) {
      await this.store.update(this.db, orgId, id, { last_success_at: now });
    }
  }
}
