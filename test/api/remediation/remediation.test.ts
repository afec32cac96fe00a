import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../helpers/test-app.js';
import { apiKey, incident, WIDE } from '../incidents/helpers.js';
import { installPorts, tokenIn, type MemoryAccountSettings, type RecordingNotifications } from './helpers.js';

describe('Notify User, Escalate and the justification survey', () => {
  let t: TestApp;
  let s: Session;
  let key: Awaited<ReturnType<typeof apiKey>>;
  let notifications: RecordingNotifications;
  let settings: MemoryAccountSettings;
  beforeAll(async () => {
    t = await createTestApp();
    s = await t.login(t.admin.email);
    key = await apiKey(t);
    ({ notifications, settings } = installPorts(t));
  });
  afterAll(async () => t?.close());

  const create = async (over = {}) => (await key.post('/api/v1/incidents', incident(over))).json().id as number;
  const lastToken = () => tokenIn(notifications.sent.at(-1)!.content.text);
  const publicGet = (token: string) => t.app.inject({ method: 'GET', url: `/api/v1/public/surveys/${token}` });
  const publicAnswer = (token: string, body: unknown) =>
    t.app.inject({ method: 'POST', url: `/api/v1/public/surveys/${token}/answer`, payload: body as object });
  const counts = async () =>
    (
      await s.get(
        `/api/v1/incidents/counts?from=${encodeURIComponent(new Date(Date.now() - 86_400_000).toISOString())}&to=${encodeURIComponent(new Date(Date.now() + 86_400_000).toISOString())}`,
      )
    ).json().counts;

  it('notify → link → answer moves the incident, records the response and feeds Response Available', async () => {
    const id = await create();
    const before = (await counts()).responseAvailable;
    const res = await s.post(`/api/v1/incidents/${id}/notify-user`, { note: 'Please explain the upload.' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      created: true,
      status: 'Validating with User',
      request: { recipient: 'jane@corp.example', state: 'open', role: 'Originating User' },
    });
    const msg = notifications.sent.at(-1)!;
    expect(msg).toMatchObject({
      kind: 'end_user',
      channel: 'email',
      recipient: 'jane@corp.example',
      incidentId: id,
      purpose: `notify:incident:${id}:1`,
      inTransaction: true,
    });
    expect(msg.content.text).toContain('http://localhost:8080/survey/');
    let detail = (await s.get(`/api/v1/incidents/${id}`)).json();
    expect(detail.status).toBe('Validating with User');
    expect(detail.currentState.user).toBe('jane@corp.example');
    expect(detail.events[0]).toMatchObject({ state: 'Validating with User', action: 'notify-user', changedBy: t.admin.email });
    expect(detail.events[0].comment).toContain('Please explain the upload.');

    const token = tokenIn(msg.content.text);
    expect(token.length).toBe(43);
    const survey = await publicGet(token);
    expect(survey.statusCode).toBe(200);
    expect(survey.headers['cache-control']).toBe('no-store');
    expect(survey.json().questions.map((q: { label: string }) => q.label)).toEqual(['Justification Type', 'Justification Reason']);
    expect(survey.json().questions[0].options.map((o: { value: string }) => o.value)).toEqual(['False Positive', 'Manager Approved', 'Others']);

    const answered = await publicAnswer(token, { justificationType: 'False Positive', reason: 'Test data, not real cards.' });
    expect(answered.statusCode).toBe(200);
    detail = (await s.get(`/api/v1/incidents/${id}`)).json();
    expect(detail.status).toBe('Received Justification Response');
    expect(detail.currentState.user).toBeNull();
    expect(detail.events[0]).toMatchObject({ state: 'Received Justification Response', action: 'justification-response', changedBy: 'jane@corp.example' });
    expect((await counts()).responseAvailable).toBe(before + 1);

    const view = (await s.get(`/api/v1/incidents/${id}/remediation`)).json();
    expect(view.responses.map((r: { question: string; answer: string }) => [r.question, r.answer])).toEqual([
      ['Justification Type', 'False Positive'],
      ['Justification Reason', 'Test data, not real cards.'],
    ]);
    expect(view.responses[0].responder).toBe('jane@corp.example');
    expect(view.requests[0]).toMatchObject({ state: 'answered', purpose: 'justification', round: 1 });
    // The list's Justification Reason and Note columns, and the CSV export, carry the answer.
    const listed = (await s.get(`/api/v1/incidents?${WIDE}&search=${encodeURIComponent(detail.transactionId)}&searchMode=transactionId`)).json();
    expect(listed.items.map((i: { id: number; justification: unknown }) => [i.id, i.justification])).toEqual([
      [id, { reason: 'False Positive', note: 'Test data, not real cards.', respondedAt: expect.any(String) }],
    ]);
    const csv = (await s.get(`/api/v1/incidents/export.csv?${WIDE}&search=${encodeURIComponent(detail.transactionId)}&searchMode=transactionId`)).body;
    expect(csv.split('\r\n')[0]).toMatch(/,Justification Reason,Justification Note$/);
    expect(csv).toContain(',False Positive,"Test data, not real cards."');
    expect(view.deliveries).toEqual([expect.objectContaining({ channel: 'email', recipient: 'Jane Doe <jane@corp.example>', status: 'queued' })]);

    // Final: a second answer is refused and changes nothing.
    const again = await publicAnswer(token, { justificationType: 'Others', reason: 'changed my mind' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toMatch(/already answered/);
    expect((await publicGet(token)).statusCode).toBe(409);
    expect((await s.get(`/api/v1/incidents/${id}/remediation`)).json().responses).toHaveLength(2);
  });

  it('a second Notify User while the survey is open is refused; after the answer a new round is sent', async () => {
    const id = await create();
    expect((await s.post(`/api/v1/incidents/${id}/notify-user`, {})).statusCode).toBe(201);
    const sentBefore = notifications.sent.length;
    const dup = await s.post(`/api/v1/incidents/${id}/notify-user`, {});
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.message).toMatch(/already waits for jane@corp.example/);
    expect(notifications.sent.length).toBe(sentBefore);
    expect((await publicAnswer(lastToken(), { justificationType: 'Manager Approved' })).statusCode).toBe(200);
    const second = await s.post(`/api/v1/incidents/${id}/notify-user`, {});
    expect(second.statusCode).toBe(201);
    expect(second.json().request.round).toBe(2);
    expect(notifications.sent.at(-1)!.purpose).toBe(`notify:incident:${id}:2`);
  });

  it('Others needs a reason; the answer is bounded; bad input changes nothing', async () => {
    const id = await create();
    await s.post(`/api/v1/incidents/${id}/notify-user`, {});
    const token = lastToken();
    const noReason = await publicAnswer(token, { justificationType: 'Others' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().error.message).toMatch(/required when the Justification Type is Others/);
    expect((await publicAnswer(token, { justificationType: 'Nope' })).statusCode).toBe(400);
    expect((await publicAnswer(token, { justificationType: 'Others', reason: 'x'.repeat(2001) })).statusCode).toBe(400);
    expect((await publicAnswer(token, { justificationType: 'Others', reason: 'a\u0000b' })).statusCode).toBe(400);
    expect((await publicAnswer(token, { decision: 'approve' })).statusCode).toBe(400);
    expect((await publicAnswer(token, { justificationType: 'False Positive', extra: 1 })).statusCode).toBe(400);
    const big = await t.app.inject({
      method: 'POST',
      url: `/api/v1/public/surveys/${token}/answer`,
      payload: JSON.stringify({ justificationType: 'Others', reason: 'y'.repeat(40_000) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(big.statusCode).toBe(413);
    expect((await s.get(`/api/v1/incidents/${id}`)).json().status).toBe('Validating with User');
    expect((await s.get(`/api/v1/incidents/${id}/remediation`)).json().responses).toEqual([]);
    expect((await publicAnswer(token, { justificationType: 'Others', reason: 'Sharing with our auditor.' })).statusCode).toBe(200);
  });

  it('expired, unknown and altered links say so and show no incident data', async () => {
    const id = await create();
    await s.post(`/api/v1/incidents/${id}/notify-user`, {});
    const token = lastToken();
    const altered = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    for (const bad of [altered, 'short', 'x'.repeat(43), `${token}x`]) {
      const res = await publicGet(encodeURIComponent(bad));
      expect(res.statusCode).toBe(404);
      expect(res.body).not.toContain('jane');
      expect((await publicAnswer(encodeURIComponent(bad), { justificationType: 'False Positive' })).statusCode).toBe(404);
    }
    await t.ctx.db
      .updateTable('survey_links')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('incident_id', '=', id)
      .execute();
    const expired = await publicGet(token);
    expect(expired.statusCode).toBe(410);
    expect(expired.json().error.message).toMatch(/expired/);
    expect(expired.body).not.toContain('jane');
    expect((await publicAnswer(token, { justificationType: 'False Positive' })).statusCode).toBe(410);
    expect((await s.get(`/api/v1/incidents/${id}`)).json().status).toBe('Validating with User');
    // An expired survey no longer blocks a new Notify User.
    expect((await s.post(`/api/v1/incidents/${id}/notify-user`, {})).statusCode).toBe(201);
  });

  it('a token only ever reaches its own incident', async () => {
    const a = await create();
    const b = await create({ user: { name: 'Bob Roe', email: 'bob@corp.example' } });
    await s.post(`/api/v1/incidents/${a}/notify-user`, {});
    const tokenA = lastToken();
    await s.post(`/api/v1/incidents/${b}/notify-user`, {});
    expect(tokenA).not.toBe(lastToken());
    expect((await publicAnswer(tokenA, { justificationType: 'False Positive' })).statusCode).toBe(200);
    expect((await s.get(`/api/v1/incidents/${a}`)).json().status).toBe('Received Justification Response');
    expect((await s.get(`/api/v1/incidents/${b}`)).json().status).toBe('Validating with User');
    expect((await s.get(`/api/v1/incidents/${b}/remediation`)).json().responses).toEqual([]);
    // The link's expiry follows the recipient kind (end user: 7 days here).
    const req = (await s.get(`/api/v1/incidents/${b}/remediation`)).json().requests[0];
    const days = (Date.parse(req.expiresAt) - Date.parse(req.sentAt)) / 86_400_000;
    expect(days).toBe(settings.expiry.endUser);
  });

  it('the survey page shows only what the privacy settings allow', async () => {
    const id = await create();
    await s.post(`/api/v1/incidents/${id}/notify-user`, {});
    settings.obfuscated = ['fileName', 'User Email'];
    try {
      const view = (await publicGet(lastToken())).json();
      const labels = view.incident.map((a: { label: string }) => a.label);
      expect(labels).toContain('Transaction ID');
      expect(labels).not.toContain('File Name');
      expect(labels).not.toContain('User Email');
      expect(JSON.stringify(view)).not.toMatch(/report-\d+\.xlsx/);
      expect(JSON.stringify(view)).not.toContain('jane@corp.example');
    } finally {
      settings.obfuscated = [];
    }
  });

  it('bulk Notify User reports per incident', async () => {
    const a = await create();
    const b = await create();
    await s.post(`/api/v1/incidents/${b}/notify-user`, {});
    const other = await t.newOrg();
    const foreign = (await (await apiKey(t, 'DLP Super Admin', other.orgId)).post('/api/v1/incidents', incident())).json().id as number;
    const res = await s.post('/api/v1/incidents/bulk/notify-user', { ids: [a, b, foreign], note: 'bulk' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.succeeded).toBe(1);
    expect(body.results).toEqual([
      { id: a, ok: true },
      expect.objectContaining({ id: b, ok: false, error: expect.objectContaining({ code: 'conflict' }) }),
      expect.objectContaining({ id: foreign, ok: false, error: expect.objectContaining({ code: 'not_found' }) }),
    ]);
    expect((await s.get(`/api/v1/incidents/${a}`)).json().status).toBe('Validating with User');
    expect((await s.post('/api/v1/incidents/bulk/notify-user', { ids: [] })).statusCode).toBe(400);
  });

  it('an unknown chat connection is refused before anything is sent', async () => {
    const id = await create();
    const before = notifications.sent.length;
    const bad = await s.post(`/api/v1/incidents/${id}/notify-user`, { chatConnectionIds: [78] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/chat connection 78 does not exist/);
    expect(notifications.sent.length).toBe(before);
    expect((await s.get(`/api/v1/incidents/${id}`)).json().status).toBe('New');
  });

  describe('Escalate', () => {
    it('to the manager from the user attributes, approved through the escalation survey', async () => {
      const id = await create({ user: { name: 'Max Mustermann', email: 'max@corp.example' } });
      const noManager = await s.post(`/api/v1/incidents/${id}/escalate`, { userType: 'manager' });
      expect(noManager.statusCode).toBe(400);
      expect(noManager.json().error.message).toMatch(/no manager is known for max@corp.example/);
      settings.users.set('max@corp.example', { email: 'max@corp.example', name: 'Max', managerEmail: 'boss@corp.example', department: null, employeeId: null });
      const opts = (await s.get(`/api/v1/incidents/${id}/remediation/options`)).json();
      expect(opts).toMatchObject({ managerEmail: 'boss@corp.example', userEmail: 'max@corp.example' });
      const res = await s.post(`/api/v1/incidents/${id}/escalate`, { userType: 'manager', note: 'Please decide' });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ status: 'Escalated', request: { role: 'Manager', recipient: 'boss@corp.example', purpose: 'escalation' } });
      const msg = notifications.sent.at(-1)!;
      expect(msg).toMatchObject({ kind: 'escalation', recipient: 'boss@corp.example', purpose: `escalate:incident:${id}:1`, inTransaction: true });
      const req = (await s.get(`/api/v1/incidents/${id}/remediation`)).json().requests[0];
      expect((Date.parse(req.expiresAt) - Date.parse(req.sentAt)) / 86_400_000).toBe(settings.expiry.manager);
      const token = tokenIn(msg.content.text);
      const survey = (await publicGet(token)).json();
      expect(survey.purpose).toBe('escalation');
      expect(survey.questions[0].options.map((o: { value: string }) => o.value)).toEqual(['approve', 'reject']);
      expect((await publicAnswer(token, { justificationType: 'False Positive' })).statusCode).toBe(400);
      expect((await publicAnswer(token, { decision: 'approve', reason: 'Known vendor' })).statusCode).toBe(200);
      const detail = (await s.get(`/api/v1/incidents/${id}`)).json();
      expect(detail.status).toBe('Received Justification Response');
      expect(detail.events[0]).toMatchObject({ action: 'escalation-response', changedBy: 'boss@corp.example' });
      expect(detail.events[0].comment).toMatch(/approved by boss@corp.example/);
      const view = (await s.get(`/api/v1/incidents/${id}/remediation`)).json();
      expect(view.responses[0]).toMatchObject({ question: 'Decision', answer: 'Approved', responder: 'boss@corp.example' });
    });

    it('to an approver of the org, or to an email within the trusted domains', async () => {
      const id = await create();
      settings.list.push({ orgId: t.orgId, id: 5, name: 'Ann Approver', email: 'ann@corp.example' });
      expect((await s.post(`/api/v1/incidents/${id}/escalate`, { userType: 'approver' })).statusCode).toBe(400);
      expect((await s.post(`/api/v1/incidents/${id}/escalate`, { userType: 'approver', approverId: 6 })).statusCode).toBe(400);
      const res = await s.post(`/api/v1/incidents/${id}/escalate`, { userType: 'approver', approverId: 5 });
      expect(res.statusCode).toBe(201);
      expect(res.json().request).toMatchObject({ role: 'Approver', recipient: 'ann@corp.example', recipientName: 'Ann Approver' });
      const token = lastToken();
      expect((await publicAnswer(token, { decision: 'reject', reason: 'Not allowed' })).statusCode).toBe(200);

      const id2 = await create();
      settings.approverDomains = ['corp.example'];
      try {
        const outside = await s.post(`/api/v1/incidents/${id2}/escalate`, { userType: 'email', email: 'someone@elsewhere.example' });
        expect(outside.statusCode).toBe(400);
        expect(outside.json().error.message).toMatch(/outside the trusted domains/);
        expect((await s.post(`/api/v1/incidents/${id2}/escalate`, { userType: 'email', email: 'not-an-email' })).statusCode).toBe(400);
        expect((await s.post(`/api/v1/incidents/${id2}/escalate`, { userType: 'email' })).statusCode).toBe(400);
        expect((await s.get(`/api/v1/incidents/${id2}`)).json().status).toBe('New');
        const ok = await s.post(`/api/v1/incidents/${id2}/escalate`, { userType: 'email', email: 'ciso@corp.example' });
        expect(ok.statusCode).toBe(201);
        expect(ok.json().request.role).toBe('Other');
      } finally {
        settings.approverDomains = [];
      }
    });

    it('a Resolved incident cannot be escalated, but Notify User keeps it Resolved', async () => {
      const id = await create();
      await s.post(`/api/v1/incidents/${id}/close`, { falsePositive: false });
      const esc = await s.post(`/api/v1/incidents/${id}/escalate`, { userType: 'email', email: 'x@corp.example' });
      expect(esc.statusCode).toBe(409);
      const n = await s.post(`/api/v1/incidents/${id}/notify-user`, {});
      expect(n.statusCode).toBe(201);
      expect(n.json().status).toBe('Resolved');
      expect((await publicAnswer(lastToken(), { justificationType: 'False Positive' })).statusCode).toBe(200);
      expect((await s.get(`/api/v1/incidents/${id}`)).json().status).toBe('Resolved');
    });
  });

  it('another org sees none of it, and Incidents edit is needed to notify or escalate', async () => {
    const id = await create();
    await s.post(`/api/v1/incidents/${id}/notify-user`, {});
    const other = await t.newOrg();
    expect((await other.session.get(`/api/v1/incidents/${id}/remediation`)).statusCode).toBe(404);
    expect((await other.session.post(`/api/v1/incidents/${id}/notify-user`, {})).statusCode).toBe(404);
    expect((await other.session.post(`/api/v1/incidents/${id}/escalate`, { userType: 'email', email: 'a@b.example' })).statusCode).toBe(404);
    const viewer = await t.sessionWith({ Incidents: 'view' });
    expect((await viewer.get(`/api/v1/incidents/${id}/remediation`)).statusCode).toBe(200);
    expect((await viewer.post(`/api/v1/incidents/${id}/notify-user`, {})).statusCode).toBe(403);
    expect((await viewer.post(`/api/v1/incidents/${id}/escalate`, { userType: 'manager' })).statusCode).toBe(403);
    expect((await viewer.post('/api/v1/incidents/bulk/notify-user', { ids: [id] })).statusCode).toBe(403);
  });
});
