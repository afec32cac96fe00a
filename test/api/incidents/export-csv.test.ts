import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../../src/platform/csv.js';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';
import { apiKey, incident, WIDE } from './helpers.js';

describe('incidents CSV export', () => {
  let t: TestApp;
  let key: Awaited<ReturnType<typeof apiKey>>;
  beforeAll(async () => {
    t = await createTestApp();
    key = await apiKey(t);
  });
  afterAll(async () => t?.close());

  it('writes cells that would start a spreadsheet formula as text', async () => {
    const body = incident({
      action: '=HYPERLINK("http://evil.example","open")',
      transactionId: '-1-formula',
      user: { name: '@SUM(1+1)', email: 'mallory@corp.example', department: '+cmd' },
      file: { name: '-2+3.xlsx', md5: 'aabbccddeeff00112233445566778899' },
    });
    expect((await key.post('/api/v1/incidents', body)).statusCode).toBe(201);
    const res = await key.get(`/api/v1/incidents/export.csv?${WIDE}`);
    expect(res.statusCode).toBe(200);
    const [header, ...rows] = parseCsv(res.body).map((r) => r.fields);
    const row = rows.find((r) => r[header.indexOf('User Email')] === 'mallory@corp.example');
    expect(row).toBeDefined();
    const cell = (name: string) => row![header.indexOf(name)];
    expect(cell('Action')).toBe(`'=HYPERLINK("http://evil.example","open")`);
    expect(cell('Transaction ID')).toBe("'-1-formula");
    expect(cell('Username')).toBe("'@SUM(1+1)");
    expect(cell('Department')).toBe("'+cmd");
    expect(cell('File Name')).toBe("'-2+3.xlsx");
    // Only the first character counts: an email or a rule with a dash stays as it is.
    expect(cell('Rules')).toBe('PCI Rule');
  });
});
