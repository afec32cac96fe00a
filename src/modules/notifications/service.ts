import { randomUUID } from 'node:crypto';
import { isPlainEmailAddress } from '../../config.js';
import type { AnyExec } from '../../platform/db/database.js';
import { nowIso } from '../../platform/db/database.js';
import { badRequest, conflict, notFound } from '../../platform/http/errors.js';
import type { Job } from '../../platform/jobs/index.js';
import type { Principal } from '../../platform/principal.js';
import { CHAT_LABELS, chatBody } from './chat-bodies.js';
import { DELIVER_JOB, MAX_DELIVERY_ATTEMPTS, type DeliverJobPayload, type NotificationsDeps } from './deps.js';
import { Delivery, connectionAlertKey, messageAlertKey } from './delivery.js';
import { createSmtpSender, headerText, type EmailSender } from './email.js';
import { DeliveryError } from './errors.js';
import type { ChannelCreate, ChannelUpdate, ChannelView, MessageListQuery, MessageView } from './schemas.js';
import { SenderIdentityHook } from './sender-identity.js';
import { NotificationsStore } from './store.js';
import type { ChatKind, OutgoingMessage, RenderedMessage } from './types.js';
import { channelViewOf, messageViewOf, urlHint } from './views.js';
import { postWebhook } from './webhook-client.js';

const MODULE = 'Notifications';
/** Bounds on what one message may hold (a rendered template is far below them). */
const MAX_SUBJECT = 500;
const MAX_TEXT = 200_000;
const MAX_HTML = 1_000_000;
const MAX_PURPOSE = 200;

/**
 * Channels (email over SMTP, Slack and Teams webhooks) and durable delivery: `enqueue` stores a
 * message and its delivery job in the caller's transaction; the job (delivery.ts) sends it once.
 */
export class NotificationsService {
  readonly store: NotificationsStore;
  private readonly delivery: Delivery;
  private sender: EmailSender | null = null;
  /** Custom email domains plug their From, envelope sender and DKIM key in here (email-domains module). */
  readonly senderIdentity = new SenderIdentityHook();

  constructor(readonly deps: NotificationsDeps) {
    this.store = new NotificationsStore(deps.db);
    this.delivery = new Delivery(deps, this.store, () => this.emailSender(), this.senderIdentity);
  }

  /** One pooled SMTP transport per process, opened on first use. */
  private emailSender(): EmailSender | null {
    if (!this.deps.config.smtp) return null;
    this.sender ??= createSmtpSender(this.deps.config.smtp);
    return this.sender;
  }

  /** Closes the SMTP pool (the app's onClose). */
  close(): void {
    this.sender?.close();
    this.sender = null;
  }

  // ------------------------------------------------------------------ the contract

