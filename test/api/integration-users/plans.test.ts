import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type CompiledQuery, type Kysely } from 'kysely';
import { createTestApp, testDatabaseKind, type TestApp } from '../../helpers/test-app.js';
import { IntegrationUsersStore, plansAlike, type SortSpec, type StoreFilter } from '../../../src/modules/integration-users/store.js';
import type { IntegrationUsersTables } from '../../../src/modules/integration-users/tables.js';
import type { Keyset } from '../../../src/platform/http/cursor.js';
import { fullPermissions } from '../../../src/platform/permissions.js';
import { systemPrincipal } from '../../../src/platform/principal.js';
import { nowIso } from '../../../src/platform/db/database.js';
import { startTestSandbox, type Sandbox } from './helpers.js';

/**
 * The list page statements that `plansAlike` picks run on connections that keep PostgreSQL's
 * generic plan (`Database.stablePlans`), planned once instead of on every request. That is only
 * right if the generic plan is the one each run's values would get: these tests EXPLAIN every
 * such shape's generic plan over an org much larger than the others (where a plan guessed from
 * averages would go wrong first) and hold it to reading the live index in order, and check that
 * the filtered shapes, whose best plan depends on their values, stay on the re-planning pool.
 */
let t: TestApp;
let sb: Sandbox;
let integrationId: number;
const BIG = 400;

type Db = Kysely<IntegrationUsersTables>;
/** The app's database typed with this module's tables, as the module receives it. */
const usersDb = () => t.ctx.database.db as Db;

async function addUsers(orgId: number, integration: number, n: number, prefix: string) {
  const now = nowIso();
  const rows = Array.from({ length: n }, (_, i) => ({
    org_id: orgId,
    integration_id: integration,
    email: `${prefix}${i}@plans.example.com`,
    email_lower: `${prefix}${i}@plans.example.com`,
    name: `${prefix} ${String(i).padStart(4, '0')}`,
    username: `${prefix}${i}`,
    external_id: `${prefix}-${i}`,
    active_in_system: 1,
    status: i % 50 === 0 ? ('inactive' as const) : ('active' as const),
    last_verified_at: now,
    last_verify_error: null,
    created_by: 'test',
    created_at: now,
    updated_at: now,
    removed_at: null,
  }));
  for (let i = 0; i < rows.length; i += 200)
    await usersDb()
      .insertInto('integration_users')
      .values(rows.slice(i, i + 200))
      .execute();
}

async function connect(orgId: number, name: string): Promise<number> {
  const integ = await t.ctx.integrations.connect(systemPrincipal(orgId, fullPermissions()), {
    type: 'servicenow',
    name,
    baseUrl: sb.servicenowUrl,
    credentials: { authMethod: 'basic', ...sb.credentials.servicenow.basic },
  });
  return integ.id;
}

beforeAll(async () => {
  sb = await startTestSandbox();
  t = await createTestApp();
  integrationId = await connect(t.orgId, 'Plans SNOW');
  await addUsers(t.orgId, integrationId, BIG, 'big');
  // Small orgs beside the big one: averages over orgs say "a few rows per org".
  for (let i = 0; i < 4; i++) {
    const { orgId } = await t.newOrg();
    await addUsers(orgId, await connect(orgId, `Small SNOW ${i}`), 3, `small${i}`);
  }
  if (testDatabaseKind() === 'postgres') await sql`analyze integration_users`.execute(t.ctx.db);
  else await sql`analyze`.execute(t.ctx.db);
});
afterAll(async () => {
  await t?.close();
  await sb?.close();
});

/** A store whose stable-plan reads are recorded on their way to `Database.stablePlans`. */
function recordingStore() {
  const stable: CompiledQuery[] = [];
  const target = t.ctx.database.stablePlans as Db;
  const recorder = {
    executeQuery: (q: CompiledQuery) => {
      stable.push(q);
      return target.executeQuery(q);
    },
  } as unknown as Db;
  return { store: new IntegrationUsersStore(usersDb(), recorder), stable };
}

type Case = { label: string; sort: SortSpec; filter: StoreFilter; offset: number; after?: Keyset<string> };

function cases(): Case[] {
  const out: Case[] = [];
  for (const field of ['name', 'email'] as const) {
    const key = field === 'name' ? 'big 0200' : 'big200@plans.example.com';
    for (const order of ['asc', 'desc'] as const) {
      const sort = { field, order };
      out.push({ label: `${field} ${order} page 1`, sort, filter: {}, offset: 0 });
      out.push({ label: `${field} ${order} page 5`, sort, filter: {}, offset: 200 });
      out.push({ label: `${field} ${order} next`, sort, filter: {}, offset: 0, after: { value: key, id: 1, dir: 'next' } });
      out.push({ label: `${field} ${order} previous`, sort, filter: {}, offset: 0, after: { value: key, id: 1, dir: 'prev' } });
    }
  }
  return out;
}

