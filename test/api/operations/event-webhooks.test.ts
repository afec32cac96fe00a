import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createWorker } from '../../../src/background.js';
import { DELIVER_JOB, MAX_DELIVERY_ATTEMPTS } from '../../../src/modules/event-webhooks/service.js';
import { signEventBody, verifyEventSignature } from '../../../src/modules/event-webhooks/signature.js';
import { fullPermissions } from '../../../src/platform/permissions.js';
import { systemPrincipal } from '../../../src/platform/principal.js';
import { createTestApp, type Session, type TestApp } from '../../helpers/test-app.js';
import { incident } from '../incidents/helpers.js';
import { newIncident, runJobs, setUp, type Sandbox } from '../tickets/helpers.js';
import { withSandboxApp } from '../integrations/helpers.js';

let t: TestApp;
let sb: Sandbox;
let admin: Session;
let receiverUrl: string;

withSandboxApp((a) => ({ t, sb, admin } = a), { WFA_METRICS_TOKEN: 'metrics-token-0123456789abcdef' });
beforeAll(async () => {
  receiverUrl = `${sb.servicenowUrl}/__sandbox/events`;
});
beforeEach(() => sb.state.events.reset());

let n = 0;
async function createWebhook(events: string[], session = admin, url = receiverUrl) {
  const res = await session.post('/api/v1/event-webhooks', { name: `Receiver ${n++}`, url, events });
  expect(res.statusCode).toBe(201);
  const created = res.json() as { id: number; secret: string };
  return created;
}

/** A webhook the sandbox receiver knows the secret of; every other webhook of the org is deleted first. */
async function receiverWebhook(events: string[]) {
  for (const w of (await admin.get('/api/v1/event-webhooks')).json().items) await admin.delete(`/api/v1/event-webhooks/${w.id}`);
  const w = await createWebhook(events);
  sb.state.events.secret = w.secret;
  return w;
}

