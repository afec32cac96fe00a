import { createHash, timingSafeEqual } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { SharedDb } from './db/database.js';
import type { PlatformTables } from './db/types.js';

/** Job kinds × statuses reported per scrape: far more than the product has, so a runaway never costs a scrape. */
const MAX_JOB_GROUPS = 500;
/** Job statuses worth watching: waiting, in progress, given up. Done jobs are history, not depth. */
const WATCHED_JOB_STATUSES = ['queued', 'running', 'dead'] as const;

export type TicketOutcome = 'created' | 'failed' | 'retry_scheduled';
export type DeliveryOutcome = 'delivered' | 'failed' | 'retry_scheduled';

/**
 * The operators' metrics of one process (Prometheus text at `/metrics`, see docs/operations.md).
 * Each process keeps its own registry: with several app processes, scrape each one; the job-queue
 * gauges are read from the shared database at scrape time, so every process reports the same
 * queue.
 *
 * Modules get this through PlatformDeps (`metrics`) and count where their outcome is decided; the
 * families are declared here so their names and labels stay one list.
 */
export class Metrics {
  readonly registry = new Registry();

  /** Every HTTP request by route pattern (never the URL, whose ids would explode the series). */
  readonly httpDuration = new Histogram({
    name: 'wfa_http_request_duration_seconds',
    help: 'HTTP request duration by route pattern, method and status class.',
    labelNames: ['method', 'route', 'status_class'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  /** Where each ticket creation run ended (tickets module). */
  readonly ticketOutcomes = new Counter({
    name: 'wfa_ticket_outcomes_total',
    help: 'Ticket creation outcomes by integration (id and system).',
    labelNames: ['integration', 'system', 'outcome'] as const,
    registers: [this.registry],
  });

  /** Every logical call a ticketing connector made, as reported through onCallResult (integrations module). */
  readonly connectorCalls = new Counter({
    name: 'wfa_connector_calls_total',
    help: 'Calls to ticketing systems by system, outcome (ok or the error kind) and HTTP status.',
    labelNames: ['system', 'outcome', 'status'] as const,
    registers: [this.registry],
  });

  /** Notification deliveries (e-mail and other channels) by outcome (notifications module). */
  readonly notificationDeliveries = new Counter({
    name: 'wfa_notification_deliveries_total',
    help: 'Notification deliveries by channel and outcome.',
    labelNames: ['channel', 'outcome'] as const,
    registers: [this.registry],
  });

  /** Outbound event webhook deliveries by event type and outcome (event-webhooks module). */
  readonly webhookDeliveries = new Counter({
    name: 'wfa_event_webhook_deliveries_total',
    help: 'Outbound event webhook delivery attempts by event type and outcome.',
    labelNames: ['event', 'outcome'] as const,
    registers: [this.registry],
  });

  constructor(db: SharedDb) {
    const jobs: Kysely<PlatformTables> = db;
    let latest: Promise<{ kind: string; status: string; n: number; oldest: string | null }[]> | null = null;
    // One query per scrape feeds both gauges: the first collect starts it, the second reuses it.
    const read = () => {
      latest ??= jobs
        .selectFrom('jobs')
        .select(['kind', 'status', sql<number>`count(*)`.as('n'), sql<string | null>`min(created_at)`.as('oldest')])
        .where('status', 'in', [...WATCHED_JOB_STATUSES])
        .groupBy(['kind', 'status'])
        .orderBy('kind')
        .orderBy('status')
        .limit(MAX_JOB_GROUPS)
        .execute()
        .finally(() => setImmediate(() => (latest = null)));
      return latest;
    };
    new Gauge({
      name: 'wfa_job_queue_depth',
      help: 'Jobs in the durable queue by kind and status (queued, running, dead), read at scrape time.',
      labelNames: ['kind', 'status'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const r of await read()) this.set({ kind: r.kind, status: r.status }, Number(r.n));
      },
    });
    new Gauge({
      name: 'wfa_job_queue_oldest_age_seconds',
      help: 'Age of the oldest job by kind and status (since it was enqueued), read at scrape time.',
      labelNames: ['kind', 'status'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        const now = Date.now();
        for (const r of await read()) {
          if (r.oldest) this.set({ kind: r.kind, status: r.status }, Math.max(0, (now - Date.parse(r.oldest)) / 1000));
        }
      },
    });
  }

  /** Records one finished HTTP request; `route` is the matched pattern or null for an unmatched path. */
  observeRequest(method: string, route: string | null, statusCode: number, seconds: number): void {
    this.httpDuration.observe({ method, route: route ?? 'unmatched', status_class: `${Math.floor(statusCode / 100)}xx` }, seconds);
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/**
 * `Authorization: Bearer <token>` against the configured token, in constant time: both sides are
 * hashed first so neither the content nor the length of the token leaks through timing.
 */
export function metricsTokenMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  const given = createHash('sha256')
    .update(m?.[1] ?? '')
    .digest();
  const expected = createHash('sha256').update(token).digest();
  return timingSafeEqual(given, expected) && m !== null;
}
