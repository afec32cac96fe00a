import type { Kysely, Transaction } from 'kysely';

/**
 * Where a query runs: the database, or the transaction the caller is in. Generic over the table
 * set, so a store can name only the tables it owns.
 */
export type Exec<Tables> = Kysely<Tables> | Transaction<Tables>;