const deliveries = async (webhookId: number, session = admin) => (await session.get(`/api/v1/event-webhooks/${webhookId}/deliveries?pageSize=100`)).json();
const jobCount = async () =>
  Number(
    (
      await t.ctx.db
        .selectFrom('jobs')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('kind', '=', DELIVER_JOB)
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('Setup > Webhooks API', () => {
  it('shows the signing secret once: at creation and rotation, never in the list, a read, the database or the audit log', async () => {
    const w = await createWebhook(['incident.created', 'ticket.created']);
    expect(w.secret).toMatch(/^whsec_[A-Za-z0-9_-]{40,}$/);
    const list = await admin.get('/api/v1/event-webhooks');
    const one = await admin.get(`/api/v1/event-webhooks/${w.id}`);
    expect(one.json()).toMatchObject({ id: w.id, events: ['incident.created', 'ticket.created'], enabled: true, health: 'healthy' });
    for (const body of [list.body, one.body]) {
      expect(body).not.toContain(w.secret);
      expect(body).not.toContain('"secret"');
    }
    const row = await t.ctx.db.selectFrom('event_webhooks').select('secret').where('id', '=', w.id).executeTakeFirstOrThrow();
    expect(row.secret).not.toContain(w.secret);
    expect(t.ctx.secrets.open(row.secret)).toBe(w.secret);

    const rotated = await admin.post(`/api/v1/event-webhooks/${w.id}/rotate-secret`);
    expect(rotated.statusCode).toBe(200);
    expect(rotated.json().secret).toMatch(/^whsec_/);
    expect(rotated.json().secret).not.toBe(w.secret);
    const audit = await t.ctx.db.selectFrom('audit_log').selectAll().where('module', '=', 'Webhooks').execute();
    expect(audit.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(audit)).not.toContain(w.secret);
    expect(JSON.stringify(audit)).not.toContain(rotated.json().secret);
  });

  it('changes name, URL, events and enabled; refuses bad input with a sentence and changes nothing', async () => {
    const w = await createWebhook(['incident.created']);
    const patched = await admin.patch(`/api/v1/event-webhooks/${w.id}`, { events: ['incident.resolved'], enabled: false });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ events: ['incident.resolved'], enabled: false });
    const before = (await admin.get(`/api/v1/event-webhooks/${w.id}`)).body;
    for (const [body, field] of [
      [{ events: [] }, 'event'],
      [{ events: ['incident.deleted'] }, 'event'],
      [{ url: 'ftp://example.com/x' }, 'URL'],
      [{ url: 'not a url' }, 'URL'],
      [{ name: 'bad\u0000name' }, ''],
      [{ name: 'x'.repeat(101) }, 'Name'],
      [{ secret: 'mine' }, ''],
    ] as const) {
      const res = await admin.patch(`/api/v1/event-webhooks/${w.id}`, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.message).toContain(field);
    }
    expect((await admin.get(`/api/v1/event-webhooks/${w.id}`)).body).toBe(before);
    const dup = await admin.post('/api/v1/event-webhooks', { name: patched.json().name, url: receiverUrl, events: ['incident.created'] });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.message).toContain('already exists');
  });

  it('needs API Management: View reads, Edit changes', async () => {
    const w = await createWebhook(['incident.created']);
    const viewer = await t.sessionWith({ 'API Management': 'view' });
    expect((await viewer.get('/api/v1/event-webhooks')).statusCode).toBe(200);
    expect((await viewer.get(`/api/v1/event-webhooks/${w.id}/deliveries`)).statusCode).toBe(200);
    expect((await viewer.post('/api/v1/event-webhooks', { name: 'nope', url: receiverUrl, events: ['incident.created'] })).statusCode).toBe(403);
    expect((await viewer.post(`/api/v1/event-webhooks/${w.id}/rotate-secret`)).statusCode).toBe(403);
    expect((await viewer.post(`/api/v1/event-webhooks/${w.id}/test`)).statusCode).toBe(403);
    const none = await t.sessionWith({ Incidents: 'view' });
    expect((await none.get('/api/v1/event-webhooks')).statusCode).toBe(403);
  });

  it("hides another org's webhooks and deliveries (404) and never sends them that org's events", async () => {
    const w = await receiverWebhook(['incident.created']);
    await t.ctx.incidents.ingestOne(systemPrincipal(t.orgId, fullPermissions()), incident());
    const [d] = (await deliveries(w.id)).items;
    const other = await t.newOrg();
    expect((await other.session.get('/api/v1/event-webhooks')).json().items).toEqual([]);
    for (const [method, url] of [
      ['GET', `/api/v1/event-webhooks/${w.id}`],
      ['PATCH', `/api/v1/event-webhooks/${w.id}`],
      ['DELETE', `/api/v1/event-webhooks/${w.id}`],
      ['POST', `/api/v1/event-webhooks/${w.id}/rotate-secret`],
      ['POST', `/api/v1/event-webhooks/${w.id}/test`],
      ['GET', `/api/v1/event-webhooks/${w.id}/deliveries`],
      ['POST', `/api/v1/event-webhooks/${w.id}/deliveries/${d.id}/retry`],
    ] as const) {
      const res = await other.session.request(method, url, method === 'PATCH' ? { enabled: false } : method === 'POST' ? {} : undefined);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
    }
    const before = await jobCount();
    await t.ctx.incidents.ingestOne(systemPrincipal(other.orgId, fullPermissions()), incident());
    expect(await jobCount()).toBe(before);
    expect((await deliveries(w.id)).total).toBe(1);
  });
});

describe('URL guard without private targets', () => {
  let strict: TestApp;
  beforeAll(async () => {
    strict = await createTestApp({ WFA_ALLOW_PRIVATE_TARGETS: 'false' });
  });
  afterAll(async () => strict?.close());

  it('refuses plain http and private addresses, saying why', async () => {
    const s = await strict.login(strict.admin.email);
    const http = await s.post('/api/v1/event-webhooks', { name: 'a', url: 'http://siem.example.com/hook', events: ['incident.created'] });
    expect(http.statusCode).toBe(400);
    expect(http.json().error.message).toContain('https://');
    const loopback = await s.post('/api/v1/event-webhooks', { name: 'b', url: 'https://127.0.0.1:9/hook', events: ['incident.created'] });
    expect(loopback.statusCode).toBe(400);
    expect(loopback.json().error.message).toMatch(/private|loopback/i);
    expect((await s.get('/api/v1/event-webhooks')).json().items).toEqual([]);
  });
});

