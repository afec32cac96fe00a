import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MessagingSandbox } from '../../../src/sandbox/index.js';
import type { Session, TestApp } from '../../helpers/test-app.js';
import { FROM, deliverAll, notificationsWorld } from './helpers.js';

/** Email delivery through the real SMTP sink: success, transient and permanent failures, Retry, idempotency, isolation. */
let t: TestApp;
let sb: MessagingSandbox;
let close: () => Promise<void>;
let admin: Session;

beforeAll(async () => {
  ({ t, sb, close } = await notificationsWorld());
  admin = await t.login(t.admin.email);
});
afterAll(() => close());
beforeEach(() => sb.state.reset());

const enqueue = (
  purpose: string,
  recipient: string,
  over: Partial<{ subject: string; recipientName: string | null; incidentId: number | null; orgId: number }> = {},
) =>
  t.ctx.db.transaction().execute((trx) =>
    t.ctx.notifications.enqueue(trx, over.orgId ?? t.orgId, {
      purpose,
      kind: 'end_user',
      incidentId: over.incidentId ?? null,
      channel: 'email',
      recipient,
      recipientName: over.recipientName ?? 'Jane Doe',
      content: { subject: over.subject ?? 'Please justify incident 42', text: 'Hello Jane', html: '<p>Hello <b>Jane</b></p>' },
    }),
  );

const mailsTo = (addr: string) => sb.state.mails.filter((m) => m.envelopeTo.includes(addr));

describe('enqueue', () => {
  it('stores one message and one job per (purpose, channel, recipient); a repeat returns the same row', async () => {
    const first = await enqueue('notify:incident:1:1', 'jane@example.com');
    const again = await enqueue('notify:incident:1:1', 'jane@example.com');
    expect(first.created).toBe(true);
    expect(again).toEqual({ id: first.id, created: false });
    const jobs = await sql<{
      n: number;
    }>`select count(*) as n from jobs where kind = 'notifications.deliver' and payload like ${`%"messageId":${first.id},%`}`.execute(t.ctx.db);
    expect(Number(jobs.rows[0]!.n)).toBe(1);
    await deliverAll(t);
    expect(mailsTo('jane@example.com')).toHaveLength(1);
  });

  it('rolls back with the caller: a message whose transaction fails is never sent', async () => {
    await expect(
      t.ctx.db.transaction().execute(async (trx) => {
        await t.ctx.notifications.enqueue(trx, t.orgId, {
          purpose: 'rolled-back',
          kind: 'end_user',
          channel: 'email',
          recipient: 'ghost@example.com',
          content: { subject: 's', text: 't' },
        });
        throw new Error('the action failed');
      }),
    ).rejects.toThrow('the action failed');
    await deliverAll(t);
    expect(mailsTo('ghost@example.com')).toHaveLength(0);
    const list = await admin.get('/api/v1/notifications/messages?pageSize=100');
    expect(list.json().items.some((m: { recipient: string }) => m.recipient === 'ghost@example.com')).toBe(false);
  });

  it('refuses a recipient that is not one email address', async () => {
    await expect(enqueue('bad', 'a@example.com, b@example.com')).rejects.toMatchObject({ statusCode: 400 });
    await expect(enqueue('bad', 'x@example.com\r\nRCPT TO:<y@example.com>')).rejects.toMatchObject({ statusCode: 400 });
  });
});

