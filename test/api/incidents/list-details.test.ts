import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../helpers/test-app.js';
import { WIDE, apiKey, incident } from './helpers.js';

/** The Incidents list sends each row's ingested details only when asked (withDetails), for the columns read from them. */
describe('incidents list: withDetails', () => {
  let t: TestApp;
  let s: Session;
  beforeAll(async () => {
    t = await createTestApp();
    s = await t.login(t.admin.email);
    const key = await apiKey(t);
    const res = await key.post('/api/v1/incidents', {
      incidents: [
        incident({
          transactionId: 'DETAILS-1',
          user: { name: 'Dee Tail', email: 'dee@corp.example', clientIp: '10.1.2.3', homeLocation: 'Oslo' },
          file: { name: 'plan.xlsx', type: 'xlsx', size: 2048, documentType: 'Spreadsheet' },
          application: { name: 'Box', category: 'File Sharing' },
          referrerUrl: 'https://intranet.example/plans',
        }),
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
  });
  afterAll(() => t?.close());

  it('leaves the details out by default and sends them with withDetails=true', async () => {
    const plain = (await s.get(`/api/v1/incidents?${WIDE}`)).json().items[0];
    expect(plain.transactionId).toBe('DETAILS-1');
    expect(plain.details).toBeUndefined();
    const withDetails = (await s.get(`/api/v1/incidents?${WIDE}&withDetails=true`)).json().items[0];
    expect(withDetails.details).toMatchObject({
      user: { clientIp: '10.1.2.3', homeLocation: 'Oslo' },
      file: { type: 'xlsx', size: 2048, documentType: 'Spreadsheet' },
      application: { name: 'Box', category: 'File Sharing' },
      referrerUrl: 'https://intranet.example/plans',
    });
    const detail = (await s.get(`/api/v1/incidents/${withDetails.id}`)).json();
    expect(withDetails.details).toEqual(detail.details);
    expect((await s.get(`/api/v1/incidents?${WIDE}&withDetails=yes`)).statusCode).toBe(400);
  });
});
