import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEXT_BYTES_SQL, TEXT_INDEX_BYTES } from '../../../src/modules/incidents/migrations.js';
import { sql } from 'kysely';
import { createTestApp, type Session, type TestApp } from '../../helpers/test-app.js';
import { apiKey, incident } from './helpers.js';

/**
 * On PostgreSQL the text filters (rule, engine, department, action, All search) read an index that
 * holds incidents up to TEXT_INDEX_BYTES of filter text; longer ones come from their own index and
 * are merged in. Pages, cursors and totals must not tell the two apart (on SQLite this is one path).
 */
const base = Date.parse('2025-08-04T12:00:00.000Z');
const at = (h: number) => new Date(base + h * 3_600_000).toISOString();
const RANGE = `from=${encodeURIComponent(new Date(base - 86_400_000).toISOString())}&to=${encodeURIComponent(new Date(base + 86_400_000).toISOString())}`;
const SEVERITIES = ['Critical', 'High', 'Medium', 'Low'] as const;

describe('incidents list with long filter text', () => {
  let t: TestApp;
  let s: Session;
  const byTxn = new Map<string, { id: number; long: boolean; severity: number; hour: number }>();
  beforeAll(async () => {
    t = await createTestApp();
    s = await t.login(t.admin.email);
    const key = await apiKey(t);
    // 30 rules of 120 characters: ~3.7 kB of rule text, past what the PostgreSQL text index holds.
    const longRules = ['Shared Rule', ...Array.from({ length: 30 }, (_, k) => `Long rule ${k} `.padEnd(120, 'x'))];
    const items = Array.from({ length: 24 }, (_, i) =>
      incident({
        transactionId: `LT-${String(i).padStart(2, '0')}`,
        incidentDate: at(i),
        severity: SEVERITIES[i % 4],
        rules: i % 3 === 0 ? longRules : ['Shared Rule'],
        user: { name: 'Ola Quist', email: 'ola@corp.example', department: i % 2 ? 'Treasury' : 'Audit' },
      }),
    );
    const res = await key.post('/api/v1/incidents', { incidents: items });
    expect(res.statusCode, res.body).toBe(200);
    for (const [i, r] of (res.json().results as { transactionId: string; id: number }[]).entries()) {
      byTxn.set(r.transactionId, { id: r.id, long: i % 3 === 0, severity: 4 - (i % 4), hour: i });
    }
  });
  afterAll(() => t?.close());

  it('the long rows really are past the text index limit', async () => {
    const rows = await sql<{ id: number; bytes: number }>`select id, ${sql.raw(TEXT_BYTES_SQL)} as bytes from incidents where org_id = ${t.orgId}`.execute(
      t.ctx.db,
    );
    const long = rows.rows.filter((r) => Number(r.bytes) > TEXT_INDEX_BYTES).map((r) => r.id);
    expect(long.sort()).toEqual(
      [...byTxn.values()]
        .filter((v) => v.long)
        .map((v) => v.id)
        .sort(),
    );
  });

  /** Every page by cursor, pages of 10. */
  async function walk(query: string): Promise<{ ids: number[]; total: number }> {
    const ids: number[] = [];
    let url = `/api/v1/incidents?${RANGE}&pageSize=10&${query}`;
    let total = -1;
    for (let n = 0; n < 20; n++) {
      const res = await s.get(url);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      total = body.total;
      ids.push(...body.items.map((i: { id: number }) => i.id));
      if (!body.nextCursor) break;
      url = `/api/v1/incidents?${RANGE}&pageSize=10&${query}&cursor=${encodeURIComponent(body.nextCursor)}`;
    }
    return { ids, total };
  }

  const all = () => [...byTxn.values()];
  const bySeverityDesc = (xs: ReturnType<typeof all>) => [...xs].sort((a, b) => b.severity - a.severity || b.id - a.id).map((x) => x.id);

  it('a rule filter sorted by severity pages through short and long rows in one order', async () => {
    const { ids, total } = await walk(`rule=${encodeURIComponent('Shared Rule')}&sort=severity&order=desc`);
    expect(ids).toEqual(bySeverityDesc(all()));
    expect(total).toBe(24);
  });

  it('a rule only the long rows have, newest first', async () => {
    const { ids, total } = await walk(`rule=${encodeURIComponent('Long rule 7 '.padEnd(120, 'x'))}`);
    const expected = all()
      .filter((x) => x.long)
      .sort((a, b) => b.hour - a.hour)
      .map((x) => x.id);
    expect(ids).toEqual(expected);
    expect(total).toBe(expected.length);
  });

  it('All search and a department filter count and page both kinds', async () => {
    const search = await walk(`search=${encodeURIComponent('ola treasury')}&sort=incidentDate&order=asc`);
    const treasury = all()
      .filter((x) => x.hour % 2 === 1)
      .sort((a, b) => a.hour - b.hour)
      .map((x) => x.id);
    expect(search.ids).toEqual(treasury);
    expect(search.total).toBe(treasury.length);
    const dept = await walk('department=Audit&sort=severity&order=asc');
    const audit = all().filter((x) => x.hour % 2 === 0);
    expect(dept.ids).toEqual([...audit].sort((a, b) => a.severity - b.severity || a.id - b.id).map((x) => x.id));
    expect(dept.total).toBe(audit.length);
  });
});
