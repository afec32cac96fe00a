import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Config } from '../../config.js';
import { assertAllowedTarget } from '../../connectors/address-guard.js';
import { nowIso, type AnyExec } from '../../platform/db/database.js';
import { isUniqueViolation } from '../../platform/db/errors.js';
import type { TableWrites } from '../../platform/db/table-writes.js';
import { badRequest, conflict, notFound } from '../../platform/http/errors.js';
import { RetryLater, backoffMs, type Job, type JobQueue } from '../../platform/jobs/index.js';
import type { Logger } from '../../platform/log.js';
import type { Metrics } from '../../platform/metrics.js';
import type { Principal } from '../../platform/principal.js';
import type { SecretBox } from '../../platform/secrets.js';
import type { AlertsRaiser } from '../alerts/service.js';
import type { AuditRecorder } from '../audit/service.js';
import type { IncidentChange, IncidentChangeHooks } from '../incidents/change-hooks.js';
import type { IncidentIngestHooks } from '../incidents/ingest-hooks.js';
import type { DeliveryStatus, EventWebhooksTables } from './migrations.js';
import {
  EVENT_TYPES,
  TEST_EVENT,
  type CreateWebhookBody,
  type DeliveryView,
  type EventType,
  type UpdateWebhookBody,
  type WebhookView,
  type WebhookWithSecret,
} from './schemas.js';
import { sendEvent } from './sender.js';
import { signEventBody } from './signature.js';
import { EventWebhooksStore, type DeliveryRecord, type NewDelivery, type WebhookRecord } from './store.js';
import { SubscriptionCache } from './subscriptions.js';

export const DELIVER_JOB = 'eventWebhooks.deliver';
/** Attempts per run (the first and its retries) before a delivery is failed and the webhook alerted. */
export const MAX_DELIVERY_ATTEMPTS = 6;
/** A receiver's Retry-After is honoured up to this. */
const MAX_RETRY_AFTER_MS = 3_600_000;
const MODULE = 'Webhooks';
const RESOURCE = 'Webhook';

export type EventWebhooksDeps = {
  db: Kysely<EventWebhooksTables>;
  secrets: SecretBox;
  config: Pick<Config, 'allowPrivateTargets' | 'publicUrl' | 'jobs'>;
  jobs: Pick<JobQueue, 'enqueue' | 'enqueueMany'>;
  writes: TableWrites;
  log: Logger;
  metrics: Pick<Metrics, 'webhookDeliveries'>;
  audit: AuditRecorder;
  alerts: AlertsRaiser;
  incidents: { ingestHooks: Pick<IncidentIngestHooks, 'onIngested'>; changeHooks: Pick<IncidentChangeHooks, 'onChanges'> };
};

/** One event as it happens, before it is addressed to the webhooks that follow it. */
export type OutboundEvent = { type: EventType | typeof TEST_EVENT; occurredAt: string; data: Record<string, unknown> };

type DeliverPayload = { deliveryUid: string };

export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

