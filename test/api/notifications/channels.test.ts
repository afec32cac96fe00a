import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MessagingSandbox } from '../../../src/sandbox/index.js';
import type { Session, TestApp } from '../../helpers/test-app.js';
import { createWorker } from '../../../src/background.js';
import { deliverAll, notificationsWorld } from './helpers.js';

/** Slack and Teams channels: test message on connect, sealed URL, health, delivery and failures. */
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

const SECRET_PART = (url: string) => new URL(url).pathname.split('/').filter(Boolean).slice(-1)[0]!;

async function connect(kind: 'slack' | 'teams', name: string) {
  const res = await admin.post('/api/v1/notifications/channels', { kind, name, webhookUrl: kind === 'slack' ? sb.slackWebhookUrl : sb.teamsWebhookUrl });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: number; name: string; urlHint: string; status: string };
}

const sendTo = (channel: { id: number }, kind: 'slack' | 'teams', purpose: string) =>
  t.ctx.db.transaction().execute((trx) =>
    t.ctx.notifications.enqueue(trx, t.orgId, {
      purpose,
      kind: 'escalation',
      channel: kind,
      recipient: String(channel.id),
      content: { subject: 'Incident 42 needs a decision', text: 'Approve or reject <here>' },
    }),
  );

describe('connecting a channel', () => {
  it('sends a test message first, seals the URL and never returns it', async () => {
    const slack = await connect('slack', 'SecOps Slack');
    expect(sb.state.chat).toHaveLength(1);
    expect(sb.state.chat[0]).toMatchObject({ kind: 'slack', title: 'Workflow Automation test message' });
    const teams = await connect('teams', 'SecOps Teams');
    expect(sb.state.chat[1]).toMatchObject({ kind: 'teams', title: 'Workflow Automation test message' });

    const list = await admin.get('/api/v1/notifications/channels');
    const raw = list.body;
    for (const url of [sb.slackWebhookUrl, sb.teamsWebhookUrl]) {
      expect(raw).not.toContain(SECRET_PART(url));
    }
    expect(slack.urlHint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/…/);
    expect(list.json().items.map((c: { id: number }) => c.id)).toEqual([slack.id, teams.id]);

    const stored = await sql<{ webhook_url: string }>`select webhook_url from chat_connections where id = ${slack.id}`.execute(t.ctx.db);
    expect(stored.rows[0]!.webhook_url.startsWith('v1:')).toBe(true);
    expect(stored.rows[0]!.webhook_url).not.toContain(SECRET_PART(sb.slackWebhookUrl));
    const audit = await sql<{
      n: number;
    }>`select count(*) as n from audit_log where module = 'Notifications' and (after_json like ${`%${SECRET_PART(sb.slackWebhookUrl)}%`} or before_json like ${`%${SECRET_PART(sb.slackWebhookUrl)}%`} or change_notes like ${`%${SECRET_PART(sb.slackWebhookUrl)}%`})`.execute(
      t.ctx.db,
    );
    expect(Number(audit.rows[0]!.n)).toBe(0);
    const entries = await sql<{ n: number }>`select count(*) as n from audit_log where module = 'Notifications' and resource = 'Notification channel'`.execute(
      t.ctx.db,
    );
    expect(Number(entries.rows[0]!.n)).toBe(2);
    expect((await t.ctx.notifications.chatConnections(t.orgId)).map((c) => c.kind)).toEqual(['slack', 'teams']);
  });

  it("refuses a webhook the receiver refuses, with the receiver's reason, and stores nothing", async () => {
    const before = (await admin.get('/api/v1/notifications/channels')).json().items.length;
    const bad = await admin.post('/api/v1/notifications/channels', { kind: 'slack', name: 'Gone', webhookUrl: `${sb.url}/services/T1/B1/nope-nope` });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('no_service');
    sb.state.setFaults({ teamsNotFound: 1 });
    const badTeams = await admin.post('/api/v1/notifications/channels', { kind: 'teams', name: 'Gone too', webhookUrl: sb.teamsWebhookUrl });
    expect(badTeams.statusCode).toBe(400);
    expect(badTeams.json().error.message).toMatch(/404.*no longer exists/);
    expect(badTeams.json().error.message).not.toContain(SECRET_PART(sb.teamsWebhookUrl));
    const notUrl = await admin.post('/api/v1/notifications/channels', { kind: 'teams', name: 'x', webhookUrl: 'ftp://example.com/x' });
    expect(notUrl.statusCode).toBe(400);
    expect((await admin.get('/api/v1/notifications/channels')).json().items.length).toBe(before);
  });

  it('renames, re-validates a new URL, refuses duplicates and deletes', async () => {
    const c = await connect('slack', 'Rename me');
    expect((await admin.post('/api/v1/notifications/channels', { kind: 'slack', name: 'rename ME', webhookUrl: sb.slackWebhookUrl })).statusCode).toBe(409);
    const renamed = await admin.patch(`/api/v1/notifications/channels/${c.id}`, { name: 'Renamed' });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json().name).toBe('Renamed');
    const badUrl = await admin.patch(`/api/v1/notifications/channels/${c.id}`, { webhookUrl: `${sb.url}/services/T9/B9/missing` });
    expect(badUrl.statusCode).toBe(400);
    expect((await admin.get('/api/v1/notifications/channels')).json().items.find((x: { id: number }) => x.id === c.id).urlHint).toBe(c.urlHint);
    const test = await admin.post(`/api/v1/notifications/channels/${c.id}/test`);
    expect(test.statusCode).toBe(200);
    const other = await t.newOrg();
    expect((await other.session.delete(`/api/v1/notifications/channels/${c.id}`)).statusCode).toBe(404);
    expect((await admin.delete(`/api/v1/notifications/channels/${c.id}`)).statusCode).toBe(204);
    expect((await admin.get('/api/v1/notifications/channels')).json().items.some((x: { id: number }) => x.id === c.id)).toBe(false);
  });
});

