import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxProcess, type SandboxProcess } from './processes.js';
import { runScenario, type ScenarioOptions } from './scenario.js';

/**
 * `npm run test:reliability`: exactly one ticket and one notes comment per request, none lost,
 * while real server processes are SIGKILLed at random moments (issue #15, "Exactly once, never lost").
 * A and B run on SQLite (and on PostgreSQL too with RELIABILITY_ALL_DATABASES=1); C, two processes on
 * one database, runs on PostgreSQL (TEST_DATABASE_URL): without it C fails under CI and is skipped,
 * loudly, elsewhere. RELIABILITY_REQUESTS and RELIABILITY_KILLS scale a run (defaults 200 and 6).
 */
const REQUESTS = Number(process.env.RELIABILITY_REQUESTS ?? 200);
const KILLS = Number(process.env.RELIABILITY_KILLS ?? 6);
const postgres = !!process.env.TEST_DATABASE_URL;
const inCi = !!process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0';

/** Short enough for a quick run, and longer than the sandbox's search lag below, as it must be in production. */
const TICKET_TIMING = { WFA_TICKET_MARKER_WINDOW_MS: '6000' };

/**
 * A third of all calls fail (half 429 with Retry-After, half 503); Jira's search lags new issues by
 * 3 s; some creates are processed and then answered 503 or their connection dropped.
 */
const storm = (lostAs: 'error' | 'drop') => ({
  rateLimitRate: 1 / 6,
  errorRate: 1 / 6,
  retryAfterSeconds: 1,
  loseCreateAnswers: 10,
  loseCreateAnswerAs: lostAs,
});
const STORM = { servicenow: storm('error'), jira: { ...storm('drop'), searchLagMs: 3_000 } };
const STORM_LATER = { servicenow: { loseCreateAnswers: 10, loseCreateAnswerAs: 'drop' }, jira: { loseCreateAnswers: 10, loseCreateAnswerAs: 'error' } };

let sandbox: SandboxProcess;
beforeAll(async () => {
  sandbox = await startSandboxProcess();
});
afterAll(async () => {
  await sandbox?.stop();
});

async function expectExactlyOnce(o: Omit<ScenarioOptions, 'sandbox' | 'incidents' | 'env'>) {
  const report = await runScenario({ sandbox, incidents: REQUESTS / 2, env: TICKET_TIMING, ...o });
  console.log(`[reliability] ${o.name} on ${o.database}: ${JSON.stringify(report.stats)}`);
  expect(report.problems).toEqual([]);
  expect(report.stats.kills).toBe(o.kills);
  expect(report.stats.sandboxTickets).toBe(REQUESTS);
}

// A and B on PostgreSQL too only on request: C already runs the same proof there, and the whole
// run should stay within minutes on a small machine.
const databases = ['sqlite', ...(postgres && process.env.RELIABILITY_ALL_DATABASES ? ['postgres' as const] : [])] as const;
for (const database of databases) {
  describe(`tickets under SIGKILL on ${database}`, () => {
    it(`A: ${REQUESTS} requests, the server killed ${KILLS} times at random moments`, async () => {
      await expectExactlyOnce({ name: 'kills', database, servers: 1, kills: KILLS });
    });

    it(`B: the same with a third of the sandbox's answers 429 (Retry-After) or 503, Jira search lag and lost create answers`, async () => {
      await expectExactlyOnce({ name: 'storm', database, servers: 1, kills: KILLS, faults: STORM, laterFaults: STORM_LATER });
    });
  });
}

describe('tickets under SIGKILL with two server processes', () => {
  const name = `C: two server processes on one PostgreSQL, each killed at random`;
  if (postgres) {
    it(name, async () => {
      await expectExactlyOnce({ name: 'two-processes', database: 'postgres', servers: 2, kills: KILLS });
    });
  } else if (inCi) {
    it(name, () => {
      throw new Error('TEST_DATABASE_URL is not set: two processes sharing one database need PostgreSQL, and CI must not skip this.');
    });
  } else {
    console.warn(`\n!! ${name}: SKIPPED, set TEST_DATABASE_URL to run it.\n`);
    it.skip(name, () => {});
  }
});
