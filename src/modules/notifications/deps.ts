import type { Kysely } from 'kysely';
import type { Config } from '../../config.js';
import type { JobQueue } from '../../platform/jobs/index.js';
import type { SecretBox } from '../../platform/secrets.js';
import type { AuditRecorder } from '../audit/service.js';
import type { AlertsRaiser } from '../alerts/service.js';
import type { NotificationsTables } from './migrations.js';

/** What the notifications module uses of the rest of the product, and nothing more. */
export type NotificationsDeps = {
  db: Kysely<NotificationsTables>;
  config: Pick<Config, 'smtp' | 'smtpFrom' | 'allowPrivateTargets' | 'publicUrl'>;
  secrets: Pick<SecretBox, 'seal' | 'open'>;
  jobs: Pick<JobQueue, 'enqueue'>;
  audit: AuditRecorder;
  alerts: AlertsRaiser;
  /** An incident's deliveries are asked for by incident id; another org's id must be a 404. */
  incidents: { detail(orgId: number, id: number): Promise<unknown> };
  log: { warn: (obj: unknown, msg?: string) => void; error: (obj: unknown, msg?: string) => void };
};

export const DELIVER_JOB = 'notifications.deliver';
export type DeliverJobPayload = { messageId: number; run: number };
/** Attempts before transient failures fail the message: with the default 5 s backoff (doubling, capped at an hour) about five hours of outage. */
export const MAX_DELIVERY_ATTEMPTS = 16;
/** Chat deliveries that fail in a row before the connection shows as failing and raises an alert. */
export const FAILING_AFTER = 3;
