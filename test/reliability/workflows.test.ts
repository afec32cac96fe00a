import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rng } from '../../src/modules/incidents/generator.js';
import { CREATE_JOB } from '../../src/modules/tickets/deps.js';
import { openDatabase, type Database } from '../../src/platform/db/database.js';
import { incident } from '../api/incidents/helpers.js';
import { testDatabasePlace } from '../helpers/test-database.js';
import { signIn, type Api } from './api.js';
import { createAdminWithCli, freePort, ServerProcess, startSandboxProcess, type SandboxProcess } from './processes.js';
import { databaseUrl } from './scenario.js';

/**
 * `npm run test:reliability`: 200 incidents are ingested through the API and each runs a two-step
 * workflow (create a ticket in the sandbox Jira, then close the incident) while a real `wfa serve`
 * is SIGKILLed at random moments and restarted (issue #11, "Engine reliability"). Afterwards every
 * execution completed exactly once, the sandbox holds exactly one issue per incident, every step
 * has one outcome record, done, and no step's effect happened twice (one ticket, one Closed entry).
 * The kill times come from a seed (printed; RELIABILITY_SEED replays a run). SQLite always;
 * PostgreSQL too when TEST_DATABASE_URL is set. RELIABILITY_WORKFLOW_INCIDENTS and RELIABILITY_KILLS
 * scale a run (defaults 200 and 6).
 */
const COUNT = Number(process.env.RELIABILITY_WORKFLOW_INCIDENTS ?? 200);
const KILLS = Number(process.env.RELIABILITY_KILLS ?? 6);
const BATCH = 20;
const SETTLE_TIMEOUT_MS = 150_000;
const WORKFLOW = 'Ticket then close (reliability)';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const seconds = (ms: number) => Math.round(ms / 100) / 10;

let sandbox: SandboxProcess;
beforeAll(async () => {
  sandbox = await startSandboxProcess();
});
afterAll(async () => {
  await sandbox?.stop();
});

/** The sandbox Jira, one active assignee, the SEC project and the mapped two-step workflow, as an admin sets them up. */
async function setUp(api: Api, url: string, database: Database): Promise<{ integrationId: number }> {
  const jira = await api.ok(url, 'POST', '/integrations', {
    type: 'jira_cloud',
    name: 'Jira (workflow reliability)',
    baseUrl: sandbox.jiraUrl,
    credentials: { email: 'wfa.integration@example.com', apiToken: 'sandbox-jira-api-token' },
  });
  const user = await api.ok(url, 'POST', '/integration-users', { integrationId: jira.id, email: 'beth.anglin@example.com' });
  const findSec = async () =>
    ((await api.ok(url, 'GET', `/integrations/${jira.id}/projects`)).items as { id: number; key: string }[]).find((p) => p.key === 'SEC');
  let sec = await findSec();
  if (!sec) {
    await api.ok(url, 'POST', `/integrations/${jira.id}/projects/sync`);
    sec = await findSec();
  }
  if (!sec) throw new Error('The Jira project SEC did not arrive from the sandbox');
  const wf = await api.ok(url, 'POST', '/workflows', {
    template: 'auto_create_tickets',
    name: WORKFLOW,
    settings: { ticketing: { integrationId: jira.id, projectId: sec.id, integrationUserId: user.id } },
  });
  // No template pairs a ticket with a close, while the engine runs any list of steps: the version
  // gets the close step appended (before any incident exists, so every execution runs both).
  const version = await database.db
    .selectFrom('workflow_versions')
    .select(['id', 'steps'])
    .where('workflow_id', '=', wf.id)
    .where('version', '=', wf.version)
    .executeTakeFirstOrThrow();
  const steps = [...(JSON.parse(version.steps) as unknown[]), { kind: 'close_incident', notes: 'Closed by the reliability workflow.', falsePositive: false }];
  await database.db
    .updateTable('workflow_versions')
    .set({ steps: JSON.stringify(steps) })
    .where('id', '=', version.id)
    .execute();
  await api.ok(url, 'POST', '/workflow-mappings', { workflowId: wf.id, sourceDlpType: 'Any', condition: null });
  return { integrationId: jira.id };
}

