import { sql } from 'kysely';
import SQLite from 'better-sqlite3';
import { createContext } from '../src/app-context.js';
import { createAdmin } from '../src/bootstrap.js';
import { nowIso } from '../src/platform/db/database.js';
import { openBenchApp } from './target.js';
import { fullPermissions } from '../src/platform/permissions.js';
import { systemPrincipal } from '../src/platform/principal.js';
import { generateIncidents, rng } from '../src/modules/incidents/generator.js';
import { incidentRow } from '../src/modules/incidents/service.js';
import type { IncidentRow } from '../src/modules/incidents/store.js';
import type { IncidentInput } from '../src/modules/incidents/schemas.js';

/**
 * Incidents at volume:
 *  (a) batch ingestion through the API (app.inject, batches of 1,000) in incidents/s, as a ratio of
 *      a raw batched insert of the same rows into the same tables, measured in the same run (goal ≥ 0.3);
 *  (b) p95 latency of the Incidents page API over BENCH_INCIDENTS rows (default 1,000,000): the
 *      default view with count widgets, a filtered view, a Transaction ID search (goal ≤ 50 ms each);
 *  (c) p95 latency of the compatible API's search (pages of 100 whole incidents; goal ≤ 50 ms).
 * SQLite always; PostgreSQL too when BENCH_DATABASE_URL is set.
 */
const TOTAL = Number(process.env.BENCH_INCIDENTS ?? 1_000_000);
const INGEST = Number(process.env.BENCH_INGEST ?? 20_000);
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 60);
const SPREAD_DAYS = 180;
const BATCH = 1000;
const GOAL_RATIO = 0.3;
const GOAL_P95_MS = 50;

function p(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
}
const ms = (n: number) => `${n.toFixed(1)} ms`;

const target = (kind: 'sqlite' | 'postgres') => openBenchApp(kind, 'incidents');

/**
 * The volume loader (not the measured raw baseline): raw multi-row inserts, one transaction per
 * chunk. SQLite: a second connection with a prepared 100-row INSERT and a large page cache (the
 * indexes take random inserts). PostgreSQL: one INSERT … SELECT FROM unnest(arrays) per chunk.
 */
type Loader = { load(rows: IncidentRow[]): Promise<void>; close(): Promise<void> };
function bulkLoader(kind: 'sqlite' | 'postgres', db: ReturnType<typeof createContext>['db'], sqliteFile: string | null): Loader {
  let cols: (keyof IncidentRow)[] | null = null;
  const columnsOf = (row: IncidentRow) => (cols ??= Object.keys(row) as (keyof IncidentRow)[]);
  if (kind === 'sqlite') {
    const conn = new SQLite(sqliteFile!);
    conn.pragma('journal_mode = WAL');
    conn.pragma('synchronous = OFF');
    conn.pragma('cache_size = -262144');
    conn.pragma('busy_timeout = 5000');
    const PER = 100;
    let stmt: SQLite.Statement | null = null;
    let single: SQLite.Statement | null = null;
    return {
      async load(rows) {
        if (!rows.length) return;
        const c = columnsOf(rows[0]);
        const tuple = `(${c.map(() => '?').join(',')})`;
        stmt ??= conn.prepare(`insert into incidents (${c.join(',')}) values ${Array(PER).fill(tuple).join(',')}`);
        single ??= conn.prepare(`insert into incidents (${c.join(',')}) values ${tuple}`);
        conn.transaction(() => {
          let i = 0;
          const params: unknown[] = new Array(PER * c.length);
          for (; i + PER <= rows.length; i += PER) {
            let k = 0;
            for (let j = i; j < i + PER; j++) for (const col of c) params[k++] = rows[j][col] ?? null;
            stmt!.run(params);
          }
          for (; i < rows.length; i++) single!.run(c.map((col) => rows[i][col] ?? null));
        })();
      },
      async close() {
        conn.pragma('wal_checkpoint(TRUNCATE)');
        conn.close();
      },
    };
  }
  return {
    async load(rows) {
      if (!rows.length) return;
      const c = columnsOf(rows[0]);
      const ints = new Set<string>(['org_id', 'severity', 'priority', 'dlp_admin_id', 'duplicate_of']);
      const arrays = c.map((col) => sql`${rows.map((r) => r[col] ?? null)}::${sql.raw(ints.has(col) ? 'integer[]' : 'text[]')}`);
      await db
        .transaction()
        .execute((trx) => sql`insert into incidents (${sql.join(c.map((col) => sql.ref(col)))}) select * from unnest(${sql.join(arrays)})`.execute(trx));
    },
    async close() {},
  };
}

