import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';
import * as wire from '../../../src/modules/compat-api/schemas.js';
import { BUDGETS } from '../../../src/modules/compat-api/rate-limit.js';
import { compatClient, conform, expectError, incident, seed } from './helpers.js';

describe('compatible API: role permissions and per-key rate limits', () => {
  let t: TestApp;
  let id: number;
  beforeAll(async () => {
    t = await createTestApp();
    [id] = await seed(t, [incident()]);
    const s = await t.login(t.admin.email);
    await s.post('/api/v1/labels', { name: 'Seen' });
  });
  afterAll(async () => t?.close());

  it('a role without Incidents edit reads but gets 403 on close, notes (both forms) and labels; nothing changes', async () => {
    const viewer = await compatClient(t, { Incidents: 'view' });
    conform(wire.incident, await viewer.call('GET', `/dlp/v1/incidents/${id}`));
    conform(wire.incidentList, await viewer.call('POST', '/dlp/v1/incidents/search', {}));
    expectError(await viewer.call('POST', `/dlp/v1/incidents/${id}/close`, {}), 403, 'FORBIDDEN');
    expectError(await viewer.call('POST', `/dlp/v1/incidents/${id}/notes`, { notes: 'x' }), 403);
    expectError(await viewer.call('POST', `/dlp/v1/incidents/notes/${id}`, { notes: 'x' }), 403);
    expectError(await viewer.call('POST', `/dlp/v1/incidents/${id}/labels`, { labels: [{ key: 'Seen', value: '' }] }), 403);
    expectError(await viewer.call('DELETE', `/dlp/v1/incidents/${id}`), 403);
    expectError(await viewer.call('POST', '/dlp/v1/customer/audit', {}), 403);
    const after = conform(wire.incident, await viewer.call('GET', `/dlp/v1/incidents/${id}`));
    expect(after).toMatchObject({ status: 'NEW', notes: [], labels: [] });

    const none = await compatClient(t, {});
    expectError(await none.call('GET', `/dlp/v1/incidents/${id}`), 403);
    expectError(await none.call('POST', '/dlp/v1/incidents/search', {}), 403);

    // Edit without Delete: close works, delete does not.
    const editor = await compatClient(t, { Incidents: 'edit' });
    expect((await editor.call('POST', `/dlp/v1/incidents/${id}/labels`, { labels: [{ key: 'Seen' }] })).statusCode).toBe(200);
    expectError(await editor.call('DELETE', `/dlp/v1/incidents/${id}`), 403);
  });

  it('counts each key separately; a 429 carries Retry-After and delta RateLimit-* headers, and the next window serves again', async () => {
    const a = await compatClient(t);
    const b = await compatClient(t);
    let clock = Date.UTC(2030, 0, 1, 10, 0, 10);
    t.ctx.compatApi.limiter.now = () => clock;
    try {
      const { perMinute } = BUDGETS.medium;
      for (let n = 0; n < perMinute; n++) {
        const res = await a.call('POST', '/dlp/v1/incidents/search', {});
        expect(res.statusCode).toBe(200);
        expect(Number(res.headers['ratelimit-remaining'])).toBe(perMinute - n - 1);
        expect(res.headers['ratelimit-limit']).toBe(String(perMinute));
      }
      const limited = await a.call('POST', '/dlp/v1/incidents/search', {});
      expectError(limited, 429, 'RATE_LIMITED');
      expect(limited.headers['retry-after']).toBe('50');
      expect(limited.headers['ratelimit-reset']).toBe('50');
      expect(limited.headers['ratelimit-remaining']).toBe('0');
      // Another resource of the same key, and the same resource of another key, still answer.
      expect((await a.call('GET', `/dlp/v1/incidents/${id}`)).statusCode).toBe(200);
      expect((await b.call('POST', '/dlp/v1/incidents/search', {})).statusCode).toBe(200);
      // The token endpoint is never limited.
      const tok = await t.app.inject({ method: 'POST', url: '/v1/auth/api-key/token', payload: { key_id: a.keyId, key_secret: a.secret } });
      expect(tok.statusCode).toBe(201);
      // The next minute: served again (what both vendor clients do after waiting).
      clock += 50_000;
      expect((await a.call('POST', '/dlp/v1/incidents/search', {})).statusCode).toBe(200);
      // The hourly budget: spent, the answer says to wait until the hour ends.
      for (let minute = 1; minute <= 50; minute++) {
        clock = Date.UTC(2030, 0, 1, 10, minute, 30);
        for (let n = 0; n < perMinute; n++) {
          const res = await a.call('POST', '/dlp/v1/incidents/search', {});
          if (res.statusCode === 429) break;
        }
      }
      const hourly = await a.call('POST', '/dlp/v1/incidents/search', {});
      expectError(hourly, 429);
      // 10:50:30: the hour's budget (not the minute's) is spent, so the wait runs to 11:00.
      expect(hourly.headers['retry-after']).toBe('570');
    } finally {
      t.ctx.compatApi.limiter.now = () => Date.now();
    }
  });
});

describe('compatible API: privacy settings', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());

  it('masks the attributes Account Settings obfuscate, in get, search and after an action, as the web app does', async () => {
    const [id] = await seed(t, [
      incident({
        user: { name: 'Jane Doe', email: 'jane@corp.example', clientIp: '10.0.0.5', manager: { name: 'Mark Boss', email: 'mark@corp.example' } },
        sourceType: 'Email',
        recipients: { triggered: ['out@else.example'], external: ['out@else.example'] },
      }),
    ]);
    const s = await t.login(t.admin.email);
    const { updatedAt: _u, updatedBy: _b, choices: _c, ...current } = (await s.get('/api/v1/account-settings')).json();
    const put = await s.put('/api/v1/account-settings', {
      ...current,
      privacy: { obfuscatedAttributes: ['userEmail', 'managerName', 'clientIp', 'recipientEmail'] },
    });
    expect(put.statusCode, put.body).toBe(200);

    const analyst = await compatClient(t, { Incidents: 'edit' });
    const got = conform(wire.incident, await analyst.call('GET', `/dlp/v1/incidents/${id}`));
    const listed = conform(wire.incidentList, await analyst.call('POST', '/dlp/v1/incidents/search', {})).incidents!.find((i) => i.internalId === String(id))!;
    const acted = conform(wire.incident, await analyst.call('POST', `/dlp/v1/incidents/${id}/notes`, { notes: 'looked' }));
    for (const view of [got, listed, acted]) {
      expect(view.userInfo).toMatchObject({ name: 'Jane Doe', email: '••••', clientIP: '••••', managerInfo: { name: '••••', email: 'mark@corp.example' } });
      expect(view.networkInfo?.source).toBe('••••');
      expect(JSON.stringify(view)).not.toContain('jane@corp.example');
      expect(JSON.stringify(view)).not.toContain('out@else.example');
    }

    // A key whose role may edit Account Settings sees the real values, as an admin in the web app does.
    const owner = await compatClient(t);
    expect(conform(wire.incident, await owner.call('GET', `/dlp/v1/incidents/${id}`)).userInfo).toMatchObject({ email: 'jane@corp.example' });
  });
});