/** Sends the batches to the server while it lives; a batch cut short is sent again (ingestion is idempotent by Transaction ID). */
async function ingestAll(api: Api, url: string, run: string): Promise<void> {
  const items = Array.from({ length: COUNT }, (_, i) =>
    incident({ transactionId: `relwf-${run}-${i}`, user: { name: `Person ${i}`, email: `person${i}@corp.example`, department: 'Finance' } }),
  );
  const deadline = Date.now() + 300_000;
  for (let i = 0; i < items.length; i += BATCH) {
    for (;;) {
      const a = await api.call(url, 'POST', '/incidents', { incidents: items.slice(i, i + BATCH) });
      if (a.status === 200) break;
      if (a.status !== 'unreachable' && a.status < 500) throw new Error(`ingest answered ${a.status}: ${JSON.stringify(a.body).slice(0, 300)}`);
      if (Date.now() > deadline) throw new Error('the incidents could not be ingested within 300 s');
      await sleep(200);
    }
  }
}

async function killAtRandom(server: ServerProcess, random: () => number): Promise<void> {
  for (let k = 0; k < KILLS; k++) {
    await sleep(300 + random() * 2_200);
    await server.kill();
    await server.start();
  }
}

/** Until no execution is running and no ticket is being created (bounded). */
async function settle(database: Database): Promise<void> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  for (;;) {
    const [executions, running, creating] = await Promise.all([
      database.db
        .selectFrom('workflow_executions')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow(),
      database.db
        .selectFrom('workflow_executions')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', '=', 'running')
        .executeTakeFirstOrThrow(),
      database.db
        .selectFrom('jobs')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('kind', '=', CREATE_JOB)
        .where('status', 'in', ['queued', 'running'])
        .executeTakeFirstOrThrow(),
    ]);
    if (Number(executions.n) >= COUNT && Number(running.n) === 0 && Number(creating.n) === 0) return;
    if (Date.now() > deadline)
      throw new Error(`not settled within ${SETTLE_TIMEOUT_MS / 1000} s: ${executions.n} executions, ${running.n} running, ${creating.n} ticket jobs pending`);
    await sleep(1_000);
  }
}

