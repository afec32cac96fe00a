import { createAdmin } from '../src/bootstrap.js';
import { createWorker } from '../src/background.js';
import { generateIncidents } from '../src/modules/incidents/generator.js';
import { fullPermissions } from '../src/platform/permissions.js';
import { systemPrincipal } from '../src/platform/principal.js';
import { startSandbox, type Sandbox } from '../src/sandbox/index.js';
import type { LoggedRequest } from '../src/sandbox/state.js';
import type { AppContext } from '../src/app-context.js';
import { seedOpenTickets } from './tickets-seed.js';
import { openBenchApp } from './target.js';

/**
 * Tickets against the sandbox, in one run:
 *  (a) creation throughput (ticket + notes comment) with the sandbox answering after 20 ms, as a
 *      ratio of the sandbox's own ceiling: the very calls our worker made, replayed straight at the
 *      sandbox with the same concurrency (goal ≥ 0.8);
 *  (b) the time a Submit (POST /incidents/:id/tickets) takes to answer, p95 (goal ≤ 15 ms), next
 *      to a small authenticated read as the floor;
 *  (c) the status poll's cost for BENCH_POLL_TICKETS open tickets per system (calls made, time taken).
 * SQLite always; PostgreSQL too when BENCH_DATABASE_URL is set.
 */
const TICKETS = Number(process.env.BENCH_TICKETS ?? 300);
const POLL_TICKETS = Number(process.env.BENCH_POLL_TICKETS ?? 10_000);
const LATENCY_MS = 20;
const CONCURRENCY = Number(process.env.BENCH_TICKET_CONCURRENCY ?? 8);
const GOAL_RATIO = 0.8;
const GOAL_P95_MS = 15;

function p(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
}
const ms = (n: number) => `${n.toFixed(1)} ms`;
const sleep = (n: number) => new Promise((r) => setTimeout(r, n));

