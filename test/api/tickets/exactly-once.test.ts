import { afterEach, expect, it } from 'vitest';
import { createWorker } from '../../../src/background.js';
import { IN_FLIGHT_MS } from '../../../src/modules/tickets/create-job.js';
import { adfToText } from '../../../src/connectors/jira-cloud/adf.js';
import type { TestApp } from '../../helpers/test-app.js';
import { makeJobsDue, newIncident, runJobs, sandboxTickets, snNotes, withTicketing, type Sandbox, type World } from './helpers.js';

let t: TestApp;
let sb: Sandbox;
let w: World;
withTicketing((a) => ({ t, sb, w } = a), { WFA_TICKET_MARKER_WINDOW_MS: '120000' });
afterEach(() => sb.state.clearFaults());

const ticketRow = (id: number) => t.ctx.db.selectFrom('tickets').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const jobOf = (id: number) =>
  t.ctx.db.selectFrom('jobs').selectAll().where('dedupe_key', 'like', `tickets.create:${id}:%`).orderBy('id', 'desc').executeTakeFirstOrThrow();

async function submitJira(notes = 'Look at this.') {
  const inc = await newIncident(t);
  const res = await w.admin.post(`/api/v1/incidents/${inc.id}/tickets`, {
    integrationId: w.jira.id,
    projectId: w.sec.id,
    issueTypeId: '10001',
    integrationUserId: w.jiraUser.id,
    notes,
  });
  expect(res.statusCode).toBe(202);
  return res.json() as { id: number };
}

async function submitSn(notes = 'Look at this.') {
  const inc = await newIncident(t);
  const res = await w.admin.post(`/api/v1/incidents/${inc.id}/tickets`, { integrationId: w.sn.id, integrationUserId: w.snUser.id, notes });
  expect(res.statusCode).toBe(202);
  return res.json() as { id: number };
}

it('Jira: a create whose answer was lost is not followed by a blind create while search lags; once the index shows it, it is stored — one issue, one comment', async () => {
  sb.state.setFaults('jira', { loseCreateAnswers: 1, loseCreateAnswerAs: 'error', searchLagMs: 3_600_000 });
  const ticket = await submitJira();
  await runJobs(t, 4);
  // The issue exists in Jira, the answer was lost, and the search cannot see it yet.
  expect(sandboxTickets(sb, ticket.id).jira).toHaveLength(1);
  const pending = await ticketRow(ticket.id);
  expect(pending).toMatchObject({ state: 'creating', external_id: null, attempts: 1 });
  expect(pending.create_sent_at).not.toBeNull();
  expect((await jobOf(ticket.id)).last_error).toMatch(/searching for wfa-\d+ until/);

  sb.state.setFaults('jira', { searchLagMs: 0 });
  await runJobs(t);
  const issues = sandboxTickets(sb, ticket.id).jira;
  expect(issues).toHaveLength(1);
  expect(issues[0].comments.map((c) => adfToText(c.body))).toEqual([expect.stringContaining('Look at this.')]);
  expect(await ticketRow(ticket.id)).toMatchObject({ state: 'open', external_id: issues[0].id, external_key: issues[0].key, comment_posted: 1 });
});

it('ServiceNow: a create processed and then answered by a dropped connection is found by its correlation id — one incident, one work note', async () => {
  sb.state.setFaults('servicenow', { loseCreateAnswers: 1, loseCreateAnswerAs: 'drop' });
  const ticket = await submitSn();
  await runJobs(t, 2);
  const found = sandboxTickets(sb, ticket.id).servicenow;
  expect(found).toHaveLength(1);
  expect(snNotes(sb, found[0].sys_id)).toHaveLength(1);
  expect(await ticketRow(ticket.id)).toMatchObject({ state: 'open', external_id: found[0].sys_id, comment_posted: 1 });
});

it('a create recorded as maybe-sent is searched for until the window has passed, then sent once', async () => {
  const ticket = await submitJira();
  // As if a process claimed the send and was killed before the request left.
  const sentAt = new Date().toISOString();
  await t.ctx.db.updateTable('tickets').set({ create_sent_at: sentAt }).where('id', '=', ticket.id).execute();
  await runJobs(t, 2);
  expect(sandboxTickets(sb, ticket.id).jira).toHaveLength(0);
  expect((await ticketRow(ticket.id)).state).toBe('creating');
  await t.ctx.db
    .updateTable('tickets')
    .set({ create_sent_at: new Date(Date.now() - 121_000).toISOString() })
    .where('id', '=', ticket.id)
    .execute();
  await runJobs(t);
  expect(sandboxTickets(sb, ticket.id).jira).toHaveLength(1);
  expect((await ticketRow(ticket.id)).state).toBe('open');
});

