import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TemplateIncident } from '../../../src/modules/notification-templates/service.js';
import { createTestApp, type Session, type TestApp } from '../../helpers/test-app.js';

let t: TestApp;
let admin: Session;
beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login(t.admin.email);
});
afterAll(() => t?.close());

const incident = (over: Partial<TemplateIncident> = {}): TemplateIncident => ({
  id: 7,
  transactionId: 'TX-7',
  severity: 'High',
  status: 'New',
  sourceDlpType: 'Inline',
  sourceAction: 'Block',
  dlpEngine: 'PCI',
  user: 'Sam <b>Bold</b>',
  userEmail: 'sam@example.com',
  department: null,
  destination: null,
  fileName: 'cards.xlsx',
  matchCount: 3,
  createdAt: '2026-12-01T10:00:00.000Z',
  ...over,
});
const vars = { recipientName: 'Sam', surveyUrl: 'https://wfa.example.com/s/abc?x=1&y=2', expiresAt: '2026-12-08T10:00:00.000Z' };

async function publish(name: string, channel: string, body: string, extra: Record<string, unknown> = {}) {
  const res = await admin.post('/api/v1/notification-templates', {
    name,
    family: 'end_user',
    channel,
    body,
    subject: `${name} {{ incident.transactionId }}`,
    status: 'published',
    ...extra,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: number };
}

async function render(over: Partial<TemplateIncident> = {}, language?: string, channel: 'slack' | 'email' | 'teams' = 'slack') {
  return t.ctx.notificationTemplates.render(t.orgId, { family: 'end_user', channel, language, incident: incident(over), vars });
}

describe('render', () => {
  it('falls back to the System Default, escapes for the channel and keeps the subject on one line', async () => {
    const email = await render({ transactionId: 'TX-7\r\nBcc: victim@example.com', fileName: '<b>Bold</b> & <script>x()</script>.xlsx' }, undefined, 'email');
    expect(email.subject).toBe('Action needed: please explain a blocked data transfer (TX-7 Bcc: victim@example.com)');
    expect(email.html).toContain('&lt;b&gt;Bold&lt;/b&gt; &amp; &lt;script&gt;x()&lt;/script&gt;.xlsx');
    expect(email.html).not.toContain('<b>Bold</b>');
    expect(email.html).not.toContain('<script>');
    // The text part shows the characters the value holds.
    expect(email.text).toContain('<b>Bold</b> & <script>x()</script>.xlsx');
    expect(email.text).toContain('Give a justification: https://wfa.example.com/s/abc?x=1&y=2');
    const slack = await render({ fileName: '<!channel> & <http://evil|click>' });
    expect(JSON.stringify(slack.slackBlocks)).toContain('&lt;!channel&gt; &amp; &lt;http://evil|click&gt;');
    expect(JSON.stringify(slack.slackBlocks)).not.toContain('<!channel>');
  });

  it('picks the published template of the language, then the mapped one, most specific row first', async () => {
    const en = await publish('EN slack', 'slack', 'english {{ incident.transactionId }}');
    const fr = await publish('FR slack', 'slack', 'français {{ incident.transactionId }}', { language: 'fr' });
    expect((await render()).text).toContain('english TX-7');
    expect((await render({}, 'fr')).text).toContain('français TX-7');
    expect((await render({}, 'de')).text).toContain('english TX-7');

    // The mapped templates are in other languages' slots (one published template per language).
    const anyAction = await publish('Inline any', 'slack', 'inline-any {{ incident.sourceAction }}', { language: 'it', status: 'draft' });
    const draftMap = await admin.post('/api/v1/template-mappings/incident', {
      sourceDlpType: 'Inline',
      notificationType: 'end_user',
      slackTemplateId: anyAction.id,
    });
    expect(draftMap.statusCode).toBe(400);
    expect(draftMap.json().error.message).toContain('draft');
    expect((await admin.patch(`/api/v1/notification-templates/${anyAction.id}`, { status: 'published' })).statusCode).toBe(200);
    const block = await publish('Inline block', 'slack', 'inline-block {{ incident.sourceAction }}', { language: 'nl' });

    const rowAny = await admin.post('/api/v1/template-mappings/incident', {
      sourceDlpType: 'Inline',
      notificationType: 'end_user',
      slackTemplateId: anyAction.id,
    });
    expect(rowAny.statusCode, rowAny.body).toBe(201);
    expect(rowAny.json()).toMatchObject({
      sourceDlpType: 'Inline',
      sourceAction: null,
      notificationType: 'end_user',
      slack: { id: anyAction.id, name: 'Inline any' },
      email: null,
    });
    const rowBlock = await admin.post('/api/v1/template-mappings/incident', {
      sourceDlpType: 'Inline',
      sourceAction: 'Block',
      notificationType: 'end_user',
      slackTemplateId: block.id,
    });
    expect(rowBlock.statusCode, rowBlock.body).toBe(201);
    const dup = await admin.post('/api/v1/template-mappings/incident', {
      sourceDlpType: 'Inline',
      sourceAction: 'block',
      notificationType: 'end_user',
      slackTemplateId: block.id,
    });
    expect(dup.statusCode).toBe(409);

    // English asked, mapped templates are Italian / Dutch: the published English template wins, then the mapping.
    expect((await render({ sourceAction: 'Block' }, 'nl')).text).toContain('inline-block Block');
    expect((await render({ sourceAction: 'Allow' }, 'it')).text).toContain('inline-any Allow');
    expect((await render({ sourceAction: 'Block' }, 'ja')).text).toContain('inline-block Block');
    expect((await render({ sourceAction: 'Allow', sourceDlpType: 'Email' }, 'ja')).text).toContain('english');
    expect((await render({ sourceAction: 'Block' }, 'fr')).text).toContain('français');

    // A mapped template translated and published in the asked language is used.
    const tr = await admin.post(`/api/v1/notification-templates/${block.id}/translate`, { language: 'ja' });
    await admin.patch(`/api/v1/notification-templates/${tr.json().id}`, { body: 'ja-block {{ incident.transactionId }}', status: 'published' });
    expect((await render({ sourceAction: 'Block' }, 'ja')).text).toContain('ja-block TX-7');

    // A mapped template cannot be deleted while a row names it; a row's templates must fit family and channel.
    const emailDefault = (await admin.get('/api/v1/notification-templates?family=end_user&channel=email&status=system_default')).json().items[0];
    const wrongChannel = await admin.patch(`/api/v1/template-mappings/${rowAny.json().id}`, { slackTemplateId: emailDefault.id });
    expect(wrongChannel.statusCode).toBe(400);
    expect(wrongChannel.json().error.message).toContain('pick a Slack template');
    const escDefault = (await admin.get('/api/v1/notification-templates?family=escalation&channel=email&status=system_default')).json().items[0];
    expect((await admin.patch(`/api/v1/template-mappings/${rowAny.json().id}`, { emailTemplateId: escDefault.id })).statusCode).toBe(400);
    const ok = await admin.patch(`/api/v1/template-mappings/${rowAny.json().id}`, { emailTemplateId: emailDefault.id });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().email).toMatchObject({ id: emailDefault.id, status: 'system_default' });

    const listed = await admin.get('/api/v1/template-mappings?tab=incident');
    expect(listed.json().items).toHaveLength(2);
    expect((await admin.delete(`/api/v1/template-mappings/${rowBlock.json().id}`)).statusCode).toBe(204);
    expect((await render({ sourceAction: 'Block' }, 'it')).text).toContain('inline-any Block');
    void en;
    void fr;
  });

  it('maps digests in the Digest tab', async () => {
    const d = await admin.post('/api/v1/notification-templates', {
      name: 'Admin digest es',
      family: 'admin_digest',
      channel: 'teams',
      body: 'resumen {{ totalCount }}',
      language: 'es',
      status: 'published',
    });
    expect(d.statusCode, d.body).toBe(201);
    const row = await admin.post('/api/v1/template-mappings/digest', { notificationType: 'admin_digest', teamsTemplateId: d.json().id });
    expect(row.statusCode, row.body).toBe(201);
    expect(row.json()).toMatchObject({ tab: 'digest', sourceDlpType: null, notificationType: 'admin_digest' });
    expect((await admin.get('/api/v1/template-mappings?tab=digest')).json().items).toHaveLength(1);
    const out = await t.ctx.notificationTemplates.render(t.orgId, { family: 'admin_digest', channel: 'teams', vars: { totalCount: 4, rows: [] } });
    expect(out.teamsCard).toMatchObject({ body: [{ type: 'TextBlock', text: 'resumen 4' }] });
    const none = await admin.post('/api/v1/template-mappings/digest', { notificationType: 'digest' });
    expect(none.statusCode).toBe(400);
    const audit = await t.ctx.db.selectFrom('audit_log').select('change_notes').where('module', '=', 'Template Mappings').execute();
    expect(audit.map((a) => a.change_notes)).toContain('Added template mapping DLP Admin Digest');
  });

  it('refuses mappings across orgs and without the permission', async () => {
    const other = await t.newOrg('Mappings Org B');
    const mine = (await admin.get('/api/v1/template-mappings?tab=incident')).json().items[0];
    expect((await other.session.patch(`/api/v1/template-mappings/${mine.id}`, { emailTemplateId: null })).statusCode).toBe(404);
    const mineTemplate = (await admin.get('/api/v1/notification-templates?status=published&channel=slack')).json().items[0];
    const theirs = await other.session.post('/api/v1/template-mappings/incident', {
      sourceDlpType: 'Email',
      notificationType: 'end_user',
      slackTemplateId: mineTemplate.id,
    });
    expect(theirs.statusCode).toBe(400);
    expect(theirs.json().error.message).toContain('does not exist');
    const viewer = await t.sessionWith({ 'Template Mappings': 'view' });
    expect((await viewer.get('/api/v1/template-mappings')).statusCode).toBe(200);
    expect((await viewer.delete(`/api/v1/template-mappings/${mine.id}`)).statusCode).toBe(403);
  });
});