async function run(database: 'sqlite' | 'postgres') {
  const seed = Number(process.env.RELIABILITY_SEED ?? Math.floor(Math.random() * 2 ** 31));
  console.log(`[reliability] workflows on ${database}: seed ${seed} (RELIABILITY_SEED=${seed} replays the kill times)`);
  const random = rng(seed);
  await sandbox.reset();
  const place = await testDatabasePlace('relwf', database);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    WFA_DATA_DIR: place.dataDir,
    DATABASE_URL: databaseUrl(place),
    WFA_SECRET_KEY: Buffer.alloc(32, 13).toString('base64'),
    WFA_PUBLIC_URL: 'http://wfa.reliability.test',
    WFA_ALLOW_PRIVATE_TARGETS: 'true',
    LOG_LEVEL: 'warn',
    // A killed server's jobs come back within seconds; same code paths as production.
    WFA_JOB_POLL_MS: '100',
    WFA_JOB_LEASE_SECONDS: '4',
    WFA_JOB_BACKOFF_MS: '250',
    // A few unlucky jobs' doubling delays, not the work, made the run's length; production caps at 1 h.
    WFA_JOB_BACKOFF_MAX_MS: '4000',
    WFA_JOB_CONCURRENCY: '16',
    WFA_TICKET_MARKER_WINDOW_MS: '6000',
  };
  const server = new ServerProcess('A', await freePort(), env);
  const who = { email: 'reliability@example.com', name: 'Reliability Admin', password: 'correct horse battery staple' };
  const started = Date.now();
  const db = openDatabase(
    place.schema ? { kind: 'postgres', url: place.url, schema: place.schema } : { kind: 'sqlite', file: place.url.slice('sqlite:'.length) },
  );
  try {
    await createAdminWithCli(env, who);
    await server.start();
    const api = await signIn(server.url, who);
    const { integrationId } = await setUp(api, server.url, db);
    const runId = seed.toString(36);
    const setUpAt = Date.now();
    await Promise.all([ingestAll(api, server.url, runId), killAtRandom(server, random)]);
    const killedAt = Date.now();
    await settle(db);
    const settledAt = Date.now();

    const problems: string[] = [];
    const executions = await db.db.selectFrom('workflow_executions').selectAll().execute();
    const outcomes = await db.db.selectFrom('workflow_step_outcomes').selectAll().execute();
    const incidents = await db.db.selectFrom('incidents').select(['id', 'status', 'transaction_id']).execute();
    const state = await sandbox.state();
    if (incidents.length !== COUNT) problems.push(`${incidents.length} incidents stored for ${COUNT} sent`);
    for (const i of incidents) {
      const mine = executions.filter((e) => e.incident_id === i.id);
      if (mine.length !== 1) {
        problems.push(`incident ${i.transaction_id}: ${mine.length} executions`);
        continue;
      }
      const e = mine[0];
      if (e.status !== 'completed' || e.next_step !== 2)
        problems.push(`incident ${i.transaction_id}: execution ${e.id} is ${e.status} at step ${e.next_step} (${e.reason})`);
      const steps = outcomes.filter((o) => o.execution_id === e.id).sort((a, b) => a.step_index - b.step_index);
      const shape = steps.map((o) => `${o.step_index}:${o.kind}:${o.status}`).join(',');
      if (shape !== '0:create_ticket:done,1:close_incident:done') problems.push(`incident ${i.transaction_id}: step outcomes ${shape}`);
      if (i.status !== 'Resolved') problems.push(`incident ${i.transaction_id}: ${i.status}, not Resolved`);
      const tickets = (
        (await api.ok(server.url, 'GET', `/incidents/${i.id}/tickets`)).items as {
          id: number;
          state: string;
          ticketKey: string | null;
          integration: { id: number };
        }[]
      ).filter((t) => t.integration.id === integrationId);
      if (tickets.length !== 1) {
        problems.push(`incident ${i.transaction_id}: ${tickets.length} tickets in our API`);
        continue;
      }
      const t = tickets[0];
      if (steps[0]?.ticket_id !== t.id)
        problems.push(`incident ${i.transaction_id}: the create step recorded ticket ${steps[0]?.ticket_id}, the incident has ${t.id}`);
      const issues = state.jira.issues.filter((x) => x.labels.includes(`wfa-${t.id}`));
      if (issues.length !== 1 || issues[0].key !== t.ticketKey)
        problems.push(
          `incident ${i.transaction_id}: ticket ${t.id} (${t.state}, ${t.ticketKey}) has ${issues.length} sandbox issues (${issues.map((x) => x.key).join(', ')})`,
        );
      const events = (await api.ok(server.url, 'GET', `/incidents/${i.id}`)).events as { action: string; changedBy: string; comment: string }[];
      const closed = events.filter((x) => x.action === 'close').length;
      const startedEntries = events.filter((x) => x.action === 'workflow' && x.comment === `Workflow ${WORKFLOW} started`).length;
      const completed = events.filter((x) => x.action === 'workflow' && x.comment === `Workflow ${WORKFLOW} completed`).length;
      if (closed !== 1 || startedEntries !== 1 || completed !== 1)
        problems.push(`incident ${i.transaction_id}: State Changes hold ${closed} Closed, ${startedEntries} started and ${completed} completed entries`);
    }
    if (state.jira.issues.length !== COUNT) problems.push(`the sandbox Jira holds ${state.jira.issues.length} issues for ${COUNT} incidents`);
    const stats = {
      seed,
      kills: server.kills,
      serverStarts: server.starts,
      resumedSteps: outcomes.filter((o) => o.attempts > 1).length,
      sandboxIssues: state.jira.issues.length,
      setUpSeconds: seconds(setUpAt - started),
      killsSeconds: seconds(killedAt - setUpAt),
      settleSeconds: seconds(settledAt - killedAt),
      totalSeconds: seconds(Date.now() - started),
    };
    console.log(`[reliability] workflows on ${database}: ${JSON.stringify(stats)}`);
    expect(problems).toEqual([]);
    expect(server.kills).toBe(KILLS);
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- server output (tail) ---\n${server.output().slice(-3000)}`, { cause: err });
  } finally {
    await server.stop();
    await db.close();
    await place.drop();
  }
}

const databases = ['sqlite', ...(process.env.TEST_DATABASE_URL ? ['postgres' as const] : [])] as const;
describe('workflows under SIGKILL', () => {
  for (const database of databases) {
    it(`${COUNT} incidents through a create-ticket-then-close workflow on ${database}, the server killed ${KILLS} times at random`, async () => {
      await run(database);
    });
  }
});
