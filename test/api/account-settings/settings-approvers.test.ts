import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../helpers/test-app.js';
import { incident, WIDE } from '../incidents/helpers.js';
import { auditEntries, tableCounts } from './helpers.js';

const t: TestApp = await createTestApp();
afterAll(() => t.close());

let s: Session;
beforeAll(async () => {
  s = await t.login(t.admin.email);
});

async function settings(session = s) {
  const res = await session.get('/api/v1/account-settings');
  expect(res.statusCode, res.body).toBe(200);
  const { updatedAt: _u, updatedBy: _b, choices: _c, ...body } = res.json();
  return body;
}

describe('Account Settings', () => {
  it('starts from sensible defaults and offers the choices', async () => {
    const res = await s.get('/api/v1/account-settings');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.notifications.linkExpiryDays).toEqual({ endUser: 7, manager: 7, approver: 7 });
    expect(body.notifications.digest.admin).toMatchObject({ enabled: false, recipients: [] });
    expect(body.approverDomains).toEqual([]);
    expect(body.uniqueAttributes).toEqual(['email']);
    expect(body.privacy.obfuscatedAttributes).toEqual([]);
    expect(body.updatedAt).toBeNull();
    expect(body.choices.obfuscatableAttributes.map((c: { label: string }) => c.label)).toContain('User Email');
    expect(body.choices.channels.map((c: { label: string }) => c.label)).toEqual(['Email', 'Slack', 'Teams']);
  });

  it('saves every section, normalises domains and records one audit entry naming the sections changed', async () => {
    const base = await settings();
    const before = (await auditEntries(t, t.orgId, 'Account Settings')).length;
    const body = {
      ...base,
      notifications: {
        linkExpiryDays: { endUser: 30, manager: 1, approver: 14 },
        digest: {
          endUser: { enabled: true, channels: ['email'], frequency: 'daily' },
          admin: { enabled: true, channels: ['email'], frequency: 'weekly', recipients: ['secops@corp.example'] },
        },
      },
      approverDomains: ['Corp.Example', 'partner.example.org'],
    };
    const res = await s.put('/api/v1/account-settings', body);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().approverDomains).toEqual(['corp.example', 'partner.example.org']);
    expect(res.json().updatedBy).toBe(t.admin.email);
    expect(await settings()).toMatchObject({ notifications: body.notifications, approverDomains: ['corp.example', 'partner.example.org'] });
    const audit = await auditEntries(t, t.orgId, 'Account Settings');
    expect(audit.length).toBe(before + 1);
    expect(audit.at(-1)!.notes).toBe('Updated Account Settings (Notifications, Approvers Domain Management)');
    expect(JSON.parse(audit.at(-1)!.after!).notifications.linkExpiryDays.endUser).toBe(30);
    // The service contract the notification modules use reads the same values.
    const contract = await t.ctx.accountSettings.settings(t.orgId);
    expect(contract.notifications.linkExpiryDays).toEqual({ endUser: 30, manager: 1, approver: 14 });
    expect(contract.approverDomains).toEqual(['corp.example', 'partner.example.org']);
  });

  it.each([
    ['expiry 0 days', (b: any) => ((b.notifications.linkExpiryDays.endUser = 0), b), /at least 1 day/],
    ['expiry 31 days', (b: any) => ((b.notifications.linkExpiryDays.approver = 31), b), /at most 30 days/],
    ['expiry not whole', (b: any) => ((b.notifications.linkExpiryDays.manager = 2.5), b), /whole number/],
    ['11 domains', (b: any) => ((b.approverDomains = Array.from({ length: 11 }, (_, i) => `d${i}.example`)), b), /at most 10 domains/],
    ['a duplicate domain', (b: any) => ((b.approverDomains = ['corp.example', 'CORP.example']), b), /listed twice/],
    ['a URL as domain', (b: any) => ((b.approverDomains = ['https://corp.example/x']), b), /domain such as example.com/],
    ['an address as domain', (b: any) => ((b.approverDomains = ['me@corp.example']), b), /domain such as example.com/],
    ['a single-label domain', (b: any) => ((b.approverDomains = ['localhost']), b), /domain such as example.com/],
    [
      'an enabled digest without channels',
      (b: any) => ((b.notifications.digest.endUser = { enabled: true, channels: [], frequency: 'daily' }), b),
      /at least one channel/,
    ],
    [
      'an admin email digest without recipients',
      (b: any) => ((b.notifications.digest.admin = { enabled: true, channels: ['email'], frequency: 'daily', recipients: [] }), b),
      /at least one recipient/,
    ],
    ['a bad recipient', (b: any) => ((b.notifications.digest.admin.recipients = ['not-an-email']), b), /valid email/],
    ['Slack for the end-user digest', (b: any) => ((b.notifications.digest.endUser.channels = ['email', 'slack']), b), /Email only/],
    ['an hourly frequency', (b: any) => ((b.notifications.digest.endUser.frequency = 'hourly'), b), /frequency/],
    ['no unique attribute', (b: any) => ((b.uniqueAttributes = []), b), /at least one unique attribute/],
    ['an unknown attribute to obfuscate', (b: any) => ((b.privacy.obfuscatedAttributes = ['salary']), b), /obfuscatedAttributes/],
    ['an unknown field', (b: any) => ((b.extra = 1), b), /extra/],
    ['a control character', (b: any) => ((b.approverDomains = ['corp\u0000.example']), b), /control/i],
  ])('refuses %s with a 400 and changes nothing', async (_name, mutate, message) => {
    const before = await settings();
    const counts = await tableCounts(t, t.orgId);
    const res = await s.put('/api/v1/account-settings', mutate(structuredClone(before)));
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.message).toMatch(message);
    expect(await settings()).toEqual(before);
    expect(await tableCounts(t, t.orgId)).toEqual(counts);
  });

  it('needs Account Settings edit to save and view to read', async () => {
    const viewer = await t.sessionWith({ 'Account Settings': 'view' });
    expect((await viewer.get('/api/v1/account-settings')).statusCode).toBe(200);
    expect((await viewer.put('/api/v1/account-settings', await settings())).statusCode).toBe(403);
    const none = await t.sessionWith({ Incidents: 'view' });
    expect((await none.get('/api/v1/account-settings')).statusCode).toBe(403);
  });
});

