import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../helpers/test-app.js';
import { apiKey, incident, WIDE } from '../incidents/helpers.js';
import type { LightMyRequestResponse } from 'fastify';
import { expectErrorShape, snapshot } from './helpers.js';

/**
 * Issue #14 finding 1: text with control characters, integers past what a column holds and crafted
 * cursors are the caller's mistakes (400 naming the field, nothing changed) on PostgreSQL as on
 * SQLite; in an ingest batch such an item is rejected on its own and the good ones are stored.
 */
const t: TestApp = await createTestApp();
afterAll(() => t.close());

let s: Session;
let key: Awaited<ReturnType<typeof apiKey>>;
beforeAll(async () => {
  s = await t.login(t.admin.email);
  key = await apiKey(t);
});

const INT32_MAX = 2_147_483_647;
const q = encodeURIComponent;

async function refusedNaming(res: LightMyRequestResponse, field: string) {
  expectErrorShape(res, 400);
  expect(res.json().error.message, res.body).toContain(field);
}

async function countIncidents(): Promise<number> {
  const row = await t.ctx.db
    .selectFrom('incidents')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('org_id', '=', t.orgId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('control characters in text', () => {
  it('one incident with a NUL in a field is a 400 naming it, storing nothing', async () => {
    const before = await countIncidents();
    await refusedNaming(await key.post('/api/v1/incidents', incident({ dlpType: 'a\u0000b' })), 'dlpType');
    await refusedNaming(await key.post('/api/v1/incidents', incident({ user: { email: 'jane@corp.example', name: 'Jane\u0007' } })), 'user.name');
    expect(await countIncidents()).toBe(before);
  });

  it('a batch stores its good items and rejects the one with a NUL in its own result', async () => {
    const good = [incident(), incident(), incident()];
    const bad = incident({ rules: ['PCI\u0000Rule'] });
    const res = await key.post('/api/v1/incidents', { incidents: [good[0], bad, good[1], good[2]] });
    expect(res.statusCode, res.body).toBe(207);
    const body = res.json();
    expect(body).toMatchObject({ created: 3, rejected: 1 });
    expect(body.results[1]).toMatchObject({ result: 'rejected', transactionId: bad.transactionId });
    expect(body.results[1].errors[0].field).toBe('incidents.1.rules.0');
    for (const g of good) {
      const found = await key.get(`/api/v1/incidents?searchMode=transactionId&search=${q(g.transactionId)}`);
      expect(found.json().items).toHaveLength(1);
    }
  });

  it('searches, filters, names and notes with a NUL or another control character are a 400 naming the field, changing nothing', async () => {
    const label = (await s.post('/api/v1/labels', { name: `Control ${Date.now()}`, values: ['one'] })).json();
    const stored = (await key.post('/api/v1/incidents', incident())).json();
    const before = await snapshot(t);
    const reads: [string, string][] = [
      [`/api/v1/incidents?${WIDE}&search=${q('a\u0000b')}`, 'search'],
      [`/api/v1/incidents?${WIDE}&rule=${q('PCI\u0000')}`, 'rule'],
      [`/api/v1/incidents?${WIDE}&department=${q('\u001bFin')}`, 'department'],
      [`/api/v1/incidents?${WIDE}&user=${q('a\u0000@b.c')}`, 'user'],
      [`/api/v1/incidents/export.csv?${WIDE}&search=${q('x\u0000')}`, 'search'],
      [`/api/v1/admins?search=${q('a\u0000')}`, 'search'],
      [`/api/v1/audit-logs?search=${q('a\u0000')}`, 'search'],
      [`/api/v1/audit-logs?module=${q('a\u0000')}`, 'module'],
      [`/api/v1/integration-users?search=${q('a\u0000')}`, 'search'],
      [`/api/v1/tickets?search=${q('a\u0000')}`, 'search'],
    ];
    for (const [url, field] of reads) await refusedNaming(await s.get(url), field);
    const writes: [string, string, unknown, string][] = [
      ['POST', '/api/v1/roles', { name: 'Ops\u0000', permissions: {} }, 'name'],
      ['POST', '/api/v1/labels', { name: 'L\u0000', values: [] }, 'name'],
      ['PATCH', `/api/v1/labels/${label.id}`, { values: ['one', 'tw\u0000o'] }, 'values.1'],
      ['POST', '/api/v1/api-keys', { name: 'k\u0000', roleId: 1 }, 'name'],
      ['POST', `/api/v1/incidents/${stored.id}/notes`, { notes: 'see\u0000this' }, 'notes'],
      ['POST', '/api/v1/incidents/bulk/investigating', { ids: [stored.id], notes: 'x\u0008' }, 'notes'],
    ];
    for (const [method, url, body, field] of writes) await refusedNaming(await s.request(method, url, body), field);
    expect(await snapshot(t)).toEqual(before);
  });

  it('names refuse bidi overrides; notes keep tabs and line breaks', async () => {
    const before = await snapshot(t);
    await refusedNaming(await s.post('/api/v1/roles', { name: 'gpj.\u202Eexe', permissions: {} }), 'name');
    await refusedNaming(await s.post('/api/v1/labels', { name: 'a\u2066b', values: [] }), 'name');
    expect(await snapshot(t)).toEqual(before);
    const stored = (await key.post('/api/v1/incidents', incident())).json();
    const ok = await s.post(`/api/v1/incidents/${stored.id}/notes`, { notes: 'line one\n\tline two\r\nline three' });
    expect(ok.statusCode, ok.body).toBe(200);
  });
});

describe('encodings', () => {
  it('bad percent-encoding is no 5xx; half a surrogate pair is refused like a control character; nothing changes', async () => {
    const before = await snapshot(t);
    for (const url of [
      `/api/v1/incidents?${WIDE}&search=%FF%FE`,
      `/api/v1/incidents?${WIDE}&rule=%C0%80`,
      '/api/v1/admins?search=%ED%A0%80',
      '/api/v1/roles/%FF',
      '/api/v1/integration-users?search=%',
    ]) {
      const res = await s.get(url);
      expect(res.statusCode, `${url}: ${res.body}`).toBeLessThan(500);
    }
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/roles',
      payload: '{"name":"\\ud800x","permissions":{}}',
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': 'application/json' },
    });
    await refusedNaming(res, 'name');
    expect(await snapshot(t)).toEqual(before);
  });
});