async function rawInsert(db: ReturnType<typeof createContext>['db'], rows: IncidentRow[]) {
  for (let i = 0; i < rows.length; i += BATCH) {
    const part = rows.slice(i, i + BATCH);
    await db.transaction().execute(async (trx) => {
      for (let j = 0; j < part.length; j += 400)
        await trx
          .insertInto('incidents')
          .values(part.slice(j, j + 400))
          .execute();
    });
  }
}

async function benchTarget(kind: 'sqlite' | 'postgres') {
  console.log(`\n--- ${kind} ---`);
  const { ctx, app, sqliteFile, cleanup } = await target(kind);
  try {
    const pw = 'bench-password-123456';
    const main = await createAdmin(ctx, { email: 'bench@example.com', name: 'Bench Admin', password: pw, orgName: 'Bench' });
    const rawOrg = await ctx.orgs.create('Raw baseline');
    const actor = systemPrincipal(main.org.id, fullPermissions());
    const role = await ctx.roles.findByName(main.org.id, 'DLP Super Admin');
    const { key } = await ctx.apiKeys.create(actor, { name: 'bench', roleId: role!.id });
    const auth = { authorization: `Bearer ${key}` };

    /* (a) ingestion: the same incidents, raw into one org and through the API into another. */
    const now = new Date();
    const from = new Date(now.getTime() - SPREAD_DAYS * 86_400_000);
    const sample: IncidentInput[] = [...generateIncidents({ count: INGEST, seed: 1, from, to: now, prefix: 'ing', duplicateRate: 0 })];
    const stamp = nowIso();
    const rawRows = sample.map((i) => incidentRow(rawOrg.id, i, stamp));
    let t0 = performance.now();
    await rawInsert(ctx.db, rawRows);
    const rawRate = INGEST / ((performance.now() - t0) / 1000);
    const payloads: string[] = [];
    for (let i = 0; i < sample.length; i += BATCH) payloads.push(JSON.stringify({ incidents: sample.slice(i, i + BATCH) }));
    t0 = performance.now();
    for (const payload of payloads) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/incidents', payload, headers: { ...auth, 'content-type': 'application/json' } });
      if (res.statusCode !== 200) throw new Error(`ingest failed: ${res.statusCode} ${res.body.slice(0, 300)}`);
    }
    const apiRate = INGEST / ((performance.now() - t0) / 1000);
    const ratio = apiRate / rawRate;
    console.log(
      `(a) ingestion of ${INGEST.toLocaleString()} incidents in batches of ${BATCH}: API ${Math.round(apiRate).toLocaleString()}/s vs raw insert ${Math.round(rawRate).toLocaleString()}/s → ratio ${ratio.toFixed(2)} (goal ≥ ${GOAL_RATIO}) ${ratio >= GOAL_RATIO ? 'PASS' : 'MISS'}`,
    );

    /* Load the volume fast: generated rows, raw batched insert, statuses and assignees spread. */
    const admins = [main.admin.id];
    for (let i = 0; i < 4; i++)
      admins.push((await ctx.admins.create(actor, { email: `a${i}@example.com`, name: `Admin ${i}`, roleId: role!.id, password: pw })).id);
    const r = rng(99);
    const statuses: [string, number][] = [
      ['New', 0.35],
      ['Investigating', 0.2],
      ['Validating with User', 0.05],
      ['Escalated', 0.03],
      ['Received Justification Response', 0.02],
      ['Resolved', 0.35],
    ];
    const pickStatus = () => {
      let x = r();
      for (const [s, w] of statuses) if ((x -= w) < 0) return s;
      return 'New';
    };
    const toLoad = Math.max(0, TOTAL - INGEST);
    const loader = bulkLoader(kind, ctx.db, sqliteFile);
    t0 = performance.now();
    // In arrival order, as a deployment's table fills: PostgreSQL's index-only scans then find a
    // week's rows on neighbouring table pages (random dates cost a visibility-map lookup per row).
    const gen = generateIncidents({ count: toLoad, seed: 2, from, to: now, prefix: 'vol', duplicateRate: 0, inArrivalOrder: true });
    let chunk: IncidentRow[] = [];
    const txnSample: string[] = [];
    let loaded = 0;
    let insertMs = 0;
    for (const inc of gen) {
      const row = incidentRow(main.org.id, inc, stamp);
      row.status = pickStatus();
      row.dlp_admin_id = r() < 0.6 ? admins[Math.floor(r() * admins.length)] : null;
      if (row.status === 'Resolved') row.resolution_date = row.incident_date;
      chunk.push(row);
      if (r() < 0.001 && txnSample.length < 500) txnSample.push(inc.transactionId);
      if (chunk.length === 10_000) {
        const ti = performance.now();
        await loader.load(chunk);
        insertMs += performance.now() - ti;
        loaded += chunk.length;
        chunk = [];
        if (loaded % 200_000 === 0) console.log(`    loaded ${loaded.toLocaleString()}…`);
      }
    }
    if (chunk.length) await loader.load(chunk);
    await loader.close();
    const loadSecs = (performance.now() - t0) / 1000;
    t0 = performance.now();
    if (kind === 'postgres') await sql`vacuum analyze incidents`.execute(ctx.db);
    else await sql`analyze`.execute(ctx.db);
    const [{ n }] = await ctx.db
      .selectFrom('incidents')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('org_id', '=', main.org.id)
      .execute();
    console.log(
      `    ${Number(n).toLocaleString()} incidents in the bench org (loaded in ${loadSecs.toFixed(1)} s of which insert ${(insertMs / 1000).toFixed(1)} s, analyze ${((performance.now() - t0) / 1000).toFixed(1)} s)`,
    );

    /* (b) Incidents page API latency. */
    const week = `from=${encodeURIComponent(new Date(now.getTime() - 7 * 86_400_000).toISOString())}&to=${encodeURIComponent(now.toISOString())}`;
    const scenarios: [string, () => string][] = [
      ['default view (last 7 days, 10 rows, count widgets + total)', () => `/api/v1/incidents?${week}&withCounts=true`],
      [
        'filtered view (status New/Investigating, severity Critical/High, Inline)',
        () => `/api/v1/incidents?${week}&status=New,Investigating&severity=Critical,High&sourceType=Inline`,
      ],
      [
        'Transaction ID search (10 ids)',
        () => {
          const ids = Array.from({ length: 10 }, () => txnSample[Math.floor(Math.random() * txnSample.length)]);
          return `/api/v1/incidents?searchMode=transactionId&search=${ids.join(',')}`;
        },
      ],
      ['(extra) rule filter + sort by severity', () => `/api/v1/incidents?${week}&rule=${encodeURIComponent('Source Code Leakage')}&sort=severity`],
      ['(extra) All search "finance pci"', () => `/api/v1/incidents?${week}&search=finance%20pci`],
    ];
    const base: number[] = [];
    for (let i = 0; i < ITERATIONS; i++) {
      const s = performance.now();
      await app.inject({ method: 'GET', url: '/api/v1/incidents/filter-options', headers: auth });
      base.push(performance.now() - s);
    }
    console.log(`    baseline: an authenticated small API call p95 ${ms(p(base, 0.95))}`);
    for (const [name, url] of scenarios) {
      const times: number[] = [];
      let total = 0;
      for (let i = 0; i < ITERATIONS + 5; i++) {
        const s = performance.now();
        const res = await app.inject({ method: 'GET', url: url(), headers: auth });
        const d = performance.now() - s;
        if (res.statusCode !== 200) throw new Error(`${name}: ${res.statusCode} ${res.body.slice(0, 300)}`);
        total = res.json().total;
        if (i >= 5) times.push(d);
      }
      const p95 = p(times, 0.95);
      const extra = name.startsWith('(extra)');
      console.log(
        `(b) ${name}: p50 ${ms(p(times, 0.5))}, p95 ${ms(p95)} (goal ≤ ${GOAL_P95_MS} ms, ratio ${(p95 / GOAL_P95_MS).toFixed(2)}; ${(p95 / p(base, 0.95)).toFixed(1)}× the baseline call) total=${total}${extra ? '' : p95 <= GOAL_P95_MS ? ' PASS' : ' MISS'}`,
      );
    }

    /* (c) The compatible API's search (docs/compatible-api.md): a page of 100 whole incidents. */
    const compatKey = await ctx.apiKeys.create(actor, { name: 'bench compat', roleId: role!.id, kind: 'id_secret' });
    const tokenRes = await app.inject({ method: 'POST', url: '/v1/auth/api-key/token', payload: { key_id: compatKey.keyId, key_secret: compatKey.keySecret } });
    const bearer = { authorization: `Bearer ${tokenRes.json().token as string}`, 'content-type': 'application/json' };
    // The per-key budget (20 searches a minute) is not what is measured: each request lands in a new window.
    let fakeClock = 0;
    ctx.compatApi.limiter.now = () => (fakeClock += 3_600_000);
    const range = { startTime: new Date(now.getTime() - 7 * 86_400_000).toISOString(), endTime: now.toISOString() };
    let pageId = '';
    const compat: [string, () => { url: string; body: unknown }][] = [
      [
        'compatible search, last 7 days, page of 100',
        () => ({ url: '/dlp/v1/incidents/search?page=0&pageSize=100', body: { fields: null, timeRange: range } }),
      ],
      [
        'compatible search, severity HIGH + status open, page of 100',
        () => ({
          url: '/dlp/v1/incidents/search?page=0&pageSize=100',
          body: {
            fields: [
              { name: 'severity', value: ['HIGH'] },
              { name: 'status', value: ['open'] },
            ],
            timeRange: range,
          },
        }),
      ],
      [
        'compatible search, next pages by pageId (100 each)',
        () => ({ url: `/dlp/v1/incidents/search?pageSize=100${pageId ? `&pageId=${pageId}` : ''}`, body: { fields: null, timeRange: range } }),
      ],
    ];
    for (const [name, next] of compat) {
      const times: number[] = [];
      let total = 0;
      pageId = '';
      for (let i = 0; i < ITERATIONS + 5; i++) {
        const { url, body } = next();
        const s = performance.now();
        const res = await app.inject({ method: 'POST', url, payload: JSON.stringify(body), headers: bearer });
        const d = performance.now() - s;
        if (res.statusCode !== 200) throw new Error(`${name}: ${res.statusCode} ${res.body.slice(0, 300)}`);
        const answer = res.json() as { cursor: { totalElements: number; pageId: string }; incidents: unknown[] };
        total = answer.cursor.totalElements;
        pageId = answer.cursor.pageId;
        if (!url.includes('pageId') && answer.incidents.length !== Math.min(100, total)) throw new Error(`${name}: a short page (${answer.incidents.length})`);
        if (i >= 5) times.push(d);
      }
      const p95 = p(times, 0.95);
      console.log(`(c) ${name}: p50 ${ms(p(times, 0.5))}, p95 ${ms(p95)} (goal ≤ ${GOAL_P95_MS} ms) total=${total} ${p95 <= GOAL_P95_MS ? 'PASS' : 'MISS'}`);
    }
  } finally {
    await cleanup();
  }
}

export async function run(): Promise<void> {
  console.log(`incidents: BENCH_INCIDENTS=${TOTAL.toLocaleString()}, BENCH_INGEST=${INGEST.toLocaleString()}, ${ITERATIONS} requests per scenario`);
  // BENCH_TARGETS=postgres skips SQLite (e.g. to re-run one database); BENCH_KEEP=1 keeps the data.
  const targets = (process.env.BENCH_TARGETS ?? 'sqlite,postgres').split(',');
  if (targets.includes('sqlite')) await benchTarget('sqlite');
  if (process.env.BENCH_DATABASE_URL && targets.includes('postgres')) await benchTarget('postgres');
  else console.log('\n(set BENCH_DATABASE_URL=postgres://… to run on PostgreSQL too)');
}
