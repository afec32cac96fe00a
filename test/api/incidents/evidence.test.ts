import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../helpers/test-app.js';
import { EVIDENCE_MAX_CHARS, incidentDetail } from '../../../src/modules/incidents/schemas.js';
import { apiKey, incident } from './helpers.js';

/** Evidence: the triggering content a DLP engine may send with an incident, sealed at rest, downloaded as XML. */
describe('incident evidence', () => {
  let t: TestApp;
  let key: Awaited<ReturnType<typeof apiKey>>;
  let s: Session;
  const CONTENT = 'Card 4111 1111 1111 1111 <b>&</b> "quoted" \'single\'\nsecond line\tand a tab — ünïcödé 🚀';
  beforeAll(async () => {
    t = await createTestApp();
    key = await apiKey(t);
    s = await t.login(t.admin.email);
  });
  afterAll(async () => t?.close());

  const ingest = async (over: Parameters<typeof incident>[0]) => {
    const res = await key.post('/api/v1/incidents', incident(over));
    expect(res.statusCode, res.body).toBe(201);
    return res.json().incident.id as number;
  };
  const evidenceRows = (incidentId: number) => t.ctx.db.selectFrom('incident_evidence').selectAll().where('incident_id', '=', incidentId).execute();

  it('is stored sealed, shown in Incident Details and downloaded as an XML attachment', async () => {
    const id = await ingest({ evidence: { content: CONTENT, fileName: 'payroll <Q3>.csv', fileType: 'csv' } });
    const [row] = await evidenceRows(id);
    expect(row.content).not.toContain('4111');
    expect(t.ctx.secrets.open(row.content)).toBe(CONTENT);
    // Nor does it leak into the searchable text or the details.
    const inc = await t.ctx.db.selectFrom('incidents').select(['search_text', 'details']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(inc.search_text + inc.details).not.toContain('4111');

    const detail = incidentDetail.parse((await s.get(`/api/v1/incidents/${id}`)).json());
    expect(detail.evidence).toEqual({ fileName: 'payroll <Q3>.csv', fileType: 'csv', size: CONTENT.length });

    const res = await s.get(`/api/v1/incidents/${id}/evidence`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/xml; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="evidence-${id}.xml"`);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<evidence incidentId="\d+" transactionId="txn-/);
    expect(res.body).toContain('<fileName>payroll &lt;Q3&gt;.csv</fileName>');
    expect(res.body).toContain(
      '<content>Card 4111 1111 1111 1111 &lt;b&gt;&amp;&lt;/b&gt; &quot;quoted&quot; &apos;single&apos;\nsecond line\tand a tab — ünïcödé 🚀</content>',
    );
  });

  it("takes the name and type from the incident's file when the engine gives none, and keeps the first evidence of a repeated transaction", async () => {
    const body = incident({ evidence: { content: 'first' } });
    const first = await key.post('/api/v1/incidents', body);
    const id = first.json().incident.id as number;
    const again = await key.post('/api/v1/incidents', { ...body, evidence: { content: 'second' } });
    expect(again.json().result).toBe('existing');
    const detail = (await s.get(`/api/v1/incidents/${id}`)).json();
    expect(detail.evidence).toEqual({ fileName: body.file!.name, fileType: 'xlsx', size: 5 });
    expect((await s.get(`/api/v1/incidents/${id}/evidence`)).body).toContain('<content>first</content>');
    expect(await evidenceRows(id)).toHaveLength(1);
  });

  it('is null in the details and a 404 to download when the engine sent none', async () => {
    const id = await ingest({});
    expect((await s.get(`/api/v1/incidents/${id}`)).json().evidence).toBeNull();
    const res = await s.get(`/api/v1/incidents/${id}/evidence`);
    expect(res.statusCode).toBe(404);
    expect(res.json().error.message).toMatch(/no evidence/);
  });

  it('is refused with the field named when empty, too long or with a control character, and a bad item in a batch leaves the others stored', async () => {
    for (const [evidence, field] of [
      [{ content: '' }, 'evidence.content'],
      [{ content: 'x'.repeat(EVIDENCE_MAX_CHARS + 1) }, 'evidence.content'],
      [{ content: 'a\u0000b' }, 'evidence.content'],
      [{ content: 'ok', extra: 1 }, 'evidence'],
      [{ content: 'ok', fileName: 'a\u202Eb' }, 'evidence.fileName'],
    ] as const) {
      const body = incident({ evidence: evidence as never });
      const res = await key.post('/api/v1/incidents', body);
      expect({ field, status: res.statusCode }).toEqual({ field, status: 400 });
      expect(res.json().error.message).toContain(field);
      const stored = await t.ctx.db.selectFrom('incidents').select('id').where('transaction_id', '=', body.transactionId).execute();
      expect(stored).toEqual([]);
    }
    const good = incident({ evidence: { content: 'x'.repeat(EVIDENCE_MAX_CHARS) } });
    const bad = incident({ evidence: { content: 'a\u0001b' } });
    const res = await key.post('/api/v1/incidents', { incidents: [good, bad] });
    expect(res.statusCode, res.body).toBe(207);
    const [r0, r1] = res.json().results;
    expect(r0.result).toBe('created');
    expect(r1).toMatchObject({ result: 'rejected', errors: [{ field: 'incidents.1.evidence.content' }] });
    expect((await s.get(`/api/v1/incidents/${r0.id}`)).json().evidence.size).toBe(EVIDENCE_MAX_CHARS);
  });

  it("is another org's 404, needs Incidents View, and goes with its incident", async () => {
    const id = await ingest({ evidence: { content: 'secret stuff' } });
    const other = await t.newOrg();
    expect((await other.session.get(`/api/v1/incidents/${id}/evidence`)).statusCode).toBe(404);
    const noIncidents = await t.sessionWith({ Incidents: 'none', Integrations: 'view' });
    expect((await noIncidents.get(`/api/v1/incidents/${id}/evidence`)).statusCode).toBe(403);
    const viewer = await t.sessionWith({ Incidents: 'view' });
    expect((await viewer.get(`/api/v1/incidents/${id}/evidence`)).statusCode).toBe(200);
    expect((await s.delete(`/api/v1/incidents/${id}`)).statusCode).toBe(204);
    expect(await evidenceRows(id)).toEqual([]);
    expect((await s.get(`/api/v1/incidents/${id}/evidence`)).statusCode).toBe(404);
  });
});
