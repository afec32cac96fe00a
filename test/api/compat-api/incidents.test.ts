import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';
import * as wire from '../../../src/modules/compat-api/schemas.js';
import { compatClient, conform, expectError, incident, seed, type Client } from './helpers.js';

/** The reference's catalogue (§7), answer by answer, parsed with the wire schemas. */
describe('compatible API: incident endpoints', () => {
  let t: TestApp;
  let c: Client;
  let ids: number[];
  let txn: string;
  beforeAll(async () => {
    t = await createTestApp();
    c = await compatClient(t);
    const items = [
      incident({ severity: 'Critical' }),
      incident({ severity: 'High' }),
      incident({ severity: 'Low', priority: 'Low' }),
      incident({
        severity: 'Medium',
        sourceType: 'Email',
        recipients: { triggered: ['a@ext.example'], internal: [], external: ['a@ext.example'] },
        email: { messageId: '<m1@example>', subject: 'Q3' },
      }),
    ];
    txn = items[1].transactionId;
    ids = await seed(t, items);
    const s = await t.login(t.admin.email);
    await s.post('/api/v1/labels', { name: 'Review', values: ['Done', 'Pending'] });
    await s.post('/api/v1/labels', { name: 'Escalated' });
  });
  afterAll(async () => t?.close());

  it('GET /dlp/v1/incidents/{id}: the Incident with every field typed as the reference says', async () => {
    const inc = conform(wire.incident, await c.call('GET', `/dlp/v1/incidents/${ids[0]}`));
    expect(inc.internalId).toBe(String(ids[0]));
    expect(Number.isSafeInteger(Number(inc.internalId))).toBe(true);
    expect(inc.severity).toBe('CRITICAL');
    expect(inc.status).toBe('NEW');
    expect(inc.userInfo.clientIP).toBe('10.0.0.5');
    expect(inc.userInfo.email).toBe('jane@corp.example');
    expect(inc.matchingPolicies.dictionaries[0]).toEqual({ name: 'Credit Cards', matchCount: 3, nameMatchCount: 'Credit Cards[3]' });
    // additionalInfo is a string (JSON text) or null, never an object.
    expect(typeof inc.contentInfo.additionalInfo).toBe('string');
    expect(JSON.parse(inc.contentInfo.additionalInfo!).dlpMD5).toBe('aabbccddeeff00112233445566778899');
    expect(inc.applicationInfo).toHaveProperty('hostnameOrApplication');
    // `fields` (a projection) still answers the whole incident.
    conform(wire.incident, await c.call('GET', `/dlp/v1/incidents/${ids[0]}?fields=status&fields=resolution`));
    const email = conform(wire.incident, await c.call('GET', `/dlp/v1/incidents/${ids[3]}`));
    expect(email.sourceType).toBe('EMAIL');
    expect(JSON.parse(email.contentInfo.additionalInfo!).messageId).toBe('<m1@example>');
  });

  it("404 for an unknown, non-numeric or out-of-range id, and for another org's incident", async () => {
    for (const bad of ['999999999', 'abc', '1-143-16786974353299200003', '0', '99999999999999999999']) {
      expectError(await c.call('GET', `/dlp/v1/incidents/${bad}`), 404, 'NOT_FOUND');
    }
    const other = await t.newOrg();
    const [theirs] = await seed(t, [incident()], other.orgId);
    for (const [method, path] of [
      ['GET', `/dlp/v1/incidents/${theirs}`],
      ['GET', `/dlp/v1/incidents/${theirs}/change-history`],
      ['GET', `/dlp/v1/incidents/${theirs}/tickets`],
      ['GET', `/dlp/v1/incidents/tickets/${theirs}`],
      ['GET', `/dlp/v1/incidents/${theirs}/triggers`],
      ['GET', `/dlp/v1/incidents/${theirs}/evidence`],
      ['POST', `/dlp/v1/incidents/${theirs}/incident-groups/search`],
      ['POST', `/dlp/v1/incidents/${theirs}/close`],
      ['POST', `/dlp/v1/incidents/${theirs}/notes`],
      ['POST', `/dlp/v1/incidents/notes/${theirs}`],
      ['POST', `/dlp/v1/incidents/${theirs}/labels`],
      ['DELETE', `/dlp/v1/incidents/${theirs}`],
    ] as const) {
      const body = method === 'POST' ? { notes: 'x', labels: [{ key: 'Escalated', value: '' }] } : undefined;
      expectError(await c.call(method, path, body), 404);
    }
    // Still there for its own org.
    const theirClient = await compatClient(t, undefined, other.orgId);
    expect((await theirClient.call('GET', `/dlp/v1/incidents/${theirs}`)).statusCode).toBe(200);
  });

  it('GET …/transactions/{transactionId}: the incidents under both keys; 404 when unknown', async () => {
    const page = conform(wire.incidentList, await c.call('GET', `/dlp/v1/incidents/transactions/${txn}?page=1&pageSize=1000`));
    // The Go SDK's default (page=1, pageSize=1000) is clamped, not refused.
    expect(page.cursor.currentPageNumber).toBe(1);
    const first = conform(wire.incidentList, await c.call('GET', `/dlp/v1/incidents/transactions/${txn}`));
    expect(first.incidents.map((i) => i.transactionId)).toEqual([txn]);
    expect(first.logs).toEqual(first.incidents);
    expect(first.cursor).toMatchObject({ currentPageNumber: 0, totalPages: 1, currentPageSize: 1, totalElements: 1 });
    expectError(await c.call('GET', '/dlp/v1/incidents/transactions/no-such-transaction'), 404);
  });

  it('GET …/change-history, …/triggers, …/evidence and POST …/incident-groups/search answer their shapes', async () => {
    const id = ids[2];
    await c.call('POST', `/dlp/v1/incidents/${id}/notes`, { notes: 'first look' });
    const h = conform(wire.changeHistory, await c.call('GET', `/dlp/v1/incidents/${id}/change-history`));
    expect(h.incidentId).toBe(String(id));
    expect(h.changeHistory.at(-1)).toMatchObject({ changeType: 'ADD_NOTES', changeData: { before: 'NEW', after: 'NEW' } });
    expect(h.changeHistory.at(-1)!.changedByName).toMatch(/^API key /);
    const tr = conform(wire.triggers, await c.call('GET', `/dlp/v1/incidents/${id}/triggers?fetchTriggerContext=true`));
    expect(tr.rules).toBe('PCI Rule');
    const ev = conform(wire.evidence, await c.call('GET', `/dlp/v1/incidents/${id}/evidence`));
    expect(ev.fileName).toMatch(/^report-/);
    expect(ev.evidenceURL).toBeNull();
    // An incident in no group: the documented empty shape, for numbers, numeric strings and no body (groups: incident-groups.test.ts).
    for (const body of [{ incidentGroupIds: [16786743992009] }, { incidentGroupIds: ['16786743992009'] }, { incidentGroupIds: [] }, undefined]) {
      expect(conform(wire.incidentGroupList, await c.call('POST', `/dlp/v1/incidents/${id}/incident-groups/search`, body))).toEqual({ incidentGroups: [] });
    }
    expectError(await c.call('POST', `/dlp/v1/incidents/${id}/incident-groups/search`, { incidentGroupIds: ['x1'] }), 400);
  });

  it('GET tickets under both path forms and both list keys', async () => {
    for (const path of [`/dlp/v1/incidents/${ids[0]}/tickets`, `/dlp/v1/incidents/tickets/${ids[0]}?page=1&pageSize=1000`]) {
      const list = conform(wire.ticketList, await c.call('GET', path));
      expect(list.tickets).toEqual([]);
      expect(list.logs).toEqual([]);
      expect(list.cursor.totalElements).toBe(0);
    }
  });

  it('POST notes (both path forms), labels and close change the incident and answer it', async () => {
    const id = ids[1];
    let inc = conform(wire.incident, await c.call('POST', `/dlp/v1/incidents/${id}/notes`, { notes: 'Python form' }));
    expect(inc.notes.map((n) => n.body)).toEqual(['Python form']);
    inc = conform(wire.incident, await c.call('POST', `/dlp/v1/incidents/notes/${id}`, { notes: 'Go form' }));
    expect(inc.notes.map((n) => n.body)).toEqual(['Go form']);
    expectError(await c.call('POST', `/dlp/v1/incidents/${id}/notes`, { notes: '' }), 400);
    expectError(await c.call('POST', `/dlp/v1/incidents/${id}/notes`), 400);
    expectError(await c.call('POST', `/dlp/v1/incidents/${id}/notes`, { notes: 42 }), 400);
    // The input text rule holds here too: a NUL is a 400 (on PostgreSQL it used to be a 500), nothing changes.
    expectError(await c.call('POST', `/dlp/v1/incidents/${id}/notes`, { notes: 'a\u0000b' }), 400);
    expectError(await c.call('POST', `/dlp/v1/incidents/${id}/labels`, { labels: [{ key: 'Rev\u0000iew' }] }), 400);
    expectError(await c.call('POST', '/dlp/v1/incidents/search', { fields: [{ name: 'severity', value: ['Hi\u0000gh'] }] }), 400);
    expectError(await c.call('POST', '/v1/auth/api-key/token', { key_id: 'k\u0000', key_secret: 's' }), 400);
    expect(conform(wire.incident, await c.call('GET', `/dlp/v1/incidents/${id}`)).notes.map((n) => n.body)).toEqual(['Go form']);

    inc = conform(wire.incident, await c.call('POST', `/dlp/v1/incidents/${id}/labels`, { labels: [{ key: 'Review', value: 'pending' }] }));
    expect(inc.labels).toEqual([{ key: 'Review', value: 'Pending' }]);
    inc = conform(wire.incident, await c.call('POST', `/dlp/v1/incidents/${id}/labels`, { labels: [{ key: 'escalated', value: '' }] }));
    expect(inc.labels).toEqual(
      expect.arrayContaining([
        { key: 'Review', value: 'Pending' },
        { key: 'Escalated', value: '' },
      ]),
    );
    expectError(await c.call('POST', `/dlp/v1/incidents/${id}/labels`, { labels: [{ key: 'Nope', value: 'x' }] }), 400);
    expectError(await c.call('POST', `/dlp/v1/incidents/${id}/labels`, { labels: [{ key: 'Review', value: 'Maybe' }] }), 400);
    expectError(await c.call('POST', `/dlp/v1/incidents/${id}/labels`, { labels: [] }), 400);
    expectError(await c.call('POST', `/dlp/v1/incidents/${id}/labels`), 400);

    expectError(await c.call('POST', `/dlp/v1/incidents/${id}/close`, { resolutionCode: 'WHATEVER' }), 400);
    // Nothing changed by the refused close.
    expect(conform(wire.incident, await c.call('GET', `/dlp/v1/incidents/${id}`)).status).toBe('NEW');
    inc = conform(
      wire.incident,
      await c.call('POST', `/dlp/v1/incidents/${id}/close`, {
        resolutionLabel: { key: 'Review', value: 'Done' },
        resolutionCode: 'FALSE_POSITIVE',
        notes: 'benign',
      }),
    );
    expect(inc.status).toBe('RESOLVED');
    expect(inc.resolution).toBe('FALSE_POSITIVE');
    // Close's notes go where the product puts them: into the change history's comment.
    const h = conform(wire.changeHistory, await c.call('GET', `/dlp/v1/incidents/${id}/change-history`));
    expect(h.changeHistory.at(-1)).toMatchObject({ changeType: 'CHANGE_STATUS', changeData: { before: 'NEW', after: 'RESOLVED' } });
    expect(h.changeHistory.at(-1)!.comment).toContain('benign');
    // Closing again is allowed (status stays Resolved).
    expect(conform(wire.incident, await c.call('POST', `/dlp/v1/incidents/${id}/close`)).status).toBe('RESOLVED');
  });

  it('close with the Go body (empty label and code, only notes) and with no body at all still resolves', async () => {
    const [a, b] = await seed(t, [incident(), incident()]);
    const go = await c.call('POST', `/dlp/v1/incidents/${a}/close`, { resolutionLabel: { key: '', value: '' }, resolutionCode: '', notes: 'closed by script' });
    const inc = conform(wire.incident, go);
    expect(inc.status).toBe('RESOLVED');
    expect(inc.resolution).toBeNull();
    const empty = await t.app.inject({
      method: 'POST',
      url: `/dlp/v1/incidents/${b}/close`,
      headers: { authorization: `Bearer ${c.token}`, 'content-type': 'application/json' },
    });
    expect(conform(wire.incident, empty).status).toBe('RESOLVED');
  });

  it('DELETE removes the incident (200), then it is a 404', async () => {
    const [id] = await seed(t, [incident()]);
    const res = await c.call('DELETE', `/dlp/v1/incidents/${id}`);
    expect(res.statusCode).toBe(200);
    expectError(await c.call('GET', `/dlp/v1/incidents/${id}`), 404);
  });

  it('unknown paths under /dlp and /v1 answer a 404 in the vendor shape', async () => {
    expectError(await c.call('GET', '/dlp/v1/nothing/here'), 404);
    expectError(await c.call('GET', '/v1/auth/api-key/token'), 404);
  });
});
