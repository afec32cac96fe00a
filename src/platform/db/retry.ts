import type { Kysely, Transaction } from 'kysely';

/**
 * PostgreSQL aborts one of two transactions that wait on each other (40P01, deadlock detected) or
 * whose serializable snapshot conflicts (40001). Nothing of the aborted one was kept, so running
 * it again is correct, and the other transaction has gone on by then. SQLite serialises writers and
 * never reports these.
 */
const RETRYABLE_CODES = new Set(['40P01', '40001']);

export function isRetryableAbort(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE_CODES.has(code);
}

export type RetryOptions = {
  /** Runs in all, the first included; the last failure is thrown as is. */
  attempts?: number;
  /** The wait before a rerun is random in [0, baseDelayMs × 2^rerun), so two losers do not collide again in step. */
  baseDelayMs?: number;
};

/**
 * `db.transaction().execute(work)`, run again when PostgreSQL aborted it for a deadlock or a
 * serialization failure, a bounded number of times. `work` must do everything inside the
 * transaction (no effects outside it that a rerun would repeat).
 */
export async function transactionWithRetry<Tables, T>(
  db: Kysely<Tables>,
  work: (trx: Transaction<Tables>) => Promise<T>,
  { attempts = 5, baseDelayMs = 20 }: RetryOptions = {},
): Promise<T> {
  for (let run = 1; ; run++) {
    try {
      return await db.transaction().execute(work);
    } catch (err) {
      if (run >= attempts || !isRetryableAbort(err)) throw err;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * baseDelayMs * 2 ** (run - 1)));
    }
  }
}
