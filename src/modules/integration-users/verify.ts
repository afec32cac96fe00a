import { descriptorOf } from '../../connectors/descriptors.js';
import type { Kysely } from 'kysely';
import { ConnectorError, type ExternalUser, type TicketingConnector } from '../../connectors/types.js';
import { nowIso } from '../../platform/db/database.js';
import type { IntegrationUsersTables as DB } from './tables.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import type { Logger } from '../../platform/log.js';
import { noPermissions } from '../../platform/permissions.js';
import { systemPrincipal, type Principal } from '../../platform/principal.js';
import type { AuditRecorder } from '../audit/service.js';
import { connectorCache, refsById, type IntegrationRef, type IntegrationsPort } from './integrations-port.js';
import { connectorFailure } from './lookup.js';
import { STATUS_LABELS, type VerifyResult } from './schemas.js';
import type { IntegrationUsersStore, UserRecord } from './store.js';
import type { UserStatus } from './tables.js';
import { AUDIT, userView } from './user-view.js';

/** Verify: asks the ticketing system again about users already added (one, a selection, or all daily). */
export class UserVerification {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly store: IntegrationUsersStore,
    private readonly audit: AuditRecorder,
    private readonly integrations: () => IntegrationsPort,
  ) {}

  private async verifyRecord(
    actor: Principal,
    rec: UserRecord,
    ref: IntegrationRef | undefined,
    connector: () => Promise<TicketingConnector>,
    refs: Map<number, IntegrationRef>,
  ): Promise<VerifyResult> {
    const now = nowIso();
    const sys = ref ? `${descriptorOf(ref.type).name} integration "${ref.name}"` : 'the ticketing system';
    let found: ExternalUser | null;
    try {
      if (!ref) throw new Error('The integration no longer exists.');
      if (!ref.enabled) throw new Error(`The integration "${ref.name}" is disabled.`);
      found = await (await connector()).getUser(rec.external_id);
    } catch (caught) {
      // A 404 from our own lookup means the integration went away; report that.
      const err = caught instanceof AppError && caught.statusCode === 404 ? new Error('The integration no longer exists.') : caught;
      const f =
        err instanceof ConnectorError || !(err instanceof AppError) ? connectorFailure(err) : { outcome: 'credentials_refused' as const, reason: err.message };
      const reason = 'reason' in f ? f.reason : String(err);
      const message = `Could not verify ${rec.email}: ${reason}`;
      await this.store.update(this.db, rec.org_id, rec.id, { last_verify_error: message.slice(0, 1000) });
      return { id: rec.id, email: rec.email, result: 'error', changed: false, message, user: userView({ ...rec, last_verify_error: message }, refs) };
    }
    let status: UserStatus;
    let message: string;
    const patch: Partial<UserRecord> = { last_verified_at: now, last_verify_error: null };
    if (!found) {
      status = 'deleted_in_system';
      message = `${rec.email} no longer exists in ${sys}; they cannot be picked for new tickets.`;
      patch.active_in_system = 0;
    } else {
      patch.name = found.name;
      patch.username = found.username;
      patch.active_in_system = found.active ? 1 : 0;
      if (found.email && found.email.toLowerCase() !== rec.email_lower) {
        status = 'unverified';
        message = `The email of ${found.name} in ${sys} is now ${found.email}, not ${rec.email}. Remove this user and add the new address.`;
        patch.last_verify_error = message;
      } else if (!found.active) {
        status = 'inactive';
        message = `${found.name} (${rec.email}) is inactive in ${sys}; they cannot be picked for new tickets.`;
      } else {
        status = 'active';
        message = `${found.name} (${rec.email}) is active in ${sys}.`;
      }
    }
    patch.status = status;
    const before = { name: rec.name, username: rec.username, status: rec.status, activeInSystem: rec.active_in_system === 1 };
    const after = {
      name: patch.name ?? rec.name,
      username: patch.username ?? rec.username,
      status,
      activeInSystem: (patch.active_in_system ?? rec.active_in_system) === 1,
    };
    const changed = JSON.stringify(before) !== JSON.stringify(after);
    await this.db.transaction().execute(async (trx) => {
      await this.store.update(trx, rec.org_id, rec.id, changed ? { ...patch, updated_at: now } : patch);
      if (changed) {
        await this.audit.record(trx, actor, {
          action: 'Update',
          module: AUDIT.module,
          resource: AUDIT.resource,
          resourceId: rec.id,
          notes: `Verified integration user ${rec.email}: ${STATUS_LABELS[status]}${before.name !== after.name ? `, name now ${after.name}` : ''}`,
          before,
          after,
        });
      }
    });
    const updated = { ...rec, ...patch, ...(changed ? { updated_at: now } : {}) } as UserRecord;
    return { id: rec.id, email: rec.email, result: status, changed, message, user: userView(updated, refs) };
  }

  async verify(actor: Principal, id: number): Promise<VerifyResult> {
    const rec = await this.store.get(actor.orgId, id);
    if (!rec) throw notFound('Integration user');
    const refs = await refsById(this.integrations(), actor.orgId);
    return this.verifyRecord(actor, rec, refs.get(rec.integration_id), connectorCache(this.integrations(), actor.orgId)(rec.integration_id), refs);
  }

  async verifyMany(actor: Principal, ids: number[]) {
    const unique = [...new Set(ids)];
    const recs = await this.store.getMany(actor.orgId, unique);
    if (recs.length !== unique.length) throw notFound('Integration user');
    const refs = await refsById(this.integrations(), actor.orgId);
    const conn = connectorCache(this.integrations(), actor.orgId);
    const items: VerifyResult[] = [];
    // A few at a time: quick for a page of users, gentle on the ticketing system's rate limits.
    for (let i = 0; i < recs.length; i += 4) {
      items.push(
        ...(await Promise.all(recs.slice(i, i + 4).map((r) => this.verifyRecord(actor, r, refs.get(r.integration_id), conn(r.integration_id), refs)))),
      );
    }
    const byId = new Map(items.map((it) => [it.id, it]));
    const ordered = unique.map((id) => byId.get(id)!);
    const summary = { active: 0, inactive: 0, deleted_in_system: 0, unverified: 0, error: 0, changed: 0 };
    for (const it of ordered) {
      summary[it.result]++;
      if (it.changed) summary.changed++;
    }
    return { items: ordered, summary };
  }

  /** The daily re-verification of every integration user of every org. */
  async verifyAll(log?: Logger): Promise<{ checked: number; changed: number; failed: number }> {
    const totals = { checked: 0, changed: 0, failed: 0 };
    for (const { org_id: orgId, integration_id: integrationId } of await this.store.integrationsWithUsers()) {
      const actor = systemPrincipal(orgId, noPermissions());
      const refs = await refsById(this.integrations(), orgId);
      const ref = refs.get(integrationId);
      if (!ref || !ref.enabled) continue;
      const conn = connectorCache(this.integrations(), orgId)(integrationId);
      let after = 0;
      let consecutiveErrors = 0;
      for (;;) {
        const batch = await this.store.usersOf(orgId, integrationId, after, 100);
        if (!batch.length) break;
        for (const rec of batch) {
          const r = await this.verifyRecord(actor, rec, ref, conn, refs);
          totals.checked++;
          if (r.changed) totals.changed++;
          if (r.result === 'error') {
            totals.failed++;
            consecutiveErrors++;
          } else consecutiveErrors = 0;
          after = rec.id;
          // The system is down or refusing us: stop hammering it, tomorrow's run tries again.
          if (consecutiveErrors >= 3) break;
        }
        if (consecutiveErrors >= 3) {
          log?.warn({ orgId, integrationId }, 'integration users re-verification stopped: the ticketing system keeps failing');
          break;
        }
      }
    }
    return totals;
  }
}