describe('deliveries', () => {
  it('ingest enqueues one delivery and job per incident only for a subscribed webhook; the receiver gets them signed', async () => {
    const w = await receiverWebhook(['incident.created']);
    const actor = systemPrincipal(t.orgId, fullPermissions());
    const result = await t.ctx.incidents.ingestBatch(actor, [incident(), incident(), incident()]);
    const ids = result.results.map((r) => r.id);
    const log = await deliveries(w.id);
    expect(log.total).toBe(3);
    expect(log.items.every((d: { status: string; eventType: string }) => d.status === 'pending' && d.eventType === 'incident.created')).toBe(true);

    await runJobs(t);
    const received = sb.state.events.received;
    expect(received).toHaveLength(3);
    for (const r of received) {
      expect(r.valid, r.problem ?? '').toBe(true);
      expect(r.event).toBe('incident.created');
      const body = JSON.parse(r.body);
      expect(Object.keys(body).sort()).toEqual(['data', 'id', 'occurredAt', 'orgId', 'type']);
      expect(body).toMatchObject({ type: 'incident.created', orgId: t.orgId });
      expect(ids).toContain(body.data.incident.id);
      expect(body.data.incident.url).toBe(`http://localhost:8080/incidents/${body.data.incident.id}`);
      // The documented check, as the product ships it, agrees with the receiver.
      expect(verifyEventSignature(r.signature, r.body, w.secret)).toEqual({ valid: true });
      expect(verifyEventSignature(r.signature, r.body.replace('incident.created', 'incident.resolved'), w.secret).valid).toBe(false);
    }
    const after = await deliveries(w.id);
    expect(after.items.map((d: { status: string }) => d.status)).toEqual(['delivered', 'delivered', 'delivered']);
    expect(after.items[0]).toMatchObject({ attempts: 1, responseCode: 200, lastError: null });
    expect(new Set(received.map((r) => r.deliveryId))).toEqual(new Set(after.items.map((d: { deliveryId: string }) => d.deliveryId)));

    // No webhook follows new incidents now: ingest writes no delivery and no job.
    await admin.patch(`/api/v1/event-webhooks/${w.id}`, { events: ['ticket.created'] });
    const jobs = await jobCount();
    await t.ctx.incidents.ingestBatch(actor, [incident(), incident()]);
    expect(await jobCount()).toBe(jobs);
    expect((await deliveries(w.id)).total).toBe(3);
  });

  it('a disabled webhook is not sent events', async () => {
    const w = await receiverWebhook(['incident.created']);
    await admin.patch(`/api/v1/event-webhooks/${w.id}`, { enabled: false });
    await newIncident(t);
    expect((await deliveries(w.id)).total).toBe(0);
  });

  it('closing an incident sends incident.resolved; "Send test event" sends webhook.test', async () => {
    const w = await receiverWebhook(['incident.resolved']);
    const inc = await newIncident(t);
    const closed = await admin.post(`/api/v1/incidents/${inc.id}/close`, { notes: 'done' });
    expect(closed.statusCode, closed.body).toBe(200);
    const test = await admin.post(`/api/v1/event-webhooks/${w.id}/test`);
    expect(test.statusCode).toBe(202);
    expect(test.json()).toMatchObject({ eventType: 'webhook.test', status: 'pending' });
    await runJobs(t);
    const byEvent = Object.fromEntries(sb.state.events.received.map((r) => [r.event, r]));
    expect(byEvent['incident.resolved']?.valid).toBe(true);
    expect(JSON.parse(byEvent['incident.resolved']!.body).data).toMatchObject({ incident: { id: inc.id } });
    expect(byEvent['webhook.test']?.valid).toBe(true);
  });

  it('retries a 503 with backoff through the job queue, then succeeds', async () => {
    const w = await receiverWebhook(['incident.created']);
    sb.state.events.failNext = 2;
    await newIncident(t);
    await createWorker(t.ctx).drain();
    let [d] = (await deliveries(w.id)).items;
    expect(d).toMatchObject({ status: 'retrying', attempts: 1, responseCode: 503 });
    expect(d.lastError).toContain('503');
    await runJobs(t, 2);
    [d] = (await deliveries(w.id)).items;
    expect(d).toMatchObject({ status: 'delivered', attempts: 3, responseCode: 200, lastError: null });
    expect(sb.state.events.received.map((r) => r.answered)).toEqual([200, 503, 503]);
  });

  it('a delivery that keeps failing is failed for good, alerts, and goes out again with Retry', async () => {
    const w = await receiverWebhook(['incident.created']);
    sb.state.events.failNext = 1000;
    await newIncident(t);
    await runJobs(t, MAX_DELIVERY_ATTEMPTS + 1);
    let [d] = (await deliveries(w.id)).items;
    expect(d).toMatchObject({ status: 'failed', attempts: MAX_DELIVERY_ATTEMPTS, responseCode: 503 });
    expect(sb.state.events.received).toHaveLength(MAX_DELIVERY_ATTEMPTS);
    expect((await admin.get(`/api/v1/event-webhooks/${w.id}`)).json()).toMatchObject({ health: 'failing', consecutiveFailures: 1 });
    const alerts = (await admin.get('/api/v1/alerts')).json().items as { summary: string; detail: string }[];
    const alert = alerts.find((a) => a.summary.includes('is failing'));
    expect(alert?.detail).toContain('503');

    sb.state.events.failNext = 0;
    const retried = await admin.post(`/api/v1/event-webhooks/${w.id}/deliveries/${d.id}/retry`);
    expect(retried.statusCode).toBe(202);
    expect(retried.json()).toMatchObject({ status: 'pending' });
    const twice = await admin.post(`/api/v1/event-webhooks/${w.id}/deliveries/${d.id}/retry`);
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.message).toContain('Only a failed delivery');
    await runJobs(t);
    [d] = (await deliveries(w.id)).items;
    expect(d).toMatchObject({ status: 'delivered', attempts: MAX_DELIVERY_ATTEMPTS + 1, responseCode: 200 });
    expect((await admin.get(`/api/v1/event-webhooks/${w.id}`)).json()).toMatchObject({ health: 'healthy', consecutiveFailures: 0 });
    const open = (await admin.get('/api/v1/alerts')).json().items as { summary: string }[];
    expect(open.some((a) => a.summary.includes('is failing'))).toBe(false);
  });

  it('the receiver shows a forged delivery as forged', async () => {
    const w = await receiverWebhook(['incident.created']);
    const body = JSON.stringify({ id: 'x', type: 'incident.created', occurredAt: new Date().toISOString(), orgId: t.orgId, data: {} });
    const now = Math.floor(Date.now() / 1000);
    for (const signature of [signEventBody('whsec_not-the-secret', body, now), signEventBody(w.secret, body, now - 3600), `t=${now},v1=${'0'.repeat(64)}`]) {
      const res = await fetch(receiverUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-wfa-signature': signature, 'x-wfa-event': 'incident.created' },
        body,
      });
      expect(res.status).toBe(401);
    }
    const ok = await fetch(receiverUrl, { method: 'POST', headers: { 'x-wfa-signature': signEventBody(w.secret, body, now) }, body });
    expect(ok.status).toBe(200);
    expect(sb.state.events.received.map((r) => r.valid)).toEqual([true, false, false, false]);
    const page = await fetch(receiverUrl).then((r) => r.text());
    expect(page).toContain('forged');
    expect(page).toContain('valid');
  });

  it('ticket created, ticket status changed and the resolution it causes reach a webhook that follows them', async () => {
    const w = await receiverWebhook(['ticket.created', 'ticket.status_changed', 'incident.resolved']);
    const world = await setUp(t, sb, admin);
    const inc = await newIncident(t);
    const res = await admin.post(`/api/v1/incidents/${inc.id}/tickets`, { integrationId: world.sn.id, integrationUserId: world.snUser.id });
    expect(res.statusCode).toBe(202);
    await runJobs(t);
    await runJobs(t);
    const created = sb.state.events.received.find((r) => r.event === 'ticket.created');
    expect(created?.valid).toBe(true);
    expect(JSON.parse(created!.body).data).toMatchObject({
      incident: { id: inc.id },
      ticket: { id: res.json().id, integrationId: world.sn.id, system: 'servicenow' },
    });
    expect((await deliveries(w.id)).items[0]).toMatchObject({ eventType: 'ticket.created', status: 'delivered' });

    // The ticket closes in ServiceNow; the status poll moves it and resolves the incident.
    const sync = await admin.patch(`/api/v1/integrations/${world.sn.id}`, { settings: { syncTicketStatus: true, closeIncidentOnTicketClosed: true } });
    expect(sync.statusCode, sync.body).toBe(200);
    sb.state.setTicketStatus(JSON.parse(created!.body).data.ticket.key, 'Resolved');
    expect((await admin.post(`/api/v1/integrations/${world.sn.id}/ticket-sync/poll`)).statusCode).toBe(200);
    await runJobs(t);
    const moved = sb.state.events.received.find((r) => r.event === 'ticket.status_changed');
    expect(moved?.valid).toBe(true);
    expect(JSON.parse(moved!.body).data).toMatchObject({ incident: { id: inc.id }, ticket: { id: res.json().id, status: 'Resolved' } });
    const resolved = sb.state.events.received.find((r) => r.event === 'incident.resolved');
    expect(JSON.parse(resolved!.body).data).toMatchObject({ incident: { id: inc.id }, changedBy: 'System' });
  });

  it('counts deliveries on /metrics', async () => {
    const scrape = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer metrics-token-0123456789abcdef' } });
    expect(scrape.body).toMatch(/wfa_event_webhook_deliveries_total\{event="incident.created",outcome="delivered"\} [1-9]/);
    expect(scrape.body).toMatch(/wfa_event_webhook_deliveries_total\{event="incident.created",outcome="retry_scheduled"\} [1-9]/);
    expect(scrape.body).toMatch(/wfa_event_webhook_deliveries_total\{event="incident.created",outcome="failed"\} [1-9]/);
  });
});

