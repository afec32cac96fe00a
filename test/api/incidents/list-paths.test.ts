import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../helpers/test-app.js';
import { apiKey, incident } from './helpers.js';

/**
 * The query paths behind the fast Incidents page: widget counts summed in one pass, the label
 * filter as one set of labelled ids, filters/search read from the covering index, and pages read
 * as ids first and rows second (order and cursors must survive that).
 */
const day = 86_400_000;
const base = Date.parse('2025-06-02T12:00:00.000Z');
const at = (h: number) => new Date(base + h * 3_600_000).toISOString();
const RANGE = `from=${encodeURIComponent(new Date(base - 5 * day).toISOString())}&to=${encodeURIComponent(new Date(base + 5 * day).toISOString())}`;
const STATUSES = ['New', 'Investigating', 'Validating with User', 'Escalated', 'Received Justification Response', 'Resolved'] as const;

describe('incidents list: counts, label filter, search and paging paths', () => {
  let t: TestApp;
  let s: Session;
  const ids: Record<string, number> = {};
  let emea: { id: number };
  let vip: { id: number };
  beforeAll(async () => {
    t = await createTestApp();
    s = await t.login(t.admin.email);
    const key = await apiKey(t);
    emea = (await s.post('/api/v1/labels', { name: 'Region EMEA' })).json();
    vip = (await s.post('/api/v1/labels', { name: 'VIP', values: ['Gold', 'Silver'] })).json();
    // 12 incidents: two per status, one of each pair assigned; Q-00..Q-11 an hour apart.
    const items = Array.from({ length: 12 }, (_, i) =>
      incident({
        transactionId: `Q-${String(i).padStart(2, '0')}`,
        incidentDate: at(i),
        severity: (['Critical', 'High', 'Medium', 'Low'] as const)[i % 4],
        rules: i % 3 === 0 ? ['Payroll 100% Rule'] : ['Source_Code Rule'],
        engines: i % 2 ? ['Secrets'] : ['PCI'],
        dictionaries: [{ name: i % 2 ? 'AWS Keys' : 'Credit Cards', matchCount: 1 }],
        user: { name: i < 6 ? 'Mia Moreau' : 'Raj Rao', email: i < 6 ? 'mia@corp.example' : 'raj@corp.example', department: i < 6 ? 'Finance' : 'Legal' },
        file: { name: `file_${i}.txt`, md5: `${String(i).padStart(2, '0')}aabbccddeeff001122334455667788` },
        url: `https://host${i}.example.net/x`,
      }),
    );
    const ingested = await key.post('/api/v1/incidents', { incidents: items });
    expect(ingested.statusCode, ingested.body).toBe(200);
    for (const r of ingested.json().results) ids[r.transactionId] = r.id;
    // Statuses that need ticket flows are set directly; the list only reads them.
    for (let i = 0; i < 12; i++) {
      await t.ctx.db
        .updateTable('incidents')
        .set({ status: STATUSES[Math.floor(i / 2)], dlp_admin_id: i % 2 ? t.admin.id : null })
        .where('id', '=', ids[`Q-${String(i).padStart(2, '0')}`])
        .execute();
    }
    await s.post(`/api/v1/incidents/${ids['Q-01']}/labels`, { labels: [{ labelId: emea.id }, { labelId: vip.id, value: 'Gold' }] });
    await s.post(`/api/v1/incidents/${ids['Q-02']}/labels`, {
      labels: [
        { labelId: vip.id, value: 'Gold' },
        { labelId: vip.id, value: 'Silver' },
      ],
    });
    await s.post(`/api/v1/incidents/${ids['Q-05']}/labels`, { labels: [{ labelId: emea.id }] });
  });
  afterAll(async () => t?.close());

  const list = async (q: string) => {
    const res = await s.get(`/api/v1/incidents?${RANGE}&${q}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as {
      items: { transactionId: string }[];
      total: number;
      nextCursor: string | null;
      prevCursor: string | null;
      counts?: Record<string, number>;
    };
  };
  const txns = async (q: string) => (await list(q)).items.map((i) => i.transactionId);

  it('counts every widget in one pass, and each widget total matches its list', async () => {
    const page = await list('withCounts=true');
    expect(page.counts).toEqual({ all: 12, open: 6, unassigned: 6, resolved: 2, waitingFeedback: 4, escalated: 2, responseAvailable: 2 });
    expect(page.total).toBe(12);
    for (const [w, n] of Object.entries(page.counts!)) {
      const p = await list(`widget=${w}&pageSize=100`);
      expect(p.total, w).toBe(n);
      expect(p.items, w).toHaveLength(n);
      // the same widget with a filter that keeps everything counts the rows instead
      expect((await list(`widget=${w}&severity=Critical,High,Medium,Low,Info`)).total, w).toBe(n);
    }
    const empty = await s.get(`/api/v1/incidents/counts?from=${encodeURIComponent(at(100))}&to=${encodeURIComponent(at(101))}`);
    expect(empty.json().counts).toEqual({ all: 0, open: 0, unassigned: 0, resolved: 0, waitingFeedback: 0, escalated: 0, responseAvailable: 0 });
  });

  it('keeps widget counts exact through ingestion, duplicates, actions and deletes, at any range boundary', async () => {
    const key = await apiKey(t);
    const WIDGET_NAMES = ['all', 'open', 'unassigned', 'resolved', 'waitingFeedback', 'escalated', 'responseAvailable'];
    // The reference: each widget's rows counted by a filter that keeps everything (never the widget counts).
    const check = async (from: string, to: string) => {
      const r = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
      const counts = (await s.get(`/api/v1/incidents/counts?${r}`)).json().counts as Record<string, number>;
      for (const w of WIDGET_NAMES) {
        const res = await s.get(`/api/v1/incidents?${r}&widget=${w}&severity=Critical,High,Medium,Low,Info`);
        expect(counts[w], `${w} ${from}..${to}`).toBe(res.json().total);
      }
      return counts;
    };
    const ranges: [string, string][] = [
      [at(-1), at(12)], // whole hours only
      [new Date(base + 17 * 60_000).toISOString(), new Date(base + 9 * 3_600_000 + 41 * 60_000).toISOString()], // partial hours at both ends
      [new Date(base + 3 * 3_600_000 + 1).toISOString(), at(7)], // starts 1 ms after an incident
      [at(3), new Date(base + 4 * 3_600_000 + 30 * 60_000).toISOString()], // under two hours
      [at(5), at(6)], // one hour: the incident at its start counts, the one at its end does not
    ];
    const before = await check(ranges[0][0], ranges[0][1]);
    expect(before.all).toBe(12);
    expect((await check(ranges[4][0], ranges[4][1])).all).toBe(1);
    for (const [f, to] of ranges) await check(f, to);

    // new parents and a duplicate in the window; a duplicate is not counted
    const extra = await key.post('/api/v1/incidents', {
      incidents: [
        incident({
          transactionId: 'Q-X1',
          incidentDate: new Date(base + 2 * 3_600_000 + 59 * 60_000).toISOString(),
          user: { name: 'Zed', email: 'zed@corp.example' },
          file: { name: 'z.txt', md5: 'ffeeddccbbaa99887766554433221100' },
          url: 'https://dup.example.net/a',
        }),
        incident({
          transactionId: 'Q-X2',
          incidentDate: new Date(base + 3 * 3_600_000 + 10 * 60_000).toISOString(),
          user: { name: 'Zed', email: 'zed@corp.example' },
          file: { name: 'z.txt', md5: 'ffeeddccbbaa99887766554433221100' },
          url: 'https://dup.example.net/b',
        }),
      ],
    });
    expect(extra.json().results[1].duplicateOf).toBe(extra.json().results[0].id);
    const x1 = extra.json().results[0].id as number;
    expect((await check(ranges[0][0], ranges[0][1])).all).toBe(13);
    // actions move incidents between widgets
    expect((await s.post(`/api/v1/incidents/${x1}/assign-to-me`, {})).statusCode).toBe(200);
    expect((await s.post(`/api/v1/incidents/${ids['Q-00']}/investigating`, {})).statusCode).toBe(200);
    expect((await s.post(`/api/v1/incidents/${ids['Q-02']}/close`, {})).statusCode).toBe(200);
    for (const [f, to] of ranges) await check(f, to);
    // deleting the parent removes it and its duplicate
    expect((await s.delete(`/api/v1/incidents/${x1}`)).statusCode).toBeLessThan(300);
    const after = await check(ranges[0][0], ranges[0][1]);
    expect(after.all).toBe(12);
    for (const [f, to] of ranges) await check(f, to);
  });

  it('filters by several labels, include and exclude, each incident once', async () => {
    expect(await txns(`label=${emea.id}`)).toEqual(['Q-05', 'Q-01']);
    expect(await txns(`label=${vip.id}`)).toEqual(['Q-02', 'Q-01']);
    const both = await list(`label=${emea.id}&label=${vip.id}`);
    expect(both.items.map((i) => i.transactionId)).toEqual(['Q-05', 'Q-02', 'Q-01']);
    expect(both.total).toBe(3);
    expect((await list(`label=${emea.id}&label=${vip.id}&exclude=label`)).total).toBe(9);
    expect(await txns(`label=${vip.id}&exclude=label&engine=Secrets`)).toEqual(['Q-11', 'Q-09', 'Q-07', 'Q-05', 'Q-03']);
    expect(await txns(`label=${emea.id}&department=Finance&sort=severity&order=asc`)).toEqual(['Q-01', 'Q-05']);
  });

  it('searches terms ANDed and case-insensitive; % and _ are literal characters', async () => {
    expect(await txns('search=MIA%20secrets')).toEqual(['Q-05', 'Q-03', 'Q-01']);
    expect(await txns('search=aws%20LEGAL')).toEqual(['Q-11', 'Q-09', 'Q-07']);
    expect(await txns('search=100%25')).toEqual(['Q-09', 'Q-06', 'Q-03', 'Q-00']);
    expect(await txns('search=source_code')).toEqual(['Q-11', 'Q-10', 'Q-08', 'Q-07', 'Q-05', 'Q-04', 'Q-02', 'Q-01']);
    expect(await txns('search=source%25code')).toEqual([]);
    expect(await txns('search=file_1')).toEqual(['Q-11', 'Q-10', 'Q-01']);
    expect(await txns('search=file1')).toEqual([]);
    expect((await list('search=host1%20legal')).total).toBe(2);
    expect(await txns('search=raj%20mia')).toEqual([]);
  });

  it('pages a filtered, searched, severity-sorted list both ways in the same order', async () => {
    const q = 'search=corp.example&rule=Source_Code%20Rule&sort=severity&order=desc&pageSize=10';
    const all = await list(q.replace('pageSize=10', 'pageSize=100'));
    expect(all.total).toBe(8);
    const expected = all.items.map((i) => i.transactionId);
    // severity desc, then id desc among equal severities
    expect(expected).toEqual(['Q-08', 'Q-04', 'Q-05', 'Q-01', 'Q-10', 'Q-02', 'Q-11', 'Q-07']);
    const paged = 'search=CORP.example&sort=severity&order=desc&pageSize=10';
    const get = async (cursor: string | null) =>
      (await s.get(`/api/v1/incidents?${RANGE}&${paged}${cursor ? `&cursor=${cursor}` : ''}`)).json() as {
        items: { transactionId: string }[];
        nextCursor: string | null;
        prevCursor: string | null;
      };
    const pages: { items: { transactionId: string }[]; nextCursor: string | null; prevCursor: string | null }[] = [await get(null)];
    while (pages[pages.length - 1].nextCursor) pages.push(await get(pages[pages.length - 1].nextCursor));
    const seen = pages.flatMap((p) => p.items.map((i) => i.transactionId));
    expect(seen).toEqual(['Q-08', 'Q-04', 'Q-00', 'Q-09', 'Q-05', 'Q-01', 'Q-10', 'Q-06', 'Q-02', 'Q-11', 'Q-07', 'Q-03']);
    expect(pages.map((p) => p.items.length)).toEqual([10, 2]);
    // back from the last page gives the first page again
    const back0 = await get(pages[1].prevCursor);
    expect(back0.items.map((i) => i.transactionId)).toEqual(pages[0].items.map((i) => i.transactionId));
    expect(back0.prevCursor).toBeNull();
  });

  it('counts a sorted page that a cursor reaches after the rows behind it were deleted', async () => {
    // A range of its own: twelve incidents ten days after the others, sorted by severity (SQLite
    // counts such a page in the page's own statement; an empty page has no row to carry the count).
    const key = await apiKey(t);
    const when = (h: number) => new Date(base + 10 * day + h * 3_600_000).toISOString();
    const res = await key.post('/api/v1/incidents', {
      incidents: Array.from({ length: 12 }, (_, i) =>
        incident({ transactionId: `Z-${String(i).padStart(2, '0')}`, incidentDate: when(i), severity: (['Critical', 'High', 'Low'] as const)[i % 3] }),
      ),
    });
    expect(res.statusCode, res.body).toBe(200);
    const range = `from=${encodeURIComponent(when(-1))}&to=${encodeURIComponent(when(15))}`;
    const get = async (cursor?: string) => {
      const r = await s.get(`/api/v1/incidents?${range}&severity=Critical,High,Medium,Low,Info&sort=severity&order=desc${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.statusCode, r.body).toBe(200);
      return r.json() as { items: { id: number }[]; total: number; nextCursor: string | null };
    };
    const first = await get();
    expect(first.total).toBe(12);
    const second = await get(first.nextCursor!);
    expect(second.items).toHaveLength(2);
    expect(second.total).toBe(12);
    for (const { id } of second.items) expect((await s.delete(`/api/v1/incidents/${id}`)).statusCode).toBeLessThan(300);
    const past = await get(first.nextCursor!);
    expect(past.items).toEqual([]);
    expect(past.total).toBe(10);
  });
});
