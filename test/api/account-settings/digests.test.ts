import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '../../../src/platform/jobs/index.js';
import { lastPeriod } from '../../../src/modules/account-settings/digests.js';
import { createTestApp, type Session, type TestApp } from '../../helpers/test-app.js';
import { incident } from '../incidents/helpers.js';
import { drainJobs } from './helpers.js';

const t: TestApp = await createTestApp();
afterAll(() => t.close());

let s: Session;
const now = Date.now();
const yesterday = lastPeriod('daily', now);
const inYesterday = new Date(Date.parse(yesterday.from) + DAY_MS / 2).toISOString();
const ids: Record<string, string> = {};

async function messages(orgId = t.orgId) {
  return t.ctx.db
    .selectFrom('notification_messages')
    .select(['kind', 'channel', 'recipient', 'purpose', 'subject', 'text'])
    .where('org_id', '=', orgId)
    .orderBy('id')
    .execute();
}

async function ingest(key: string, email: string, date: string) {
  const body = incident({ incidentDate: date, user: { name: key.split('-')[0], email } });
  const res = await s.post('/api/v1/incidents', body);
  expect(res.statusCode, res.body).toBe(201);
  ids[key] = body.transactionId;
  return res.json().id as number;
}

beforeAll(async () => {
  s = await t.login(t.admin.email);
  const current = (await s.get('/api/v1/account-settings')).json();
  const res = await s.put('/api/v1/account-settings', {
    notifications: {
      linkExpiryDays: current.notifications.linkExpiryDays,
      digest: {
        endUser: { enabled: true, channels: ['email'], frequency: 'daily' },
        admin: { enabled: true, channels: ['email'], frequency: 'daily', recipients: ['secops@corp.example'] },
      },
    },
    approverDomains: [],
    uniqueAttributes: ['email'],
    privacy: { obfuscatedAttributes: [] },
  });
  expect(res.statusCode, res.body).toBe(200);
  await ingest('jane-1', 'jane@corp.example', inYesterday);
  await ingest('jane-2', 'JANE@corp.example', inYesterday);
  await ingest('jane-today', 'jane@corp.example', new Date(now - 60_000).toISOString());
  await ingest('bob-1', 'bob@corp.example', inYesterday);
  const closed = await ingest('carol-closed', 'carol@corp.example', inYesterday);
  expect((await s.post(`/api/v1/incidents/${closed}/close`, { notes: 'done' })).statusCode).toBe(200);
});

describe('digests', () => {
  it('the schedule enqueues each enabled digest once per period, however often it runs', async () => {
    expect(await t.ctx.accountSettings.digests.enqueueDue(now)).toBe(2);
    expect(await t.ctx.accountSettings.digests.enqueueDue(now)).toBe(0);
    expect(await t.ctx.accountSettings.digests.enqueueDue(now + 60_000)).toBe(0);
  });

  it('sends each person their open incidents of the period and the admins the counts', async () => {
    await drainJobs(t);
    const sent = await messages();
    const purpose = `digest:endUser:daily:${yesterday.period}`;
    const endUser = sent.filter((m) => m.kind === 'digest');
    expect(endUser.map((m) => m.recipient.toLowerCase()).sort()).toEqual(['bob@corp.example', 'jane@corp.example']);
    expect(endUser.every((m) => m.purpose === purpose && m.channel === 'email')).toBe(true);
    const jane = endUser.find((m) => m.recipient.toLowerCase() === 'jane@corp.example')!;
    expect(jane.text).toContain(ids['jane-1']);
    expect(jane.text).toContain(ids['jane-2']);
    expect(jane.text).not.toContain(ids['jane-today']);
    expect(jane.text).not.toContain(ids['bob-1']);
    expect(sent.some((m) => m.recipient === 'carol@corp.example')).toBe(false);

    const admin = sent.filter((m) => m.kind === 'admin_digest');
    expect(admin.map((m) => m.recipient)).toEqual(['secops@corp.example']);
    expect(admin[0].purpose).toBe(`digest:admin:daily:${yesterday.period}`);
    expect(admin[0].subject).toMatch(/4 incidents/);
  });

  it('a retried digest job hands over no second message; a switched-off digest sends nothing', async () => {
    const before = (await messages()).length;
    expect(await t.ctx.accountSettings.digests.send(t.orgId, { kind: 'endUser', frequency: 'daily', period: yesterday.period })).toBe(0);
    expect((await messages()).length).toBe(before);

    const current = (await s.get('/api/v1/account-settings')).json();
    const { updatedAt: _u, updatedBy: _b, choices: _c, ...body } = current;
    body.notifications.digest.admin.enabled = false;
    expect((await s.put('/api/v1/account-settings', body)).statusCode).toBe(200);
    expect(await t.ctx.accountSettings.digests.send(t.orgId, { kind: 'admin', frequency: 'daily', period: yesterday.period + 1 })).toBe(0);
    expect(await t.ctx.accountSettings.digests.enqueueDue(now + 2 * 86_400_000)).toBe(1);
  });

  it('keeps orgs apart', async () => {
    const other = await t.newOrg();
    expect(await messages(other.orgId)).toEqual([]);
  });
});
