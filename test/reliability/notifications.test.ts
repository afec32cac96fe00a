import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createContext } from '../../src/app-context.js';
import { openDatabase } from '../../src/platform/db/database.js';
import { startMessagingSandbox, type MessagingSandbox } from '../../src/sandbox/index.js';
import { DELIVER_JOB } from '../../src/modules/notifications/deps.js';
import { silentLog } from '../helpers/test-app.js';
import { testDatabasePlace } from '../helpers/test-database.js';
import { createAdminWithCli, freePort, ServerProcess } from './processes.js';
import { databaseUrl } from './scenario.js';

/**
 * `npm run test:reliability`: 200 notifications are stored (each with its delivery job, in its own
 * transaction, as an action does) while a real `wfa serve` is SIGKILLed at random moments and the
 * SMTP sink refuses a third of all mails with 451. Afterwards every recipient got exactly one
 * message: one distinct Message-ID each (a resend after a crash between the server's 250 and our
 * "sent" carries the same Message-ID, which receivers drop), and every recipient is present.
 * SQLite always; PostgreSQL too when TEST_DATABASE_URL is set. RELIABILITY_NOTIFICATIONS and
 * RELIABILITY_KILLS scale a run (defaults 200 and 6).
 */
const COUNT = Number(process.env.RELIABILITY_NOTIFICATIONS ?? 200);
const KILLS = Number(process.env.RELIABILITY_KILLS ?? 6);
const BATCH = 20;
const FROM = 'notifications@reliability.example.com';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const between = (lo: number, hi: number) => lo + Math.random() * (hi - lo);

let sink: MessagingSandbox;
beforeAll(async () => {
  sink = await startMessagingSandbox({ host: '127.0.0.1', port: 0, smtpPort: 0 });
});
afterAll(async () => {
  await sink?.close();
});

async function run(database: 'sqlite' | 'postgres') {
  sink.state.reset();
  const place = await testDatabasePlace('reln', database);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    WFA_DATA_DIR: place.dataDir,
    DATABASE_URL: databaseUrl(place),
    WFA_SECRET_KEY: Buffer.alloc(32, 12).toString('base64'),
    LOG_LEVEL: 'warn',
    WFA_SMTP_URL: sink.smtp.url,
    WFA_SMTP_FROM: FROM,
    // A killed server's jobs come back within seconds; same code paths as production.
    WFA_JOB_POLL_MS: '100',
    WFA_JOB_LEASE_SECONDS: '3',
    WFA_JOB_BACKOFF_MS: '200',
    // A few unlucky jobs' doubling delays, not the work, made the run's length; production caps at 1 h.
    WFA_JOB_BACKOFF_MAX_MS: '4000',
    WFA_JOB_CONCURRENCY: '4',
  };
  const server = new ServerProcess('A', await freePort(), env);
  const who = { email: 'reliability@example.com', name: 'Reliability Admin', password: 'correct horse battery staple' };
  const started = Date.now();
  try {
    await createAdminWithCli(env, who);
    // The test plays the part of the actions: it stores every message (each batch in one
    // transaction, as an action does) before the server starts, since SQLite takes one writing process.
    const config = loadConfig(env);
    if (place.schema && config.database.kind === 'postgres') config.database.schema = place.schema;
    const db = openDatabase(config.database);
    const ctx = createContext(config, db, silentLog);
    try {
      const orgId = (await ctx.admins.findByEmail(who.email))!.org_id;
      const recipients = Array.from({ length: COUNT }, (_, i) => `person${i}@corp.example`);
      for (let i = 0; i < COUNT; i += BATCH) {
        await db.db.transaction().execute(async (trx) => {
          for (const to of recipients.slice(i, i + BATCH)) {
            await ctx.notifications.enqueue(trx, orgId, {
              purpose: 'reliability:1',
              kind: 'end_user',
              channel: 'email',
              recipient: to,
              recipientName: `Person ${to}`,
              content: { subject: `Please justify (${to})`, text: 'Hello', html: '<p>Hello</p>' },
            });
          }
        });
      }
      // A third refused with 451 at random, and a busy server's pace, so the kills land mid-delivery.
      sink.state.setFaults({ smtpTransientRate: 1 / 3, smtpLatencyMs: 150 });
      await server.start();
      for (let k = 0; k < KILLS; k++) {
        await sleep(between(300, 2_000));
        await server.kill();
        await server.start();
      }

      // Settle (bounded): every message sent or failed and no delivery job left.
      const deadline = Date.now() + 90_000;
      let pending = -1;
      while (Date.now() < deadline) {
        const jobs = await db.db.selectFrom('jobs').select('id').where('kind', '=', DELIVER_JOB).where('status', 'in', ['queued', 'running']).execute();
        const queued = await db.db.selectFrom('notification_messages').select('id').where('org_id', '=', orgId).where('status', '=', 'queued').execute();
        pending = jobs.length + queued.length;
        if (pending === 0) break;
        await sleep(500);
      }
      const rows = await db.db.selectFrom('notification_messages').select(['id', 'recipient', 'status', 'last_error']).where('org_id', '=', orgId).execute();
      const problems: string[] = [];
      if (pending !== 0) problems.push(`${pending} deliveries still pending 90 s after the last kill`);
      if (rows.length !== COUNT) problems.push(`${rows.length} messages stored for ${COUNT} recipients`);
      for (const r of rows) if (r.status !== 'sent') problems.push(`${r.recipient}: ${r.status} (${r.last_error})`);
      const byRecipient = sink.state.distinctByRecipient();
      const byId = new Map(rows.map((r) => [r.recipient, r.id]));
      for (const to of recipients) {
        const ids = [...(byRecipient.get(to) ?? [])];
        if (ids.length !== 1) problems.push(`${to}: ${ids.length} distinct messages (${ids.join(', ')})`);
        else if (ids[0] !== `<msg-${byId.get(to)}-${orgId}@reliability.example.com>`) problems.push(`${to}: unexpected Message-ID ${ids[0]}`);
      }
      const stats = {
        kills: server.kills,
        mailsReceived: sink.state.mails.length,
        resentSameId: sink.state.mails.length - [...byRecipient.values()].reduce((n, s) => n + s.size, 0),
        refusedTransient: sink.state.smtpRefusals.transient,
        seconds: Math.round((Date.now() - started) / 100) / 10,
      };
      console.log(`[reliability] notifications on ${database}: ${JSON.stringify(stats)}`);
      expect(problems).toEqual([]);
      expect(stats.kills).toBe(KILLS);
      expect(stats.refusedTransient).toBeGreaterThan(0);
    } finally {
      await db.close();
    }
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- server output (tail) ---\n${server.output().slice(-3000)}`, { cause: err });
  } finally {
    await server.stop();
    await place.drop();
  }
}

const databases = ['sqlite', ...(process.env.TEST_DATABASE_URL ? ['postgres' as const] : [])] as const;
describe('notifications under SIGKILL', () => {
  for (const database of databases) {
    it(`${COUNT} emails on ${database}, the server killed ${KILLS} times, a third refused with 451: each recipient gets exactly one`, async () => {
      await run(database);
    });
  }
});
