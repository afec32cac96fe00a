import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MessagingSandbox } from '../../../src/sandbox/index.js';
import type { Session, TestApp } from '../../helpers/test-app.js';
import { apiKey, incident } from '../incidents/helpers.js';
import { deliverAll, notificationsWorld } from '../notifications/helpers.js';
import { createWorker } from '../../../src/background.js';
import { installPorts, tokenIn } from './helpers.js';

/**
 * Notify User and Escalate with every module they take running for real: the delivery (SMTP
 * mailbox, Slack and Teams receivers of the sandbox), the templates and Survey Templates, and
 * Account Settings (link expiry, privacy, approvers, user attributes imported from CSV).
 */
describe('remediation through the messaging sandbox', () => {
  let t: TestApp;
  let sb: MessagingSandbox;
  let close: () => Promise<void>;
  let s: Session;
  let key: Awaited<ReturnType<typeof apiKey>>;
  beforeAll(async () => {
    ({ t, sb, close } = await notificationsWorld());
    s = await t.login(t.admin.email);
    key = await apiKey(t);
    installPorts(t, { realSettings: true });
  });
  afterAll(() => close());
  beforeEach(() => sb.state.reset());

  const create = async (over = {}) => (await key.post('/api/v1/incidents', incident(over))).json().id as number;
  const mailsTo = (addr: string) => sb.state.mails.filter((m) => m.envelopeTo.includes(addr));
  type Settings = {
    notifications: { linkExpiryDays: Record<string, number> };
    approverDomains: string[];
    uniqueAttributes: string[];
    privacy: { obfuscatedAttributes: string[] };
  };
  /** Account Settings > Save with some sections changed; returns what was there before. */
  const putSettings = async (patch: Partial<Settings>): Promise<Settings> => {
    const v = (await s.get('/api/v1/account-settings')).json();
    const before: Settings = { notifications: v.notifications, approverDomains: v.approverDomains, uniqueAttributes: v.uniqueAttributes, privacy: v.privacy };
    const res = await s.put('/api/v1/account-settings', { ...before, ...patch });
    expect(res.statusCode, res.body).toBe(200);
    return before;
  };

  it('Notify User → the mail in the mailbox → its link answered → the incident shows the response', async () => {
    const id = await create({ user: { name: 'Mia Mail', email: 'mia@corp.example' } });
    expect((await s.post(`/api/v1/incidents/${id}/notify-user`, { note: 'Why?' })).statusCode).toBe(201);
    await deliverAll(t);
    const mails = mailsTo('mia@corp.example');
    expect(mails).toHaveLength(1);
    const token = tokenIn(mails[0]!.text);
    const survey = await t.app.inject({ method: 'GET', url: `/api/v1/public/surveys/${token}` });
    expect(survey.statusCode).toBe(200);
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/public/surveys/${token}/answer`,
      payload: { justificationType: 'False Positive', reason: 'Test file' },
    });
    expect(res.statusCode).toBe(200);
    const detail = (await s.get(`/api/v1/incidents/${id}`)).json();
    expect(detail.status).toBe('Received Justification Response');
    const view = (await s.get(`/api/v1/incidents/${id}/remediation`)).json();
    expect(view.responses[0]).toMatchObject({ question: 'Justification Type', answer: 'False Positive', responder: 'mia@corp.example' });
    expect(view.deliveries).toEqual([expect.objectContaining({ channel: 'email', status: 'sent', attempts: 1, reason: null })]);
  });

  it('the same through Slack and Teams, each once', async () => {
    const slack = (await s.post('/api/v1/notifications/channels', { kind: 'slack', name: 'Sec Slack', webhookUrl: sb.slackWebhookUrl })).json();
    const teams = (await s.post('/api/v1/notifications/channels', { kind: 'teams', name: 'Sec Teams', webhookUrl: sb.teamsWebhookUrl })).json();
    sb.state.reset();
    const id = await create();
    const opts = (await s.get(`/api/v1/incidents/${id}/remediation/options`)).json();
    expect(opts.chatConnections.map((c: { name: string }) => c.name).sort()).toEqual(['Sec Slack', 'Sec Teams']);
    const res = await s.post(`/api/v1/incidents/${id}/notify-user`, { chatConnectionIds: [slack.id, teams.id] });
    expect(res.statusCode).toBe(201);
    expect(res.json().request.channels).toEqual(['Email', 'Slack: Sec Slack', 'Teams: Sec Teams']);
    await deliverAll(t);
    expect(sb.state.chat.map((c) => c.kind).sort()).toEqual(['slack', 'teams']);
    const token = tokenIn(sb.state.chat.find((c) => c.kind === 'slack')!.text);
    for (const c of sb.state.chat) expect(tokenIn(c.text)).toBe(token);
    expect(tokenIn(mailsTo('jane@corp.example')[0]!.text)).toBe(token);
    expect(
      (await t.app.inject({ method: 'POST', url: `/api/v1/public/surveys/${token}/answer`, payload: { justificationType: 'Manager Approved' } })).statusCode,
    ).toBe(200);
    const view = (await s.get(`/api/v1/incidents/${id}/remediation`)).json();
    expect(view.deliveries.map((d: { channel: string; status: string }) => `${d.channel}:${d.status}`).sort()).toEqual([
      'email:sent',
      'slack:sent',
      'teams:sent',
    ]);
  });

  it('escalation to the manager from an imported User Attributes CSV, approved, shown on the incident; the expiry from Account Settings', async () => {
    const v = (await s.get('/api/v1/account-settings')).json();
    await putSettings({ notifications: { ...v.notifications, linkExpiryDays: { endUser: 5, manager: 2, approver: 9 } } });
    const imported = await s.post('/api/v1/user-attributes/imports', {
      csv: 'email,name,manager email,department,employee id\nnat@corp.example,Nat,nat.boss@corp.example,Finance,E1\n',
      fileName: 'people.csv',
    });
    expect(imported.statusCode, imported.body).toBe(202);
    await createWorker(t.ctx).drain();
    const id = await create({ user: { name: 'Nat', email: 'nat@corp.example' } });
    const opts = (await s.get(`/api/v1/incidents/${id}/remediation/options`)).json();
    expect(opts.managerEmail).toBe('nat.boss@corp.example');
    const res = await s.post(`/api/v1/incidents/${id}/escalate`, { userType: 'manager' });
    expect(res.statusCode, res.body).toBe(201);
    expect((Date.parse(res.json().request.expiresAt) - Date.parse(res.json().request.sentAt)) / 86_400_000).toBe(2);
    await deliverAll(t);
    const [mail] = mailsTo('nat.boss@corp.example');
    expect(mail?.html).toContain('/survey/');
    const token = tokenIn(mail!.text);
    const survey = (await t.app.inject({ method: 'GET', url: `/api/v1/public/surveys/${token}` })).json();
    expect(survey.purpose).toBe('escalation');
    const answer = await t.app.inject({
      method: 'POST',
      url: `/api/v1/public/surveys/${token}/answer`,
      payload: { decision: 'approve', reason: 'Known partner' },
    });
    expect(answer.statusCode).toBe(200);
    const view = (await s.get(`/api/v1/incidents/${id}/remediation`)).json();
    expect(view.responses[0]).toMatchObject({ question: 'Decision', answer: 'Approved', responder: 'nat.boss@corp.example' });
    expect((await s.get(`/api/v1/incidents/${id}`)).json().status).toBe('Received Justification Response');
  });

  it('to an approver from Setup > Approvers; other emails only within the trusted domains', async () => {
    const added = await s.post('/api/v1/approvers', { approvers: [{ name: 'Ann Approver', email: 'ann@corp.example' }] });
    expect(added.statusCode, added.body).toBe(201);
    const approverId = added.json().items[0].id as number;
    const id = await create();
    const res = await s.post(`/api/v1/incidents/${id}/escalate`, { userType: 'approver', approverId });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().request).toMatchObject({ role: 'Approver', recipient: 'ann@corp.example', recipientName: 'Ann Approver' });
    expect((Date.parse(res.json().request.expiresAt) - Date.parse(res.json().request.sentAt)) / 86_400_000).toBe(9);
    const before = await putSettings({ approverDomains: ['corp.example'] });
    const id2 = await create();
    const outside = await s.post(`/api/v1/incidents/${id2}/escalate`, { userType: 'email', email: 'x@elsewhere.example' });
    expect(outside.statusCode).toBe(400);
    expect(outside.json().error.message).toMatch(/outside the trusted domains \(corp.example\)/);
    await putSettings({ approverDomains: before.approverDomains });
  });

  it('the survey shows the Survey Template texts and hides what Privacy and Security hides', async () => {
    const saved = await s.put('/api/v1/survey-templates/end_user/en', {
      texts: {
        title: 'Tell us why',
        intro: 'Intro text',
        justificationTypeLabel: 'Why?',
        falsePositive: 'Not a problem',
        managerApproved: 'My manager said yes',
        others: 'Something else',
        reasonLabel: 'Details',
        submit: 'Send',
        thankYou: 'Got it, thanks.',
      },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const before = await putSettings({ privacy: { obfuscatedAttributes: ['userName', 'userEmail'] } });
    try {
      const id = await create({ user: { name: 'Pia Private', email: 'pia@corp.example' } });
      expect((await s.post(`/api/v1/incidents/${id}/notify-user`, {})).statusCode).toBe(201);
      await deliverAll(t);
      const token = tokenIn(mailsTo('pia@corp.example')[0]!.text);
      const survey = await t.app.inject({ method: 'GET', url: `/api/v1/public/surveys/${token}` });
      const v = survey.json();
      expect(v.title).toBe('Tell us why');
      expect(v.questions[0]).toMatchObject({
        label: 'Why?',
        options: [{ value: 'False Positive', label: 'Not a problem' }, expect.anything(), expect.anything()],
      });
      expect(survey.body).not.toContain('Pia Private');
      expect(survey.body).not.toContain('pia@corp.example');
      const answered = await t.app.inject({ method: 'POST', url: `/api/v1/public/surveys/${token}/answer`, payload: { justificationType: 'False Positive' } });
      expect(answered.json().thanks).toBe('Got it, thanks.');
      // Incident Details hides the user's name and email from a role that cannot edit Account Settings.
      const viewer = await t.sessionWith({ Incidents: 'view' });
      const seen = await viewer.get(`/api/v1/incidents/${id}/remediation`);
      expect(seen.statusCode).toBe(200);
      expect(seen.body).not.toContain('pia@corp.example');
      expect(seen.body).not.toContain('Pia Private');
      expect(seen.json().responses[0]).toMatchObject({ answer: 'False Positive', responder: '••••' });
      expect((await s.get(`/api/v1/incidents/${id}/remediation`)).json().responses[0].responder).toBe('pia@corp.example');
    } finally {
      await putSettings({ privacy: before.privacy });
      await s.delete('/api/v1/survey-templates/end_user/en');
    }
  });

  it('a refused address shows on the incident with its reason', async () => {
    const id = await create();
    sb.state.setFaults({ smtpPermanent: 1 });
    expect((await s.post(`/api/v1/incidents/${id}/escalate`, { userType: 'email', email: 'nowhere@corp.example' })).statusCode).toBe(201);
    await deliverAll(t);
    const view = (await s.get(`/api/v1/incidents/${id}/remediation`)).json();
    expect(view.deliveries).toEqual([expect.objectContaining({ channel: 'email', status: 'failed' })]);
    expect(view.deliveries[0].reason).toBeTruthy();
    expect(mailsTo('nowhere@corp.example')).toHaveLength(0);
  });
});
