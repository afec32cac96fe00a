/**
 * One reliability scenario: ticket requests sent to real `wfa serve` processes that are SIGKILLed at
 * random moments and restarted, until every request has settled; then the sandbox's own state must
 * hold exactly one ticket and exactly one notes comment per request, and our API must show each
 * ticket open with its key.
 */
import { incident } from '../api/incidents/helpers.js';
import { testDatabasePlace } from '../helpers/test-database.js';
import { signIn, type Api } from './api.js';
import { createAdminWithCli, freePort, ServerProcess, type SandboxProcess, type SandboxState } from './processes.js';
import type { TicketView } from '../../src/modules/tickets/schemas.js';
import { CREATE_JOB } from '../../src/modules/tickets/deps.js';
import { openDatabase, type Database } from '../../src/platform/db/database.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const between = (lo: number, hi: number) => lo + Math.random() * (hi - lo);

export type ScenarioOptions = {
  name: string;
  sandbox: SandboxProcess;
  database: 'sqlite' | 'postgres';
  /** Incidents; each gets one ServiceNow and one Jira request, so requests = 2 × incidents. */
  incidents: number;
  /** Server processes sharing the database (2 needs PostgreSQL). */
  servers: number;
  /** SIGKILLs over the run, each after a random time up (restart right after). */
  kills: number;
  /** Sandbox faults per system while requests run and settle (429/5xx storms, search lag, lost answers). */
  faults?: Partial<Record<'servicenow' | 'jira', Record<string, unknown>>>;
  /** Faults set again after half the kills (e.g. lost answers of the other kind). */
  laterFaults?: Partial<Record<'servicenow' | 'jira', Record<string, unknown>>>;
  /** Extra server environment (ticket timing knobs). */
  env?: Record<string, string>;
  /** Bound on the time from the last kill until no ticket is still being created. */
  settleTimeoutMs?: number;
};

export type ScenarioReport = {
  problems: string[];
  stats: Record<string, number | string>;
};

type Request = {
  incidentId: number;
  system: 'servicenow' | 'jira';
  integrationId: number;
  body: Record<string, unknown>;
  notes: string;
  accepted: boolean;
  posts: number;
  conflicts: number;
};

/** Both systems' records carrying a marker, as (key, notes comments) pairs. */
function recordsWithMarker(state: SandboxState, system: Request['system'], marker: string, notes: string) {
  if (system === 'servicenow') {
    return state.servicenow.incidents
      .filter((i) => i.correlation_id === marker)
      .map((i) => ({ key: i.number, notesComments: i.notes.filter((n) => n.field === 'work_notes' && n.value.includes(notes)).length }));
  }
  return state.jira.issues
    .filter((i) => i.labels.includes(marker))
    .map((i) => ({ key: i.key, notesComments: i.comments.filter((c) => c.includes(notes)).length }));
}

/** A DATABASE_URL a separate process can use: the SQLite file, or PostgreSQL with the test schema as search_path. */
export function databaseUrl(place: { url: string; schema?: string }): string {
  if (!place.schema) return place.url;
  const u = new URL(place.url);
  u.searchParams.set('options', `-c search_path=${place.schema} -c plan_cache_mode=force_custom_plan`);
  return u.toString();
}