  /**
   * Writes the message and its delivery job in `exec` (the caller's transaction). A second call
   * with the same (purpose, channel, recipient) returns the existing message (`created: false`).
   */
  async enqueue(exec: AnyExec, orgId: number, msg: OutgoingMessage): Promise<{ id: number; created: boolean }> {
    const purpose = msg.purpose.trim();
    if (!purpose || purpose.length > MAX_PURPOSE) throw badRequest(`A notification's purpose must be 1 to ${MAX_PURPOSE} characters.`);
    const recipient = msg.recipient.trim();
    let recipientName = msg.recipientName ? headerText(msg.recipientName).slice(0, 200) || null : null;
    let chatPayload: string | null = null;
    if (msg.channel === 'email') {
      if (!isPlainEmailAddress(recipient)) throw badRequest(`"${headerText(recipient).slice(0, 100)}" is not one email address.`);
    } else {
      const conn = /^\d{1,10}$/.test(recipient) ? await this.store.connection(orgId, Number(recipient), exec) : undefined;
      if (!conn || conn.kind !== msg.channel)
        throw badRequest(`No ${CHAT_LABELS[msg.channel]} channel with id ${headerText(recipient).slice(0, 20)} in this organization.`);
      recipientName ??= conn.name;
      chatPayload = JSON.stringify(chatBody(msg.channel, { ...msg.content, subject: headerText(msg.content.subject) }));
    }
    const content = checkedContent(msg.content);
    const existing = await this.store.findByPurpose(exec, orgId, purpose, msg.channel, recipient);
    if (existing) return { id: existing.id, created: false };
    const now = nowIso();
    const id = await this.store.insertMessage(exec, {
      org_id: orgId,
      purpose,
      kind: msg.kind,
      incident_id: msg.incidentId ?? null,
      channel: msg.channel,
      recipient,
      recipient_name: recipientName,
      subject: content.subject,
      text: content.text,
      html: content.html ?? null,
      chat_payload: chatPayload,
      status: 'queued',
      last_error: null,
      sent_at: null,
      provider_id: null,
      created_at: now,
      updated_at: now,
    });
    if (id === null) {
      // Another transaction stored it first (both passed the look-up above).
      const raced = await this.store.findByPurpose(exec, orgId, purpose, msg.channel, recipient);
      if (!raced) throw conflict('The notification is being stored by another request; try again.');
      return { id: raced.id, created: false };
    }
    await this.enqueueDelivery(exec, orgId, id, 1);
    return { id, created: true };
  }

  private async enqueueDelivery(exec: AnyExec, orgId: number, messageId: number, run: number): Promise<void> {
    const payload: DeliverJobPayload = { messageId, run };
    // The worker must not bury the job before the handler decides (a crash also counts as an attempt).
    await this.deps.jobs.enqueue(exec, {
      kind: DELIVER_JOB,
      orgId,
      payload,
      dedupeKey: `${DELIVER_JOB}:${messageId}:${run}`,
      maxAttempts: MAX_DELIVERY_ATTEMPTS + 10,
    });
  }

  runDeliveryJob(job: Job): Promise<void> {
    return this.delivery.run(job as Job<DeliverJobPayload>);
  }

  async forIncident(orgId: number, incidentId: number): Promise<MessageView[]> {
    return (await this.store.forIncident(orgId, incidentId)).map(messageViewOf);
  }

  /** The incident must be the caller's org's (another org's id is a 404 like an unknown one). */
  async forIncidentChecked(orgId: number, incidentId: number): Promise<MessageView[]> {
    await this.deps.incidents.detail(orgId, incidentId);
    return this.forIncident(orgId, incidentId);
  }

  async chatConnections(orgId: number): Promise<{ id: number; kind: ChatKind; name: string; status: string }[]> {
    return (await this.store.connections(orgId)).map((c) => ({ id: c.id, kind: c.kind, name: c.name, status: c.status }));
  }

  // ------------------------------------------------------------------ deliveries

  async listMessages(orgId: number, q: MessageListQuery) {
    const { rows, total } = await this.store.listMessages(orgId, q);
    return { items: rows.map(messageViewOf), total, page: q.page, pageSize: q.pageSize };
  }

  async message(orgId: number, id: number): Promise<MessageView> {
    const row = await this.store.message(orgId, id);
    if (!row) throw notFound('Notification');
    return messageViewOf(row);
  }

  /** Retry: a failed delivery is queued again now, as a new run with fresh attempts. */
  async retry(actor: Principal, id: number): Promise<MessageView> {
    await this.deps.db.transaction().execute(async (trx) => {
      const before = await this.store.message(actor.orgId, id, trx);
      if (!before) throw notFound('Notification');
      const run = await this.store.requeue(trx, actor.orgId, id);
      if (run === null) throw conflict(`Only a failed delivery can be retried; this one is ${before.status}.`);
      await this.enqueueDelivery(trx, actor.orgId, id, run);
      await this.deps.alerts.clear(actor.orgId, messageAlertKey(id), trx);
      await this.deps.audit.record(trx, actor, {
        action: 'Update',
        module: MODULE,
        resource: 'Notification delivery',
        resourceId: id,
        notes: `Retried the delivery to ${before.recipient_name ?? before.recipient}`,
        before: { status: before.status, lastError: before.last_error },
        after: { status: 'queued' },
      });
    });
    return this.message(actor.orgId, id);
  }

