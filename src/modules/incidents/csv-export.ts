import { csvLines } from '../../platform/csv.js';
import type { Keyset } from '../../platform/http/cursor.js';
import type { IncidentListItem, ListFilters } from './schemas.js';
import type { Kysely } from 'kysely';
import { openReadSnapshot } from '../../platform/db/read-snapshot.js';
import type { IncidentsDb } from './db.js';
import { IncidentsStore } from './store.js';
import { sortValue, type IncidentQueries } from './queries.js';

/** The export's columns, in order: header and how each incident fills it. */
export const CSV_COLUMNS: [string, (i: IncidentListItem) => unknown][] = [
  ['Transaction ID', (i) => i.transactionId],
  ['Incident Date', (i) => i.incidentDate],
  ['System Creation Date', (i) => i.createdAt],
  ['Last Change Date', (i) => i.updatedAt],
  ['Status', (i) => i.status],
  ['Severity', (i) => i.severity],
  ['Priority', (i) => i.priority],
  ['DLP Admin', (i) => i.dlpAdmin?.email ?? ''],
  ['Source DLP Type', (i) => i.sourceType],
  ['DLP Type', (i) => i.dlpType],
  ['Action', (i) => i.action],
  ['Rules', (i) => i.rules.join('; ')],
  ['Engines', (i) => i.engines.join('; ')],
  ['Dictionary Match Counts', (i) => i.dictionaries.map((d) => `${d.name} [${d.matchCount}]`).join('; ')],
  ['Username', (i) => i.userName],
  ['User Email', (i) => i.userEmail],
  ['Department', (i) => i.department],
  ['File Name', (i) => i.fileName],
  ['Destination', (i) => i.destination],
  ['Labels', (i) => i.labels.map((l) => (l.value ? `${l.name}: ${l.value}` : l.name)).join('; ')],
  ['Duplicate Count', (i) => i.duplicateCount],
  ['Resolution Date', (i) => i.resolutionDate],
  ['Justification Reason', (i) => i.justification?.reason ?? ''],
  ['Justification Note', (i) => i.justification?.note ?? ''],
];

/**
 * The filtered set as CSV, read in keyset chunks so memory stays flat. All pages come from one read
 * snapshot, so an incident changed or added mid-export cannot appear twice or go missing between
 * pages. A failed read throws after the header went out: the route then aborts the response, so
 * the client sees a broken download instead of a clean but truncated file.
 */
export async function* incidentsCsv(
  queries: IncidentQueries,
  db: Kysely<IncidentsDb>,
  orgId: number,
  f: ListFilters,
  /** Obfuscates what the caller may not see (Account Settings > Privacy and Security). */
  mask: (i: IncidentListItem) => IncidentListItem = (i) => i,
  /** Builds the store reading the snapshot (tests wrap it to fail a page). */
  storeOn: (db: Kysely<IncidentsDb>) => IncidentsStore = (exec) => new IncidentsStore(exec),
): AsyncGenerator<string> {
  const spec = await queries.spec(orgId, f);
  const snapshot = await openReadSnapshot(db);
  try {
    const store = storeOn(snapshot.db);
    yield csvLines([CSV_COLUMNS.map(([header]) => header)]);
    let keyset: Keyset | undefined;
    for (;;) {
      const { rows, more } = await store.page(spec, f.sort, f.order, 1000, keyset);
      if (!rows.length) return;
      const items = await queries.items(orgId, rows, snapshot.db);
      yield csvLines(items.map((i) => mask(i)).map((i) => CSV_COLUMNS.map(([, get]) => get(i))));
      if (!more) return;
      const last = rows[rows.length - 1];
      keyset = { value: sortValue(last, f.sort), id: last.id, dir: 'next' };
    }
  } finally {
    await snapshot.release();
  }
}
