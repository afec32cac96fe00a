import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MessagingSandbox } from '../../../src/sandbox/index.js';
import type { Session, TestApp } from '../../helpers/test-app.js';
import { apiKey, incident } from '../incidents/helpers.js';
import { deliverAll, notificationsWorld } from '../notifications/helpers.js';
import { installPorts, tokenIn, type MemoryAccountSettings } from './helpers.js';

/** Notify User and Escalate through the real delivery: the SMTP mailbox and the Slack / Teams receivers of the sandbox. */
describe('remediation through the messaging sandbox', () => {
  let t: TestApp;
  let sb: MessagingSandbox;
  let close: () => Promise<void>;
  let s: Session;
  let key: Awaited<ReturnType<typeof apiKey>>;
  let settings: MemoryAccountSettings;
  beforeAll(async () => {
    ({ t, sb, close } = await notificationsWorld());
    s = await t.login(t.admin.email);
    key = await apiKey(t);
    ({ settings } = installPorts(t));
  });
  afterAll(() => close());
  beforeEach(() => sb.state.reset());

  const create = async (over = {}) => (await key.post('/api/v1/incidents', incident(over))).json().id as number;
  const mailsTo = (addr: string) => sb.state.mails.filter((m) => m.envelopeTo.includes(addr));

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

  it('escalation to the manager is mailed to the manager; a refused address shows on the incident with its reason', async () => {
    const id = await create({ user: { name: 'Nat', email: 'nat@corp.example' } });
    settings.users.set('nat@corp.example', {
      email: 'nat@corp.example',
      name: 'Nat',
      managerEmail: 'nat.boss@corp.example',
      department: null,
      employeeId: null,
    });
    sb.state.setFaults({ smtpPermanent: 1 });
    expect((await s.post(`/api/v1/incidents/${id}/escalate`, { userType: 'manager' })).statusCode).toBe(201);
    await deliverAll(t);
    const view = (await s.get(`/api/v1/incidents/${id}/remediation`)).json();
    expect(view.deliveries).toEqual([expect.objectContaining({ channel: 'email', status: 'failed' })]);
    expect(view.deliveries[0].reason).toBeTruthy();
    expect(mailsTo('nat.boss@corp.example')).toHaveLength(0);
  });
});