describe('delivery', () => {
  it('sends with a fixed Message-ID and marks the message sent', async () => {
    const { id } = await enqueue('ok:1', 'ok@example.com', { incidentId: null });
    await deliverAll(t);
    const [mail] = mailsTo('ok@example.com');
    const messageId = `<msg-${id}-${t.orgId}@wfa.example.com>`;
    expect(mail?.messageId).toBe(messageId);
    expect(mail?.from).toContain(FROM);
    expect(mail?.subject).toBe('Please justify incident 42');
    expect(mail?.text.trim()).toBe('Hello Jane');
    expect(mail?.html).toContain('<b>Jane</b>');
    expect(mail?.authUser).toBe(sb.smtp.username);
    const view = (await admin.get(`/api/v1/notifications/messages/${id}`)).json();
    expect(view).toMatchObject({ status: 'sent', attempts: 1, providerId: messageId, lastError: null });
    expect(view.sentAt).not.toBeNull();
  });

  it('retries transient refusals (451) until the mail is accepted, once', async () => {
    sb.state.setFaults({ smtpTransient: 2 });
    const { id } = await enqueue('transient:1', 'later@example.com');
    await deliverAll(t);
    expect(sb.state.smtpRefusals.transient).toBe(2);
    expect(mailsTo('later@example.com')).toHaveLength(1);
    expect((await admin.get(`/api/v1/notifications/messages/${id}`)).json()).toMatchObject({ status: 'sent', attempts: 3 });
  });

  it('fails a permanently refused address (550) with the reason and an alert; Retry sends it', async () => {
    sb.state.setFaults({ smtpPermanent: 1 });
    const { id } = await enqueue('permanent:1', 'nobody@example.com', { recipientName: 'No Body' });
    await deliverAll(t);
    const failed = (await admin.get(`/api/v1/notifications/messages/${id}`)).json();
    expect(failed.status).toBe('failed');
    expect(failed.attempts).toBe(1);
    expect(failed.lastError).toMatch(/refused.*550.*No such user/);
    const alerts = (await admin.get('/api/v1/alerts')).json().items as { module: string; summary: string; detail: string }[];
    const alert = alerts.find((a) => a.module === 'Notifications' && a.summary.includes('No Body'));
    expect(alert?.detail).toContain('550');

    const list = (await admin.get('/api/v1/notifications/messages?status=failed')).json();
    expect(list.items.map((m: { id: number }) => m.id)).toContain(id);

    const retried = await admin.post(`/api/v1/notifications/messages/${id}/retry`);
    expect(retried.statusCode, retried.body).toBe(200);
    expect(retried.json().status).toBe('queued');
    await deliverAll(t);
    expect((await admin.get(`/api/v1/notifications/messages/${id}`)).json()).toMatchObject({ status: 'sent', attempts: 2 });
    expect(mailsTo('nobody@example.com')).toHaveLength(1);
    const after = (await admin.get('/api/v1/alerts')).json().items as { summary: string }[];
    expect(after.some((a) => a.summary.includes('No Body'))).toBe(false);

    const again = await admin.post(`/api/v1/notifications/messages/${id}/retry`);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toContain('sent');
  });

  it('cannot add a header through a subject or a name (received headers checked)', async () => {
    const { id } = await enqueue('inject:1', 'target@example.com', {
      subject: 'Hello\r\nBcc: victim@example.com\r\nX-Injected: yes',
      recipientName: 'Eve\r\nBcc: victim2@example.com',
    });
    await deliverAll(t);
    const [mail] = mailsTo('target@example.com');
    expect(mail).toBeDefined();
    const names = mail!.headerLines.map((l) => l.slice(0, l.indexOf(':')).toLowerCase());
    expect(names).not.toContain('bcc');
    expect(names).not.toContain('x-injected');
    expect(mail!.envelopeTo).toEqual(['target@example.com']);
    expect(sb.state.mails.some((m) => m.envelopeTo.some((r) => r.startsWith('victim')))).toBe(false);
    expect(mail!.subject).toBe('Hello Bcc: victim@example.com X-Injected: yes');
    expect((await admin.get(`/api/v1/notifications/messages/${id}`)).json().subject).toBe(mail!.subject);
  });

  it('a test notification by email goes through the queue; a name with a line break is refused', async () => {
    const bad = await admin.post('/api/v1/notifications/test-email', { to: 'me@example.com', name: 'Me\nBcc: x@example.com' });
    expect(bad.statusCode).toBe(400);
    const notOne = await admin.post('/api/v1/notifications/test-email', { to: 'a@example.com,b@example.com' });
    expect(notOne.statusCode).toBe(400);
    expect(notOne.json().error.message).toContain('not one email address');
    const res = await admin.post('/api/v1/notifications/test-email', { to: 'me@example.com', name: 'Me' });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toMatchObject({ kind: 'test', status: 'queued', recipient: 'me@example.com' });
    await deliverAll(t);
    expect(mailsTo('me@example.com')).toHaveLength(1);
  });
});

describe('lists and isolation', () => {
  it('filters, sorts and pages deliveries; another org sees none of them', async () => {
    for (let i = 0; i < 3; i++) await enqueue(`page:${i}`, `p${i}@example.com`, { incidentId: 777 });
    const page1 = (await admin.get('/api/v1/notifications/messages?incidentId=777&pageSize=2&sort=recipient&order=asc')).json();
    expect(page1.total).toBe(3);
    expect(page1.items.map((m: { recipient: string }) => m.recipient)).toEqual(['p0@example.com', 'p1@example.com']);
    const page2 = (await admin.get('/api/v1/notifications/messages?incidentId=777&pageSize=2&page=2&sort=recipient&order=asc')).json();
    expect(page2.items.map((m: { recipient: string }) => m.recipient)).toEqual(['p2@example.com']);
    expect((await admin.get('/api/v1/notifications/messages?status=bogus')).statusCode).toBe(400);

    const other = await t.newOrg();
    const id = page1.items[0].id;
    expect((await other.session.get('/api/v1/notifications/messages?incidentId=777')).json().total).toBe(0);
    expect((await other.session.get(`/api/v1/notifications/messages/${id}`)).statusCode).toBe(404);
    expect((await other.session.post(`/api/v1/notifications/messages/${id}/retry`)).statusCode).toBe(404);
  });

  it('needs Notification Center edit to retry', async () => {
    const viewer = await t.sessionWith({ 'Notification Center': 'view' });
    expect((await viewer.get('/api/v1/notifications/messages')).statusCode).toBe(200);
    expect((await viewer.post('/api/v1/notifications/messages/1/retry')).statusCode).toBe(403);
  });
});
