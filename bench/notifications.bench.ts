import { createAdmin } from '../src/bootstrap.js';
import { createWorker } from '../src/background.js';
import { parseSmtpUrl } from '../src/config.js';
import { createSmtpSender } from '../src/modules/notifications/email.js';
import { startMessagingSandbox, type MessagingSandbox } from '../src/sandbox/index.js';
import { openBenchApp } from './target.js';

/**
 * Notification email throughput, in one run: N messages enqueued (each with its delivery job) and
 * delivered by the worker to the sandbox SMTP sink, as a ratio of nodemailer sending the same N
 * messages straight to the same sink with the same pool and concurrency (goal ≥ 0.7). The sink
 * answers after BENCH_SMTP_LATENCY_MS, as a real server takes a moment to accept a mail.
 * SQLite always; PostgreSQL too when BENCH_DATABASE_URL is set.
 */
const EMAILS = Number(process.env.BENCH_EMAILS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_EMAIL_CONCURRENCY ?? 8);
const LATENCY_MS = Number(process.env.BENCH_SMTP_LATENCY_MS ?? 5);
const GOAL_RATIO = 0.7;
const FROM = 'bench@notifications.example.com';
const sleep = (n: number) => new Promise((r) => setTimeout(r, n));

const content = (i: number) => ({
  subject: `Please justify incident ${i}`,
  text: `Hello,\n\nIncident ${i} needs your justification: https://wfa.example.com/survey/${i}\n`,
  html: `<p>Hello,</p><p>Incident ${i} needs your justification: <a href="https://wfa.example.com/survey/${i}">answer the survey</a></p>`,
});

/** The baseline: nodemailer's pooled transport sending the same mails, CONCURRENCY at a time. */
async function direct(sink: MessagingSandbox): Promise<number> {
  const sender = createSmtpSender(parseSmtpUrl(sink.smtp.url)!);
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < EMAILS; i = next++) {
        const c = content(i);
        await sender.send({
          messageId: `<direct-${i}@bench>`,
          from: FROM,
          to: `direct${i}@corp.example`,
          toName: `Person ${i}`,
          subject: c.subject,
          text: c.text,
          html: c.html,
        });
      }
    }),
  );
  const elapsed = performance.now() - t0;
  sender.close();
  return elapsed;
}

async function throughApp(kind: 'sqlite' | 'postgres', sink: MessagingSandbox): Promise<number> {
  const { ctx, cleanup } = await openBenchApp(kind, 'notifications', {
    WFA_SMTP_URL: sink.smtp.url,
    WFA_SMTP_FROM: FROM,
    WFA_JOB_CONCURRENCY: String(CONCURRENCY),
    WFA_JOB_POLL_MS: '50',
  });
  try {
    const { org } = await createAdmin(ctx, { email: 'bench@example.com', name: 'Bench Admin', password: 'bench-password-123456', orgName: 'Bench' });
    for (let i = 0; i < EMAILS; i += 100) {
      await ctx.db.transaction().execute(async (trx) => {
        for (let j = i; j < Math.min(EMAILS, i + 100); j++) {
          await ctx.notifications.enqueue(trx, org.id, {
            purpose: 'bench:1',
            kind: 'end_user',
            channel: 'email',
            recipient: `app${j}@corp.example`,
            recipientName: `Person ${j}`,
            content: content(j),
          });
        }
      });
    }
    const before = sink.state.mails.length;
    const worker = createWorker(ctx);
    const t0 = performance.now();
    worker.start();
    const deadline = Date.now() + 600_000;
    while (sink.state.mails.length - before < EMAILS && Date.now() < deadline) await sleep(5);
    const elapsed = performance.now() - t0;
    await worker.stop();
    if (sink.state.mails.length - before < EMAILS) throw new Error(`only ${sink.state.mails.length - before} of ${EMAILS} mails arrived`);
    return elapsed;
  } finally {
    ctx.notifications.close();
    await cleanup();
  }
}

export async function run(): Promise<void> {
  const sink = await startMessagingSandbox({ host: '127.0.0.1', port: 0, smtpPort: 0 });
  sink.state.setFaults({ smtpLatencyMs: LATENCY_MS });
  try {
    console.log(`${EMAILS} emails, ${CONCURRENCY} at a time, sink latency ${LATENCY_MS} ms`);
    const kinds: ('sqlite' | 'postgres')[] = ['sqlite', ...(process.env.BENCH_DATABASE_URL ? ['postgres' as const] : [])];
    for (const kind of kinds) {
      const baseline = await direct(sink);
      const app = await throughApp(kind, sink);
      const ratio = baseline / app;
      const rate = (msOf: number) => `${((EMAILS / msOf) * 1000).toFixed(0)} emails/s`;
      console.log(
        `  ${kind}: through the app ${rate(app)}, nodemailer directly ${rate(baseline)} → ratio ${ratio.toFixed(2)} (goal ≥ ${GOAL_RATIO}) ${ratio >= GOAL_RATIO ? 'MET' : 'NOT MET'}`,
      );
    }
  } finally {
    await sink.close();
  }
}
