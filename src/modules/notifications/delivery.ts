import type { Job } from '../../platform/jobs/index.js';
import { RetryLater } from '../../platform/jobs/index.js';
import type { AlertsRaiser } from '../alerts/service.js';
import { CHAT_LABELS } from './chat-bodies.js';
import type { NotificationsDeps, DeliverJobPayload } from './deps.js';
import { FAILING_AFTER, MAX_DELIVERY_ATTEMPTS } from './deps.js';
import { messageIdFor, smtpFailure, type EmailSender } from './email.js';
import { DeliveryError } from './errors.js';
import type { SenderIdentityHook } from './sender-identity.js';
import type { MessageRow, NotificationsStore } from './store.js';
import { postWebhook } from './webhook-client.js';

/** Alert keys: one per failed message (cleared by Retry), one per failing chat connection. */
export const messageAlertKey = (id: number) => `notification-message:${id}`;
export const connectionAlertKey = (id: number) => `chat-connection:${id}`;

/**
 * The delivery job: sends one message once.
 *
 * Exactly once per recipient. The message row is the outbox: the job reads it, sends, and marks it
 * sent right after the receiver accepted it (SMTP 250, webhook 2xx), with a compare-and-set from
 * `queued` so a stale worker cannot overwrite another outcome. A process that dies between the
 * receiver's acceptance and that update leaves the job leased; when the lease expires the job runs
 * again and sends the same message again. For email that resend carries the same Message-ID
 * (`<msg-{id}-{org}@host>`), which mail stores and clients use to drop the duplicate (the sandbox
 * mailbox counts distinct Message-IDs); that window is a few milliseconds, once per crash. Chat
 * webhooks have no such id, so a crash in that window can show one message twice in a channel.
 */
export class Delivery {
  constructor(
    private readonly deps: NotificationsDeps & { alerts: AlertsRaiser },
    private readonly store: NotificationsStore,
    private readonly emailSender: () => EmailSender | null,
    private readonly senderIdentity: SenderIdentityHook,
  ) {}

  async run(job: Job<DeliverJobPayload>): Promise<void> {
    const orgId = job.orgId;
    if (orgId === null) return;
    const msg = await this.store.startAttempt(orgId, job.payload.messageId, job.payload.run);
    // Sent or failed already, or a Retry started a newer run: nothing left for this job.
    if (!msg) return;
    try {
      const providerId = msg.channel === 'email' ? await this.sendEmail(msg) : await this.sendChat(msg);
      await this.store.markSent(msg.id, providerId);
      this.outcome(msg, 'sent');
    } catch (e) {
      const err = e instanceof DeliveryError ? e : new DeliveryError(e instanceof Error ? e.message : String(e), false);
      if (err.permanent || job.attempts >= MAX_DELIVERY_ATTEMPTS) {
        await this.fail(msg, err.permanent ? err.message : `Gave up after ${job.attempts} attempts: ${err.message}`);
        this.outcome(msg, 'failed');
        return;
      }
      await this.store.noteError(msg.id, err.message);
      this.outcome(msg, 'retry_scheduled');
      if (err.retryAfterMs !== undefined) throw new RetryLater(err.message, err.retryAfterMs);
      throw err;
    }
  }

  private outcome(msg: MessageRow, outcome: 'sent' | 'failed' | 'retry_scheduled'): void {
    this.deps.metrics.notificationDeliveries.inc({ channel: msg.channel, outcome });
  }

  private async fail(msg: MessageRow, reason: string): Promise<void> {
    const who = msg.recipient_name ? `${msg.recipient_name} (${msg.channel === 'email' ? msg.recipient : CHAT_LABELS[msg.channel]})` : msg.recipient;
    await this.deps.db.transaction().execute(async (trx) => {
      if (!(await this.store.markFailed(trx, msg.id, reason))) return;
      await this.deps.alerts.raise(
        msg.org_id,
        { key: messageAlertKey(msg.id), module: 'Notifications', severity: 'Medium', summary: `Notification to ${who} could not be delivered`, detail: reason },
        trx,
      );
    });
  }

  private async sendEmail(msg: MessageRow): Promise<string> {
    const { smtpFrom } = this.deps.config;
    const sender = this.emailSender();
    if (!sender || !smtpFrom) throw new DeliveryError('Email is not set up on this server: set WFA_SMTP_URL and WFA_SMTP_FROM, restart, then Retry.', true);
    // The Message-ID stays on the platform's host whoever the sender is: a resend after a crash must
    // carry the same id even if a custom domain was made default (or reverted) in between.
    const messageId = messageIdFor(msg.id, msg.org_id, smtpFrom.slice(smtpFrom.lastIndexOf('@') + 1));
    let identity;
    try {
      identity = await this.senderIdentity.resolve(msg.org_id, msg.purpose);
    } catch (err) {
      throw new DeliveryError(`The sender domain could not be read: ${err instanceof Error ? err.message : String(err)}`, false);
    }
    try {
      await sender.send({
        messageId,
        from: identity?.from ?? smtpFrom,
        to: msg.recipient,
        toName: msg.recipient_name,
        subject: msg.subject,
        text: msg.text,
        html: msg.html,
        ...(identity ? { envelopeFrom: identity.envelopeFrom, dkim: identity.dkim } : {}),
      });
    } catch (err) {
      throw smtpFailure(err);
    }
    return messageId;
  }

  private async sendChat(msg: MessageRow): Promise<string | null> {
    const kind = msg.channel as 'slack' | 'teams';
    const label = CHAT_LABELS[kind];
    const conn = await this.store.connection(msg.org_id, Number(msg.recipient));
    if (!conn || conn.kind !== kind)
      throw new DeliveryError(`The ${label} channel of this message was deleted: add it again in Setup > Integrations, then Retry.`, true);
    const url = this.deps.secrets.open(conn.webhook_url);
    try {
      await postWebhook(url, JSON.parse(msg.chat_payload ?? '{}'), { system: label, allowPrivateTargets: this.deps.config.allowPrivateTargets });
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      const inRow = await this.store.recordConnectionOutcome(conn.org_id, conn.id, false, reason);
      if (inRow >= FAILING_AFTER) {
        await this.store.setConnectionStatus(conn.org_id, conn.id, 'failing');
        await this.deps.alerts.raise(conn.org_id, {
          key: connectionAlertKey(conn.id),
          module: 'Notifications',
          severity: 'High',
          summary: `${conn.name} ${label} channel is not working`,
          detail: `${inRow} deliveries failed in a row. Last: ${reason}`,
        });
      }
      throw err;
    }
    await this.store.recordConnectionOutcome(conn.org_id, conn.id, true, null);
    if (conn.status === 'failing') await this.deps.alerts.clear(conn.org_id, connectionAlertKey(conn.id));
    return null;
  }
}