it('a notes comment already on the ticket (posted before a crash) is not posted again', async () => {
  const ticket = await submitSn('Only once, please.');
  sb.state.setFaults('servicenow', { loseCreateAnswers: 0 });
  await runJobs(t);
  const [inc] = sandboxTickets(sb, ticket.id).servicenow;
  // As if the comment was posted and the process died before recording it.
  await t.ctx.db.updateTable('tickets').set({ comment_posted: 0 }).where('id', '=', ticket.id).execute();
  const row = await ticketRow(ticket.id);
  await t.ctx.tickets.runCreateJob({
    id: 0,
    orgId: t.orgId,
    kind: 'tickets.create',
    payload: { ticketId: ticket.id, run: row.runs },
    attempts: 1,
    maxAttempts: 10,
    runAt: '',
    lastError: null,
    interruptions: 0,
  });
  expect(snNotes(sb, inc.sys_id)).toHaveLength(1);
  expect((await ticketRow(ticket.id)).comment_posted).toBe(1);
});

it('429s with Retry-After are waited out: within the connector, then by the job at the time asked; still one ticket', async () => {
  sb.state.setFaults('servicenow', { rateLimitBurst: 2, retryAfterSeconds: 1 });
  const quick = await submitSn();
  await runJobs(t);
  expect(sandboxTickets(sb, quick.id).servicenow).toHaveLength(1);
  expect((await ticketRow(quick.id)).state).toBe('open');

  sb.state.setFaults('servicenow', { rateLimitBurst: 50, retryAfterSeconds: 600 });
  const slow = await submitSn();
  await createWorkerDrain();
  const row = await ticketRow(slow.id);
  // A 429 proves nothing was created: no search window is needed before the next try.
  expect(row).toMatchObject({ state: 'creating', create_sent_at: null });
  const job = await jobOf(slow.id);
  expect(job.status).toBe('queued');
  expect(Date.parse(job.run_at)).toBeGreaterThan(Date.now() + 500_000);
  sb.state.clearFaults();
  await makeJobsDue(t);
  await createWorkerDrain();
  expect(sandboxTickets(sb, slow.id).servicenow).toHaveLength(1);
  expect((await ticketRow(slow.id)).state).toBe('open');
});

it('transient failures retry until the deadline, then the ticket fails with the reason and can be retried', async () => {
  sb.state.setFaults('servicenow', { errorBurst: 1000 });
  const ticket = await submitSn();
  await createWorkerDrain();
  expect((await ticketRow(ticket.id)).state).toBe('creating');
  // The deadline counts from the request.
  await t.ctx.db
    .updateTable('tickets')
    .set({ requested_at: new Date(Date.now() - 7 * 3_600_000).toISOString() })
    .where('id', '=', ticket.id)
    .execute();
  await makeJobsDue(t);
  await createWorkerDrain();
  const failed = (await w.admin.get(`/api/v1/tickets/${ticket.id}`)).json();
  expect(failed.state).toBe('failed');
  expect(failed.failureReason).toMatch(/^Gave up after retrying until the deadline: ServiceNow is unavailable/);
  sb.state.clearFaults();
  expect((await w.admin.post(`/api/v1/tickets/${ticket.id}/retry`)).statusCode).toBe(200);
  // Its creates were answered 503, which does not prove they were not processed: the retried run
  // searches for them and holds back while one may still be in flight …
  await runJobs(t, 2);
  expect(sandboxTickets(sb, ticket.id).servicenow).toHaveLength(0);
  expect((await jobOf(ticket.id)).last_error).toMatch(/searching for wfa-\d+ until/);
  // … and sends once the window has passed.
  await windowPassed(ticket.id);
  await runJobs(t, 2);
  expect(sandboxTickets(sb, ticket.id).servicenow).toHaveLength(1);
  expect((await ticketRow(ticket.id)).state).toBe('open');
});

it('two workers racing on one ticket send one create', async () => {
  const ticket = await submitSn();
  const job = {
    id: 0,
    orgId: t.orgId,
    kind: 'tickets.create',
    payload: { ticketId: ticket.id, run: 1 },
    attempts: 1,
    maxAttempts: 10,
    runAt: '',
    lastError: null,
    interruptions: 0,
  };
  const results = await Promise.allSettled([t.ctx.tickets.runCreateJob(job), t.ctx.tickets.runCreateJob(job), t.ctx.tickets.runCreateJob(job)]);
  expect(results.some((r) => r.status === 'fulfilled')).toBe(true);
  await runJobs(t, 2);
  await makeJobsDue(t);
  expect(sandboxTickets(sb, ticket.id).servicenow).toHaveLength(1);
});

/** As if the marker window of the ticket's last maybe-sent create had passed. */
async function windowPassed(ticketId: number): Promise<void> {
  await t.ctx.db
    .updateTable('tickets')
    .set({ create_sent_at: new Date(Date.now() - IN_FLIGHT_MS - 1_000).toISOString() })
    .where('id', '=', ticketId)
    .where('create_sent_at', 'is not', null)
    .execute();
}

