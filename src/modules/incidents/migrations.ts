import { sql, type Generated, type Kysely } from 'kysely';
import type { Dialect } from '../../platform/db/database.js';
import { withId } from '../../platform/db/schema-helpers.js';

/**
 * Incidents. What the list filters, sorts and counts on is a real column (indexed for keyset
 * pagination and the count widgets); the bulky per-source-type violation detail is JSON text.
 * Severity and priority are stored as ranks (higher = more severe) so they sort correctly.
 */
export interface IncidentsTable {
  id: Generated<number>;
  org_id: number;
  transaction_id: string;
  incident_date: string;
  created_at: string;
  updated_at: string;
  last_change: string | null;
  status: string;
  severity: number;
  priority: number;
  source_type: string;
  dlp_type: string | null;
  action: string;
  dlp_admin_id: number | null;
  /** JSON arrays */
  rules: string;
  engines: string;
  dictionaries: string;
  user_name: string;
  user_email: string;
  department: string | null;
  file_name: string;
  destination: string;
  host: string | null;
  /** md5(host|email|md5|file name) for Inline incidents that have all four; null otherwise. */
  dup_key: string | null;
  duplicate_of: number | null;
  duplicate_count: Generated<number>;
  resolution_date: string | null;
  resolution_label: string | null;
  resolution_value: string | null;
  false_positive: Generated<number>;
  notes: string | null;
  awaiting_user: string | null;
  /** Lower-cased text the "All" search matches against. */
  search_text: string;
  details: string;
}
export interface IncidentEventsTable {
  id: Generated<number>;
  org_id: number;
  incident_id: number;
  state: string;
  action: string;
  created_at: string;
  changed_by: string;
  admin_id: number | null;
  comment: string;
}
export interface IncidentLabelsTable {
  id: Generated<number>;
  org_id: number;
  incident_id: number;
  /** No foreign key: a deleted label stays on incidents until removed (PRODUCT.md §13). */
  label_id: number;
  label_name: string;
  /** '' when the label has no value. */
  value: string;
  created_at: string;
}
/** Distinct values seen per org (rules, engines, departments, actions, DLP types) for the Filters window. */
export interface IncidentFacetsTable {
  org_id: number;
  kind: string;
  value: string;
}
/** SQLite only (0420): parents per org, hour of incident date ('YYYY-MM-DDTHH'), status and unassigned. */
export interface IncidentHourCountsTable {
  org_id: number;
  hour: string;
  status: string;
  unassigned: number;
  n: number;
}
/** The triggering content a DLP engine sent with an incident (migration 0440), sealed at rest. */
export interface IncidentEvidenceTable {
  id: Generated<number>;
  org_id: number;
  incident_id: number;
  file_name: string;
  file_type: string | null;
  /** The content sealed with the platform key (`SecretBox.seal`); re-sealed by `wfa rotate-key`. */
  content: string;
  /** Characters of the content before sealing: shown beside the download without opening it. */
  size: number;
  created_at: string;
}

export interface IncidentsTables {
  incidents: IncidentsTable;
  incident_evidence: IncidentEvidenceTable;
  incident_hour_counts: IncidentHourCountsTable;
  incident_events: IncidentEventsTable;
  incident_labels: IncidentLabelsTable;
  incident_facets: IncidentFacetsTable;
}