describe('chat delivery', () => {
  it('posts Block Kit to Slack and an Adaptive Card to Teams; retries a 503; fails a 404 with an alert', async () => {
    const slack = await connect('slack', 'Deliver Slack');
    const teams = await connect('teams', 'Deliver Teams');
    sb.state.reset();
    sb.state.setFaults({ slackUnavailable: 1 });
    const s = await sendTo(slack, 'slack', 'esc:1');
    const m = await sendTo(teams, 'teams', 'esc:1');
    await deliverAll(t);
    expect(sb.state.chat.map((c) => c.kind).sort()).toEqual(['slack', 'teams']);
    const slackMsg = sb.state.chat.find((c) => c.kind === 'slack')!;
    expect(slackMsg.title).toBe('Incident 42 needs a decision');
    expect(slackMsg.text).toBe('Approve or reject &lt;here&gt;');
    expect((await admin.get(`/api/v1/notifications/messages/${s.id}`)).json()).toMatchObject({
      status: 'sent',
      attempts: 2,
      channel: 'slack',
      recipientName: 'Deliver Slack',
    });
    expect((await admin.get(`/api/v1/notifications/messages/${m.id}`)).json()).toMatchObject({ status: 'sent', attempts: 1 });

    sb.state.setFaults({ teamsNotFound: 5 });
    const gone = await sendTo(teams, 'teams', 'esc:2');
    await deliverAll(t);
    const failed = (await admin.get(`/api/v1/notifications/messages/${gone.id}`)).json();
    expect(failed.status).toBe('failed');
    expect(failed.lastError).toMatch(/Microsoft Teams refused the message \(404/);
    const alerts = (await admin.get('/api/v1/alerts')).json().items as { module: string; summary: string }[];
    expect(alerts.some((a) => a.module === 'Notifications' && a.summary.includes('Deliver Teams'))).toBe(true);
  });

  it("waits as long as the receiver's Retry-After asks before trying again", async () => {
    const slack = await connect('slack', 'Busy Slack');
    sb.state.setFaults({ slackUnavailable: 1, chatRetryAfterSeconds: 120 });
    const { id } = await sendTo(slack, 'slack', 'busy:1');
    const askedAt = Date.now();
    await createWorker(t.ctx).drain();
    const job = await sql<{
      run_at: string;
      status: string;
    }>`select run_at, status from jobs where kind = 'notifications.deliver' and payload like ${`%"messageId":${id},%`}`.execute(t.ctx.db);
    expect(job.rows[0]!.status).toBe('queued');
    expect(Date.parse(job.rows[0]!.run_at)).toBeGreaterThanOrEqual(askedAt + 120_000);
    const view = (await admin.get(`/api/v1/notifications/messages/${id}`)).json();
    expect(view).toMatchObject({ status: 'queued', attempts: 1 });
    expect(view.lastError).toContain('503');
    await deliverAll(t);
    expect((await admin.get(`/api/v1/notifications/messages/${id}`)).json().status).toBe('sent');
  });

  it('gives up on a receiver that stays unavailable, with the last reason', async () => {
    const slack = await connect('slack', 'Down Slack');
    sb.state.setFaults({ slackUnavailable: 1000 });
    const { id } = await sendTo(slack, 'slack', 'down:1');
    await deliverAll(t);
    const view = (await admin.get(`/api/v1/notifications/messages/${id}`)).json();
    expect(view.status).toBe('failed');
    expect(view.attempts).toBe(16);
    expect(view.lastError).toMatch(/^Gave up after 16 attempts: Slack asked to try later \(503/);
    expect(sb.state.chat.filter((c) => c.kind === 'slack')).toHaveLength(1);
    // The webhook URL's secret part is in no stored reason: not the message's, not the job's.
    const secret = SECRET_PART(sb.slackWebhookUrl);
    const leaks = await sql<{
      n: number;
    }>`select (select count(*) from jobs where last_error like ${`%${secret}%`}) + (select count(*) from notification_messages where last_error like ${`%${secret}%`}) + (select count(*) from alerts where detail like ${`%${secret}%`} or summary like ${`%${secret}%`}) as n`.execute(
      t.ctx.db,
    );
    expect(Number(leaks.rows[0]!.n)).toBe(0);
  });

  it('marks a channel failing after failures in a row and clears it on the next success', async () => {
    const slack = await connect('slack', 'Flaky Slack');
    sb.state.setFaults({ slackNotFound: 3 });
    for (let i = 0; i < 3; i++) await sendTo(slack, 'slack', `flaky:${i}`);
    await deliverAll(t);
    const failing = (await admin.get('/api/v1/notifications/channels')).json().items.find((c: { id: number }) => c.id === slack.id);
    expect(failing).toMatchObject({ status: 'failing', failuresInRow: 3 });
    const alerts = (await admin.get('/api/v1/alerts')).json().items as { summary: string; severity: string }[];
    expect(alerts.find((a) => a.summary === 'Flaky Slack Slack channel is not working')?.severity).toBe('High');
    await sendTo(slack, 'slack', 'flaky:ok');
    await deliverAll(t);
    const healthy = (await admin.get('/api/v1/notifications/channels')).json().items.find((c: { id: number }) => c.id === slack.id);
    expect(healthy).toMatchObject({ status: 'active', failuresInRow: 0 });
    const after = (await admin.get('/api/v1/alerts')).json().items as { summary: string }[];
    expect(after.some((a) => a.summary === 'Flaky Slack Slack channel is not working')).toBe(false);
    // Each failed message keeps its own alert until it is retried.
    expect(after.filter((a) => a.summary.startsWith('Notification to Flaky Slack'))).toHaveLength(3);
  });

  it("refuses a chat recipient that is not one of the org's channels", async () => {
    const slack = await connect('slack', 'Mine');
    const other = await t.newOrg();
    await expect(
      t.ctx.db.transaction().execute((trx) =>
        t.ctx.notifications.enqueue(trx, other.orgId, {
          purpose: 'x',
          kind: 'test',
          channel: 'slack',
          recipient: String(slack.id),
          content: { subject: 's', text: 't' },
        }),
      ),
    ).rejects.toMatchObject({ statusCode: 400 });
    await expect(
      t.ctx.db.transaction().execute((trx) =>
        t.ctx.notifications.enqueue(trx, t.orgId, {
          purpose: 'x',
          kind: 'test',
          channel: 'teams',
          recipient: String(slack.id),
          content: { subject: 's', text: 't' },
        }),
      ),
    ).rejects.toMatchObject({ statusCode: 400 });
  });
});