describe('Survey Templates', () => {
  it('lists both questionnaires, saves texts per language and serves them to the survey page with fallbacks', async () => {
    const list = (await admin.get('/api/v1/survey-templates')).json().items;
    expect(list.map((s: { family: string; type: string; language: string }) => [s.family, s.type, s.language])).toEqual([
      ['End-user Justification - Questionnaire Template', 'Questionnaire', 'en'],
      ['Escalation - Questionnaire Template', 'Questionnaire', 'en'],
    ]);
    expect(list[0].texts).toMatchObject({
      justificationTypeLabel: 'Justification Type',
      falsePositive: 'False Positive',
      managerApproved: 'Manager Approved',
      others: 'Others',
      reasonLabel: 'Justification Reason',
    });

    const base = list[0].texts;
    const fr = await admin.put('/api/v1/survey-templates/end_user/fr', {
      texts: { ...base, justificationTypeLabel: 'Type de justification', falsePositive: 'Faux positif' },
    });
    expect(fr.statusCode, fr.body).toBe(200);
    expect(fr.json()).toMatchObject({ language: 'fr', customised: true, texts: { falsePositive: 'Faux positif' } });
    expect((await t.ctx.notificationTemplates.surveyTemplate(t.orgId, 'end_user', 'fr')).texts.falsePositive).toBe('Faux positif');
    expect(await t.ctx.notificationTemplates.surveyTemplate(t.orgId, 'end_user', 'de')).toMatchObject({
      language: 'en',
      texts: { falsePositive: 'False Positive' },
    });
    const esc = await t.ctx.notificationTemplates.surveyTemplate(t.orgId, 'escalation');
    expect(esc.texts).toMatchObject({ approve: 'Approve', reject: 'Reject' });

    const wrongShape = await admin.put('/api/v1/survey-templates/escalation/en', { texts: base });
    expect(wrongShape.statusCode).toBe(400);
    const empty = await admin.put('/api/v1/survey-templates/end_user/en', { texts: { ...base, others: '  ' } });
    expect(empty.statusCode).toBe(400);
    expect((await admin.put('/api/v1/survey-templates/end_user/xx', { texts: base })).statusCode).toBe(400);
    expect((await admin.get('/api/v1/survey-templates')).json().items).toHaveLength(3);

    expect((await admin.delete('/api/v1/survey-templates/end_user/fr')).statusCode).toBe(204);
    expect((await admin.delete('/api/v1/survey-templates/end_user/fr')).statusCode).toBe(400);
    expect((await t.ctx.notificationTemplates.surveyTemplate(t.orgId, 'end_user', 'fr')).language).toBe('en');
    const audit = await t.ctx.db.selectFrom('audit_log').select('change_notes').where('module', '=', 'Survey Templates').orderBy('id').execute();
    expect(audit.map((a) => a.change_notes)).toEqual([
      'Saved End-user Justification - Questionnaire Template in French',
      'Removed the French End-user Justification - Questionnaire Template',
    ]);

    const viewer = await t.sessionWith({ 'Survey Templates': 'view' });
    expect((await viewer.put('/api/v1/survey-templates/end_user/en', { texts: base })).statusCode).toBe(403);
    const other = await t.newOrg('Surveys Org B');
    await admin.put('/api/v1/survey-templates/end_user/en', { texts: { ...base, title: 'Org A title' } });
    expect((await other.session.get('/api/v1/survey-templates/end_user/en')).json().texts.title).not.toBe('Org A title');
  });
});
