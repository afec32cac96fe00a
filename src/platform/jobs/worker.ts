import { randomUUID } from 'node:crypto';
import type { Job, JobQueue } from './queue.js';
import type { Logger } from '../log.js';

/** Throw from a handler to run the job again after `delayMs` (e.g. a ticketing system's Retry-After). */
export class RetryLater extends Error {
  constructor(
    message: string,
    public readonly delayMs: number,
  ) {
    super(message);
  }
}

/** Throw from a handler when trying again cannot help (bad configuration, refused request). */
export class PermanentJobError extends Error {}

export type JobHandler = (job: Job) => Promise<void>;

/**
 * A claim lasts this long unless renewed; a running handler renews it every third of that. Short,
 * so the job of a worker that died (SIGKILL, lost host) is taken over within seconds, not minutes.
 */
export const DEFAULT_LEASE_MS = 30_000;

/** Runs lost to a stopping worker that a job may have before it is stopped (it may be what kills the worker). */
export const MAX_INTERRUPTIONS = 5;

export type WorkerOptions = {
  pollMs?: number;
  /** How long a claim lasts; a running handler renews it every third of that, so only a dead process loses its jobs. */
  leaseMs?: number;
  /** The first retry's delay (then doubling); default 5 s. */
  backoffBaseMs?: number;
  /** The longest retry delay; default 1 h. */
  backoffMaxMs?: number;
  concurrency?: number;
  /** Called when a job gives up for good, so its owner can show the failure. */
  onDead?: (job: Job, error: Error) => Promise<void>;
  log?: Logger;
};

/** Exponential backoff with full jitter: 5 s, 10 s, 20 s … (from `baseMs`) capped at `maxMs` (1 h). */
export function backoffMs(attempt: number, random = Math.random, baseMs = 5_000, maxMs = 60 * 60_000): number {
  const cap = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(cap / 2 + random() * (cap / 2));
}

export class JobWorker {
  readonly owner = `worker-${randomUUID()}`;
  private readonly handlers = new Map<string, JobHandler>();
  private timer: NodeJS.Timeout | null = null;
  /** Every job this worker holds, until its outcome is written (stop() waits for these). */
  private running = new Set<Promise<void>>();
  /** Jobs whose handler is still working: the slots taken (a finished job's outcome write does not hold one). */
  private busy = 0;
  /** Slots held per org (null: jobs of no org), so the fairness slot can pick an org that holds none. */
  private readonly busyByOrg = new Map<number | null, number>();
  /** The one job over `concurrency` that another org may run while every slot is taken (see claimFree). */
  private fairnessSlotBusy = false;
  private lastFairnessClaim = 0;
  private stopped = false;
  private polling: Promise<void> | null = null;
  private wakeAgain = false;

  constructor(
    private readonly queue: JobQueue,
    private readonly opts: WorkerOptions = {},
  ) {}

  register(kind: string, handler: JobHandler): void {
    this.handlers.set(kind, handler);
  }

  /**
   * Runs jobs in the background: claims due jobs for the free slots, and claims again as soon as a
   * job finishes (a busy queue is worked at full concurrency, not a batch per poll interval);
   * when nothing is due it looks again every `pollMs`.
   */
  start(): void {
    this.stopped = false;
    this.tick();
  }

  private readonly tick = (): void => {
    if (this.stopped) return;
    this.timer = null;
    this.polling = this.fill()
      .catch((err) => this.opts.log?.error({ err }, 'job poll failed'))
      .finally(() => {
        this.polling = null;
        if (this.stopped) return;
        if (this.wakeAgain) {
          this.wakeAgain = false;
          this.tick();
        } else {
          this.timer = setTimeout(this.tick, this.opts.pollMs ?? 500);
        }
      });
  };

