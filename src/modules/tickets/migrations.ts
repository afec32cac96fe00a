import { sql, type Generated, type Kysely } from 'kysely';
import type { Dialect } from '../../platform/db/database.js';
import { withId } from '../../platform/db/schema-helpers.js';
import type { TicketState } from './schemas.js';

/**
 * A ticket requested from an incident. The assignee's name and email are copied so the ticket keeps
 * them when the integration user is later removed; the incident's transaction id is copied (it
 * never changes) so the Tickets page searches and lists without reading the incidents table.
 */
export interface TicketsTable {
  id: Generated<number>;
  org_id: number;
  incident_id: number;
  transaction_id: string;
  integration_id: number;
  /** As at creation; the live name is shown while the integration exists. */
  integration_type: 'servicenow' | 'jira_cloud';
  integration_name: string;
  /** No foreign key: removing an integration user keeps the tickets assigned to them. */
  integration_user_id: number | null;
  assignee_name: string;
  assignee_email: string;
  assignee_external_id: string;
  /** Jira only: our jira_projects id (null once the project is gone), its key and name as requested. */
  project_id: number | null;
  project_key: string | null;
  project_name: string | null;
  issue_type_id: string | null;
  notes: string | null;
  state: TicketState;
  /** ServiceNow sys_id / Jira issue id, number / key, link, status. */
  external_id: string | null;
  external_key: string | null;
  external_url: string | null;
  external_status: string | null;
  external_status_category: string | null;
  external_assignee_id: string | null;
  failure_reason: string | null;
  /** JSON object field → message (Jira `errors`). */
  field_errors: string | null;
  /** Create attempts sent (or about to be sent) to the ticketing system. */
  attempts: Generated<number>;
  /** Submit is 1, each Retry adds one: names the creation job of this run (its dedupe key). */
  runs: Generated<number>;
  /** When this run was requested; transient failures retry until the deadline counted from here. */
  requested_at: string;
  /** Set (compare-and-set) just before a create is sent: its answer may be lost, so search before creating again. */
  create_sent_at: string | null;
  /** 1 once the notes comment is known to be on the ticket (0 also when there are no notes to post). */
  comment_posted: Generated<number>;
  /** The tag our notes comment carries, found before posting: `[wfa-<id>]`, then one per follow-up request. */
  note_tag: string | null;
  /** A closed-ticket policy still to carry out on this existing ticket: reopen it, or add the new notes. */
  pending_action: 'reopen' | 'comment' | null;
  last_synced_at: string | null;
  created_by: string;
  created_by_admin_id: number | null;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
}

export interface TicketsTables {
  tickets: TicketsTable;
}

export async function ticketsInit(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await withId(db.schema.createTable('tickets'), dialect)
    .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('incident_id', 'integer', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
    .addColumn('transaction_id', 'text', (c) => c.notNull())
    .addColumn('integration_id', 'integer', (c) => c.notNull().references('integrations.id').onDelete('cascade'))
    .addColumn('integration_type', 'text', (c) => c.notNull())
    .addColumn('integration_name', 'text', (c) => c.notNull())
    .addColumn('integration_user_id', 'integer')
    .addColumn('assignee_name', 'text', (c) => c.notNull())
    .addColumn('assignee_email', 'text', (c) => c.notNull())
    .addColumn('assignee_external_id', 'text', (c) => c.notNull())
    .addColumn('project_id', 'integer')
    .addColumn('project_key', 'text')
    .addColumn('project_name', 'text')
    .addColumn('issue_type_id', 'text')
    .addColumn('notes', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text')
    .addColumn('external_key', 'text')
    .addColumn('external_url', 'text')
    .addColumn('external_status', 'text')
    .addColumn('external_status_category', 'text')
    .addColumn('external_assignee_id', 'text')
    .addColumn('failure_reason', 'text')
    .addColumn('field_errors', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('runs', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('requested_at', 'text', (c) => c.notNull())
    .addColumn('create_sent_at', 'text')
    .addColumn('comment_posted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('note_tag', 'text')
    .addColumn('pending_action', 'text')
    .addColumn('last_synced_at', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_by_admin_id', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('closed_at', 'text')
    .execute();
  // One live ticket per incident and integration, whatever races the application loses.
  await db.schema
    .createIndex('tickets_live_unique')
    .on('tickets')
    .columns(['org_id', 'incident_id', 'integration_id'])
    .unique()
    .where(sql<boolean>`state in ('creating', 'open')`)
    .execute();
  await db.schema.createIndex('tickets_incident_idx').on('tickets').columns(['org_id', 'incident_id', 'id']).execute();
  await db.schema.createIndex('tickets_org_created_idx').on('tickets').columns(['org_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('tickets_integration_state_idx').on('tickets').columns(['org_id', 'integration_id', 'state']).execute();
  await db.schema.createIndex('tickets_user_state_idx').on('tickets').columns(['org_id', 'integration_user_id', 'state']).execute();
}
