import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';
import { JobWorker, MAX_INTERRUPTIONS, PermanentJobError, RetryLater, backoffMs, enqueueDueSchedules } from '../../../src/platform/jobs/index.js';

describe('durable job queue', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());
  beforeEach(async () => {
    await t.ctx.db.deleteFrom('jobs').execute();
  });

  it('does not keep a job enqueued in a transaction that rolled back', async () => {
    await expect(
      t.ctx.db.transaction().execute(async (trx) => {
        await t.ctx.jobs.enqueue(trx, { kind: 'k', orgId: t.orgId, payload: { a: 1 } });
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect(await t.ctx.jobs.pendingCount()).toBe(0);
  });

  it('enqueues a dedupe key once', async () => {
    const a = await t.ctx.jobs.enqueue(t.ctx.db, { kind: 'k', orgId: t.orgId, payload: {}, dedupeKey: 'same' });
    const b = await t.ctx.jobs.enqueue(t.ctx.db, { kind: 'k', orgId: t.orgId, payload: {}, dedupeKey: 'same' });
    expect(a).toBeTypeOf('number');
    expect(b).toBeNull();
    expect(await t.ctx.jobs.pendingCount()).toBe(1);
  });

  it('gives each job to one worker only, and runs it once', async () => {
    for (let i = 0; i < 20; i++) await t.ctx.jobs.enqueue(t.ctx.db, { kind: 'count', orgId: t.orgId, payload: { i } });
    const seen: number[] = [];
    const w1 = new JobWorker(t.ctx.jobs, { concurrency: 5 });
    const w2 = new JobWorker(t.ctx.jobs, { concurrency: 5 });
    for (const w of [w1, w2]) w.register('count', async (job) => void seen.push((job.payload as { i: number }).i));
    await Promise.all([w1.drain(), w2.drain()]);
    expect(seen.sort((a, b) => a - b)).toEqual([...Array(20).keys()]);
    expect(await t.ctx.jobs.pendingCount()).toBe(0);
  });

  it('reclaims a job whose lease expired (a crashed worker) and ignores the stale worker', async () => {
    const id = (await t.ctx.jobs.enqueue(t.ctx.db, { kind: 'lease', orgId: t.orgId, payload: {} }))!;
    const [claimed] = await t.ctx.jobs.claim('dead-worker', ['lease'], 1, 60_000);
    expect(claimed.id).toBe(id);
    expect(await t.ctx.jobs.claim('other', ['lease'], 1, 60_000)).toHaveLength(0);
    await t.ctx.db
      .updateTable('jobs')
      .set({ lease_expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('id', '=', id)
      .execute();
    const [again] = await t.ctx.jobs.claim('live-worker', ['lease'], 1, 60_000);
    expect(again.id).toBe(id);
    // The run lost with the dead worker is an interruption, not a failed attempt.
    expect(again.attempts).toBe(1);
    expect(again.interruptions).toBe(1);
    await t.ctx.jobs.complete(id, 'dead-worker');
    expect((await t.ctx.jobs.get(id))!.status).toBe('running');
    await t.ctx.jobs.complete(id, 'live-worker');
    expect((await t.ctx.jobs.get(id))!.status).toBe('done');
  });

  it('does not use up attempts on crashed runs, and stops a job that keeps taking its worker down', async () => {
    const id = (await t.ctx.jobs.enqueue(t.ctx.db, { kind: 'crashy', orgId: t.orgId, payload: {}, maxAttempts: 2 }))!;
    const expire = () =>
      t.ctx.db
        .updateTable('jobs')
        .set({ lease_expires_at: new Date(Date.now() - 1000).toISOString() })
        .where('id', '=', id)
        .execute();
    // Six workers die in turn while running it: none of that is the job's failure...
    for (let i = 1; i <= MAX_INTERRUPTIONS + 1; i++) {
      const [job] = await t.ctx.jobs.claim(`dies-${i}`, ['crashy'], 1, 60_000);
      expect(job).toMatchObject({ id, attempts: 1, interruptions: i - 1 });
      await expire();
    }
    // ...but the seventh run does not start it again: it may be what kills the workers.
    const dead: string[] = [];
    let ran = false;
    const w = new JobWorker(t.ctx.jobs, { onDead: async (_job, err) => void dead.push(err.message) });
    w.register('crashy', async () => void (ran = true));
    expect(await w.pollOnce()).toBe(1);
    expect(ran).toBe(false);
    const row = (await t.ctx.jobs.get(id))!;
    expect(row.status).toBe('dead');
    expect(row.lastError).toMatch(/stopped 6 times before it finished/);
    expect(dead).toEqual([row.lastError]);
  });

  it('lets another org start a job while one org holds every slot with long jobs', async () => {
    const other = await t.newOrg('Fair Org');
    for (let i = 0; i < 6; i++) await t.ctx.jobs.enqueue(t.ctx.db, { kind: 'long', orgId: t.orgId, payload: { i } });
    await t.ctx.jobs.enqueue(t.ctx.db, { kind: 'short', orgId: other.orgId, payload: {} });
    const w = new JobWorker(t.ctx.jobs, { concurrency: 2, pollMs: 20 });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const started: string[] = [];
    let shortRan!: () => void;
    const shortDone = new Promise<void>((r) => (shortRan = r));
    w.register('long', async () => {
      started.push('long');
      await gate;
    });
    w.register('short', async () => {
      started.push('short');
      shortRan();
    });
    w.start();
    // Without the fairness slot the short job waits for the long ones, which wait for it: this never resolves.
    await shortDone;
    expect(started.filter((k) => k === 'long')).toHaveLength(2);
    release();
    await w.stop();
    await w.drain();
    expect(await t.ctx.jobs.pendingCount()).toBe(0);
  });

  it('started, claims the next jobs as soon as slots free up, not one batch per poll interval', async () => {
    for (let i = 0; i < 12; i++) await t.ctx.jobs.enqueue(t.ctx.db, { kind: 'busy', orgId: t.orgId, payload: { i } });
    // A poll interval far beyond the test's timeout: only slot refills can finish the queue.
    const w = new JobWorker(t.ctx.jobs, { concurrency: 2, pollMs: 600_000 });
    const seen: number[] = [];
    let allDone!: () => void;
    const done = new Promise<void>((r) => (allDone = r));
    w.register('busy', async (job) => {
      seen.push((job.payload as { i: number }).i);
      if (seen.length === 12) allDone();
    });
    w.start();
    await done;
    await w.stop();
    expect(seen.sort((a, b) => a - b)).toEqual([...Array(12).keys()]);
    expect(await t.ctx.jobs.pendingCount()).toBe(0);
  });

  it('renews the lease of a job whose handler is still running, so no other worker takes it', async () => {
    const id = (await t.ctx.jobs.enqueue(t.ctx.db, { kind: 'slow', orgId: t.orgId, payload: {} }))!;
    const w = new JobWorker(t.ctx.jobs, { leaseMs: 3_000 });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    w.register('slow', async () => {
      started();
      await gate;
    });
    const renewed = new Promise<void>((resolve) => {
      const renew = t.ctx.jobs.renew.bind(t.ctx.jobs);
      t.ctx.jobs.renew = async (...args) => {
        const ok = await renew(...args);
        if (ok) resolve();
        return ok;
      };
    });
    const poll = w.pollOnce();
    await running;
    const before = (await t.ctx.db.selectFrom('jobs').select('lease_expires_at').where('id', '=', id).executeTakeFirstOrThrow()).lease_expires_at!;
    await renewed;
    const after = (await t.ctx.db.selectFrom('jobs').select('lease_expires_at').where('id', '=', id).executeTakeFirstOrThrow()).lease_expires_at!;
    expect(after > before).toBe(true);
    expect(await t.ctx.jobs.renew(id, 'someone-else', 3_000)).toBe(false);
    release();
    await poll;
    delete (t.ctx.jobs as { renew?: unknown }).renew;
    expect((await t.ctx.jobs.get(id))!.status).toBe('done');
    // A finished job is nobody's to renew.
    expect(await t.ctx.jobs.renew(id, w.owner, 3_000)).toBe(false);
  });

  it('retries a failure later, honours RetryLater, and buries after max attempts or a permanent error', async () => {
    const failing = (await t.ctx.jobs.enqueue(t.ctx.db, { kind: 'fail', orgId: t.orgId, payload: {}, maxAttempts: 2 }))!;
    const later = (await t.ctx.jobs.enqueue(t.ctx.db, { kind: 'later', orgId: t.orgId, payload: {} }))!;
    const perm = (await t.ctx.jobs.enqueue(t.ctx.db, { kind: 'perm', orgId: t.orgId, payload: {} }))!;
    const dead: number[] = [];
    const w = new JobWorker(t.ctx.jobs, { onDead: async (job) => void dead.push(job.id) });
    w.register('fail', async () => {
      throw new Error('boom');
    });
    w.register('later', async () => {
      throw new RetryLater('rate limited', 120_000);
    });
    w.register('perm', async () => {
      throw new PermanentJobError('bad config');
    });
    const before = Date.now();
    await w.pollOnce();
    const f = (await t.ctx.jobs.get(failing))!;
    expect(f.status).toBe('queued');
    expect(f.lastError).toBe('boom');
    expect(Date.parse(f.runAt)).toBeGreaterThan(before);
    const l = (await t.ctx.jobs.get(later))!;
    expect(Date.parse(l.runAt)).toBeGreaterThanOrEqual(before + 120_000);
    expect((await t.ctx.jobs.get(perm))!.status).toBe('dead');
    // Not due yet: nothing runs.
    expect(await w.pollOnce()).toBe(0);
    await t.ctx.db
      .updateTable('jobs')
      .set({ run_at: new Date(0).toISOString() })
      .where('id', '=', failing)
      .execute();
    await w.pollOnce();
    expect((await t.ctx.jobs.get(failing))!.status).toBe('dead');
    expect(dead.sort()).toEqual([failing, perm].sort());
  });

  it('enqueues each schedule once per period', async () => {
    const schedules = [{ name: 'daily', everyMs: 86_400_000 }];
    await enqueueDueSchedules(t.ctx.jobs, t.ctx.db, schedules, 1_000);
    await enqueueDueSchedules(t.ctx.jobs, t.ctx.db, schedules, 2_000);
    expect(await t.ctx.jobs.pendingCount()).toBe(1);
    await enqueueDueSchedules(t.ctx.jobs, t.ctx.db, schedules, 86_400_000 + 1);
    expect(await t.ctx.jobs.pendingCount()).toBe(2);
  });

  it('backs off exponentially within bounds', () => {
    expect(backoffMs(1, () => 0)).toBe(2_500);
    expect(backoffMs(1, () => 1)).toBe(5_000);
    expect(backoffMs(3, () => 1)).toBe(20_000);
    expect(backoffMs(50, () => 1)).toBe(3_600_000);
    expect(backoffMs(1, () => 1, 200)).toBe(200);
    expect(backoffMs(3, () => 1, 200)).toBe(800);
    expect(backoffMs(30, () => 1, 200, 4_000)).toBe(4_000);
    expect(backoffMs(30, () => 0, 200, 4_000)).toBe(2_000);
  });
});