  /** A slot became free: claim again now rather than at the next poll. */
  private wake(): void {
    if (this.stopped) return;
    if (this.polling) {
      this.wakeAgain = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.tick();
  }

  /**
   * Claims due jobs for the free slots. A slot is given back as soon as its handler is done, so the
   * next claim overlaps the finished job's outcome write instead of waiting one more round trip.
   */
  private async fill(): Promise<void> {
    const claimed = await this.claimFree();
    for (const { job, fairnessSlot } of claimed) {
      void this.track(this.run(job, fairnessSlot, () => this.wake())).catch((err) =>
        this.opts.log?.error({ err, jobId: job.id }, 'could not record a job outcome'),
      );
    }
  }

  /**
   * Claims jobs for the free slots, oldest due first. When every slot is taken, one more job may
   * start if it belongs to an org that holds no slot: a burst of long jobs from one org (a big
   * import) cannot keep another org's job waiting for more than a poll interval. That extra claim
   * runs at most once per poll interval, so a saturated single-org queue pays for it rarely.
   */
  private async claimFree(): Promise<{ job: Job; fairnessSlot: boolean }[]> {
    const kinds = [...this.handlers.keys()];
    const free = (this.opts.concurrency ?? 4) - this.busy;
    if (free > 0) {
      const jobs = await this.queue.claim(this.owner, kinds, free, this.leaseMs);
      for (const job of jobs) this.hold(job);
      return jobs.map((job) => ({ job, fairnessSlot: false }));
    }
    const pollMs = this.opts.pollMs ?? 500;
    if (this.fairnessSlotBusy || Date.now() - this.lastFairnessClaim < pollMs) return [];
    this.lastFairnessClaim = Date.now();
    this.fairnessSlotBusy = true;
    const [job] = await this.queue.claim(this.owner, kinds, 1, this.leaseMs, [...this.busyByOrg.keys()]).catch((err: unknown) => {
      this.fairnessSlotBusy = false;
      throw err;
    });
    if (!job) {
      this.fairnessSlotBusy = false;
      return [];
    }
    this.hold(job);
    return [{ job, fairnessSlot: true }];
  }

  private hold(job: Job): void {
    this.busy++;
    this.busyByOrg.set(job.orgId, (this.busyByOrg.get(job.orgId) ?? 0) + 1);
  }

  private letGo(job: Job, fairnessSlot: boolean): void {
    this.busy--;
    const n = (this.busyByOrg.get(job.orgId) ?? 1) - 1;
    if (n > 0) this.busyByOrg.set(job.orgId, n);
    else this.busyByOrg.delete(job.orgId);
    if (fairnessSlot) this.fairnessSlotBusy = false;
  }

  /** Claims and runs one batch, outcomes written; returns how many jobs ran. Tests call this directly. */
  async pollOnce(): Promise<number> {
    const claimed = await this.claimFree();
    await Promise.all(claimed.map(({ job, fairnessSlot }) => this.track(this.run(job, fairnessSlot))));
    return claimed.length;
  }

  /** Runs until no job is due (for tests and the CLI). */
  async drain(maxRounds = 100): Promise<void> {
    for (let i = 0; i < maxRounds; i++) if ((await this.pollOnce()) === 0) return;
  }

  private track(p: Promise<void>): Promise<void> {
    this.running.add(p);
    return p.finally(() => this.running.delete(p));
  }

  private get leaseMs(): number {
    return this.opts.leaseMs ?? DEFAULT_LEASE_MS;
  }

  /** Runs the handler, gives its slot back (`released`), then writes the outcome. */
  private async run(job: Job, fairnessSlot: boolean, released?: () => void): Promise<void> {
    const handler = this.handlers.get(job.kind)!;
    let slotHeld = true;
    const release = () => {
      if (!slotHeld) return;
      slotHeld = false;
      this.letGo(job, fairnessSlot);
      released?.();
    };
    if (job.interruptions > MAX_INTERRUPTIONS) {
      release();
      const err = new Error(
        `The worker running this job stopped ${job.interruptions} times before it finished (a crash or a restart each time); it was not run again.`,
      );
      await this.queue.bury(job.id, this.owner, err.message);
      await this.opts.onDead?.(job, err).catch((hookErr) => this.opts.log?.error({ err: hookErr }, 'onDead hook failed'));
      return;
    }
    // A slow handler (a long marker search) keeps its claim; another worker may take the job only
    // when this process stops renewing, i.e. when it died.
    const renewal = setInterval(
      () => {
        this.queue.renew(job.id, this.owner, this.leaseMs).catch((err) => this.opts.log?.error({ err }, 'job lease renewal failed'));
      },
      Math.max(1, Math.floor(this.leaseMs / 3)),
    );
    try {
      await handler(job);
      clearInterval(renewal);
      release();
      await this.queue.complete(job.id, this.owner);
    } catch (e) {
      clearInterval(renewal);
      release();
      const err = e instanceof Error ? e : new Error(String(e));
      const permanent = err instanceof PermanentJobError || job.attempts >= job.maxAttempts;
      if (permanent) {
        await this.queue.bury(job.id, this.owner, err.message);
        await this.opts.onDead?.(job, err).catch((hookErr) => this.opts.log?.error({ err: hookErr }, 'onDead hook failed'));
        return;
      }
      const delay =
        err instanceof RetryLater ? Math.max(err.delayMs, 1000) : backoffMs(job.attempts, Math.random, this.opts.backoffBaseMs, this.opts.backoffMaxMs);
      await this.queue.retry(job.id, this.owner, err.message, new Date(Date.now() + delay));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.polling;
    await Promise.allSettled([...this.running]);
  }
}