type PlanNode = { 'Node Type': string; 'Relation Name'?: string; 'Index Name'?: string; 'Index Cond'?: string; Plans?: PlanNode[] };
const nodesOf = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodesOf)];

describe('list pages on connections that keep generic plans', () => {
  it('sends exactly the unfiltered name and email pages there, with the same rows as the re-planning pool', async () => {
    const { store, stable } = recordingStore();
    const plain = new IntegrationUsersStore(usersDb(), usersDb());
    for (const c of cases()) {
      expect(plansAlike(c.sort.field, c.filter), c.label).toBe(true);
      const before = stable.length;
      const got = await store.listEntries(t.orgId, c.filter, c.sort, { limit: 50, offset: c.offset }, c.after);
      expect(stable.length, c.label).toBe(before + 1);
      expect(got.rows.length, c.label).toBeGreaterThan(0);
      expect(got, c.label).toEqual(await plain.listEntries(t.orgId, c.filter, c.sort, { limit: 50, offset: c.offset }, c.after));
    }
    const filtered: [SortSpec, StoreFilter][] = [
      [{ field: 'name', order: 'asc' }, { search: 'big 01' }],
      [{ field: 'name', order: 'asc' }, { status: 'inactive' }],
      [{ field: 'email', order: 'asc' }, { integrationIds: [integrationId] }],
      [{ field: 'createdAt', order: 'desc' }, {}],
      [{ field: 'status', order: 'asc' }, {}],
    ];
    for (const [sort, filter] of filtered) {
      expect(plansAlike(sort.field, filter)).toBe(false);
      await store.listEntries(t.orgId, filter, sort, { limit: 50, offset: 0 });
    }
    expect(stable).toHaveLength(cases().length);
  });

  // One test for both databases (CI counts a skipped test as a failure): SQLite has no plan cache
  // to choose, so there the stable-plan handle must simply be the one database.
  it('plans each such page once, reading the live index in order from where the page starts (PostgreSQL)', async () => {
    const stablePlans = t.ctx.database.stablePlans;
    if (testDatabaseKind() !== 'postgres') {
      expect(stablePlans).toBe(t.ctx.database.db);
      return;
    }
    expect((await sql<{ plan_cache_mode: string }>`show plan_cache_mode`.execute(stablePlans)).rows[0].plan_cache_mode).toBe('force_generic_plan');
    expect((await sql<{ plan_cache_mode: string }>`show plan_cache_mode`.execute(t.ctx.db)).rows[0].plan_cache_mode).toBe('force_custom_plan');

    const { store, stable } = recordingStore();
    for (const c of cases()) {
      await store.listEntries(t.orgId, c.filter, c.sort, { limit: 50, offset: c.offset }, c.after);
      const q = stable[stable.length - 1];
      const key = c.sort.field === 'name' ? 'name' : 'email';
      const plan = await stablePlans.connection().execute(async (conn) => {
        await sql.raw(`prepare wfa_plan_check as ${q.sql}`).execute(conn);
        try {
          // EXECUTE in EXPLAIN takes no bound parameters: the values go in as literals.
          const args = sql.join(q.parameters.map((p) => sql.lit(p)));
          const res = await sql<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>`explain (format json) execute wfa_plan_check(${args})`.execute(conn);
          return res.rows[0]['QUERY PLAN'][0].Plan;
        } finally {
          await sql`deallocate wfa_plan_check`.execute(conn);
        }
      });
      const nodes = nodesOf(plan);
      const scans = nodes.filter((n) => n['Relation Name'] === 'integration_users');
      expect(scans.length, c.label).toBeGreaterThan(0);
      for (const n of scans) {
        expect(['Index Scan', 'Index Scan Backward', 'Index Only Scan'], `${c.label}: ${JSON.stringify(plan)}`).toContain(n['Node Type']);
        expect(n['Index Name'], c.label).toBe(`integration_users_live_${key}_idx`);
        // A generic plan names its parameters where a custom one has the values.
        expect(n['Index Cond'], c.label).toMatch(/\$\d/);
      }
      expect(
        nodes.some((n) => n['Node Type'] === 'Sort'),
        `${c.label}: ${JSON.stringify(plan)}`,
      ).toBe(false);
    }
  });
});