describe('verifyEventSignature (the documented receiver check)', () => {
  const secret = 'whsec_test-secret';
  const body = '{"id":"e1","type":"incident.created"}';
  const now = 1_800_000_000;
  it('accepts the right signature and refuses altered, forged, stale and malformed ones', () => {
    const header = signEventBody(secret, body, now);
    expect(header).toMatch(/^t=1800000000,v1=[0-9a-f]{64}$/);
    expect(verifyEventSignature(header, body, secret, now + 10)).toEqual({ valid: true });
    expect(verifyEventSignature(`${header},v1=${'f'.repeat(64)}`, body, secret, now)).toEqual({ valid: true });
    expect(verifyEventSignature(header, body + ' ', secret, now).valid).toBe(false);
    expect(verifyEventSignature(header, body, 'whsec_other', now).valid).toBe(false);
    expect(verifyEventSignature(header, body, secret, now + 301)).toEqual({ valid: false, reason: expect.stringContaining('five minutes') });
    expect(verifyEventSignature(signEventBody(secret, body, now + 400), body, secret, now).valid).toBe(false);
    expect(verifyEventSignature(header.replace(/^t=\d+/, `t=${now + 1}`), body, secret, now).valid).toBe(false);
    for (const bad of [undefined, '', 'v1=abc', `t=${now}`, `t=abc,v1=${'0'.repeat(64)}`])
      expect(verifyEventSignature(bad, body, secret, now).valid).toBe(false);
  });
});

