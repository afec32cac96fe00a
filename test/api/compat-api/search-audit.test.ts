import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';
import * as wire from '../../../src/modules/compat-api/schemas.js';
import { compatClient, conform, expectError, incident, seed, type Client } from './helpers.js';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe('compatible API: incidents search and audit search', () => {
  let t: TestApp;
  let c: Client;
  const now = Date.now();
  beforeAll(async () => {
    t = await createTestApp();
    // 7 High incidents, 3 Low ones ten days ago, one Critical 300 days ago (outside any allowed range).
    const high = Array.from({ length: 7 }, (_, n) => incident({ severity: 'High', incidentDate: iso(now - (n + 1) * 60_000) }));
    const low = Array.from({ length: 3 }, () => incident({ severity: 'Low', incidentDate: iso(now - 10 * DAY) }));
    await seed(t, [...high, ...low, incident({ severity: 'Critical', incidentDate: iso(now - 300 * DAY) })]);
    const s = await t.login(t.admin.email);
    await s.post('/api/v1/labels', { name: 'Review', values: ['Done'] });
  });
  afterAll(async () => t?.close());
  // Searches have the vendor's budget of 20 a minute per key: a key per test stays within it.
  beforeEach(async () => {
    c = await compatClient(t);
  });

  const search = (body: unknown, query = '') => c.call('POST', `/dlp/v1/incidents/search${query}`, body);

  it('filters by severity (any case), OR within a field, AND across fields, and by time range', async () => {
    let page = conform(wire.incidentList, await search({ fields: [{ name: 'severity', value: ['high'] }] }));
    expect(page.cursor.totalElements).toBe(7);
    expect(page.incidents.every((i) => i.severity === 'HIGH')).toBe(true);
    expect(page.logs).toEqual(page.incidents);
    page = conform(wire.incidentList, await search({ fields: [{ name: 'Severity', value: ['HIGH', 'low'] }] }));
    expect(page.cursor.totalElements).toBe(10);
    page = conform(
      wire.incidentList,
      await search({
        fields: [
          { name: 'severity', value: ['LOW'] },
          { name: 'status', value: ['open'] },
        ],
      }),
    );
    expect(page.cursor.totalElements).toBe(3);
    page = conform(wire.incidentList, await search({ fields: null, timeRange: { startTime: iso(now - 11 * DAY), endTime: iso(now - 9 * DAY) } }));
    expect(page.cursor.totalElements).toBe(3);
    // The Python client's empty body and the Go client's nulls and empty strings mean "everything in the default range".
    for (const body of [{ fields: [], timeRange: {} }, { fields: null, timeRange: { startTime: '', endTime: '' } }, undefined]) {
      expect(conform(wire.incidentList, await search(body)).cursor.totalElements).toBe(10);
    }
    page = conform(wire.incidentList, await search({ fields: [{ name: 'incidentGroupIds', value: ['1'] }] }));
    expect(page.cursor.totalElements).toBe(0);
    page = conform(wire.incidentList, await search({ fields: [{ name: 'labels', value: [{ Review: ['Done'] }] }] }));
    expect(page.cursor.totalElements).toBe(0);
  });

  it('pages 0-based; pageSize is clamped to 1..100; pageId continues where the last page ended', async () => {
    const first = conform(wire.incidentList, await search({}, '?page=0&pageSize=4'));
    expect(first.cursor).toMatchObject({ currentPageNumber: 0, currentPageSize: 4, totalElements: 10, totalPages: 3 });
    const second = conform(wire.incidentList, await search({}, '?page=1&pageSize=4'));
    const last = conform(wire.incidentList, await search({}, '?page=2&pageSize=4'));
    expect(last.cursor.currentPageSize).toBe(2);
    expect(last.cursor.pageId).toBe('');
    const seen = [...first.incidents, ...second.incidents, ...last.incidents].map((i) => i.internalId);
    expect(new Set(seen).size).toBe(10);
    // Past the end: an empty page, not an error.
    expect(conform(wire.incidentList, await search({}, '?page=9&pageSize=4')).incidents).toEqual([]);
    // pageId walks the same pages.
    const byId = conform(wire.incidentList, await search({}, `?pageSize=4&pageId=${encodeURIComponent(first.cursor.pageId)}`));
    expect(byId.cursor.currentPageNumber).toBe(1);
    expect(byId.incidents.map((i) => i.internalId)).toEqual(second.incidents.map((i) => i.internalId));
    const byId2 = conform(wire.incidentList, await search({}, `?pageSize=4&page=0&pageId=${encodeURIComponent(byId.cursor.pageId)}`));
    expect(byId2.incidents.map((i) => i.internalId)).toEqual(last.incidents.map((i) => i.internalId));
    // The Go SDK's default page size is clamped, never refused; 0 becomes 1.
    expect(conform(wire.incidentList, await search({}, '?page=0&pageSize=1000')).cursor.currentPageSize).toBe(10);
    expect(conform(wire.incidentList, await search({}, '?page=0&pageSize=0')).cursor.currentPageSize).toBe(1);
    expect(conform(wire.incidentList, await search({}, '?page=0&pageSize=-5')).cursor.currentPageSize).toBe(1);
  });

  it('refuses bad input with a 400 naming the field, in the vendor shape', async () => {
    expectError(await search({ fields: [{ name: 'severity', value: ['SEVERE'] }] }), 400);
    expectError(await search({ fields: [{ name: 'colour', value: ['red'] }] }), 400);
    expectError(await search({ fields: [{ name: 'labels', value: [{ Nope: ['x'] }] }] }), 400);
    expectError(await search({ fields: 'severity' }), 400);
    expectError(await search({ timeRange: { startTime: 'yesterday' } }), 400);
    expectError(await search({ timeRange: { startTime: iso(now), endTime: iso(now - DAY) } }), 400);
    expectError(await search({ timeRange: { startTime: iso(now - 400 * DAY), endTime: iso(now) } }), 400);
    expectError(await search({}, '?page=-1'), 400);
    expectError(await search({}, '?page=abc'), 400);
    expectError(await search({}, '?pageId=garbage'), 400);
    expectError(await search({}, '?pageId=1.bm90LWEtY3Vyc29y'), 400);
    const raw = await t.app.inject({
      method: 'POST',
      url: '/dlp/v1/incidents/search',
      headers: { authorization: `Bearer ${c.token}`, 'content-type': 'application/json' },
      payload: '{"fields": [',
    });
    expectError(raw, 400, 'MALFORMED_JSON');
    const text = await t.app.inject({
      method: 'POST',
      url: '/dlp/v1/incidents/search',
      headers: { authorization: `Bearer ${c.token}`, 'content-type': 'application/xml' },
      payload: '<search/>',
    });
    expectError(text, 415, 'UNSUPPORTED_MEDIA_TYPE');
    const huge = await c.call('POST', '/dlp/v1/incidents/search', { fields: [{ name: 'department', value: ['x'.repeat(1_100_000)] }] });
    expectError(huge, 413, 'BODY_TOO_LARGE');
  });

  it('POST /dlp/v1/customer/audit (and with a trailing slash): AuditLog entries under `logs`, filtered and paged', async () => {
    const s = await t.login(t.admin.email);
    await s.post('/api/v1/labels', { name: 'Audit me' });
    for (const path of ['/dlp/v1/customer/audit', '/dlp/v1/customer/audit/']) {
      const page = conform(wire.auditList, await c.call('POST', `${path}?page=0&pageSize=2`, { fields: [{ name: 'module', value: ['Labels'] }] }));
      expect(page.logs.length).toBeGreaterThan(0);
      expect(page.logs.every((l) => l.module === 'Labels')).toBe(true);
      expect(page.logs[0].action.action).toBe('CREATE');
      expect(JSON.parse(page.logs[0].newRowJson!).name).toBe('Audit me');
    }
    const all = conform(wire.auditList, await c.call('POST', '/dlp/v1/customer/audit?pageSize=1', {}));
    expect(all.cursor.currentPageSize).toBe(1);
    if (all.cursor.totalElements > 1) {
      const next = conform(wire.auditList, await c.call('POST', `/dlp/v1/customer/audit?pageSize=1&pageId=${all.cursor.pageId}`, {}));
      expect(next.cursor.currentPageNumber).toBe(1);
      expect(next.logs[0]).not.toEqual(all.logs[0]);
    }
    const byAction = conform(wire.auditList, await c.call('POST', '/dlp/v1/customer/audit', { fields: [{ name: 'action', value: ['DELETE'] }] }));
    expect(byAction.logs.every((l) => l.action.action === 'DELETE')).toBe(true);
    const byAdmin = conform(wire.auditList, await c.call('POST', '/dlp/v1/customer/audit', { fields: [{ name: 'admin', value: [t.admin.email] }] }));
    expect(byAdmin.logs.every((l) => l.changedBy === t.admin.email)).toBe(true);
    expectError(await c.call('POST', '/dlp/v1/customer/audit', { fields: [{ name: 'action', value: ['EXPLODE'] }] }), 400);
    expectError(await c.call('POST', '/dlp/v1/customer/audit', { fields: [{ name: 'colour', value: ['x'] }] }), 400);
  });
});
