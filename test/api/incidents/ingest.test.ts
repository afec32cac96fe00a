import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';
import { apiKey, incident, WIDE } from './helpers.js';

describe('incident ingestion', () => {
  let t: TestApp;
  let key: Awaited<ReturnType<typeof apiKey>>;
  beforeAll(async () => {
    t = await createTestApp();
    key = await apiKey(t);
  });
  afterAll(async () => t?.close());

  const count = async () =>
    Number(
      (
        await t.ctx.db
          .selectFrom('incidents')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('org_id', '=', t.orgId)
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('stores one incident and returns it', async () => {
    const body = incident();
    const res = await key.post('/api/v1/incidents', body);
    expect(res.statusCode).toBe(201);
    const json = res.json();
    expect(json.result).toBe('created');
    expect(json.incident.transactionId).toBe(body.transactionId);
    expect(json.incident.status).toBe('New');
    expect(json.incident.priority).toBe('High');
    expect(json.incident.host).toMatch(/example\.net$/);
  });

  it('is idempotent on transaction id: a repeat returns the existing incident and changes nothing', async () => {
    const body = incident();
    const first = await key.post('/api/v1/incidents', body);
    expect(first.statusCode).toBe(201);
    const before = await count();
    const again = await key.post('/api/v1/incidents', { ...body, severity: 'Low', action: 'Allow' });
    expect(again.statusCode).toBe(200);
    expect(again.json().result).toBe('existing');
    expect(again.json().id).toBe(first.json().id);
    expect(again.json().incident.severity).toBe('High');
    expect(await count()).toBe(before);
  });

  const bad: [string, (b: Record<string, unknown>) => void, string][] = [
    ['transactionId', (b) => delete b.transactionId, 'transactionId'],
    ['transactionId', (b) => (b.transactionId = 'has spaces!'), 'transactionId'],
    ['incidentDate', (b) => (b.incidentDate = 'yesterday'), 'incidentDate'],
    ['severity', (b) => (b.severity = 'Severe'), 'severity'],
    ['priority', (b) => (b.priority = 'Urgent'), 'priority'],
    ['sourceType', (b) => (b.sourceType = 'Carrier Pigeon'), 'sourceType'],
    ['action', (b) => (b.action = ''), 'action'],
    ['rules', (b) => (b.rules = []), 'rules'],
    ['engines', (b) => (b.engines = 'PCI'), 'engines'],
    ['dictionaries', (b) => (b.dictionaries = [{ name: 'X', matchCount: -1 }]), 'dictionaries.0.matchCount'],
    ['url', (b) => (b.url = 'not a url'), 'url'],
    ['user', (b) => delete b.user, 'user'],
    ['user.email', (b) => (b.user = { name: 'x', email: 'nope' }), 'user.email'],
    ['user.clientIp', (b) => (b.user = { email: 'a@b.co', clientIp: '999.1.1.1' }), 'user.clientIp'],
    ['file.md5', (b) => (b.file = { name: 'a.txt', md5: 'xyz' }), 'file.md5'],
    ['file.size', (b) => (b.file = { name: 'a.txt', size: -5 }), 'file.size'],
    ['recipients on Inline', (b) => (b.recipients = { triggered: ['a@b.co'] }), 'recipients'],
    ['Email without recipients', (b) => (b.sourceType = 'Email'), 'recipients'],
    ['recipients.external', (b) => ((b.sourceType = 'Email'), (b.recipients = { external: ['bad'] })), 'recipients.external.0'],
    ['channel on Inline', (b) => (b.channel = 'USB'), 'channel'],
    ['unknown field', (b) => (b.colour = 'red'), ''],
  ];
  for (const [name, mutate, field] of bad) {
    it(`rejects a bad ${name} with a 400 naming the field, storing nothing`, async () => {
      const body = incident() as Record<string, unknown>;
      mutate(body);
      const before = await count();
      const res = await key.post('/api/v1/incidents', body);
      expect(res.statusCode).toBe(400);
      const err = res.json().error;
      expect(err.code).toBe('validation_failed');
      if (field) {
        expect(err.details.map((d: { field: string }) => d.field)).toContain(field);
        expect(err.message).toContain(field);
      } else expect(err.message).toMatch(/colour/);
      expect(await count()).toBe(before);
    });
  }

  it('stores the good items of a batch and reports each bad one with its field', async () => {
    const good1 = incident();
    const good2 = incident({ sourceType: 'Email', recipients: { triggered: ['x@partner.example'] } });
    const badItem = { ...incident(), severity: 'Nope' };
    const res = await key.post('/api/v1/incidents', { incidents: [good1, badItem, good2, good1] });
    expect(res.statusCode).toBe(207);
    const json = res.json();
    expect(json.created).toBe(2);
    expect(json.rejected).toBe(1);
    expect(json.existing).toBe(1);
    expect(json.results[1].result).toBe('rejected');
    expect(json.results[1].errors[0].field).toBe('incidents.1.severity');
    expect(json.results[3].result).toBe('existing');
    expect(json.results[3].id).toBe(json.results[0].id);
    const list = await key.get(
      `/api/v1/incidents?${WIDE}&searchMode=transactionId&search=${good1.transactionId},${good2.transactionId},${badItem.transactionId}`,
    );
    expect(list.json().items).toHaveLength(2);
  });

  it('refuses a batch where every item is bad, and one over 1,000 items', async () => {
    const res = await key.post('/api/v1/incidents', { incidents: [{ transactionId: 'x' }] });
    expect(res.statusCode).toBe(400);
    const big = await key.post('/api/v1/incidents', { incidents: Array.from({ length: 1001 }, () => ({})) });
    expect(big.statusCode).toBe(400);
    expect(big.json().error.message).toMatch(/at most 1000/);
  });

  it('accepts a batch of 1,000', async () => {
    const items = Array.from({ length: 1000 }, () => incident());
    const res = await key.post('/api/v1/incidents', { incidents: items });
    expect(res.statusCode).toBe(200);
    expect(res.json().created).toBe(1000);
  });

  it('needs Incidents edit to ingest', async () => {
    const viewer = await t.sessionWith({ Incidents: 'view' });
    const res = await viewer.post('/api/v1/incidents', incident());
    expect(res.statusCode).toBe(403);
    const noAuth = await t.app.inject({ method: 'POST', url: '/api/v1/incidents', payload: incident() });
    expect(noAuth.statusCode).toBe(401);
  });
});