describe('Approvers', () => {
  it('adds rows together, refuses emails outside the trusted domains naming them, and duplicates', async () => {
    // Trusted domains from the test above: corp.example, partner.example.org.
    const counts = await tableCounts(t, t.orgId);
    const outside = await s.post('/api/v1/approvers', {
      approvers: [
        { name: 'Ann Lee', email: 'ann@corp.example' },
        { name: 'Bob Roe', email: 'bob@elsewhere.example' },
      ],
    });
    expect(outside.statusCode).toBe(400);
    expect(outside.json().error.message).toMatch(
      /approvers\.1\.email: bob@elsewhere\.example is not in the trusted approver domains \(corp\.example, partner\.example\.org\)/,
    );
    expect(await tableCounts(t, t.orgId)).toEqual(counts);

    const twice = await s.post('/api/v1/approvers', {
      approvers: [
        { name: 'Ann Lee', email: 'ann@corp.example' },
        { name: 'Ann Again', email: 'ANN@corp.example' },
      ],
    });
    expect(twice.statusCode).toBe(400);
    expect(twice.json().error.message).toMatch(/entered twice \(rows 1 and 2\)/);

    const ok = await s.post('/api/v1/approvers', {
      approvers: [
        { name: 'Ann Lee', email: 'ann@corp.example' },
        { name: 'Carl Poe', email: 'carl@partner.example.org' },
      ],
    });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().items.map((a: { email: string }) => a.email)).toEqual(['ann@corp.example', 'carl@partner.example.org']);

    const again = await s.post('/api/v1/approvers', { approvers: [{ name: 'Ann L', email: 'Ann@Corp.Example' }] });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toMatch(/ann@corp\.example is already an approver/);

    const audit = await auditEntries(t, t.orgId, 'Approvers');
    expect(audit.filter((a) => a.action === 'Insert').map((a) => a.notes)).toEqual([
      'Added approver Ann Lee <ann@corp.example>',
      'Added approver Carl Poe <carl@partner.example.org>',
    ]);
  });

  it('refuses a domain restriction that an existing approver breaks', async () => {
    const current = await settings();
    const res = await s.put('/api/v1/account-settings', { ...current, approverDomains: ['corp.example'] });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/carl@partner\.example\.org/);
    expect((await settings()).approverDomains).toEqual(['corp.example', 'partner.example.org']);
  });

  it('searches, pages, edits and deletes; the contract methods see the same rows', async () => {
    const more = await s.post('/api/v1/approvers', {
      approvers: Array.from({ length: 12 }, (_, i) => ({ name: `Zed ${String(i).padStart(2, '0')}`, email: `zed${i}@corp.example` })),
    });
    expect(more.statusCode, more.body).toBe(201);
    const page2 = (await s.get('/api/v1/approvers?search=zed&page=2&pageSize=5')).json();
    expect(page2.total).toBe(12);
    expect(page2.items.map((a: { name: string }) => a.name)).toEqual(['Zed 05', 'Zed 06', 'Zed 07', 'Zed 08', 'Zed 09']);
    expect((await s.get('/api/v1/approvers?search=PARTNER')).json().items.map((a: { name: string }) => a.name)).toEqual(['Carl Poe']);
    // A search for % matches only a literal %.
    expect((await s.get('/api/v1/approvers?search=%25')).json().total).toBe(0);

    const ann = (await s.get('/api/v1/approvers?search=ann')).json().items[0];
    const outside = await s.patch(`/api/v1/approvers/${ann.id}`, { email: 'ann@gmail.example' });
    expect(outside.statusCode).toBe(400);
    expect(outside.json().error.message).toMatch(/trusted approver domains/);
    const taken = await s.patch(`/api/v1/approvers/${ann.id}`, { email: 'carl@partner.example.org' });
    expect(taken.statusCode).toBe(409);
    const edited = await s.patch(`/api/v1/approvers/${ann.id}`, { name: 'Ann Lee-Smith' });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json().name).toBe('Ann Lee-Smith');
    expect(await t.ctx.accountSettings.approver(t.orgId, ann.id)).toEqual({ id: ann.id, name: 'Ann Lee-Smith', email: 'ann@corp.example' });

    expect((await s.delete(`/api/v1/approvers/${ann.id}`)).statusCode).toBe(204);
    expect((await s.get(`/api/v1/approvers/${ann.id}`)).statusCode).toBe(404);
    expect(await t.ctx.accountSettings.approver(t.orgId, ann.id)).toBeNull();
    expect((await t.ctx.accountSettings.approvers(t.orgId)).map((a) => a.name)).not.toContain('Ann Lee-Smith');
    const audit = await auditEntries(t, t.orgId, 'Approvers');
    expect(audit.at(-1)).toMatchObject({ action: 'Delete', notes: 'Deleted approver Ann Lee-Smith <ann@corp.example>' });
    expect(audit.at(-2)).toMatchObject({ action: 'Update', notes: 'Edited approver Ann Lee-Smith <ann@corp.example>' });
  });

  it.each([
    ['no rows', { approvers: [] }, /at least one approver/],
    ['an empty name', { approvers: [{ name: ' ', email: 'x@corp.example' }] }, /approver name/],
    ['a bad email', { approvers: [{ name: 'X', email: 'x@' }] }, /valid email/],
    ['a name with a line break', { approvers: [{ name: 'X\nY', email: 'x@corp.example' }] }, /name/],
    ['101 rows', { approvers: Array.from({ length: 101 }, (_, i) => ({ name: `N${i}`, email: `n${i}@corp.example` })) }, /at most 100/],
  ])('refuses %s', async (_n, body, message) => {
    const counts = await tableCounts(t, t.orgId);
    const res = await s.post('/api/v1/approvers', body);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(message);
    expect(await tableCounts(t, t.orgId)).toEqual(counts);
  });

  it('keeps orgs apart', async () => {
    const other = await t.newOrg();
    const mine = (await s.get('/api/v1/approvers')).json().items[0];
    expect((await other.session.get(`/api/v1/approvers/${mine.id}`)).statusCode).toBe(404);
    expect((await other.session.delete(`/api/v1/approvers/${mine.id}`)).statusCode).toBe(404);
    expect((await other.session.patch(`/api/v1/approvers/${mine.id}`, { name: 'Mine now' })).statusCode).toBe(404);
    expect((await other.session.get('/api/v1/approvers')).json().total).toBe(0);
    // Another org has no domain restriction and may use the same email.
    expect((await other.session.post('/api/v1/approvers', { approvers: [{ name: 'Carl', email: 'carl@partner.example.org' }] })).statusCode).toBe(201);
    expect((await other.session.get('/api/v1/account-settings')).json().approverDomains).toEqual([]);
    expect(await t.ctx.accountSettings.approver(other.orgId, mine.id)).toBeNull();
  });

  it('needs the Approvers permission', async () => {
    const viewer = await t.sessionWith({ Approvers: 'view' });
    expect((await viewer.get('/api/v1/approvers')).statusCode).toBe(200);
    expect((await viewer.post('/api/v1/approvers', { approvers: [{ name: 'V', email: 'v@corp.example' }] })).statusCode).toBe(403);
  });
});

