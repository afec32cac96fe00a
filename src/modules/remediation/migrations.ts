import type { Generated, Kysely } from 'kysely';
import type { Dialect } from '../../platform/db/database.js';
import { withId } from '../../platform/db/schema-helpers.js';

/**
 * A survey link sent by Notify User (purpose `justification`, to the incident's user) or Escalate
 * (purpose `escalation`, to a manager, an approver or another address). The link carries only a
 * random token; the row keeps its SHA-256, so a database leak hands out no working link.
 */
export interface SurveyLinksTable {
  id: Generated<number>;
  org_id: number;
  incident_id: number;
  purpose: 'justification' | 'escalation';
  /** 1 for the incident's first link of this purpose, then one more per new request: the idempotency key. */
  round: number;
  recipient_kind: 'end_user' | 'manager' | 'approver' | 'other';
  recipient_email: string;
  recipient_name: string | null;
  token_hash: string;
  /** JSON array of the channels the message went out on ("email", "slack:3"). */
  channels: string;
  language: string;
  note: string | null;
  expires_at: string;
  created_at: string;
  created_by: string;
  created_by_admin_id: number | null;
  /** Set once, by the answer: the link is final from then on. */
  answered_at: string | null;
}

/** The answer given through a survey link: at most one per link (unique link_id). */
export interface SurveyResponsesTable {
  id: Generated<number>;
  org_id: number;
  incident_id: number;
  link_id: number;
  purpose: 'justification' | 'escalation';
  /** End-user survey: False Positive / Manager Approved / Others. */
  justification_type: string | null;
  /** Escalation survey: approve / reject. */
  decision: string | null;
  reason: string | null;
  responder_email: string;
  responder_name: string | null;
  responded_at: string;
}

export interface RemediationTables {
  survey_links: SurveyLinksTable;
  survey_responses: SurveyResponsesTable;
}

export async function remediationInit(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await withId(db.schema.createTable('survey_links'), dialect)
    .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('incident_id', 'integer', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('round', 'integer', (c) => c.notNull())
    .addColumn('recipient_kind', 'text', (c) => c.notNull())
    .addColumn('recipient_email', 'text', (c) => c.notNull())
    .addColumn('recipient_name', 'text')
    .addColumn('token_hash', 'text', (c) => c.notNull())
    .addColumn('channels', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_by_admin_id', 'integer')
    .addColumn('answered_at', 'text')
    .execute();
  await db.schema.createIndex('survey_links_token_unique').on('survey_links').column('token_hash').unique().execute();
  // One link per incident, purpose and round, whatever races the application loses.
  await db.schema.createIndex('survey_links_round_unique').on('survey_links').columns(['org_id', 'incident_id', 'purpose', 'round']).unique().execute();

  await withId(db.schema.createTable('survey_responses'), dialect)
    .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('incident_id', 'integer', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
    .addColumn('link_id', 'integer', (c) => c.notNull().references('survey_links.id').onDelete('cascade'))
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('justification_type', 'text')
    .addColumn('decision', 'text')
    .addColumn('reason', 'text')
    .addColumn('responder_email', 'text', (c) => c.notNull())
    .addColumn('responder_name', 'text')
    .addColumn('responded_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('survey_responses_link_unique').on('survey_responses').column('link_id').unique().execute();
  await db.schema.createIndex('survey_responses_incident_idx').on('survey_responses').columns(['org_id', 'incident_id', 'id']).execute();
}
