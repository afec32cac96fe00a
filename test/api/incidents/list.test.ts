import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../helpers/test-app.js';
import { apiKey, incident } from './helpers.js';

const day = 86_400_000;
const base = Date.parse('2025-03-10T12:00:00.000Z');
const at = (h: number) => new Date(base + h * 3_600_000).toISOString();
const RANGE = `from=${encodeURIComponent(new Date(base - 10 * day).toISOString())}&to=${encodeURIComponent(new Date(base + 10 * day).toISOString())}`;

describe('incidents list: filters, search, sort, pagination, counts, CSV', () => {
  let t: TestApp;
  let s: Session;
  const ids: Record<string, number> = {};
  let label: { id: number };
  beforeAll(async () => {
    t = await createTestApp();
    s = await t.login(t.admin.email);
    const key = await apiKey(t);
    label = (await s.post('/api/v1/labels', { name: 'Region', values: ['EMEA', 'AMER'] })).json();
    const items = [
      incident({
        transactionId: 'L-A',
        incidentDate: at(0),
        severity: 'Critical',
        rules: ['PCI Rule'],
        engines: ['PCI'],
        user: { name: 'Ann Archer', email: 'ann@corp.example', department: 'Finance' },
        file: { name: 'cards.xlsx', md5: '0123456789abcdef0123456789abcdef' },
        url: 'https://drive.google.com/u/1',
      }),
      incident({
        transactionId: 'L-B',
        incidentDate: at(1),
        severity: 'High',
        rules: ['HIPAA Rule'],
        engines: ['HIPAA'],
        user: { name: 'Bob Baker', email: 'bob@corp.example', department: 'Legal' },
        file: { name: 'patients.pdf' },
        url: 'https://dropbox.com/x',
      }),
      incident({
        transactionId: 'L-C',
        incidentDate: at(2),
        severity: 'Medium',
        rules: ['PCI Rule', 'Source, Code'],
        engines: ['PCI', 'Source Code'],
        user: { name: 'Cy Chen', email: 'cy@corp.example', department: 'Finance' },
        file: { name: 'src.zip' },
        url: 'https://github.com/acme',
      }),
      incident({
        transactionId: 'L-D',
        incidentDate: at(3),
        severity: 'Low',
        sourceType: 'Email',
        recipients: { triggered: ['x@gmail.com'] },
        action: 'Quarantine',
        rules: ['GDPR Rule'],
        engines: ['GDPR'],
        user: { name: 'Dee Dunn', email: 'dee@corp.example', department: 'Sales' },
        file: { name: 'list.csv' },
        url: undefined,
      }),
      incident({
        transactionId: 'L-E',
        incidentDate: at(4),
        severity: 'Info',
        sourceType: 'Endpoint',
        channel: 'Printing',
        rules: ['PCI Rule'],
        engines: ['PCI'],
        user: { name: 'Eve Evans', email: 'eve@corp.example' },
        file: { name: 'print.docx' },
        url: undefined,
      }),
      // outside the range
      incident({ transactionId: 'L-OLD', incidentDate: new Date(base - 40 * day).toISOString() }),
    ];
    const res = await key.post('/api/v1/incidents', { incidents: items });
    for (const r of res.json().results) ids[r.transactionId] = r.id;
    await s.post(`/api/v1/incidents/${ids['L-B']}/assign-to-me`, {});
    await s.post(`/api/v1/incidents/${ids['L-B']}/investigating`, {});
    await s.post(`/api/v1/incidents/${ids['L-C']}/close`, {});
    await s.post(`/api/v1/incidents/${ids['L-D']}/labels`, { labels: [{ labelId: label.id, value: 'EMEA' }] });
    // a duplicate of L-A
    const dup = await key.post('/api/v1/incidents', {
      ...incident({ transactionId: 'L-A-dup', incidentDate: at(1) }),
      rules: ['PCI Rule'],
      engines: ['PCI'],
      user: { name: 'Ann Archer', email: 'ann@corp.example', department: 'Finance' },
      file: { name: 'cards.xlsx', md5: '0123456789abcdef0123456789abcdef' },
      url: 'https://drive.google.com/u/2',
      severity: 'Critical',
    });
    expect(dup.json().duplicateOf).toBe(ids['L-A']);
  });
  afterAll(async () => t?.close());

  const list = async (q: string) => {
    const res = await s.get(`/api/v1/incidents?${RANGE}&${q}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as {
      items: { transactionId: string; duplicateCount: number }[];
      total: number;
      nextCursor: string | null;
      prevCursor: string | null;
      counts?: Record<string, number>;
    };
  };
  const txns = async (q: string) => (await list(q)).items.map((i) => i.transactionId);

  it('defaults to newest incident date first, hides duplicates, counts them on the parent', async () => {
    const page = await list('');
    expect(page.items.map((i) => i.transactionId)).toEqual(['L-E', 'L-D', 'L-C', 'L-B', 'L-A']);
    expect(page.total).toBe(5);
    expect(page.items.find((i) => i.transactionId === 'L-A')!.duplicateCount).toBe(1);
  });

  it('returns the count widgets over the time range', async () => {
    const page = await list('withCounts=true');
    expect(page.counts).toEqual({ all: 5, open: 4, unassigned: 4, resolved: 1, waitingFeedback: 0, escalated: 0, responseAvailable: 0 });
    const res = await s.get(`/api/v1/incidents/counts?${RANGE}`);
    expect(res.json().counts.all).toBe(5);
    expect(await txns('widget=open')).toEqual(['L-E', 'L-D', 'L-B', 'L-A']);
    expect(await txns('widget=unassigned')).toEqual(['L-E', 'L-D', 'L-C', 'L-A']);
    expect(await txns('widget=resolved')).toEqual(['L-C']);
  });

  it('filters with include and exclude', async () => {
    expect(await txns('status=New')).toEqual(['L-E', 'L-D', 'L-A']);
    expect(await txns('status=New&exclude=status')).toEqual(['L-C', 'L-B']);
    expect(await txns('severity=Critical,High')).toEqual(['L-B', 'L-A']);
    expect(await txns('priority=Low')).toEqual(['L-E', 'L-D']);
    expect(await txns('sourceType=Email&sourceType=Endpoint')).toEqual(['L-E', 'L-D']);
    expect(await txns(`dlpAdmin=${t.admin.id}`)).toEqual(['L-B']);
    expect(await txns('dlpAdmin=0&exclude=dlpAdmin')).toEqual(['L-B']);
    expect(await txns(`label=${label.id}`)).toEqual(['L-D']);
    expect(await txns(`label=${label.id}&exclude=label`)).toEqual(['L-E', 'L-C', 'L-B', 'L-A']);
    expect(await txns('rule=PCI%20Rule')).toEqual(['L-E', 'L-C', 'L-A']);
    expect(await txns(`rule=${encodeURIComponent('Source, Code')}`)).toEqual(['L-C']);
    expect(await txns('rule=PCI%20Rule&exclude=rule')).toEqual(['L-D', 'L-B']);
    expect(await txns('engine=HIPAA')).toEqual(['L-B']);
    expect(await txns('department=Finance')).toEqual(['L-C', 'L-A']);
    expect(await txns('department=Finance&exclude=department')).toEqual(['L-E', 'L-D', 'L-B']);
    expect(await txns('action=Quarantine')).toEqual(['L-D']);
    expect(await txns('duplicated=yes')).toEqual(['L-A']);
    expect(await txns('duplicated=yes&exclude=duplicated')).toEqual(['L-E', 'L-D', 'L-C', 'L-B']);
    expect(await txns('user=BOB@corp.example')).toEqual(['L-B']);
    expect(await txns('status=New&severity=Critical')).toEqual(['L-A']);
    expect((await s.get(`/api/v1/incidents?${RANGE}&status=Bogus`)).statusCode).toBe(400);
  });

  it('applies the time range', async () => {
    const old = await txns('');
    expect(old).not.toContain('L-OLD');
    const from = encodeURIComponent(new Date(base - 50 * day).toISOString());
    const to = encodeURIComponent(new Date(base - 30 * day).toISOString());
    const res = await s.get(`/api/v1/incidents?from=${from}&to=${to}`);
    expect(res.json().items.map((i: { transactionId: string }) => i.transactionId)).toEqual(['L-OLD']);
    expect((await s.get(`/api/v1/incidents?from=${to}&to=${from}`)).statusCode).toBe(400);
  });

  it('searches All terms (ANDed, case-insensitive) and by Transaction ID (duplicates resolve to the parent)', async () => {
    expect(await txns('search=finance%20PCI')).toEqual(['L-C', 'L-A']);
    expect(await txns('search=DROPBOX')).toEqual(['L-B']);
    expect(await txns('search=ann%20hipaa')).toEqual([]);
    expect(await txns('search=x%40gmail.com')).toEqual(['L-D']);
    expect(await txns('searchMode=transactionId&search=L-B,L-A-dup,nope')).toEqual(['L-B', 'L-A']);
    const eleven = Array.from({ length: 11 }, (_, i) => `T${i}`).join(',');
    const res = await s.get(`/api/v1/incidents?searchMode=transactionId&search=${eleven}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/at most 10/);
  });

  it('sorts by each column and pages with cursors both ways', async () => {
    expect(await txns('sort=severity&order=desc')).toEqual(['L-A', 'L-B', 'L-C', 'L-D', 'L-E']);
    expect(await txns('sort=transactionId&order=asc')).toEqual(['L-A', 'L-B', 'L-C', 'L-D', 'L-E']);
    expect(await txns('sort=userName&order=desc')).toEqual(['L-E', 'L-D', 'L-C', 'L-B', 'L-A']);
    expect((await txns('sort=updatedAt&order=desc')).slice(0, 1)).toEqual(['L-D']);
    for (const sort of ['createdAt', 'priority', 'status', 'sourceType', 'fileName', 'destination']) {
      expect((await txns(`sort=${sort}`)).sort()).toEqual(['L-A', 'L-B', 'L-C', 'L-D', 'L-E']);
    }
    expect((await s.get(`/api/v1/incidents?${RANGE}&pageSize=7`)).statusCode).toBe(400);
    // keyset pages of 10 over 25 incidents with equal sort values
    const key = await apiKey(t);
    const same = new Date(base + 5 * day).toISOString();
    await key.post('/api/v1/incidents', {
      incidents: Array.from({ length: 25 }, (_, i) => incident({ transactionId: `P-${String(i).padStart(2, '0')}`, incidentDate: same, rules: ['Paging'] })),
    });
    const seen: string[] = [];
    let page = await list('rule=Paging&pageSize=10');
    expect(page.total).toBe(25);
    expect(page.prevCursor).toBeNull();
    seen.push(...page.items.map((i) => i.transactionId));
    const firstPage = page.items.map((i) => i.transactionId);
    page = await list(`rule=Paging&pageSize=10&cursor=${page.nextCursor}`);
    const secondPage = page.items.map((i) => i.transactionId);
    seen.push(...secondPage);
    page = await list(`rule=Paging&pageSize=10&cursor=${page.nextCursor}`);
    seen.push(...page.items.map((i) => i.transactionId));
    expect(page.items).toHaveLength(5);
    expect(page.nextCursor).toBeNull();
    expect(new Set(seen).size).toBe(25);
    const back = await list(`rule=Paging&pageSize=10&cursor=${page.prevCursor}`);
    expect(back.items.map((i) => i.transactionId)).toEqual(secondPage);
    const back2 = await list(`rule=Paging&pageSize=10&cursor=${back.prevCursor}`);
    expect(back2.items.map((i) => i.transactionId)).toEqual(firstPage);
    expect(back2.prevCursor).toBeNull();
    expect((await s.get(`/api/v1/incidents?${RANGE}&cursor=garbage`)).statusCode).toBe(400);
  });

  it('gives details with next/previous for the list ordering, and the duplicates dialog', async () => {
    const d = (await s.get(`/api/v1/incidents/${ids['L-C']}?${RANGE}`)).json();
    expect(d.previousId).toBe(ids['L-D']);
    expect(d.nextId).toBe(ids['L-B']);
    expect(d.details.user.email).toBe('cy@corp.example');
    const filtered = (await s.get(`/api/v1/incidents/${ids['L-C']}?${RANGE}&department=Finance&rule=PCI%20Rule`)).json();
    expect(filtered.previousId).toBeNull();
    expect(filtered.nextId).toBe(ids['L-A']);
    const dups = (await s.get(`/api/v1/incidents/${ids['L-A']}/duplicates`)).json();
    expect(dups.items.map((x: { transactionId: string }) => x.transactionId)).toEqual(['L-A-dup']);
    expect(dups.items[0].transactionTime).toBe(at(1));
    const child = (await s.get(`/api/v1/incidents/${dups.items[0].id}`)).json();
    expect(child.duplicateParent).toEqual({ id: ids['L-A'], transactionId: 'L-A' });
  });

  it('exports the filtered set as CSV', async () => {
    const res = await s.get(`/api/v1/incidents/export.csv?${RANGE}&department=Finance&rule=PCI%20Rule&sort=transactionId&order=asc`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/attachment/);
    const lines = res.body.trim().split('\r\n');
    expect(lines[0]).toMatch(/^Transaction ID,Incident Date/);
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['L-A', 'L-C']);
    expect(lines[2]).toContain('"PCI Rule; Source, Code"');
    const all = await s.get(`/api/v1/incidents/export.csv?${RANGE}`);
    expect(all.body.trim().split('\r\n')).toHaveLength(1 + 5 + 25);
  });

  it('lists filter options', async () => {
    const o = (await s.get('/api/v1/incidents/filter-options')).json();
    expect(o.rules).toContain('PCI Rule');
    expect(o.engines).toContain('HIPAA');
    expect(o.departments).toEqual(expect.arrayContaining(['Finance', 'Legal', 'Sales']));
    expect(o.dlpAdmins.map((a: { email: string }) => a.email)).toContain(t.admin.email);
    expect(o.labels.map((l: { name: string }) => l.name)).toContain('Region');
  });
});