export async function runScenario(o: ScenarioOptions): Promise<ScenarioReport> {
  const problems: string[] = [];
  const place = await testDatabasePlace('rel', o.database);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    WFA_DATA_DIR: place.dataDir,
    DATABASE_URL: databaseUrl(place),
    WFA_SECRET_KEY: Buffer.alloc(32, 11).toString('base64'),
    WFA_PUBLIC_URL: 'http://wfa.reliability.test',
    WFA_ALLOW_PRIVATE_TARGETS: 'true',
    LOG_LEVEL: 'warn',
    // Short enough that a killed server's jobs come back within seconds; same code paths as production.
    WFA_JOB_POLL_MS: '100',
    WFA_JOB_LEASE_SECONDS: '4',
    WFA_JOB_BACKOFF_MS: '250',
    // A few unlucky jobs' doubling delays, not the work, made the run's length; production caps at 1 h.
    WFA_JOB_BACKOFF_MAX_MS: '4000',
    // Most of a storm's time is spent waiting out Retry-After inside a job, so more jobs at once.
    WFA_JOB_CONCURRENCY: '16',
    ...o.env,
  };
  const servers: ServerProcess[] = [];
  for (let i = 0; i < o.servers; i++) servers.push(new ServerProcess(`${String.fromCharCode(65 + i)}`, await freePort(), env));
  const started = Date.now();
  try {
    await o.sandbox.reset();
    const who = { email: 'reliability@example.com', name: 'Reliability Admin', password: 'correct horse battery staple' };
    await createAdminWithCli(env, who);
    await Promise.all(servers.map((s) => s.start()));
    const api = await signIn(servers[0].url, who);
    const requests = await prepare(api, servers[0].url, o);

    const setFaults = async (faults: ScenarioOptions['faults']) => {
      for (const system of ['servicenow', 'jira'] as const) if (faults?.[system]) await o.sandbox.setFaults(system, faults[system]);
    };
    await setFaults(o.faults);
    const liveUrl = () => {
      const live = servers.filter((s) => s.up);
      return live.length ? live[Math.floor(Math.random() * live.length)].url : null;
    };
    await Promise.all([
      submitAll(api, requests, liveUrl, problems),
      killAtRandom(servers, o.kills, (k) => (k === Math.floor(o.kills / 2) ? setFaults(o.laterFaults) : undefined)),
    ]);
    const settleStarted = Date.now();
    const database = openDatabase(
      place.schema ? { kind: 'postgres', url: place.url, schema: place.schema } : { kind: 'sqlite', file: place.url.slice('sqlite:'.length) },
    );
    try {
      await settle(api, servers[0].url, database, o.settleTimeoutMs ?? 480_000, problems);
    } finally {
      await database.close();
    }
    const settleMs = Date.now() - settleStarted;
    const leftover = await o.sandbox.state();
    const unusedLostAnswers = leftover.faults.servicenow.loseCreateAnswers + leftover.faults.jira.loseCreateAnswers;
    await o.sandbox.clearFaults();

    const state = await o.sandbox.state();
    await verify(api, servers[0].url, requests, state, problems);
    return {
      problems,
      stats: {
        requests: requests.length,
        kills: servers.reduce((n, s) => n + s.kills, 0),
        serverStarts: servers.reduce((n, s) => n + s.starts, 0),
        postAttempts: requests.reduce((n, r) => n + r.posts, 0),
        answeredConflict: requests.reduce((n, r) => n + r.conflicts, 0),
        sandboxTickets: state.servicenow.incidents.length + state.jira.issues.length,
        lostAnswersUnused: unusedLostAnswers,
        settleSeconds: Math.round(settleMs / 100) / 10,
        totalSeconds: Math.round((Date.now() - started) / 100) / 10,
      },
    };
  } catch (err) {
    const tails = servers.map((s) => `--- server ${s.name} output (tail) ---\n${s.output().slice(-3000)}`).join('\n');
    throw new Error(`${(err as Error).message}\n${tails}`, { cause: err });
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await place.drop();
  }
}

/** Integrations, one active user each, a Jira project and the incidents, through the API like an admin. */
async function prepare(api: Api, url: string, o: ScenarioOptions): Promise<Request[]> {
  const sn = await api.ok(url, 'POST', '/integrations', {
    type: 'servicenow',
    name: 'ServiceNow (reliability)',
    baseUrl: o.sandbox.servicenowUrl,
    credentials: { authMethod: 'basic', username: 'wfa.integration', password: 'sandbox-sn-password' },
  });
  const jira = await api.ok(url, 'POST', '/integrations', {
    type: 'jira_cloud',
    name: 'Jira (reliability)',
    baseUrl: o.sandbox.jiraUrl,
    credentials: { email: 'wfa.integration@example.com', apiToken: 'sandbox-jira-api-token' },
  });
  const snUser = await api.ok(url, 'POST', '/integration-users', { integrationId: sn.id, email: 'abel.tuter@example.com' });
  const jiraUser = await api.ok(url, 'POST', '/integration-users', { integrationId: jira.id, email: 'beth.anglin@example.com' });
  const findSec = async () =>
    ((await api.ok(url, 'GET', `/integrations/${jira.id}/projects`)).items as { id: number; key: string }[]).find((p) => p.key === 'SEC');
  let sec = await findSec();
  if (!sec) {
    await api.ok(url, 'POST', `/integrations/${jira.id}/projects/sync`);
    sec = await findSec();
  }
  if (!sec) throw new Error('The Jira project SEC did not arrive from the sandbox');

  const run = Math.random().toString(36).slice(2, 8);
  const items = Array.from({ length: o.incidents }, (_, i) =>
    incident({
      transactionId: `rel-${o.name.replace(/\W+/g, '-')}-${run}-${i}`,
      user: { name: `Person ${i}`, email: `person${i}@corp.example`, department: 'Finance', clientIp: '10.0.0.5' },
    }),
  );
  const ingested = await api.ok(url, 'POST', '/incidents', { incidents: items });
  const ids = (ingested.results as { id: number | null; result: string }[]).map((r) => r.id);
  if (ids.some((id) => id === null)) throw new Error(`Some incidents were not stored: ${JSON.stringify(ingested).slice(0, 500)}`);

  return ids.flatMap((incidentId, i) => {
    const snNotes = `reliability notes ${run} #${i} for ServiceNow`;
    const jiraNotes = `reliability notes ${run} #${i} for Jira`;
    return [
      {
        incidentId: incidentId!,
        system: 'servicenow' as const,
        integrationId: sn.id,
        notes: snNotes,
        body: { integrationId: sn.id, integrationUserId: snUser.id, notes: snNotes },
        accepted: false,
        posts: 0,
        conflicts: 0,
      },
      {
        incidentId: incidentId!,
        system: 'jira' as const,
        integrationId: jira.id,
        notes: jiraNotes,
        body: { integrationId: jira.id, projectId: sec.id, issueTypeId: '10001', integrationUserId: jiraUser.id, notes: jiraNotes },
        accepted: false,
        posts: 0,
        conflicts: 0,
      },
    ];
  });
}