  /** "Send test notification": one email to an address, through the same queue as every message. */
  async sendTestEmail(actor: Principal, input: { to: string; name?: string }): Promise<MessageView> {
    if (!isPlainEmailAddress(input.to)) throw badRequest(`"${input.to}" is not one email address (write it as name@example.com).`);
    const id = await this.deps.db.transaction().execute(async (trx) => {
      const { id } = await this.enqueue(trx, actor.orgId, {
        purpose: `test:${randomUUID()}`,
        kind: 'test',
        channel: 'email',
        recipient: input.to,
        recipientName: input.name ?? null,
        content: testContent(),
      });
      await this.deps.audit.record(trx, actor, {
        action: 'Insert',
        module: MODULE,
        resource: 'Test notification',
        resourceId: id,
        notes: `Sent a test notification to ${input.to}`,
        after: { to: input.to },
      });
      return id;
    });
    return this.message(actor.orgId, id);
  }

  // ------------------------------------------------------------------ chat connections

  async listChannels(orgId: number): Promise<ChannelView[]> {
    return (await this.store.connections(orgId)).map(channelViewOf);
  }

  async channel(orgId: number, id: number): Promise<ChannelView> {
    const row = await this.store.connection(orgId, id);
    if (!row) throw notFound('Notification channel');
    return channelViewOf(row);
  }

  /** Connects a channel after a test message went through; the receiver's refusal is the answer. */
  async createChannel(actor: Principal, input: ChannelCreate): Promise<ChannelView> {
    if (await this.store.nameTaken(this.deps.db, actor.orgId, input.name)) throw conflict(`A notification channel named "${input.name}" already exists.`);
    await this.sendTestMessage(input.kind, input.webhookUrl);
    const id = await this.deps.db.transaction().execute(async (trx) => {
      if (await this.store.nameTaken(trx, actor.orgId, input.name)) throw conflict(`A notification channel named "${input.name}" already exists.`);
      const now = nowIso();
      const hint = urlHint(input.webhookUrl);
      const id = await this.store.insertConnection(trx, {
        org_id: actor.orgId,
        kind: input.kind,
        name: input.name,
        webhook_url: this.deps.secrets.seal(input.webhookUrl),
        url_hint: hint,
        status: 'active',
        last_error: null,
        last_success_at: now,
        created_at: now,
        updated_at: now,
      });
      await this.deps.audit.record(trx, actor, {
        action: 'Insert',
        module: MODULE,
        resource: 'Notification channel',
        resourceId: id,
        notes: `Connected the ${CHAT_LABELS[input.kind]} channel ${input.name}`,
        after: { kind: input.kind, name: input.name, urlHint: hint },
      });
      return id;
    });
    return this.channel(actor.orgId, id);
  }