describe('Privacy and Security: obfuscation in the incident views', () => {
  it('hides the chosen attributes from roles that cannot edit Account Settings, in the list, details, actions and CSV', async () => {
    const ingest = await s.post(
      '/api/v1/incidents',
      incident({
        user: {
          name: 'Jane Doe',
          email: 'jane@corp.example',
          clientIp: '10.0.0.5',
          manager: { name: 'Mark Boss', email: 'mark@corp.example' },
          deviceName: 'LAPTOP-7',
        },
      }),
    );
    expect(ingest.statusCode, ingest.body).toBe(201);
    const id = ingest.json().id as number;
    const current = await settings();
    expect(
      (await s.put('/api/v1/account-settings', { ...current, privacy: { obfuscatedAttributes: ['userEmail', 'managerName', 'clientIp'] } })).statusCode,
    ).toBe(200);

    const analyst = await t.sessionWith({ Incidents: 'edit' });
    const listed = (await analyst.get(`/api/v1/incidents?${WIDE}`)).json().items.find((i: { id: number }) => i.id === id);
    expect(listed.userEmail).toBe('••••');
    expect(listed.userName).toBe('Jane Doe');
    const detailRes = await analyst.get(`/api/v1/incidents/${id}`);
    expect(detailRes.statusCode, detailRes.body).toBe(200);
    const detail = detailRes.json();
    expect(detail.userEmail).toBe('••••');
    expect(detail.details.user).toMatchObject({
      email: '••••',
      clientIp: '••••',
      deviceName: 'LAPTOP-7',
      manager: { name: '••••', email: 'mark@corp.example' },
    });
    const acted = await analyst.post(`/api/v1/incidents/${id}/notes`, { notes: 'looked' });
    expect(acted.statusCode, acted.body).toBe(200);
    expect(acted.json().details.user.email).toBe('••••');
    const csv = (await analyst.get(`/api/v1/incidents/export.csv?${WIDE}`)).body;
    expect(csv).not.toContain('jane@corp.example');
    expect(csv).toContain('••••');

    // An admin who can edit Account Settings sees the real values.
    const full = (await s.get(`/api/v1/incidents/${id}`)).json();
    expect(full.userEmail).toBe('jane@corp.example');
    expect(full.details.user.clientIp).toBe('10.0.0.5');

    // Turning it off shows everything again.
    expect((await s.put('/api/v1/account-settings', { ...current, privacy: { obfuscatedAttributes: [] } })).statusCode).toBe(200);
    expect((await analyst.get(`/api/v1/incidents/${id}`)).json().userEmail).toBe('jane@corp.example');
  });
});
