import { describe, expect, it } from 'vitest';
import { fullPermissions } from '../../../src/platform/permissions.js';
import { systemPrincipal } from '../../../src/platform/principal.js';
import type { TestApp } from '../../helpers/test-app.js';
import { executionsOf, incident, runJobs, withTicketing, type Sandbox, type World } from './helpers.js';

/**
 * Auto Notify and Auto Escalate: a newly ingested incident that their mapping matches gets the
 * justification (or escalation) survey from "System", through the remediation module's own
 * action, exactly once even when the step runs again.
 */
let t: TestApp;
let sb: Sandbox;
let w: World;

withTicketing((a) => ({ t, sb, w } = a));

async function ingestOne(over: Parameters<typeof incident>[0] = {}): Promise<number> {
  const res = await t.ctx.incidents.ingestBatch(systemPrincipal(t.orgId, fullPermissions()), [incident(over)]);
  return res.results[0]!.id!;
}

async function mapOnly(workflowId: number, department: string) {
  const res = await w.admin.post('/api/v1/workflow-mappings', {
    workflowId,
    sourceDlpType: 'Any',
    condition: { type: 'predicate', property: 'department', operation: 'EQUALS', value: department },
  });
  expect(res.statusCode, res.body).toBe(201);
}

describe('workflow steps that notify and escalate', () => {
  it('Auto Notify sends the justification survey to the incident’s user once, as System', async () => {
    const created = await w.admin.post('/api/v1/workflows', {
      template: 'auto_notify',
      name: 'Ask the user',
      settings: { notify: { note: 'Please explain this upload.' } },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().steps).toEqual([{ kind: 'notify_user', note: 'Please explain this upload.' }]);
    await mapOnly(created.json().id, 'Notify Dept');
    const id = await ingestOne({ user: { name: 'Nora Notify', email: 'nora@corp.example', department: 'Notify Dept' } });
    await runJobs(t, 3);

    const view = (await w.admin.get(`/api/v1/incidents/${id}/remediation`)).json();
    expect(view.requests).toHaveLength(1);
    expect(view.requests[0]).toMatchObject({ purpose: 'justification', recipient: 'nora@corp.example' });
    expect((await w.admin.get(`/api/v1/incidents/${id}`)).json().status).toBe('Validating with User');
    const [exec] = await executionsOf(t, id);
    expect(exec.status).toBe('completed');
    const outcomes = await t.ctx.db.selectFrom('workflow_step_outcomes').selectAll().where('execution_id', '=', exec.id).execute();
    expect(outcomes.map((o) => o.detail)).toEqual(['Justification survey sent to nora@corp.example']);

    // The step delivered again (a worker that died after acting): the open survey is the step's result, not a second one.
    const again = await t.ctx.remediation.notifyUser(systemPrincipal(t.orgId, fullPermissions()), id, {}, { reuseOpen: true });
    expect(again.created).toBe(false);
    expect((await w.admin.get(`/api/v1/incidents/${id}/remediation`)).json().requests).toHaveLength(1);
  });

  it('Auto Escalate sends the escalation survey to the address set, and refuses incomplete settings naming the field', async () => {
    const missing = await w.admin.post('/api/v1/workflows', {
      template: 'auto_escalate',
      name: 'Escalate badly',
      settings: { escalate: { userType: 'email' } },
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.message).toMatch(/email/);
    const none = await w.admin.post('/api/v1/workflows', { template: 'auto_escalate', name: 'Escalate nothing', settings: {} });
    expect(none.statusCode).toBe(400);
    expect(none.json().error.message).toMatch(/Escalation Configuration/);

    const created = await w.admin.post('/api/v1/workflows', {
      template: 'auto_escalate',
      name: 'Escalate to the desk',
      settings: { escalate: { userType: 'email', email: 'Desk@Corp.example' } },
    });
    expect(created.statusCode, created.body).toBe(201);
    await mapOnly(created.json().id, 'Escalate Dept');
    const id = await ingestOne({ user: { name: 'Eli Escalate', email: 'eli@corp.example', department: 'Escalate Dept' } });
    await runJobs(t, 3);
    const view = (await w.admin.get(`/api/v1/incidents/${id}/remediation`)).json();
    expect(view.requests).toHaveLength(1);
    expect(view.requests[0]).toMatchObject({ purpose: 'escalation', recipient: 'desk@corp.example' });
    expect((await w.admin.get(`/api/v1/incidents/${id}`)).json().status).toBe('Escalated');
  });

  it('Notification Channel and Language: the steps post to the chat connections picked, in the language picked; unknown ones are refused', async () => {
    const slack = await w.admin.post('/api/v1/notifications/channels', { kind: 'slack', name: 'Wf Slack', webhookUrl: sb.messaging.slackWebhookUrl });
    expect(slack.statusCode, slack.body).toBe(201);
    const slackId = slack.json().id as number;

    const unknown = await w.admin.post('/api/v1/workflows', {
      template: 'auto_notify',
      name: 'Ask on a ghost channel',
      settings: { delivery: { chatConnectionIds: [slackId + 1000] } },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.details).toEqual([{ field: 'settings.delivery.chatConnectionIds', message: expect.stringMatching(/does not exist/) }]);
    const badLanguage = await w.admin.post('/api/v1/workflows', {
      template: 'auto_notify',
      name: 'Ask in Klingon',
      settings: { delivery: { language: 'Klingon' } },
    });
    expect(badLanguage.statusCode).toBe(400);
    expect(badLanguage.json().error.message).toMatch(/Language/);
    const closes = await w.admin.post('/api/v1/workflows', { template: 'auto_close', name: 'Close on Slack', settings: { delivery: { language: 'fr' } } });
    expect(closes.statusCode).toBe(400);
    expect(closes.json().error.message).toMatch(/sends no notification/);
    expect((await w.admin.get('/api/v1/workflows')).json().items.map((x: { name: string }) => x.name)).not.toContain('Ask on a ghost channel');

    const created = await w.admin.post('/api/v1/workflows', {
      template: 'auto_notify',
      name: 'Ask on Slack in French',
      settings: { notify: { note: 'Merci.' }, delivery: { language: 'fr', chatConnectionIds: [slackId] } },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().steps).toEqual([{ kind: 'notify_user', note: 'Merci.', language: 'fr', chatConnectionIds: [slackId] }]);
    expect(created.json().settings.delivery).toEqual({ language: 'fr', chatConnectionIds: [slackId] });
    await mapOnly(created.json().id, 'Slack Dept');
    const id = await ingestOne({ user: { name: 'Sol Slack', email: 'sol@corp.example', department: 'Slack Dept' } });
    await runJobs(t, 3);
    const [request] = (await w.admin.get(`/api/v1/incidents/${id}/remediation`)).json().requests;
    expect(request.channels).toEqual(['Email', 'Slack: Wf Slack']);
    const links = await t.ctx.db.selectFrom('survey_links').select(['language']).where('incident_id', '=', id).execute();
    expect(links).toEqual([{ language: 'fr' }]);
  });
});