  async updateChannel(actor: Principal, id: number, input: ChannelUpdate): Promise<ChannelView> {
    const before = await this.store.connection(actor.orgId, id);
    if (!before) throw notFound('Notification channel');
    if (input.name !== undefined && (await this.store.nameTaken(this.deps.db, actor.orgId, input.name, id))) {
      throw conflict(`A notification channel named "${input.name}" already exists.`);
    }
    if (input.webhookUrl !== undefined) await this.sendTestMessage(before.kind, input.webhookUrl);
    await this.deps.db.transaction().execute(async (trx) => {
      const row = await this.store.connection(actor.orgId, id, trx);
      if (!row) throw notFound('Notification channel');
      const set: Parameters<NotificationsStore['updateConnection']>[3] = {};
      if (input.name !== undefined) set.name = input.name;
      if (input.webhookUrl !== undefined) {
        Object.assign(set, {
          webhook_url: this.deps.secrets.seal(input.webhookUrl),
          url_hint: urlHint(input.webhookUrl),
          status: 'active',
          failures_in_row: 0,
          last_error: null,
        });
      }
      if (input.name !== undefined && (await this.store.nameTaken(trx, actor.orgId, input.name, id)))
        throw conflict(`A notification channel named "${input.name}" already exists.`);
      await this.store.updateConnection(trx, actor.orgId, id, set);
      if (input.webhookUrl !== undefined) await this.deps.alerts.clear(actor.orgId, connectionAlertKey(id), trx);
      await this.deps.audit.record(trx, actor, {
        action: 'Update',
        module: MODULE,
        resource: 'Notification channel',
        resourceId: id,
        notes: `Updated the ${CHAT_LABELS[row.kind]} channel ${input.name ?? row.name}`,
        before: { name: row.name, urlHint: row.url_hint },
        after: { name: input.name ?? row.name, urlHint: set.url_hint ?? row.url_hint },
      });
    });
    return this.channel(actor.orgId, id);
  }

  async deleteChannel(actor: Principal, id: number): Promise<void> {
    await this.deps.db.transaction().execute(async (trx) => {
      const row = await this.store.connection(actor.orgId, id, trx);
      if (!row) throw notFound('Notification channel');
      await this.store.deleteConnection(trx, actor.orgId, id);
      await this.deps.alerts.clear(actor.orgId, connectionAlertKey(id), trx);
      await this.deps.audit.record(trx, actor, {
        action: 'Delete',
        module: MODULE,
        resource: 'Notification channel',
        resourceId: id,
        notes: `Deleted the ${CHAT_LABELS[row.kind]} channel ${row.name}`,
        before: { kind: row.kind, name: row.name, urlHint: row.url_hint },
      });
    });
  }

  /** "Send test message" on a saved channel: the outcome counts for its health. */
  async testChannel(actor: Principal, id: number): Promise<ChannelView> {
    const row = await this.store.connection(actor.orgId, id);
    if (!row) throw notFound('Notification channel');
    try {
      await this.sendTestMessage(row.kind, this.deps.secrets.open(row.webhook_url));
    } catch (err) {
      await this.store.recordConnectionOutcome(actor.orgId, id, false, (err as Error).message);
      throw err;
    }
    await this.store.recordConnectionOutcome(actor.orgId, id, true, null);
    if (row.status === 'failing') await this.deps.alerts.clear(actor.orgId, connectionAlertKey(id));
    return this.channel(actor.orgId, id);
  }

  private async sendTestMessage(kind: ChatKind, url: string): Promise<void> {
    const label = CHAT_LABELS[kind];
    try {
      await postWebhook(url, chatBody(kind, testContent()), { system: label, allowPrivateTargets: this.deps.config.allowPrivateTargets });
    } catch (err) {
      if (err instanceof DeliveryError) throw badRequest(`The test message was not accepted: ${err.message}`);
      throw err;
    }
  }
}

function testContent(): RenderedMessage {
  return {
    subject: 'Workflow Automation test message',
    text: 'This is a test message from Workflow Automation. Notifications sent to this channel will look like this.',
    html: '<p>This is a test message from <b>Workflow Automation</b>. Notifications sent to this address will look like this.</p>',
  };
}

/** One-line subject, bounded parts: what a template renders is stored as sent. */
function checkedContent(c: RenderedMessage): RenderedMessage {
  const subject = headerText(c.subject);
  if (!subject) throw badRequest('A notification needs a subject.');
  if (subject.length > MAX_SUBJECT) throw badRequest(`A notification subject must be at most ${MAX_SUBJECT} characters.`);
  if (c.text.length > MAX_TEXT) throw badRequest(`A notification's text must be at most ${MAX_TEXT} characters.`);
  if (c.html && c.html.length > MAX_HTML) throw badRequest(`A notification's HTML must be at most ${MAX_HTML} characters.`);
  return { ...c, subject };
}
