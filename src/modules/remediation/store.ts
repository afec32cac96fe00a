import type { Kysely, Selectable } from 'kysely';
import type { AnyExec } from '../../platform/db/database.js';
import type { IncidentJustification } from '../incidents/schemas.js';
import type { RemediationTables, SurveyLinksTable, SurveyResponsesTable } from './migrations.js';

export type LinkRecord = Selectable<SurveyLinksTable>;
export type ResponseRecord = Selectable<SurveyResponsesTable>;
type Exec = Kysely<RemediationTables> | AnyExec;

/** The only code that reads or writes survey_links and survey_responses. */
export class RemediationStore {
  constructor(readonly db: Kysely<RemediationTables>) {}

  private q(exec: Exec): Kysely<RemediationTables> {
    return exec as Kysely<RemediationTables>;
  }

  async nextRound(exec: Exec, orgId: number, incidentId: number, purpose: LinkRecord['purpose']): Promise<number> {
    const row = await this.q(exec)
      .selectFrom('survey_links')
      .select((eb) => eb.fn.max('round').as('max'))
      .where('org_id', '=', orgId)
      .where('incident_id', '=', incidentId)
      .where('purpose', '=', purpose)
      .executeTakeFirst();
    return Number(row?.max ?? 0) + 1;
  }

  /** The newest link of this purpose that is neither answered nor expired. */
  openLink(exec: Exec, orgId: number, incidentId: number, purpose: LinkRecord['purpose'], now: string): Promise<LinkRecord | undefined> {
    return this.q(exec)
      .selectFrom('survey_links')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('incident_id', '=', incidentId)
      .where('purpose', '=', purpose)
      .where('answered_at', 'is', null)
      .where('expires_at', '>', now)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  async insertLink(exec: Exec, row: Omit<LinkRecord, 'id'>): Promise<LinkRecord> {
    return this.q(exec).insertInto('survey_links').values(row).returningAll().executeTakeFirstOrThrow();
  }

  byTokenHash(exec: Exec, tokenHash: string): Promise<LinkRecord | undefined> {
    return this.q(exec).selectFrom('survey_links').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  }

  /** Marks the link answered; false when another answer got there first (the link is final). */
  async markAnswered(exec: Exec, id: number, at: string): Promise<boolean> {
    const r = await this.q(exec).updateTable('survey_links').set({ answered_at: at }).where('id', '=', id).where('answered_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async insertResponse(exec: Exec, row: Omit<ResponseRecord, 'id'>): Promise<void> {
    await this.q(exec).insertInto('survey_responses').values(row).execute();
  }

  /** The incident's newest link of this purpose, answered or not. */
  latestLink(orgId: number, incidentId: number, purpose: LinkRecord['purpose']): Promise<LinkRecord | undefined> {
    return this.db
      .selectFrom('survey_links')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('incident_id', '=', incidentId)
      .where('purpose', '=', purpose)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  responseOf(orgId: number, linkId: number): Promise<ResponseRecord | undefined> {
    return this.db.selectFrom('survey_responses').selectAll().where('org_id', '=', orgId).where('link_id', '=', linkId).executeTakeFirst();
  }

  links(orgId: number, incidentId: number): Promise<LinkRecord[]> {
    return this.db
      .selectFrom('survey_links')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('incident_id', '=', incidentId)
      .orderBy('id', 'desc')
      .limit(200)
      .execute();
  }

  responses(orgId: number, incidentId: number): Promise<ResponseRecord[]> {
    return this.db
      .selectFrom('survey_responses')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('incident_id', '=', incidentId)
      .orderBy('id', 'desc')
      .limit(200)
      .execute();
  }

  /** Each incident's latest end-user answer (the list's Justification columns), for one page of incidents. */
  async latestJustifications(exec: Exec, orgId: number, incidentIds: number[]): Promise<Map<number, IncidentJustification>> {
    const rows = await this.q(exec)
      .selectFrom('survey_responses')
      .select(['incident_id', 'justification_type', 'reason', 'responded_at'])
      .where('org_id', '=', orgId)
      .where('incident_id', 'in', incidentIds)
      .where('purpose', '=', 'justification')
      .orderBy('id', 'desc')
      .execute();
    const out = new Map<number, IncidentJustification>();
    for (const r of rows)
      if (!out.has(r.incident_id) && r.justification_type)
        out.set(r.incident_id, { reason: r.justification_type, note: r.reason, respondedAt: r.responded_at });
    return out;
  }
}