export async function incidentsInit(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await withId(db.schema.createTable('incidents'), dialect)
    .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('transaction_id', 'text', (c) => c.notNull())
    .addColumn('incident_date', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('last_change', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('severity', 'integer', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull())
    .addColumn('source_type', 'text', (c) => c.notNull())
    .addColumn('dlp_type', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('dlp_admin_id', 'integer', (c) => c.references('admins.id').onDelete('set null'))
    .addColumn('rules', 'text', (c) => c.notNull())
    .addColumn('engines', 'text', (c) => c.notNull())
    .addColumn('dictionaries', 'text', (c) => c.notNull())
    .addColumn('user_name', 'text', (c) => c.notNull())
    .addColumn('user_email', 'text', (c) => c.notNull())
    .addColumn('department', 'text')
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('destination', 'text', (c) => c.notNull())
    .addColumn('host', 'text')
    .addColumn('dup_key', 'text')
    .addColumn('duplicate_of', 'integer', (c) => c.references('incidents.id').onDelete('cascade'))
    .addColumn('duplicate_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('resolution_date', 'text')
    .addColumn('resolution_label', 'text')
    .addColumn('resolution_value', 'text')
    .addColumn('false_positive', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('notes', 'text')
    .addColumn('awaiting_user', 'text')
    .addColumn('search_text', 'text', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull())
    .addUniqueConstraint('incidents_org_txn_unique', ['org_id', 'transaction_id'])
    .execute();
  // The list (keyset on incident date, newest first) and the count widgets only look at parents.
  await db.schema
    .createIndex('incidents_list_idx')
    .on('incidents')
    .columns(['org_id', 'incident_date', 'id'])
    .where(sql.ref('duplicate_of'), 'is', null)
    .execute();
  // Covers the grouped count and the common enum filters without touching the table.
  await db.schema
    .createIndex('incidents_counts_idx')
    .on('incidents')
    .columns(['org_id', 'incident_date', 'status', 'dlp_admin_id', 'severity', 'priority', 'source_type'])
    .where(sql.ref('duplicate_of'), 'is', null)
    .execute();
  await db.schema
    .createIndex('incidents_dup_idx')
    .on('incidents')
    .columns(['org_id', 'dup_key', 'incident_date'])
    .where(sql.ref('dup_key'), 'is not', null)
    .execute();
  await db.schema
    .createIndex('incidents_parent_idx')
    .on('incidents')
    .columns(['duplicate_of', 'incident_date'])
    .where(sql.ref('duplicate_of'), 'is not', null)
    .execute();

  await withId(db.schema.createTable('incident_events'), dialect)
    .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('incident_id', 'integer', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('changed_by', 'text', (c) => c.notNull())
    .addColumn('admin_id', 'integer')
    .addColumn('comment', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('incident_events_incident_idx').on('incident_events').columns(['incident_id', 'id']).execute();

  await withId(db.schema.createTable('incident_labels'), dialect)
    .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('incident_id', 'integer', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
    .addColumn('label_id', 'integer', (c) => c.notNull())
    .addColumn('label_name', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('incident_labels_unique', ['incident_id', 'label_id', 'value'])
    .execute();
  await db.schema.createIndex('incident_labels_label_idx').on('incident_labels').columns(['org_id', 'label_id', 'incident_id']).execute();

  await db.schema
    .createTable('incident_facets')
    .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('incident_facets_pk', ['org_id', 'kind', 'value'])
    .execute();
}

/**
 * 0420: one covering index for the Incidents page on SQLite. Everything the count widgets, the
 * enum filters, the rule/engine filters and the All search read is in the index, so the time
 * range is scanned index-only (no row lookup per incident), and the list reads full rows only for
 * the page it returns. Replaces incidents_counts_idx and incidents_list_idx (both prefixes of it),
 * so ingestion maintains one index fewer. PostgreSQL keeps both: a btree entry there is limited
 * to about 2.7 kB, which the unbounded rules/search text could exceed.
 */
export async function incidentsPerf(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  if (dialect !== 'sqlite') return;
  await db.schema
    .createIndex('incidents_filter_idx')
    .on('incidents')
    .columns([
      'org_id',
      'incident_date',
      'status',
      'dlp_admin_id',
      'severity',
      'priority',
      'source_type',
      'action',
      'department',
      'duplicate_count',
      'rules',
      'engines',
      'search_text',
    ])
    .where(sql.ref('duplicate_of'), 'is', null)
    .execute();
  await db.schema.dropIndex('incidents_counts_idx').execute();
  // Also a prefix of the new index: left in place, SQLite walks it in date order for a filtered page
  // and reads a table row per entry to test the filters.
  await db.schema.dropIndex('incidents_list_idx').execute();

  // Count widgets per hour of incident date, kept by triggers so every write path (ingestion,
  // actions, deletes, FK cascades and set-nulls) stays counted. The widgets read whole hours here
  // and only the partial hours at the range's ends from the index. SQLite only: it has one writer
  // at a time, whereas on PostgreSQL concurrent ingests would queue (or deadlock) on shared rows.
  await sql`create table incident_hour_counts (
    org_id integer not null,
    hour text not null,
    status text not null,
    unassigned integer not null,
    n integer not null,
    primary key (org_id, hour, status, unassigned)
  ) without rowid`.execute(db);
  await sql`insert into incident_hour_counts (org_id, hour, status, unassigned, n)
    select org_id, substr(incident_date, 1, 13), status, dlp_admin_id is null, count(*)
    from incidents where duplicate_of is null group by 1, 2, 3, 4`.execute(db);
  const add = (r: 'new') =>
    sql.raw(`insert into incident_hour_counts (org_id, hour, status, unassigned, n)
      select ${r}.org_id, substr(${r}.incident_date, 1, 13), ${r}.status, ${r}.dlp_admin_id is null, 1 where ${r}.duplicate_of is null
      on conflict (org_id, hour, status, unassigned) do update set n = n + 1;`);
  const sub = (r: 'old') =>
    sql.raw(`update incident_hour_counts set n = n - 1
      where ${r}.duplicate_of is null and org_id = ${r}.org_id and hour = substr(${r}.incident_date, 1, 13)
        and status = ${r}.status and unassigned = (${r}.dlp_admin_id is null);`);
  await sql`create trigger incidents_hour_counts_ins after insert on incidents when new.duplicate_of is null begin ${add('new')} end`.execute(db);
  await sql`create trigger incidents_hour_counts_del after delete on incidents when old.duplicate_of is null begin ${sub('old')} end`.execute(db);
  await sql`create trigger incidents_hour_counts_upd after update of org_id, incident_date, status, dlp_admin_id, duplicate_of on incidents
    when old.org_id is not new.org_id or old.incident_date is not new.incident_date or old.status is not new.status
      or (old.dlp_admin_id is null) <> (new.dlp_admin_id is null) or old.duplicate_of is not new.duplicate_of
    begin ${sub('old')} ${add('new')} end`.execute(db);
}

/**
 * The bytes of the text an incident's filters read besides its enum columns. The PostgreSQL text
 * index below holds rows up to TEXT_INDEX_BYTES of them (a btree entry must stay under ~2.7 kB);
 * the store reads longer rows, which are rare, through their own small index.
 */
export const TEXT_INDEX_BYTES = 2400;
export const TEXT_BYTES_SQL =
  'octet_length(rules) + octet_length(engines) + octet_length(search_text) + coalesce(octet_length(department), 0) + coalesce(octet_length(action), 0)';

/**
 * 0430, PostgreSQL: the rule, engine, department, action and All search filters read text the
 * list index does not hold, so each incident in the time range cost a table row read (a week of
 * a million incidents: ~38,000 random reads, 150–450 ms). This index holds that text beside the
 * range key, so those filters scan the index alone, as SQLite's covering index does (0420).
 * Index-only scans need the visibility map to be current; recent incidents are the ones the page
 * shows, so autovacuum visits this table after fewer inserts than its default 20 %.
 */
export async function incidentsTextIndex(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  if (dialect !== 'postgres') return;
  const fits = sql.raw(`${TEXT_BYTES_SQL} <= ${TEXT_INDEX_BYTES}`);
  const long = sql.raw(`${TEXT_BYTES_SQL} > ${TEXT_INDEX_BYTES}`);
  await sql`create index incidents_text_idx on incidents (org_id, incident_date, id)
    include (severity, priority, status, dlp_admin_id, source_type, action, department, duplicate_count, rules, engines, search_text)
    where duplicate_of is null and ${fits}`.execute(db);
  await sql`create index incidents_long_text_idx on incidents (org_id, incident_date, id) where duplicate_of is null and ${long}`.execute(db);
  await sql`alter table incidents set (autovacuum_vacuum_insert_scale_factor = 0.01, autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02)`.execute(
    db,
  );
}

/**
 * 0450, PostgreSQL: the All search alone reads only the search text, yet through the text index
 * (0430) every row of the range costs the unpacking of a dozen columns. This narrower index holds
 * just the range key and the search text: a week of a million incidents counts in about two thirds
 * of the time. Same row predicate as the text index, so the planner can pick either for a query;
 * the rare longer rows stay with incidents_long_text_idx.
 */
export async function incidentsSearchIndex(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  if (dialect !== 'postgres') return;
  const fits = sql.raw(`${TEXT_BYTES_SQL} <= ${TEXT_INDEX_BYTES}`);
  await sql`create index incidents_search_idx on incidents (org_id, incident_date, id) include (search_text)
    where duplicate_of is null and ${fits}`.execute(db);
}

/**
 * 0440: evidence, the content that triggered an incident, when the DLP engine sends it. A table of
 * its own rather than a column of `incidents`: most incidents have none, the list and search never
 * read it, and the content is sealed (it is the sensitive data the DLP engine caught), so it must
 * stay out of `details` and the search text. One per incident; deleting the incident deletes it.
 */
export async function incidentsEvidence(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await withId(db.schema.createTable('incident_evidence'), dialect)
    .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('incident_id', 'integer', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('file_type', 'text')
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('incident_evidence_incident_unique').on('incident_evidence').columns(['incident_id']).unique().execute();
}