/** Bounds the sending: a request not accepted within this time (servers down included) is a failure. */
const SUBMIT_DEADLINE_MS = 300_000;

/**
 * Sends every request, six at a time, to whichever server is up, until each is accepted: 202, or
 * 409 because an earlier attempt whose answer was lost (the server died) had already been stored.
 */
async function submitAll(api: Api, requests: Request[], liveUrl: () => string | null, problems: string[]): Promise<void> {
  const queue = [...requests].sort(() => Math.random() - 0.5);
  const deadline = Date.now() + SUBMIT_DEADLINE_MS;
  const lane = async () => {
    for (let r = queue.shift(); r; r = queue.shift()) {
      while (!r.accepted) {
        if (Date.now() > deadline) {
          problems.push(`incident ${r.incidentId} ${r.system}: not accepted within ${SUBMIT_DEADLINE_MS / 1000} s (${r.posts} attempts)`);
          break;
        }
        const url = liveUrl();
        if (!url) {
          await sleep(100);
          continue;
        }
        r.posts++;
        const a = await api.call(url, 'POST', `/incidents/${r.incidentId}/tickets`, r.body);
        if (a.status === 202) r.accepted = true;
        else if (a.status === 409) {
          r.accepted = true;
          r.conflicts++;
        } else if (a.status === 'unreachable' || a.status >= 500) await sleep(250);
        else {
          problems.push(`incident ${r.incidentId} ${r.system}: POST answered ${a.status} ${JSON.stringify(a.body).slice(0, 300)}`);
          break;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: 6 }, lane));
}

/** Kills a random server after a random time up, restarts it, `kills` times. */
async function killAtRandom(servers: ServerProcess[], kills: number, afterKill: (k: number) => Promise<void> | undefined): Promise<void> {
  for (let k = 0; k < kills; k++) {
    const victim = servers[Math.floor(Math.random() * servers.length)];
    await sleep(between(300, 2_500));
    await victim.kill();
    await afterKill(k);
    await victim.start();
  }
}

/**
 * Waits (bounded) until every request has settled: no ticket is still being created and no creation
 * job is left (an open ticket's job may still be posting its notes comment).
 */
async function settle(api: Api, url: string, database: Database, timeoutMs: number, problems: string[]): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const page = await api.ok(url, 'GET', '/tickets?state=creating&pageSize=10');
    const jobs = await database.db
      .selectFrom('jobs')
      .select(['id', 'status', 'attempts', 'last_error'])
      .where('kind', '=', CREATE_JOB)
      .where('status', 'in', ['queued', 'running'])
      .execute();
    if (page.total === 0 && jobs.length === 0) return;
    if (Date.now() > deadline) {
      problems.push(
        `not settled ${timeoutMs / 1000} s after the last kill: ${page.total} ticket(s) creating (e.g. ${JSON.stringify(page.items[0] ?? null).slice(0, 300)}), ` +
          `${jobs.length} creation job(s) pending (e.g. ${JSON.stringify(jobs[0] ?? null).slice(0, 300)})`,
      );
      return;
    }
    await sleep(1_000);
  }
}

async function verify(api: Api, url: string, requests: Request[], state: SandboxState, problems: string[]): Promise<void> {
  const byIncident = new Map<number, TicketView[]>();
  for (const id of new Set(requests.map((r) => r.incidentId))) byIncident.set(id, (await api.ok(url, 'GET', `/incidents/${id}/tickets`)).items);
  for (const r of requests) {
    const what = `incident ${r.incidentId} ${r.system}`;
    const mine = byIncident.get(r.incidentId)!.filter((t) => t.integration.id === r.integrationId);
    if (mine.length !== 1) {
      problems.push(`${what}: ${mine.length} tickets in our API (${mine.map((t) => `${t.id}:${t.state}`).join(', ')})`);
      continue;
    }
    const t = mine[0];
    if (t.state !== 'open' || !t.ticketKey) problems.push(`${what}: ticket ${t.id} is ${t.state} with key ${t.ticketKey} (${t.failureReason ?? 'no reason'})`);
    const records = recordsWithMarker(state, r.system, `wfa-${t.id}`, r.notes);
    if (records.length !== 1) {
      problems.push(`${what}: ${records.length} tickets with marker wfa-${t.id} in the sandbox (${records.map((x) => x.key).join(', ')})`);
      continue;
    }
    if (records[0].key !== t.ticketKey) problems.push(`${what}: our key ${t.ticketKey} but the sandbox's ticket is ${records[0].key}`);
    if (records[0].notesComments !== 1) problems.push(`${what}: ${records[0].notesComments} notes comments on ${records[0].key}`);
  }
  const sn = requests.filter((r) => r.system === 'servicenow').length;
  if (state.servicenow.incidents.length !== sn) problems.push(`ServiceNow holds ${state.servicenow.incidents.length} incidents for ${sn} requests`);
  const jira = requests.length - sn;
  if (state.jira.issues.length !== jira) problems.push(`Jira holds ${state.jira.issues.length} issues for ${jira} requests`);
}