/** Sends the logged requests again, `lanes` at a time in their logged order, with real credentials. */
async function replay(sandbox: Sandbox, calls: LoggedRequest[], lanes: number): Promise<number> {
  const basic = (user: string, secret: string) => `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
  const auth = {
    servicenow: basic(sandbox.credentials.servicenow.basic.username, sandbox.credentials.servicenow.basic.password),
    jira: basic(sandbox.credentials.jira.email, sandbox.credentials.jira.apiToken),
  };
  const queue = [...calls];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      for (let c = queue.shift(); c; c = queue.shift()) {
        const base = c.system === 'servicenow' ? sandbox.servicenowUrl : sandbox.jiraUrl;
        const url = new URL(base + c.path);
        for (const [k, v] of Object.entries(c.query)) url.searchParams.set(k, v);
        const res = await fetch(url, {
          method: c.method,
          headers: {
            accept: 'application/json',
            authorization: auth[c.system],
            ...(c.body ? { 'content-type': c.headers['content-type'] ?? 'application/json' } : {}),
          },
          body: c.body || undefined,
        });
        await res.arrayBuffer();
      }
    }),
  );
  return performance.now() - t0;
}

async function benchTarget(kind: 'sqlite' | 'postgres', sandbox: Sandbox) {
  console.log(`\n--- ${kind} ---`);
  const { ctx, app, cleanup } = await openBenchApp(kind, 'tickets', {
    WFA_ALLOW_PRIVATE_TARGETS: 'true',
    WFA_JOB_CONCURRENCY: String(CONCURRENCY),
    WFA_JOB_POLL_MS: '50',
  });
  try {
    sandbox.state.reset();
    const main = await createAdmin(ctx, { email: 'bench@example.com', name: 'Bench Admin', password: 'bench-password-123456', orgName: 'Bench' });
    const actor = systemPrincipal(main.org.id, fullPermissions());
    const role = await ctx.roles.findByName(main.org.id, 'DLP Super Admin');
    const { key } = await ctx.apiKeys.create(actor, { name: 'bench', roleId: role!.id });
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const call = async (method: string, url: string, body?: unknown) => {
      const payload = body === undefined && method !== 'GET' ? {} : body;
      const res = await app.inject({
        method: method as 'GET',
        url: `/api/v1${url}`,
        headers,
        ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
      });
      if (res.statusCode >= 300) throw new Error(`${method} ${url} → ${res.statusCode}: ${res.body.slice(0, 300)}`);
      return res.json();
    };

    const sn = await call('POST', '/integrations', {
      type: 'servicenow',
      name: 'ServiceNow (bench)',
      settings: { syncTicketStatus: true },
      baseUrl: sandbox.servicenowUrl,
      credentials: { authMethod: 'basic', ...sandbox.credentials.servicenow.basic },
    });
    const jira = await call('POST', '/integrations', {
      type: 'jira_cloud',
      name: 'Jira (bench)',
      settings: { syncTicketStatus: true },
      baseUrl: sandbox.jiraUrl,
      credentials: { email: sandbox.credentials.jira.email, apiToken: sandbox.credentials.jira.apiToken },
    });
    const snUser = await call('POST', '/integration-users', { integrationId: sn.id, email: 'abel.tuter@example.com' });
    const jiraUser = await call('POST', '/integration-users', { integrationId: jira.id, email: 'beth.anglin@example.com' });
    let projects = (await call('GET', `/integrations/${jira.id}/projects`)).items as { id: number; key: string }[];
    if (!projects.some((x) => x.key === 'SEC')) {
      await call('POST', `/integrations/${jira.id}/projects/sync`);
      projects = (await call('GET', `/integrations/${jira.id}/projects`)).items;
    }
    const sec = projects.find((x) => x.key === 'SEC')!;
    const now = new Date();
    const incidents = [...generateIncidents({ count: TICKETS, seed: 7, from: new Date(now.getTime() - 86_400_000), to: now, prefix: 'tkt', duplicateRate: 0 })];
    const ingested = await call('POST', '/incidents', { incidents });
    const ids = (ingested.results as { id: number }[]).map((r) => r.id);

    /* (b) Submit: answered at once; the worker is not running yet. */
    const floor: number[] = [];
    for (const id of ids.slice(0, 100)) {
      const t0 = performance.now();
      await call('GET', `/incidents/${id}/tickets`);
      floor.push(performance.now() - t0);
    }
    const submit: number[] = [];
    for (const [i, id] of ids.entries()) {
      const body =
        i % 2 === 0
          ? { integrationId: sn.id, integrationUserId: snUser.id, notes: `bench notes ${i}` }
          : { integrationId: jira.id, projectId: sec.id, issueTypeId: '10001', integrationUserId: jiraUser.id, notes: `bench notes ${i}` };
      const t0 = performance.now();
      await call('POST', `/incidents/${id}/tickets`, body);
      submit.push(performance.now() - t0);
    }
    const p95 = p(submit, 0.95);
    console.log(
      `(b) Submit of ${TICKETS} tickets: p50 ${ms(p(submit, 0.5))}, p95 ${ms(p95)} (goal ≤ ${GOAL_P95_MS} ms) ${p95 <= GOAL_P95_MS ? 'PASS' : 'MISS'}; floor (GET /incidents/:id/tickets) p95 ${ms(p(floor, 0.95))}`,
    );

    /* (a) throughput: the worker creates every ticket and posts its notes, the sandbox answering after 20 ms. */
    for (const system of ['servicenow', 'jira'] as const) sandbox.state.setFaults(system, { latencyMs: LATENCY_MS });
    sandbox.state.log = [];
    const worker = createWorker(ctx);
    const startedAt = Date.now();
    worker.start();
    // Watching must not slow what it watches (the replay has no watcher): look rarely, and take the
    // end from the tickets themselves — the last write of a ticket with notes is its comment's.
    for (const deadline = startedAt + 600_000; ;) {
      const left = await call('GET', '/tickets?state=creating&pageSize=10');
      if (left.total === 0) break;
      if (Date.now() > deadline) throw new Error(`${left.total} tickets still creating after 10 minutes`);
      await sleep(250);
    }
    const last = await ctx.db
      .selectFrom('tickets')
      .select((eb) => eb.fn.max('updated_at').as('at'))
      .where('org_id', '=', main.org.id)
      .executeTakeFirstOrThrow();
    const productMs = Date.parse(String(last.at)) - startedAt;
    await worker.stop();
    const failed = (await call('GET', '/tickets?state=failed&pageSize=10')).total;
    if (failed) throw new Error(`${failed} tickets failed during the throughput run`);
    const calls = sandbox.state.requests();
    const replayMs = await replay(sandbox, calls, CONCURRENCY);
    const product = TICKETS / (productMs / 1000);
    const ceiling = TICKETS / (replayMs / 1000);
    const ratio = product / ceiling;
    console.log(
      `(a) ${TICKETS} tickets with notes at ${LATENCY_MS} ms sandbox latency, ${CONCURRENCY} at once: ${product.toFixed(1)} tickets/s vs the same ${calls.length} calls made directly ${ceiling.toFixed(1)} tickets/s → ratio ${ratio.toFixed(2)} (goal ≥ ${GOAL_RATIO}) ${ratio >= GOAL_RATIO ? 'PASS' : 'MISS'}`,
    );
    for (const system of ['servicenow', 'jira'] as const) sandbox.state.setFaults(system, { latencyMs: 0 });

    await benchPoll(ctx, call, sandbox, main.org.id, { sn: sn.id, jira: jira.id, snUser, jiraUser, sec: projects.find((x) => x.key === 'SEC') as never });
  } finally {
    await cleanup();
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the bench reads loosely typed API answers
type Call = (method: string, url: string, body?: unknown) => Promise<any>;
type User = { id: number; name: string; email: string; externalId: string };

/** (c) "Poll now" until every seeded open ticket was read (a run is capped; what is left is due at once). */
async function benchPoll(
  ctx: AppContext,
  call: Call,
  sandbox: Sandbox,
  orgId: number,
  setup: { sn: number; jira: number; snUser: User; jiraUser: User; sec: { id: number; key: string; name: string } },
) {
  const probe = await call('POST', `/integrations/${setup.sn}/ticket-sync/poll`).catch((e: Error) => e);
  if (probe instanceof Error) {
    console.log(`(c) poll cost: not measured, the status poll answered ${probe.message.slice(0, 200)}`);
    return;
  }
  const actor = systemPrincipal(orgId, fullPermissions());
  const now = new Date();
  const incidentIds: number[] = [];
  const sample = [
    ...generateIncidents({ count: POLL_TICKETS, seed: 9, from: new Date(now.getTime() - 86_400_000), to: now, prefix: 'poll', duplicateRate: 0 }),
  ];
  for (let i = 0; i < sample.length; i += 1000) {
    const res = await ctx.incidents.ingestBatch(actor, sample.slice(i, i + 1000));
    incidentIds.push(...res.results.map((r) => r.id!));
  }
  for (const [system, integrationId, assignee] of [
    ['servicenow', setup.sn, setup.snUser],
    ['jira', setup.jira, setup.jiraUser],
  ] as const) {
    await seedOpenTickets(ctx, sandbox, { orgId, integrationId, system, incidentIds, assignee, project: system === 'jira' ? setup.sec : undefined });
    sandbox.state.log = [];
    let polled = 0;
    const t0 = performance.now();
    for (let run = 0; run < 20 && polled < POLL_TICKETS; run++) polled += (await call('POST', `/integrations/${integrationId}/ticket-sync/poll`)).polled;
    const took = performance.now() - t0;
    console.log(
      `(c) poll of ${POLL_TICKETS.toLocaleString()} open ${system} tickets: ${polled.toLocaleString()} read with ${sandbox.state.requests().length} calls in ${(took / 1000).toFixed(2)} s`,
    );
  }
}

export async function run(): Promise<void> {
  const sandbox = await startSandbox({ port: 0, host: '127.0.0.1' });
  try {
    await benchTarget('sqlite', sandbox);
    if (process.env.BENCH_DATABASE_URL) await benchTarget('postgres', sandbox);
  } finally {
    await sandbox.close();
  }
}