describe('demo', () => {
  it('adds one webhook to the sandbox receiver, hands it the secret on every run, and the receiver sees valid deliveries', async () => {
    const { eventWebhooksModule } = await import('../../../src/modules/event-webhooks/module.js');
    for (const w of (await admin.get('/api/v1/event-webhooks')).json().items) await admin.delete(`/api/v1/event-webhooks/${w.id}`);
    const actor = systemPrincipal(t.orgId, fullPermissions());
    const demoSandbox = { servicenowUrl: sb.servicenowUrl, jiraUrl: sb.jiraUrl, close: async () => {} };
    await eventWebhooksModule.demo!(t.ctx.eventWebhooks, actor, demoSandbox);
    const lines = await eventWebhooksModule.demo!(t.ctx.eventWebhooks, actor, demoSandbox);
    expect(lines.join('\n')).toContain(`${sb.servicenowUrl}/__sandbox/events`);
    const items = (await admin.get('/api/v1/event-webhooks')).json().items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      name: 'Sandbox event receiver',
      events: ['incident.created', 'ticket.created', 'ticket.status_changed', 'incident.resolved'],
    });
    await newIncident(t);
    await runJobs(t);
    expect(sb.state.events.received.map((r) => [r.event, r.valid])).toEqual([['incident.created', true]]);
  });
});
