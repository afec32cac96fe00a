import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/app.js';
import { createContext } from '../../../src/app-context.js';
import { createWorker } from '../../../src/background.js';
import { openDatabase } from '../../../src/platform/db/database.js';
import type { MessagingSandbox } from '../../../src/sandbox/index.js';
import { silentLog, type Session, type TestApp } from '../../helpers/test-app.js';
import { apiKey, incident } from '../incidents/helpers.js';
import { deliverAll, notificationsWorld } from '../notifications/helpers.js';
import { tokenIn } from '../remediation/helpers.js';

/**
 * The four templates that wait for an answer, end to end through the real remediation module, the
 * real Account Settings (User Attributes imported from CSV) and the sandbox's SMTP mailbox: the
 * answer arrives → its branch; no answer in time → the other branch; a restart while waiting; an
 * answer reported twice runs the next step once.
 */
let t: TestApp;
let sb: MessagingSandbox;
let close: () => Promise<void>;
let s: Session;
let key: Awaited<ReturnType<typeof apiKey>>;
let dept = 0;

beforeAll(async () => {
  ({ t, sb, close } = await notificationsWorld());
  s = await t.login(t.admin.email);
  key = await apiKey(t);
  const imported = await s.post('/api/v1/user-attributes/imports', {
    csv: 'email,name,manager email,department,employee id\nwes@corp.example,Wes,wes.boss@corp.example,Finance,E7\n',
    fileName: 'people.csv',
  });
  expect(imported.statusCode, imported.body).toBe(202);
  await createWorker(t.ctx).drain();
});
afterAll(() => close());
beforeEach(() => sb.state.reset());

type Step = { kind: string; label: string; status: string; detail: string | null; branch: string | null; waitingUntil: string | null; attempts: number };
type Execution = { id: number; status: string; steps: Step[] };

/** A workflow from the template, mapped to its own department; returns that department. */
async function workflow(template: string, settings: unknown): Promise<{ id: number; department: string; steps: unknown[] }> {
  const department = `Wait Dept ${++dept}`;
  const created = await s.post('/api/v1/workflows', { template, name: `${template} ${dept}`, settings });
  expect(created.statusCode, created.body).toBe(201);
  const mapped = await s.post('/api/v1/workflow-mappings', {
    workflowId: created.json().id,
    sourceDlpType: 'Any',
    condition: { type: 'predicate', property: 'department', operation: 'EQUALS', value: department },
  });
  expect(mapped.statusCode, mapped.body).toBe(201);
  return { id: created.json().id, department, steps: created.json().steps };
}

async function ingest(department: string, email = 'wes@corp.example'): Promise<number> {
  const res = await key.post('/api/v1/incidents', incident({ user: { name: 'Wes', email, department } }));
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as number;
}

/** Runs due jobs (workflow steps and deliveries) until none is due; a timer set for later stays where it is. */
async function settle(ctx = t.ctx, tApp = t) {
  for (let i = 0; i < 10; i++) {
    await createWorker(ctx).drain();
    await deliverAll(tApp);
  }
}

async function execution(incidentId: number, session = s): Promise<Execution> {
  const res = await session.get(`/api/v1/incidents/${incidentId}/workflow-executions`);
  expect(res.statusCode, res.body).toBe(200);
  const items = res.json().items as Execution[];
  expect(items).toHaveLength(1);
  return items[0]!;
}

const mailsTo = (addr: string) => sb.state.mails.filter((m) => m.envelopeTo.includes(addr));

async function answer(to: string, payload: unknown, app = t.app) {
  const mails = mailsTo(to);
  expect(mails.length).toBeGreaterThan(0);
  const token = tokenIn(mails[mails.length - 1]!.text);
  return app.inject({ method: 'POST', url: `/api/v1/public/surveys/${token}/answer`, payload: payload as object });
}

/** The wait's time is up: its first attempt moved back past the timeout, and its timer made due. */
async function timeIsUp(executionId: number, hours: number) {
  const past = new Date(Date.now() - hours * 3_600_000 - 60_000).toISOString();
  await t.ctx.db
    .updateTable('workflow_step_outcomes')
    .set({ started_at: past })
    .where('execution_id', '=', executionId)
    .where('status', '=', 'waiting')
    .execute();
  await sql`update jobs set run_at = ${new Date(0).toISOString()} where kind = 'workflows.step' and status = 'queued'`.execute(t.ctx.db);
}

