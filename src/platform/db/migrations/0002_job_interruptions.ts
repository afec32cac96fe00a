import type { Kysely } from 'kysely';

/**
 * Counts the runs of a job that ended because its worker stopped (a crash, a SIGKILL, a host
 * restart) apart from its attempts: an interruption is not the job's failure, so it does not use
 * up an attempt, but a job that keeps taking its worker down is stopped after a few.
 */
export async function jobInterruptions(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('jobs')
    .addColumn('interruptions', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}
