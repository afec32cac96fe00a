import { sql, type ExpressionBuilder, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { Dialect } from '../db/database.js';
import type { AnyExec, SharedDb } from '../db/database.js';
import type { JobsTable, PlatformTables } from '../db/types.js';
import type { Exec as ExecOf } from '../db/exec.js';
import { chunks } from '../db/chunks.js';

export type Job<P = unknown> = {
  id: number;
  orgId: number | null;
  kind: string;
  payload: P;
  attempts: number;
  maxAttempts: number;
  /** Earlier runs lost to a worker that stopped (crash, kill, restart); they are not attempts. */
  interruptions: number;
  runAt: string;
  lastError: string | null;
};

export type EnqueueInput = {
  kind: string;
  orgId: number | null;
  payload: unknown;
  runAt?: Date;
  /** At most one job ever exists per key; a second enqueue with the same key is a no-op. */
  dedupeKey?: string;
  maxAttempts?: number;
};

type Exec = ExecOf<PlatformTables>;

function toJob(
  r: Omit<JobsTable, 'id' | 'attempts' | 'max_attempts' | 'interruptions'> & { id: number; attempts: number; max_attempts: number; interruptions: number },
): Job {
  return {
    id: r.id,
    orgId: r.org_id,
    kind: r.kind,
    payload: JSON.parse(r.payload),
    attempts: r.attempts,
    maxAttempts: r.max_attempts,
    interruptions: r.interruptions,
    runAt: r.run_at,
    lastError: r.last_error,
  };
}

/**
 * Durable queue in the application database (transactional outbox): a job enqueued inside the
 * transaction of the change that needs it is never lost and never runs for a change that rolled
 * back. Claims take a lease; a worker that dies leaves a lease that expires and the job runs again,
 * so handlers must be idempotent.
 */
export class JobQueue {
  private readonly db: Kysely<PlatformTables>;

  constructor(
    db: SharedDb,
    private readonly dialect: Dialect,
  ) {
    this.db = db;
  }

  /** `callerExec`: the caller's transaction, whose module has other tables. */
  async enqueue(callerExec: AnyExec, input: EnqueueInput): Promise<number | null> {
    const exec: Exec = callerExec;
    const now = new Date().toISOString();
    const row = await exec
      .insertInto('jobs')
      .values({
        org_id: input.orgId,
        kind: input.kind,
        payload: JSON.stringify(input.payload ?? {}),
        dedupe_key: input.dedupeKey ?? null,
        status: 'queued',
        run_at: (input.runAt ?? new Date()).toISOString(),
        max_attempts: input.maxAttempts ?? 10,
        lease_owner: null,
        lease_expires_at: null,
        last_error: null,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .returning('id')
      .executeTakeFirst();
    return row?.id ?? null;
  }

  /**
   * Several jobs in one statement per 500 (an ingest batch's webhook deliveries): the same rules
   * as `enqueue`, a fraction of the round trips.
   */
  async enqueueMany(callerExec: AnyExec, inputs: readonly EnqueueInput[]): Promise<void> {
    const exec: Exec = callerExec;
    const now = new Date().toISOString();
    for (const part of chunks(inputs, 500)) {
      const rows = part.map((input) => ({
        org_id: input.orgId,
        kind: input.kind,
        payload: JSON.stringify(input.payload ?? {}),
        dedupe_key: input.dedupeKey ?? null,
        status: 'queued' as const,
        run_at: (input.runAt ?? new Date()).toISOString(),
        max_attempts: input.maxAttempts ?? 10,
        lease_owner: null,
        lease_expires_at: null,
        last_error: null,
        created_at: now,
        updated_at: now,
      }));
      await exec
        .insertInto('jobs')
        .values(rows)
        .onConflict((oc) => oc.column('dedupe_key').doNothing())
        .execute();
    }
  }

  /**
   * Takes up to `limit` due jobs (queued, or running with an expired lease) for `owner`.
   * `onlyOtherThan` keeps the jobs of the listed orgs (null: jobs without an org) out: the worker's
   * fairness slot uses it to start another org's job while one org holds every slot.
   *
   * A job taken over from an expired lease was interrupted (its worker stopped), not failed: it
   * counts an interruption instead of an attempt.
   */
  async claim(owner: string, kinds: string[], limit: number, leaseMs: number, onlyOtherThan?: readonly (number | null)[]): Promise<Job[]> {
    if (!kinds.length || limit <= 0) return [];
    const now = new Date();
    const nowIso = now.toISOString();
    const leaseUntil = new Date(now.getTime() + leaseMs).toISOString();
    const orgs = (onlyOtherThan ?? []).filter((o): o is number => o !== null);
    const otherOrgs = (eb: ExpressionBuilder<PlatformTables, 'jobs'>) => [
      ...(orgs.length ? [eb.or([eb('org_id', 'is', null), eb('org_id', 'not in', orgs)])] : []),
      ...(onlyOtherThan?.includes(null) ? [eb('org_id', 'is not', null)] : []),
    ];
    const due = (eb: ExpressionBuilder<PlatformTables, 'jobs'>) =>
      eb.and([
        eb('kind', 'in', kinds),
        eb.or([eb.and([eb('status', '=', 'queued'), eb('run_at', '<=', nowIso)]), eb.and([eb('status', '=', 'running'), eb('lease_expires_at', '<', nowIso)])]),
        ...otherOrgs(eb),
      ]);
    // Marks the chosen jobs as leased to `owner` and returns them.
    const take = (exec: Exec, ids: SelectQueryBuilder<PlatformTables, 'jobs', { id: number }>) =>
      exec
        .updateTable('jobs')
        .set({
          status: 'running' as const,
          lease_owner: owner,
          lease_expires_at: leaseUntil,
          attempts: sql<number>`case when status = 'running' then attempts else attempts + 1 end`,
          interruptions: sql<number>`case when status = 'running' then interruptions + 1 else interruptions end`,
          updated_at: nowIso,
        })
        .where('id', 'in', ids)
        .returningAll()
        .execute();
    const chosen = this.db.selectFrom('jobs').select('id').where(due).orderBy('run_at').limit(limit);
    // One statement either way. PostgreSQL: SKIP LOCKED lets several app processes claim from one
    // table without blocking each other. SQLite has one writer at a time, so the statement is
    // atomic as it is (no transaction around a select and an update needed).
    const rows = await take(this.db, this.dialect === 'postgres' ? chosen.forUpdate().skipLocked() : chosen);
    return rows.map(toJob);
  }

  /** Only the lease holder may finish a job; a stale worker's late answer is ignored. */
  async complete(id: number, owner: string): Promise<void> {
    await this.db
      .updateTable('jobs')
      .set({ status: 'done', lease_owner: null, lease_expires_at: null, updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .where('lease_owner', '=', owner)
      .execute();
  }

  /** Extends the holder's lease; false when the job is no longer ours (it was reclaimed after a stall). */
  async renew(id: number, owner: string, leaseMs: number): Promise<boolean> {
    const r = await this.db
      .updateTable('jobs')
      .set({ lease_expires_at: new Date(Date.now() + leaseMs).toISOString() })
      .where('id', '=', id)
      .where('lease_owner', '=', owner)
      .where('status', '=', 'running')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async retry(id: number, owner: string, error: string, runAt: Date): Promise<void> {
    await this.db
      .updateTable('jobs')
      .set({
        status: 'queued',
        run_at: runAt.toISOString(),
        last_error: error.slice(0, 2000),
        lease_owner: null,
        lease_expires_at: null,
        updated_at: new Date().toISOString(),
      })
      .where('id', '=', id)
      .where('lease_owner', '=', owner)
      .execute();
  }

  async bury(id: number, owner: string, error: string): Promise<void> {
    await this.db
      .updateTable('jobs')
      .set({ status: 'dead', last_error: error.slice(0, 2000), lease_owner: null, lease_expires_at: null, updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .where('lease_owner', '=', owner)
      .execute();
  }

  async get(id: number): Promise<(Job & { status: JobsTable['status'] }) | null> {
    const r = await this.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? { ...toJob(r), status: r.status } : null;
  }

  /** Re-queues a dead job now (a Retry button), keeping its history of attempts. */
  async requeue(exec: AnyExec, id: number): Promise<void> {
    await exec
      .updateTable('jobs')
      .set({ status: 'queued', run_at: new Date().toISOString(), attempts: 0, updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .execute();
  }

  async pendingCount(): Promise<number> {
    const r = await this.db
      .selectFrom('jobs')
      .select(sql<number>`count(*)`.as('n'))
      .where('status', 'in', ['queued', 'running'])
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
