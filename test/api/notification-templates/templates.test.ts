import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../helpers/test-app.js';

let t: TestApp;
let admin: Session;
beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login(t.admin.email);
});
afterAll(() => t?.close());

type Summary = { id: number; name: string; family: string; channel: string; language: string; status: string };

async function list(query = ''): Promise<{ items: Summary[]; total: number }> {
  const res = await admin.get(`/api/v1/notification-templates?pageSize=100${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

async function systemDefault(family: string, channel: string): Promise<Summary> {
  const found = (await list(`&family=${family}&channel=${channel}&status=system_default`)).items;
  expect(found).toHaveLength(1);
  return found[0]!;
}

async function auditNotes(module: string): Promise<string[]> {
  const rows = await t.ctx.db.selectFrom('audit_log').select('change_notes').where('org_id', '=', t.orgId).where('module', '=', module).orderBy('id').execute();
  return rows.map((r) => r.change_notes);
}

async function templateCount(): Promise<number> {
  return (await t.ctx.db.selectFrom('notification_templates').select('id').where('org_id', '=', t.orgId).execute()).length;
}

const SLACK_BODY = 'Hello {{ recipientName }}, please justify {{ incident.transactionId }}: <{{ surveyUrl }}|Answer>';

describe('Notification Templates', () => {
  it('seeds the twelve System Defaults (four families × Email, Slack, Teams) in English, filterable', async () => {
    const all = await list('&status=system_default');
    expect(all.total).toBe(12);
    expect(new Set(all.items.map((i) => `${i.family}:${i.channel}`)).size).toBe(12);
    expect(all.items.every((i) => i.language === 'en')).toBe(true);
    const slack = await list('&channel=slack&family=digest');
    expect(slack.items.map((i) => i.name)).toEqual(['Digest - Slack']);
    expect((await list('&search=admin%20digest')).total).toBe(3);
    // A new org gets its own.
    const other = await t.newOrg('Templates Org B');
    const theirs = await other.session.get('/api/v1/notification-templates?pageSize=100');
    expect(theirs.json().total).toBe(12);
  });

  it('creates a draft, refuses an unknown variable naming it, and changes nothing then', async () => {
    const before = await templateCount();
    const bad = await admin.post('/api/v1/notification-templates', {
      name: 'Bad vars',
      family: 'end_user',
      channel: 'slack',
      body: 'Hi {{ recipientName }} {% if false %}{{ incident.salary }}{% endif %}',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('incident.salary');
    const badSubject = await admin.post('/api/v1/notification-templates', {
      name: 'Bad subject',
      family: 'end_user',
      channel: 'email',
      subject: 'Hi {{ password }}',
      body: '<mjml><mj-body></mj-body></mjml>',
    });
    expect(badSubject.statusCode).toBe(400);
    expect(badSubject.json().error.message).toMatch(/^Subject: .*"password"/);
    const badFilter = await admin.post('/api/v1/notification-templates', {
      name: 'Bad filter',
      family: 'end_user',
      channel: 'teams',
      body: '{{ recipientName | shell }}',
    });
    expect(badFilter.statusCode).toBe(400);
    expect(badFilter.json().error.message).toContain('shell');
    const include = await admin.post('/api/v1/notification-templates', {
      name: 'Include',
      family: 'end_user',
      channel: 'teams',
      body: "{% include '/etc/passwd' %}",
    });
    expect(include.statusCode).toBe(400);
    expect(include.json().error.message).toContain('include');
    const digestOnly = await admin.post('/api/v1/notification-templates', {
      name: 'Rows in end user',
      family: 'end_user',
      channel: 'slack',
      body: '{{ totalCount }}',
    });
    expect(digestOnly.statusCode).toBe(400);
    expect(digestOnly.json().error.message).toContain('not available in End-user Justification templates');
    const badMjml = await admin.post('/api/v1/notification-templates', {
      name: 'Bad MJML',
      family: 'end_user',
      channel: 'email',
      subject: 'Hi',
      body: '<mjml><mj-body><mj-text>{{ recipientName }}</mj-text></mj-body></mjml>',
    });
    expect(badMjml.statusCode).toBe(400);
    expect(badMjml.json().error.message).toContain('MJML');
    const noSubject = await admin.post('/api/v1/notification-templates', {
      name: 'No subject',
      family: 'end_user',
      channel: 'email',
      body: '<mjml><mj-body></mj-body></mjml>',
    });
    expect(noSubject.statusCode).toBe(400);
    expect(await templateCount()).toBe(before);

    const ok = await admin.post('/api/v1/notification-templates', {
      name: 'Slack justification',
      family: 'end_user',
      channel: 'slack',
      subject: 'Justify',
      body: SLACK_BODY,
    });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toMatchObject({ status: 'draft', language: 'en', family: 'end_user', channel: 'slack', updatedBy: t.admin.email });
    expect(await auditNotes('Notification Templates')).toContain('Added notification template Slack justification');
    const dup = await admin.post('/api/v1/notification-templates', { name: 'slack JUSTIFICATION', family: 'end_user', channel: 'slack', body: SLACK_BODY });
    expect(dup.statusCode).toBe(409);
  });

  it('keeps System Defaults read-only and deletes only drafts', async () => {
    const def = await systemDefault('end_user', 'email');
    const edit = await admin.patch(`/api/v1/notification-templates/${def.id}`, { name: 'Mine now' });
    expect(edit.statusCode).toBe(400);
    expect(edit.json().error.message).toContain('System Default');
    expect((await admin.delete(`/api/v1/notification-templates/${def.id}`)).statusCode).toBe(400);

    const created = (
      await admin.post('/api/v1/notification-templates', {
        name: 'Teams to publish',
        family: 'escalation',
        channel: 'teams',
        body: 'Decide: [Open]({{ surveyUrl }})',
        status: 'published',
      })
    ).json();
    expect(created.status).toBe('published');
    const delPublished = await admin.delete(`/api/v1/notification-templates/${created.id}`);
    expect(delPublished.statusCode).toBe(400);
    expect(delPublished.json().error.message).toContain('Only draft templates can be deleted');
    const toDraft = await admin.patch(`/api/v1/notification-templates/${created.id}`, { status: 'draft' });
    expect(toDraft.json().status).toBe('draft');
    expect((await admin.delete(`/api/v1/notification-templates/${created.id}`)).statusCode).toBe(204);
    expect((await admin.get(`/api/v1/notification-templates/${created.id}`)).statusCode).toBe(404);
    const notes = await auditNotes('Notification Templates');
    expect(notes).toContain('Moved to draft notification template Teams to publish');
    expect(notes).toContain('Deleted notification template Teams to publish');
  });

  it('publishes one template per language per family and channel', async () => {
    const a = (
      await admin.post('/api/v1/notification-templates', { name: 'Digest Slack A', family: 'digest', channel: 'slack', body: '{{ totalCount }} incidents' })
    ).json();
    const b = (
      await admin.post('/api/v1/notification-templates', { name: 'Digest Slack B', family: 'digest', channel: 'slack', body: '{{ pendingCount }} waiting' })
    ).json();
    expect((await admin.patch(`/api/v1/notification-templates/${a.id}`, { status: 'published' })).statusCode).toBe(200);
    const second = await admin.patch(`/api/v1/notification-templates/${b.id}`, { status: 'published' });
    expect(second.statusCode).toBe(409);
    expect(second.json().error.message).toContain('Digest Slack A');
    // In another language it is a different slot.
    const fr = await admin.patch(`/api/v1/notification-templates/${b.id}`, { status: 'published', language: 'fr' });
    expect(fr.statusCode, fr.body).toBe(200);
    expect(fr.json()).toMatchObject({ status: 'published', language: 'fr' });
    const unknownLanguage = await admin.patch(`/api/v1/notification-templates/${b.id}`, { language: 'xx' });
    expect(unknownLanguage.statusCode).toBe(400);
  });

  it('translates (another language, draft, same group) and clones (same language, draft)', async () => {
    const def = await systemDefault('escalation', 'slack');
    const tr = await admin.post(`/api/v1/notification-templates/${def.id}/translate`, { language: 'de' });
    expect(tr.statusCode, tr.body).toBe(201);
    expect(tr.json()).toMatchObject({
      name: 'Escalation - Slack (German)',
      language: 'de',
      status: 'draft',
      translationOf: def.id,
      family: 'escalation',
      channel: 'slack',
    });
    const same = await admin.post(`/api/v1/notification-templates/${def.id}/translate`, { language: 'en' });
    expect(same.statusCode).toBe(400);
    const c1 = await admin.post(`/api/v1/notification-templates/${def.id}/clone`, {});
    const c2 = await admin.post(`/api/v1/notification-templates/${def.id}/clone`, {});
    expect(c1.json()).toMatchObject({ name: 'Escalation - Slack (copy)', language: 'en', status: 'draft', translationOf: null });
    expect(c2.json().name).toBe('Escalation - Slack (copy) 2');
    const notes = await auditNotes('Notification Templates');
    expect(notes).toContain('Translated notification template Escalation - Slack to German as Escalation - Slack (German)');
    expect(notes).toContain('Cloned notification template Escalation - Slack as Escalation - Slack (copy)');
  });

  it('previews each channel as it will be received', async () => {
    const email = await admin.get(`/api/v1/notification-templates/${(await systemDefault('end_user', 'email')).id}/preview`);
    expect(email.statusCode, email.body).toBe(200);
    const e = email.json();
    expect(e.subject).toBe('Action needed: please explain a blocked data transfer (TX-2026-0001042)');
    expect(e.html).toContain('<!doctype html>');
    expect(e.html).toContain('Q3 customer cards.xlsx');
    expect(e.text).toContain('Give a justification: https://wfa.example.com/survey/sample-token');
    const slack = (await admin.get(`/api/v1/notification-templates/${(await systemDefault('digest', 'slack')).id}/preview`)).json();
    expect(slack.slackBlocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'Your data protection incidents', emoji: true } });
    expect(JSON.stringify(slack.slackBlocks)).toContain('TX-2026-0001041');
    const teams = (await admin.get(`/api/v1/notification-templates/${(await systemDefault('admin_digest', 'teams')).id}/preview`)).json();
    expect(teams.teamsCard).toMatchObject({ type: 'AdaptiveCard', version: '1.4' });
    expect(teams.teamsCard.body[0]).toMatchObject({ type: 'TextBlock', text: 'DLP admin digest' });

    const live = await admin.post('/api/v1/notification-templates/preview', {
      family: 'end_user',
      channel: 'teams',
      subject: 'Hi {{ recipientName }}',
      body: 'File: {{ incident.fileName }}',
    });
    expect(live.statusCode, live.body).toBe(200);
    expect(live.json().teamsCard.body).toEqual([
      { type: 'TextBlock', text: 'Hi Alex Morgan', weight: 'Bolder', size: 'Medium', wrap: true },
      { type: 'TextBlock', text: 'File: Q3 customer cards.xlsx', wrap: true },
    ]);
    const liveBad = await admin.post('/api/v1/notification-templates/preview', { family: 'end_user', channel: 'teams', body: '{{ incident.nope }}' });
    expect(liveBad.statusCode).toBe(400);
    expect(liveBad.json().error.message).toContain('incident.nope');
  });

  it('answers per permission and per org', async () => {
    const viewer = await t.sessionWith({ 'Notification Templates': 'view' });
    expect((await viewer.get('/api/v1/notification-templates')).statusCode).toBe(200);
    expect((await viewer.post('/api/v1/notification-templates', { name: 'x', family: 'end_user', channel: 'slack', body: 'x' })).statusCode).toBe(403);
    const none = await t.sessionWith({ Incidents: 'view' });
    expect((await none.get('/api/v1/notification-templates')).statusCode).toBe(403);
    const mine = (await list('&status=draft')).items[0]!;
    const other = await t.newOrg('Templates Org C');
    expect((await other.session.get(`/api/v1/notification-templates/${mine.id}`)).statusCode).toBe(404);
    expect((await other.session.patch(`/api/v1/notification-templates/${mine.id}`, { name: 'stolen' })).statusCode).toBe(404);
    expect((await other.session.delete(`/api/v1/notification-templates/${mine.id}`)).statusCode).toBe(404);
    expect((await admin.get(`/api/v1/notification-templates/${mine.id}`)).json().name).toBe(mine.name);
  });
});
