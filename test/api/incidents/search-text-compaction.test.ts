import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import type { IncidentsDb } from '../../../src/modules/incidents/db.js';
import { createWorker } from '../../../src/background.js';
import { searchText } from '../../../src/modules/incidents/search-text.js';
import { COMPACT_SEARCH_TEXT_JOB, SearchTextCompaction, queueSearchTextCompaction } from '../../../src/modules/incidents/search-text-compaction.js';
import { createTestApp, testDatabaseKind, type Session, type TestApp } from '../../helpers/test-app.js';
import { apiKey, incident, WIDE } from './helpers.js';

/**
 * Incidents stored before the compact search text (migration 0460 queues their rewrite): the job
 * rewrites every org's rows in bounded runs, each queueing the next, and the All search finds the
 * same incidents before and after.
 */
describe('compacting search texts stored in the older, longer form', () => {
  let t: TestApp;
  let s: Session;
  let other: { orgId: number; session: Session };
  const departments = ['Finance', 'Treasury', 'Legal'];

  const texts = async () =>
    new Map(
      (await sql<{ id: number; search_text: string }>`select id, search_text from incidents order by id`.execute(t.ctx.db)).rows.map((r) => [
        Number(r.id),
        r.search_text,
      ]),
    );
  const compactionJobs = async () =>
    (await sql<{ payload: string; status: string }>`select payload, status from jobs where kind = ${COMPACT_SEARCH_TEXT_JOB} order by id`.execute(t.ctx.db))
      .rows;
  const search = async (session: Session, term: string) => {
    const res = await session.get(`/api/v1/incidents?${WIDE}&pageSize=100&search=${encodeURIComponent(term)}`);
    expect(res.statusCode, res.body).toBe(200);
    return (res.json().items as { id: number }[]).map((i) => i.id).sort((a, b) => a - b);
  };

  beforeAll(async () => {
    t = await createTestApp();
    s = await t.login(t.admin.email);
    const created = await t.newOrg();
    other = { orgId: created.orgId, session: created.session };
  });
  afterAll(() => t?.close());

  it('a fresh installation queues nothing: migration 0460 ran on an empty incidents table', async () => {
    expect(await compactionJobs()).toEqual([]);
  });

  it('rewrites every org’s older texts in bounded runs and the All search finds the same incidents', async () => {
    const mine = await apiKey(t);
    const theirs = await apiKey(t, 'DLP Super Admin', other.orgId);
    for (const [key, n] of [
      [mine, 5],
      [theirs, 2],
    ] as const) {
      const items = Array.from({ length: n }, (_, i) =>
        incident({ user: { name: `Quinn Q${i}`, email: `quinn${i}@corp.example`, department: departments[i % 3] } }),
      );
      const res = await key.post('/api/v1/incidents', { incidents: items });
      expect(res.statusCode, res.body).toBe(200);
    }
    const compact = await texts();
    expect(compact.size).toBe(7);

    // The older form: the same words, repeated and with words found inside longer ones.
    for (const [id, text] of compact) {
      const words = text.split(' ');
      const older = [...words, ...words.map((w) => w.slice(0, 3)), ...words].join(' ');
      expect(older.length).toBeGreaterThan(text.length);
      expect(searchText([older])).toBe(text);
      await sql`update incidents set search_text = ${older} where id = ${id}`.execute(t.ctx.db);
    }
    const terms = ['fin', 'quinn1', 'treasury', 'upload', 'corp.example', 'nothing-matches'];
    const before = await Promise.all(terms.flatMap((term) => [search(s, term), search(other.session, term)]));
    expect(before.some((ids) => ids.length > 0)).toBe(true);

    // What the migration does on a database that has incidents.
    await queueSearchTextCompaction(t.ctx.db as unknown as Kysely<unknown>, testDatabaseKind());
    expect((await compactionJobs()).map((j) => j.status)).toEqual(['queued']);

    // A run reads at most batchSize × batchesPerRun rows, then queues the next run from the last id.
    const ids = [...compact.keys()];
    const small = new SearchTextCompaction(t.ctx.db as unknown as Kysely<IncidentsDb>, t.ctx.jobs, { batchSize: 2, batchesPerRun: 2 });
    await small.run({ payload: {} });
    let now = await texts();
    expect(ids.filter((id) => now.get(id) === compact.get(id))).toEqual(ids.slice(0, 4));
    expect((await compactionJobs()).map((j) => JSON.parse(j.payload))).toEqual([{}, { afterId: ids[3] }]);
    // Run again (a crash before the job was marked done): the same rows, no second continuation.
    await small.run({ payload: {} });
    expect(await compactionJobs()).toHaveLength(2);

    // The worker runs the queued jobs with the real handler and stops when no row is left.
    await createWorker(t.ctx).drain();
    now = await texts();
    expect(now).toEqual(compact);
    expect((await compactionJobs()).map((j) => j.status)).toEqual(['done', 'done']);

    const after = await Promise.all(terms.flatMap((term) => [search(s, term), search(other.session, term)]));
    expect(after).toEqual(before);
  });
});
