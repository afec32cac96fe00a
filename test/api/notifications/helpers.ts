import { sql } from 'kysely';
import { createWorker } from '../../../src/background.js';
import { startMessagingSandbox, type MessagingSandbox } from '../../../src/sandbox/index.js';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';

export const FROM = 'notifications@wfa.example.com';

/** The messaging sandbox (SMTP sink, Slack and Teams receivers) and an app that mails through it. */
export async function notificationsWorld(): Promise<{ t: TestApp; sb: MessagingSandbox; close(): Promise<void> }> {
  const sb = await startMessagingSandbox({ host: '127.0.0.1', port: 0, smtpPort: 0 });
  const t = await createTestApp({ WFA_SMTP_URL: sb.smtp.url, WFA_SMTP_FROM: FROM, WFA_JOB_BACKOFF_MS: '10' });
  return {
    t,
    sb,
    async close() {
      await t.close();
      await sb.close();
    },
  };
}

/**
 * Runs delivery jobs until none is left queued. A retry scheduled for later (backoff, Retry-After)
 * is made due at once, so a test does not wait for the clock; rounds are bounded.
 */
export async function deliverAll(t: TestApp, maxRounds = 50): Promise<void> {
  const worker = createWorker(t.ctx);
  for (let i = 0; i < maxRounds; i++) {
    await worker.drain();
    const pending = await sql<{ n: number }>`select count(*) as n from jobs where kind = 'notifications.deliver' and status in ('queued', 'running')`.execute(
      t.ctx.db,
    );
    if (Number(pending.rows[0]!.n) === 0) return;
    await sql`update jobs set run_at = ${new Date(0).toISOString()} where kind = 'notifications.deliver' and status = 'queued'`.execute(t.ctx.db);
  }
  throw new Error('deliveries did not finish');
}