function viewOf(r: WebhookRecord): WebhookView {
  return {
    id: r.id,
    name: r.name,
    url: r.url,
    events: (JSON.parse(r.events) as EventType[]).filter((e) => (EVENT_TYPES as readonly string[]).includes(e)),
    enabled: r.enabled === 1,
    health: r.consecutive_failures > 0 ? 'failing' : 'healthy',
    consecutiveFailures: r.consecutive_failures,
    secretRotatedAt: r.secret_rotated_at,
    lastDeliveryAt: r.last_delivery_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function deliveryViewOf(d: DeliveryRecord): DeliveryView {
  return {
    id: d.id,
    webhookId: d.webhook_id,
    deliveryId: d.uid,
    eventId: d.event_id,
    eventType: d.event_type,
    status: d.status,
    attempts: d.attempts,
    responseCode: d.response_code,
    lastError: d.last_error,
    createdAt: d.created_at,
    updatedAt: d.updated_at,
    deliveredAt: d.delivered_at,
  };
}

/** What the audit log keeps of a webhook (never the secret, not even sealed). */
function auditOf(r: WebhookRecord) {
  return { name: r.name, url: r.url, events: JSON.parse(r.events) as string[], enabled: r.enabled === 1 };
}

const alertKey = (id: number) => `event-webhook:${id}`;

/**
 * Outbound event webhooks (Setup > Webhooks): receivers, their signing secrets, and the deliveries.
 * An event is addressed to every enabled webhook that follows it inside the transaction that made
 * it (one row and one job per delivery, batched), so none is lost or sent for a change that rolled
 * back; the job signs and sends, retrying with backoff, and a delivery that fails for good shows in
 * the log with Retry and raises an alert.
 */
export class EventWebhooksService {
  private readonly store: EventWebhooksStore;
  private readonly subscriptions: SubscriptionCache;

  constructor(private readonly deps: EventWebhooksDeps) {
    this.store = new EventWebhooksStore(deps.db);
    this.subscriptions = new SubscriptionCache(this.store, deps.writes);
    deps.incidents.ingestHooks.onIngested((exec, orgId, batch) => this.incidentsCreated(exec, orgId, batch.ids));
    deps.incidents.changeHooks.onChanges((exec, orgId, changes) => this.incidentsChanged(exec, orgId, changes));
  }

  /* ------------------------------------------------------------------ webhooks */

  async list(orgId: number): Promise<WebhookView[]> {
    return (await this.store.list(orgId)).map(viewOf);
  }

  async get(orgId: number, id: number): Promise<WebhookView> {
    return viewOf(await this.require(orgId, id));
  }

  async create(actor: Principal, body: CreateWebhookBody): Promise<WebhookWithSecret> {
    await this.checkUrl(body.url);
    const secret = newSigningSecret();
    const now = nowIso();
    const id = await this.named(body.name, () =>
      this.deps.db.transaction().execute(async (trx) => {
        const row = {
          org_id: actor.orgId,
          name: body.name,
          url: body.url,
          events: JSON.stringify([...new Set(body.events)]),
          enabled: body.enabled ? 1 : 0,
          secret: this.deps.secrets.seal(secret),
          secret_rotated_at: now,
          last_delivery_at: null,
          created_at: now,
          updated_at: now,
        };
        const newId = await this.store.insert(trx, row);
        await this.deps.audit.record(trx, actor, {
          action: 'Insert',
          module: MODULE,
          resource: RESOURCE,
          resourceId: newId,
          notes: `Webhook ${body.name} created`,
          after: auditOf({ ...row, id: newId, consecutive_failures: 0 }),
        });
        return newId;
      }),
    );
    return { ...(await this.get(actor.orgId, id)), secret };
  }

  async update(actor: Principal, id: number, body: UpdateWebhookBody): Promise<WebhookView> {
    if (body.url !== undefined) await this.checkUrl(body.url);
    await this.named(body.name ?? '', () =>
      this.deps.db.transaction().execute(async (trx) => {
        const before = await this.require(actor.orgId, id, trx);
        const patch = {
          ...(body.name !== undefined ? { name: body.name } : {}),
          ...(body.url !== undefined ? { url: body.url } : {}),
          ...(body.events !== undefined ? { events: JSON.stringify([...new Set(body.events)]) } : {}),
          ...(body.enabled !== undefined ? { enabled: body.enabled ? 1 : 0 } : {}),
          updated_at: nowIso(),
        };
        await this.store.update(trx, actor.orgId, id, patch);
        await this.deps.audit.record(trx, actor, {
          action: 'Update',
          module: MODULE,
          resource: RESOURCE,
          resourceId: id,
          notes: `Webhook ${patch.name ?? before.name} updated`,
          before: auditOf(before),
          after: auditOf({ ...before, ...patch }),
        });
      }),
    );
    return this.get(actor.orgId, id);
  }

  async remove(actor: Principal, id: number): Promise<void> {
    await this.deps.db.transaction().execute(async (trx) => {
      const before = await this.require(actor.orgId, id, trx);
      await this.store.delete(trx, actor.orgId, id);
      await this.deps.alerts.clear(actor.orgId, alertKey(id), trx);
      await this.deps.audit.record(trx, actor, {
        action: 'Delete',
        module: MODULE,
        resource: RESOURCE,
        resourceId: id,
        notes: `Webhook ${before.name} deleted`,
        before: auditOf(before),
      });
    });
  }

  /** A new signing secret, shown once; the old one stops signing at once. */
  async rotateSecret(actor: Principal, id: number): Promise<WebhookWithSecret> {
    const secret = newSigningSecret();
    await this.deps.db.transaction().execute(async (trx) => {
      const before = await this.require(actor.orgId, id, trx);
      const now = nowIso();
      await this.store.update(trx, actor.orgId, id, { secret: this.deps.secrets.seal(secret), secret_rotated_at: now, updated_at: now });
      await this.deps.audit.record(trx, actor, {
        action: 'Update',
        module: MODULE,
        resource: RESOURCE,
        resourceId: id,
        notes: `Webhook ${before.name}: signing secret rotated`,
      });
    });
    return { ...(await this.get(actor.orgId, id)), secret };
  }

  /** "Send test event": a `webhook.test` delivery to this webhook, through the same queue and signature. */
  async sendTest(actor: Principal, id: number): Promise<DeliveryView> {
    const uid = await this.deps.db.transaction().execute(async (trx) => {
      const w = await this.require(actor.orgId, id, trx);
      const [row] = await this.address(trx, actor.orgId, [
        {
          event: { type: TEST_EVENT, occurredAt: nowIso(), data: { message: `A test event for webhook ${w.name}, sent by ${actor.label}.` } },
          webhookIds: [w.id],
        },
      ]);
      return row!.uid;
    });
    return deliveryViewOf((await this.store.deliveryByUid(actor.orgId, uid))!);
  }

  /* ---------------------------------------------------------------- deliveries */

  async deliveries(orgId: number, webhookId: number, q: { page: number; pageSize: number; status?: DeliveryStatus }) {
    await this.require(orgId, webhookId);
    const { items, total } = await this.store.deliveries(orgId, webhookId, q.page, q.pageSize, q.status);
    return { items: items.map(deliveryViewOf), total, page: q.page, pageSize: q.pageSize };
  }

  /** Retry from the delivery log: a failed delivery goes out again, as a new run with its own attempts. */
  async retryDelivery(actor: Principal, webhookId: number, deliveryId: number): Promise<DeliveryView> {
    await this.deps.db.transaction().execute(async (trx) => {
      const w = await this.require(actor.orgId, webhookId, trx);
      const d = await this.store.delivery(actor.orgId, deliveryId, trx);
      if (!d || d.webhook_id !== webhookId) throw notFound('Delivery');
      if (d.status !== 'failed') throw conflict(`Only a failed delivery can be retried; this one is ${d.status}.`);
      const runs = d.runs + 1;
      await this.store.updateDelivery(trx, actor.orgId, d.id, { status: 'pending', runs, last_error: null, updated_at: nowIso() }, ['failed']);
      await this.deps.jobs.enqueue(trx, this.jobFor(actor.orgId, d.uid, runs));
      await this.deps.audit.record(trx, actor, {
        action: 'Update',
        module: MODULE,
        resource: 'Webhook delivery',
        resourceId: d.id,
        notes: `Webhook ${w.name}: delivery ${d.uid} (${d.event_type}) retried`,
      });
    });
    return deliveryViewOf((await this.store.delivery(actor.orgId, deliveryId))!);
  }

  /** The job: sign and send one delivery; retry with backoff, then fail it for good and alert. */
  async deliver(job: Job): Promise<void> {
    const orgId = job.orgId;
    const { deliveryUid } = job.payload as DeliverPayload;
    if (orgId === null || !deliveryUid) return;
    const d = await this.store.deliveryByUid(orgId, deliveryUid);
    if (!d || d.status === 'delivered' || d.status === 'failed') return;
    const w = await this.store.get(orgId, d.webhook_id);
    if (!w) return;
    const attempts = d.attempts + 1;
    const now = nowIso();
    if (!w.enabled && d.event_type !== TEST_EVENT) {
      await this.store.updateDelivery(this.deps.db, orgId, d.id, { status: 'failed', last_error: 'The webhook is disabled.', updated_at: now }, [
        'pending',
        'retrying',
      ]);
      return;
    }
    const t = Math.floor(Date.now() / 1000);
    const result = await sendEvent(
      w.url,
      d.body,
      { 'x-wfa-event': d.event_type, 'x-wfa-delivery': d.uid, 'x-wfa-signature': signEventBody(this.deps.secrets.open(w.secret), d.body, t) },
      { allowPrivateTargets: this.deps.config.allowPrivateTargets },
    );
    const done = nowIso();
    if (result.ok) {
      await this.store.updateDelivery(
        this.deps.db,
        orgId,
        d.id,
        { status: 'delivered', attempts, response_code: result.status, last_error: null, delivered_at: done, updated_at: done },
        ['pending', 'retrying'],
      );
      this.deps.metrics.webhookDeliveries.inc({ event: d.event_type, outcome: 'delivered' });
      await this.deps.db.transaction().execute(async (trx) => {
        await this.store.update(trx, orgId, w.id, { consecutive_failures: 0, last_delivery_at: done });
        if (w.consecutive_failures > 0) await this.deps.alerts.clear(orgId, alertKey(w.id), trx);
      });
      return;
    }
    const lastRun = job.attempts >= job.maxAttempts;
    await this.store.updateDelivery(
      this.deps.db,
      orgId,
      d.id,
      { status: lastRun ? 'failed' : 'retrying', attempts, response_code: result.status, last_error: result.error.slice(0, 1000), updated_at: done },
      ['pending', 'retrying'],
    );
    if (!lastRun) {
      this.deps.metrics.webhookDeliveries.inc({ event: d.event_type, outcome: 'retry_scheduled' });
      const delay = Math.min(
        result.retryAfterMs ?? backoffMs(job.attempts, Math.random, this.deps.config.jobs.backoffBaseMs, this.deps.config.jobs.backoffMaxMs),
        MAX_RETRY_AFTER_MS,
      );
      throw new RetryLater(result.error, delay);
    }
    this.deps.metrics.webhookDeliveries.inc({ event: d.event_type, outcome: 'failed' });
    const failures = await this.store.failedOnce(orgId, w.id, done);
    this.deps.log.warn({ webhookId: w.id, delivery: d.uid, failures }, `event webhook delivery failed: ${result.error}`);
    await this.deps.alerts.raise(orgId, {
      key: alertKey(w.id),
      module: MODULE,
      severity: 'Medium',
      summary: `Webhook ${w.name} is failing`,
      detail: `${failures} deliver${failures === 1 ? 'y' : 'ies'} in a row failed after ${attempts} attempts. Last error: ${result.error.slice(0, 500)} Open Setup > Webhooks to retry.`,
    });
  }

  /* -------------------------------------------------------------------- events */

  /** In the ingest transaction: nothing at all unless a webhook of the org follows new incidents. */
  private async incidentsCreated(exec: AnyExec, orgId: number, incidentIds: number[]): Promise<void> {
    const webhookIds = await this.subscriptions.subscribers(orgId, 'incident.created', exec);
    if (!webhookIds.length) return;
    const occurredAt = nowIso();
    await this.address(
      exec,
      orgId,
      incidentIds.map((id) => ({ event: { type: 'incident.created', occurredAt, data: { incident: this.incidentRef(id) } }, webhookIds })),
    );
  }

  private async incidentsChanged(exec: AnyExec, orgId: number, changes: IncidentChange[]): Promise<void> {
    const batch: { event: OutboundEvent; webhookIds: readonly number[] }[] = [];
    for (const c of changes) {
      const webhookIds = await this.subscriptions.subscribers(orgId, c.kind, exec);
      if (!webhookIds.length) continue;
      const data =
        c.kind === 'incident.resolved'
          ? { incident: this.incidentRef(c.incidentId), changedBy: c.changedBy, summary: c.summary }
          : { incident: this.incidentRef(c.incidentId), ticket: c.ticket, summary: c.summary };
      batch.push({ event: { type: c.kind, occurredAt: c.at, data }, webhookIds });
    }
    if (batch.length) await this.address(exec, orgId, batch);
  }

  private incidentRef(id: number) {
    return { id, url: this.deps.config.publicUrl ? `${this.deps.config.publicUrl}/incidents/${id}` : null };
  }

  /** One delivery row and one job per (event, webhook), each set in one batch insert. */
  private async address(exec: AnyExec, orgId: number, batch: { event: OutboundEvent; webhookIds: readonly number[] }[]): Promise<NewDelivery[]> {
    const now = nowIso();
    const rows: NewDelivery[] = [];
    for (const { event, webhookIds } of batch) {
      const eventId = randomUUID();
      const body = JSON.stringify({ id: eventId, type: event.type, occurredAt: event.occurredAt, orgId, data: event.data });
      for (const webhookId of webhookIds) {
        rows.push({
          org_id: orgId,
          webhook_id: webhookId,
          uid: randomUUID(),
          event_id: eventId,
          event_type: event.type,
          body,
          status: 'pending',
          created_at: now,
          updated_at: now,
        });
      }
    }
    if (!rows.length) return rows;
    await this.store.insertDeliveries(exec, rows);
    await this.deps.jobs.enqueueMany(
      exec,
      rows.map((r) => this.jobFor(orgId, r.uid, 1)),
    );
    return rows;
  }

  private jobFor(orgId: number, uid: string, run: number) {
    return {
      kind: DELIVER_JOB,
      orgId,
      payload: { deliveryUid: uid } satisfies DeliverPayload,
      dedupeKey: `${DELIVER_JOB}:${uid}:${run}`,
      maxAttempts: MAX_DELIVERY_ATTEMPTS,
    };
  }

  /* ------------------------------------------------------------------- helpers */

  private async require(orgId: number, id: number, exec?: Parameters<EventWebhooksStore['get']>[2]): Promise<WebhookRecord> {
    const r = await this.store.get(orgId, id, exec);
    if (!r) throw notFound('Webhook');
    return r;
  }

  /** https to a public address (the same guard as the ticketing connectors), unless private targets are allowed. */
  private async checkUrl(url: string): Promise<void> {
    try {
      await assertAllowedTarget(new URL(url), { allowPrivateTargets: this.deps.config.allowPrivateTargets, system: 'webhook' });
    } catch (err) {
      throw badRequest(err instanceof Error ? err.message : String(err), { field: 'url' });
    }
  }

  private async named<T>(name: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(`A webhook named ${name} already exists. Choose another name.`);
      throw err;
    }
  }
}