async function closeEvents(incidentId: number): Promise<number> {
  const r = await t.ctx.db
    .selectFrom('incident_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('incident_id', '=', incidentId)
    .where('action', '=', 'close')
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

describe('Wait for Response and the templates that act on the answer', () => {
  it('all four templates are available, each with its step sequence', async () => {
    const items = (await s.get('/api/v1/workflow-templates')).json().items as { key: string; available: boolean; steps: string[] }[];
    const of = (k: string) => items.find((x) => x.key === k)!;
    expect(of('auto_notify_user_and_close')).toMatchObject({ available: true, steps: ['notify_user', 'wait_for_response', 'close_incident'] });
    expect(of('auto_notify_user_and_escalate')).toMatchObject({ available: true, steps: ['notify_user', 'wait_for_response', 'escalate'] });
    expect(of('auto_notify_user_and_escalate_to_manager')).toMatchObject({ available: true, steps: ['notify_user', 'wait_for_response', 'escalate'] });
    expect(of('auto_notify_user_and_concurrently_escalate')).toMatchObject({
      available: true,
      steps: ['notify_user', 'escalate', 'wait_for_response', 'close_incident'],
    });
  });

  it('refuses settings that cannot apply, naming the field, and changes nothing', async () => {
    const before = (await s.get('/api/v1/workflows')).json().items.length;
    const cases: [string, unknown, RegExp][] = [
      [
        'auto_notify_user_and_close',
        { close: { falsePositive: true, when: ['Approved'] } },
        /settings\.close\.when: Approved is not an answer to the justification survey/,
      ],
      ['auto_notify_user_and_escalate', {}, /settings\.escalate: .*needs an Escalation Configuration/],
      ['auto_notify_user_and_escalate_to_manager', { escalate: { userType: 'email', email: 'x@corp.example' } }, /settings\.escalate\.userType/],
      ['auto_notify_user_and_concurrently_escalate', { escalate: { userType: 'manager', when: ['Others'] } }, /settings\.escalate\.when/],
      ['auto_close', { wait: { timeoutHours: 2 } }, /settings\.wait/],
      ['auto_escalate', { escalate: { userType: 'manager', when: ['Others'] } }, /settings\.escalate\.when/],
      ['auto_notify_user_and_close', { wait: { timeoutHours: 0 } }, /at least 1 hour/],
    ];
    for (const [template, settings, message] of cases) {
      const res = await s.post('/api/v1/workflows', { template, name: `Refused ${template}`, settings });
      expect(res.statusCode, `${template} ${res.body}`).toBe(400);
      expect(res.json().error.message).toMatch(message);
    }
    expect((await s.get('/api/v1/workflows')).json().items).toHaveLength(before);
  });

  it('Auto Notify User and Close Incident: answered False Positive → closed; the answer reported twice closes once', async () => {
    const wf = await workflow('auto_notify_user_and_close', {
      notify: { note: 'Was this expected?' },
      close: { notes: 'User says false positive', falsePositive: true },
    });
    expect(wf.steps).toEqual([
      { kind: 'notify_user', note: 'Was this expected?' },
      { kind: 'wait_for_response', purpose: 'justification' },
      { kind: 'close_incident', notes: 'User says false positive', falsePositive: true, resolutionValue: null, when: ['False Positive'] },
    ]);
    const id = await ingest(wf.department);
    // The Test panel says what it would do, creating nothing.
    const tested = await s.post('/api/v1/workflow-mappings/test', { incidentId: id });
    expect(tested.statusCode, tested.body).toBe(200);
    expect(tested.json().match.wouldDo).toEqual([
      "Send the justification survey to the incident's user",
      "Wait for the user's justification, until the survey link expires (Account Settings)",
      'Close the incident as a false positive with notes "User says false positive", when the answer is False Positive',
    ]);
    await settle();
    let e = await execution(id);
    expect(e.status).toBe('running');
    const link = (await s.get(`/api/v1/incidents/${id}/remediation`)).json().requests[0];
    // No timeout set: it waits until the link expires (Account Settings' end-user expiry).
    expect(e.steps[1]).toMatchObject({
      status: 'waiting',
      waitingUntil: link.expiresAt,
      detail: "Waiting for wes@corp.example's answer to the justification survey",
    });
    expect(e.steps[2]!.status).toBe('pending');

    const res = await answer('wes@corp.example', { justificationType: 'False Positive', reason: 'Test data' });
    expect(res.statusCode, res.body).toBe(200);
    // The same answer reported again (a duplicate event), before and after the step runs.
    await t.ctx.db.transaction().execute((trx) => t.ctx.workflows.remediationHooks.responded(trx, t.orgId, id, link.id));
    await settle();
    await t.ctx.db.transaction().execute((trx) => t.ctx.workflows.remediationHooks.responded(trx, t.orgId, id, link.id));
    await settle();
    e = await execution(id);
    expect(e.status).toBe('completed');
    expect(e.steps[1]).toMatchObject({ status: 'done', branch: 'False Positive', waitingUntil: null });
    expect(e.steps[1]!.detail).toMatch(/^wes@corp\.example answered False Positive \(Test data\)/);
    expect(e.steps[2]).toMatchObject({ status: 'done', attempts: 1, detail: 'Incident closed as a false positive' });
    expect((await s.get(`/api/v1/incidents/${id}`)).json().status).toBe('Resolved');
    expect(await closeEvents(id)).toBe(1);
    // A second answer through the link is refused by the survey itself.
    expect((await answer('wes@corp.example', { justificationType: 'Others', reason: 'again' })).statusCode).toBe(409);
  });

  it('Auto Notify User and Close Incident: an answer the settings do not close on → the close is skipped', async () => {
    const wf = await workflow('auto_notify_user_and_close', { close: { falsePositive: false, when: ['False Positive'] } });
    const id = await ingest(wf.department);
    await settle();
    expect((await answer('wes@corp.example', { justificationType: 'Others', reason: 'Needed for work' })).statusCode).toBe(200);
    await settle();
    const e = await execution(id);
    expect(e.status).toBe('completed');
    expect(e.steps[1]).toMatchObject({ branch: 'Others' });
    expect(e.steps[2]).toMatchObject({ status: 'skipped', detail: 'Skipped: the answer was Others; this step runs on False Positive' });
    expect((await s.get(`/api/v1/incidents/${id}`)).json().status).toBe('Received Justification Response');
  });

  it('Auto Notify User and Escalate: no response in time → escalated to the approver, whose mail arrives', async () => {
    const added = await s.post('/api/v1/approvers', { approvers: [{ name: 'Ava Approver', email: 'ava@corp.example' }] });
    expect(added.statusCode, added.body).toBe(201);
    const approverId = added.json().items.find((a: { email: string }) => a.email === 'ava@corp.example').id as number;
    const wf = await workflow('auto_notify_user_and_escalate', { wait: { timeoutHours: 4 }, escalate: { userType: 'approver', approverId } });
    expect(wf.steps[1]).toEqual({ kind: 'wait_for_response', purpose: 'justification', timeoutSeconds: 14_400 });
    const id = await ingest(wf.department);
    await settle();
    let e = await execution(id);
    expect(e.steps[1]!.status).toBe('waiting');
    const started = (
      await t.ctx.db
        .selectFrom('workflow_step_outcomes')
        .select('started_at')
        .where('execution_id', '=', e.id)
        .where('step_index', '=', 1)
        .executeTakeFirstOrThrow()
    ).started_at;
    expect(Date.parse(e.steps[1]!.waitingUntil!) - Date.parse(started)).toBe(4 * 3_600_000);
    expect(mailsTo('ava@corp.example')).toHaveLength(0);

    await timeIsUp(e.id, 4);
    await settle();
    e = await execution(id);
    expect(e.status).toBe('completed');
    expect(e.steps[1]).toMatchObject({ status: 'done', branch: 'No Response' });
    expect(e.steps[2]).toMatchObject({ status: 'done', detail: 'Escalation survey sent to ava@corp.example' });
    expect(mailsTo('ava@corp.example')).toHaveLength(1);
    expect((await s.get(`/api/v1/incidents/${id}`)).json().status).toBe('Escalated');
    // The user can no longer change the outcome: an answer now is recorded but runs nothing more.
    expect((await answer('wes@corp.example', { justificationType: 'False Positive' })).statusCode).toBe(200);
    await settle();
    expect((await execution(id)).steps[2]!.attempts).toBe(1);
  });

  it('Auto Notify User and Escalate: an acceptable answer → no escalation; a timeout past the link never outlasts it', async () => {
    const wf = await workflow('auto_notify_user_and_escalate', { wait: { timeoutHours: 720 }, escalate: { userType: 'email', email: 'desk@corp.example' } });
    const id = await ingest(wf.department);
    await settle();
    const link = (await s.get(`/api/v1/incidents/${id}/remediation`)).json().requests[0];
    expect((await execution(id)).steps[1]!.waitingUntil).toBe(link.expiresAt);
    expect((await answer('wes@corp.example', { justificationType: 'Manager Approved' })).statusCode).toBe(200);
    await settle();
    const e = await execution(id);
    expect(e.steps.map((x) => x.status)).toEqual(['done', 'done', 'skipped']);
    expect(e.steps[1]!.branch).toBe('Manager Approved');
    expect(mailsTo('desk@corp.example')).toHaveLength(0);
  });

  it('Auto Notify User and Escalate to Manager: "Others" → the manager from User Attributes gets the escalation survey', async () => {
    const wf = await workflow('auto_notify_user_and_escalate_to_manager', {});
    expect(wf.steps[2]).toEqual({ kind: 'escalate', userType: 'manager', when: ['Others', 'No Response'] });
    const id = await ingest(wf.department);
    await settle();
    expect((await answer('wes@corp.example', { justificationType: 'Others', reason: 'I needed it' })).statusCode).toBe(200);
    await settle();
    const e = await execution(id);
    expect(e.steps[2]).toMatchObject({ status: 'done', detail: 'Escalation survey sent to wes.boss@corp.example' });
    expect(mailsTo('wes.boss@corp.example')).toHaveLength(1);
    const decided = await answer('wes.boss@corp.example', { decision: 'reject', reason: 'Not allowed' });
    expect(decided.statusCode).toBe(200);
    const view = (await s.get(`/api/v1/incidents/${id}/remediation`)).json();
    expect(view.responses.map((r: { answer: string }) => r.answer)).toContain('Rejected');
  });

  it('Auto Notify User and Concurrently Escalate: both surveys at once, then the decision → closed when approved', async () => {
    const wf = await workflow('auto_notify_user_and_concurrently_escalate', {
      escalate: { userType: 'manager' },
      close: { notes: 'Manager approved', falsePositive: false },
    });
    expect(wf.steps.map((x) => (x as { kind: string }).kind)).toEqual(['notify_user', 'escalate', 'wait_for_response', 'close_incident']);
    const id = await ingest(wf.department);
    await settle();
    expect(mailsTo('wes@corp.example')).toHaveLength(1);
    expect(mailsTo('wes.boss@corp.example')).toHaveLength(1);
    let e = await execution(id);
    expect(e.steps[2]).toMatchObject({ status: 'waiting', label: 'Wait for the escalation decision' });
    // The user's answer is not what this step waits for: it stays waiting.
    expect((await answer('wes@corp.example', { justificationType: 'False Positive' })).statusCode).toBe(200);
    await settle();
    expect((await execution(id)).steps[2]!.status).toBe('waiting');
    expect((await answer('wes.boss@corp.example', { decision: 'approve', reason: 'Partner upload' })).statusCode).toBe(200);
    await settle();
    e = await execution(id);
    expect(e.status).toBe('completed');
    expect(e.steps[2]).toMatchObject({ status: 'done', branch: 'Approved' });
    expect(e.steps[3]).toMatchObject({ status: 'done', label: 'Close incident (on Approved)' });
    expect((await s.get(`/api/v1/incidents/${id}`)).json().status).toBe('Resolved');
  });

  it('a restart while waiting: another process picks the answer up and runs the next step once', async () => {
    const wf = await workflow('auto_notify_user_and_close', { close: { falsePositive: true } });
    const id = await ingest(wf.department);
    await settle();
    expect((await execution(id)).steps[1]!.status).toBe('waiting');

    // A new process on the same database: its own services, routes and worker; nothing of the first one is used.
    const database = openDatabase(t.config.database);
    const ctx = createContext(t.config, database, silentLog);
    const app = await buildApp(ctx, { logger: false, serveWeb: false });
    await app.ready();
    try {
      expect((await answer('wes@corp.example', { justificationType: 'False Positive' }, app)).statusCode).toBe(200);
      for (let i = 0; i < 3; i++) await createWorker(ctx).drain();
      const e = await execution(id);
      expect(e.status).toBe('completed');
      expect(e.steps.map((x) => x.status)).toEqual(['done', 'done', 'done']);
      expect(e.steps[2]!.attempts).toBe(1);
      expect(await closeEvents(id)).toBe(1);
      // The first process's worker finds nothing left to do.
      await settle();
      expect(await closeEvents(id)).toBe(1);
    } finally {
      await app.close();
      await database.close();
    }
  });
});