async function createWorkerDrain(): Promise<void> {
  await createWorker(t.ctx).drain();
}

it('a creation stuck without progress can be retried; the superseded job then does nothing', async () => {
  sb.state.setFaults('servicenow', { errorBurst: 1000 });
  const ticket = await submitSn();
  await createWorkerDrain();
  expect((await w.admin.post(`/api/v1/tickets/${ticket.id}/retry`)).statusCode).toBe(409);
  await t.ctx.db
    .updateTable('tickets')
    .set({ updated_at: new Date(Date.now() - 16 * 60_000).toISOString() })
    .where('id', '=', ticket.id)
    .execute();
  sb.state.clearFaults();
  const retried = await w.admin.post(`/api/v1/tickets/${ticket.id}/retry`);
  expect(retried.statusCode).toBe(200);
  expect((await ticketRow(ticket.id)).runs).toBe(2);
  // The first run's job is still queued; it sees it was superseded and stops.
  const job = {
    id: 0,
    orgId: t.orgId,
    kind: 'tickets.create',
    payload: { ticketId: ticket.id, run: 1 },
    attempts: 1,
    maxAttempts: 10,
    runAt: '',
    lastError: null,
    interruptions: 0,
  };
  await t.ctx.tickets.runCreateJob(job);
  expect(sandboxTickets(sb, ticket.id).servicenow).toHaveLength(0);
  // The failed creates (503) may have landed: the new run sends only after the search window.
  await windowPassed(ticket.id);
  await makeJobsDue(t);
  await createWorkerDrain();
  expect(sandboxTickets(sb, ticket.id).servicenow).toHaveLength(1);
  expect((await ticketRow(ticket.id)).state).toBe('open');
});

it('a create never sent is not searched for, and a ticket just created has no comments to look through: one create call, one comment call', async () => {
  sb.state.log = [];
  const ticket = await submitJira('Just these two calls.');
  await runJobs(t);
  const calls = sb.state.requests().map((r) => `${r.method} ${r.path}`);
  // (Jira's create answers only the id and key; the connector reads the new issue for its status.)
  expect(calls).toEqual([
    'POST /rest/api/3/issue',
    expect.stringMatching(/^GET \/rest\/api\/3\/issue\/\d+$/),
    expect.stringMatching(/^POST \/rest\/api\/3\/issue\/\d+\/comment$/),
  ]);
  const issues = sandboxTickets(sb, ticket.id).jira;
  expect(issues).toHaveLength(1);
  expect(issues[0].comments.map((c) => adfToText(c.body))).toEqual([expect.stringContaining('Just these two calls.')]);
  expect(await ticketRow(ticket.id)).toMatchObject({ state: 'open', attempts: 1, comment_posted: 1 });
});

it('a claim whose request could not be built is given back: the ticket fails without looking like a create that may have been sent', async () => {
  const ticket = await submitSn();
  await t.ctx.db.updateTable('integrations').set({ enabled: 0 }).where('id', '=', w.sn.id).execute();
  try {
    await runJobs(t);
  } finally {
    await t.ctx.db.updateTable('integrations').set({ enabled: 1 }).where('id', '=', w.sn.id).execute();
  }
  expect(sandboxTickets(sb, ticket.id).servicenow).toHaveLength(0);
  expect(await ticketRow(ticket.id)).toMatchObject({ state: 'failed', create_sent_at: null, attempts: 0 });
  expect((await ticketRow(ticket.id)).failure_reason).toMatch(/disabled/);
});

it('notes that went out while the new ticket was being stored are not posted again when that store failed: one incident, one work note', async () => {
  const ticket = await submitSn('Once, even then.');
  const hooks = t.ctx.tickets.dependencies.incidents.ticketHooks;
  const recordEvent = hooks.recordEvent;
  // The transaction storing the ticket dies after its compare-and-set (as a dropped connection would).
  hooks.recordEvent = async () => {
    throw new Error('Connection terminated unexpectedly');
  };
  try {
    await runJobs(t);
  } finally {
    hooks.recordEvent = recordEvent;
  }
  const [inc] = sandboxTickets(sb, ticket.id).servicenow;
  expect(snNotes(sb, inc.sys_id)).toHaveLength(1);
  const pending = await ticketRow(ticket.id);
  expect(pending).toMatchObject({ state: 'creating', external_id: null, comment_posted: 0 });
  expect(pending.create_sent_at).not.toBeNull();

  await runJobs(t, 2);
  expect(sandboxTickets(sb, ticket.id).servicenow).toHaveLength(1);
  expect(snNotes(sb, inc.sys_id)).toHaveLength(1);
  expect(await ticketRow(ticket.id)).toMatchObject({ state: 'open', external_id: inc.sys_id, comment_posted: 1 });
});
