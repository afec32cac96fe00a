import type { AppContext } from './app-context.js';
import { JobWorker, enqueueDueSchedules, type Job } from './platform/jobs/index.js';
import { IMPORT_JOB, VERIFY_SCHEDULE, runImportJob, verifyAllUsers } from './modules/integration-users/background.js';
import { PROJECT_SYNC_SCHEDULE, syncJiraProjectLists } from './modules/integrations/background.js';
import { CREATE_JOB as TICKET_CREATE_JOB } from './modules/tickets/deps.js';
import { STATUS_POLL_SCHEDULE } from './modules/tickets/sync/module-parts.js';

/**
 * Background work of this process: the durable job worker and scheduled syncs.
 * Modules add their job kinds to JOB_HANDLERS and their periodic work to SCHEDULES.
 */
export type BackgroundHandler = (ctx: AppContext, job: Job) => Promise<void>;
export type ScheduledTask = { name: string; everyMs: number; run: (ctx: AppContext) => Promise<void> };

export const DAY_MS = 24 * 60 * 60_000;

export const JOB_HANDLERS: Record<string, BackgroundHandler> = {
  [IMPORT_JOB]: runImportJob,
  [TICKET_CREATE_JOB]: (ctx, job) => ctx.tickets.runCreateJob(job),
};
export const SCHEDULES: ScheduledTask[] = [
  { name: VERIFY_SCHEDULE, everyMs: DAY_MS, run: verifyAllUsers },
  { name: PROJECT_SYNC_SCHEDULE, everyMs: DAY_MS, run: syncJiraProjectLists },
  { name: STATUS_POLL_SCHEDULE, everyMs: 60_000, run: (ctx) => ctx.ticketSync.pollDue() },
];

export function createWorker(ctx: AppContext, opts: { pollMs?: number } = {}): JobWorker {
  const worker = new JobWorker(ctx.jobs, { pollMs: opts.pollMs, log: ctx.log as never });
  for (const [kind, handler] of Object.entries(JOB_HANDLERS)) worker.register(kind, (job) => handler(ctx, job));
  for (const s of SCHEDULES) worker.register(`schedule:${s.name}`, () => s.run(ctx));
  return worker;
}

export function startBackground(ctx: AppContext): { worker: JobWorker; stop(): Promise<void> } {
  const worker = createWorker(ctx);
  worker.start();
  const tick = () =>
    enqueueDueSchedules(ctx.jobs, ctx.db, SCHEDULES).catch((err) => (ctx.log as { error: (o: unknown, m: string) => void }).error({ err }, 'could not enqueue schedules'));
  void tick();
  const timer = setInterval(tick, 60_000);
  timer.unref();
  return {
    worker,
    async stop() {
      clearInterval(timer);
      await worker.stop();
    },
  };
}
