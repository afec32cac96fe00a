import { sql, type Kysely } from 'kysely';
import type { Dialect, SharedDb } from '../../platform/db/database.js';
import { JobQueue, type Job } from '../../platform/jobs/index.js';
import type { IncidentsDb } from './db.js';
import { searchText } from './search-text.js';

/**
 * Rewrites the search texts stored before the compact form (see searchText) into it, so a
 * deployment that upgrades gets the faster All search on the incidents it already has, not only on
 * new ones. Matches do not change: the old text was the same words joined, and compacting a text
 * gives what compacting its parts gives.
 *
 * Queued once by migration 0460 when incidents exist. Each run rewrites a bounded number of rows in
 * id order and queues the next run from where it stopped, so a million incidents become many short
 * jobs that other work can pass between, and a restart resumes instead of starting over. Rewriting a
 * row twice is harmless (a compact text is its own compact form).
 */
export const COMPACT_SEARCH_TEXT_JOB = 'incidents.compact-search-text';

export type CompactionPayload = { afterId?: number };

export class SearchTextCompaction {
  constructor(
    private readonly db: Kysely<IncidentsDb>,
    private readonly jobs: Pick<JobQueue, 'enqueue'>,
    private readonly limits = { batchSize: 500, batchesPerRun: 20 },
  ) {}

  async run(job: Pick<Job, 'payload'>): Promise<void> {
    let afterId = (job.payload as CompactionPayload).afterId ?? 0;
    for (let i = 0; i < this.limits.batchesPerRun; i++) {
      const last = await this.batch(afterId);
      if (last === null) return;
      afterId = last;
    }
    // The key makes a rerun of this job (after a crash between its last batch and its completion)
    // queue the same continuation, not a second one.
    await this.jobs.enqueue(this.db, {
      kind: COMPACT_SEARCH_TEXT_JOB,
      orgId: null,
      payload: { afterId } satisfies CompactionPayload,
      dedupeKey: `${COMPACT_SEARCH_TEXT_JOB}:${afterId}`,
    });
  }

  /** Compacts the rows after `afterId` (one batch, every org); the last id read, or null when none is left. */
  private async batch(afterId: number): Promise<number | null> {
    const rows = await this.db
      .selectFrom('incidents')
      .select(['id', 'search_text'])
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(this.limits.batchSize)
      .execute();
    if (!rows.length) return null;
    const changed = rows.map((r) => ({ id: r.id, text: searchText([r.search_text]) })).filter((r, i) => r.text !== rows[i]!.search_text);
    if (changed.length) {
      await this.db.transaction().execute(async (trx) => {
        // Only the search text: a concurrent change to the incident's other columns stays.
        for (const c of changed) await trx.updateTable('incidents').set({ search_text: c.text }).where('id', '=', c.id).execute();
      });
    }
    return rows[rows.length - 1]!.id;
  }
}

/** Migration 0460's step: queue the compaction once, if there is anything to compact. */
export async function queueSearchTextCompaction(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const any = await sql`select 1 from incidents limit 1`.execute(db);
  if (!any.rows.length) return;
  // The platform's queue, as every module enqueues (the service does not exist yet during migrations).
  const shared = db as SharedDb;
  await new JobQueue(shared, dialect).enqueue(shared, { kind: COMPACT_SEARCH_TEXT_JOB, orgId: null, payload: {}, dedupeKey: COMPACT_SEARCH_TEXT_JOB });
}
