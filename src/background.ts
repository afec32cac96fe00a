import type { AppContext } from './app-context.js';
import { JobWorker, enqueueDueSchedules } from './platform/jobs/index.js';

/**
 * Background work of this process: the durable job worker and scheduled syncs. Each module
 * declares its job kinds (`jobs`) and periodic work (`schedules`) in its manifest.
 */
export function createWorker(ctx: AppContext, opts: { pollMs?: number } = {}): JobWorker {
  const { pollMs, leaseMs, backoffBaseMs, backoffMaxMs, concurrency } = ctx.config.jobs;
  const worker = new JobWorker(ctx.jobs, { pollMs: opts.pollMs ?? pollMs, leaseMs, backoffBaseMs, backoffMaxMs, concurrency, log: ctx.log });
  for (const { definition, service } of ctx.modules) {
    for (const [kind, handler] of Object.entries(definition.jobs ?? {})) worker.register(kind, (job) => handler(service, job, ctx.log));
    for (const s of definition.schedules ?? []) worker.register(`schedule:${s.name}`, () => s.run(service, ctx.log));
  }
  return worker;
}

export function startBackground(ctx: AppContext): { worker: JobWorker; stop(): Promise<void> } {
  const worker = createWorker(ctx);
  worker.start();
  const schedules = ctx.modules.flatMap(({ definition }) => definition.schedules ?? []);
  const tick = () => enqueueDueSchedules(ctx.jobs, ctx.db, schedules).catch((err) => ctx.log.error({ err }, 'could not enqueue schedules'));
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