describe('integers past what the columns hold', () => {
  it('ids, filters and body fields ≥ 2^31 are a 400 naming the field, changing nothing', async () => {
    const stored = (await key.post('/api/v1/incidents', incident())).json();
    const before = await snapshot(t);
    const big = INT32_MAX + 1;
    for (const [url, field] of [
      [`/api/v1/incidents?${WIDE}&dlpAdmin=${big}`, 'dlpAdmin'],
      [`/api/v1/incidents?${WIDE}&label=${big}`, 'label'],
      [`/api/v1/incidents/counts?from=2025-01-01T00:00:00Z&to=2025-01-02T00:00:00Z`, ''],
      [`/api/v1/audit-logs?adminId=${big}`, 'adminId'],
      [`/api/v1/tickets?assignee=${big}`, ''], // digits: an integration user id or an email's start; too big for an id
      [`/api/v1/tickets?assignee=${2 ** 53}`, ''],
    ] as const) {
      const res = await s.get(url);
      if (field) await refusedNaming(res, field);
      else expect(res.statusCode).toBe(200);
    }
    for (const [method, url, body, field] of [
      ['POST', '/api/v1/incidents/bulk/investigating', { ids: [big] }, 'ids.0'],
      ['POST', `/api/v1/incidents/${stored.id}/assign`, { adminId: big }, 'adminId'],
      ['POST', `/api/v1/incidents/${stored.id}/labels`, { labels: [{ labelId: big }] }, 'labels.0.labelId'],
      ['POST', '/api/v1/admins', { email: 'big@example.com', name: 'Big', roleId: big, password: 'correct-horse-battery' }, 'roleId'],
      ['POST', '/api/v1/api-keys', { name: 'big', roleId: big }, 'roleId'],
      ['POST', '/api/v1/integration-users/verify', { ids: [big] }, 'ids.0'],
    ] as const) {
      await refusedNaming(await s.request(method, url, body), field);
    }
    expect(await snapshot(t)).toEqual(before);
  });
});

describe('cursors', () => {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

  it('a genuine cursor pages on; a crafted or altered one is a 400 naming the cursor', async () => {
    for (let i = 0; i < 12; i++) await key.post('/api/v1/incidents', incident());
    const first = await s.get(`/api/v1/incidents?${WIDE}&pageSize=10&sort=severity&order=desc`);
    const next = first.json().nextCursor as string;
    expect(next).toBeTruthy();
    const second = await s.get(`/api/v1/incidents?${WIDE}&pageSize=10&sort=severity&order=desc&cursor=${q(next)}`);
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json().items.length).toBeGreaterThan(0);

    const before = await snapshot(t);
    const crafted = [
      b64(['severity', 'desc', 'n', 'High', 1]), // a string where the column is an integer
      b64(['severity', 'desc', 'n', 3, 2 ** 40]), // an id past the column
      b64(['incidentDate', 'desc', 'n', 'a\u0000b', 1]), // a NUL in a text value
      b64(['severity', 'desc', 'n', 2 ** 53, 1]),
      `${next.slice(0, -2)}${next.endsWith('AA') ? 'BB' : 'AA'}`, // an altered genuine cursor
      `${b64(['severity', 'desc', 'n', 4, 1])}${next.includes('.') ? next.slice(next.indexOf('.')) : ''}`, // another body under a genuine signature
    ];
    for (const c of crafted) {
      const sort = c.startsWith(b64(['incidentDate']).slice(0, 10)) ? 'incidentDate' : 'severity';
      await refusedNaming(await s.get(`/api/v1/incidents?${WIDE}&pageSize=10&sort=${sort}&order=desc&cursor=${q(c)}`), 'cursor');
    }
    await refusedNaming(await s.get(`/api/v1/integration-users?sort=name&order=asc&cursor=${q(b64(['name', 'asc', 'n', 'x\u0000', 2 ** 40]))}`), 'cursor');
    expect(await snapshot(t)).toEqual(before);
  });
});
