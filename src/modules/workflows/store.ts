import type { Kysely, Selectable } from 'kysely';
import { nowIso } from '../../platform/db/database.js';
import type { AnyExec } from '../../platform/db/database.js';
import type { Exec as ExecOf } from '../../platform/db/exec.js';
import type {
  WorkflowExecutionsTable,
  WorkflowMappingsTable,
  WorkflowStepOutcomesTable,
  WorkflowsTable,
  WorkflowsTables,
  WorkflowVersionsTable,
} from './migrations.js';

type Exec = ExecOf<WorkflowsTables>;
export type WorkflowRecord = Selectable<WorkflowsTable>;
export type VersionRecord = Selectable<WorkflowVersionsTable>;
export type MappingRecord = Selectable<WorkflowMappingsTable>;
export type ExecutionRecord = Selectable<WorkflowExecutionsTable>;
export type OutcomeRecord = Selectable<WorkflowStepOutcomesTable>;

/** The only code that reads or writes the workflows tables; every query filters by org. */
export class WorkflowsStore {
  constructor(private readonly db: Kysely<WorkflowsTables>) {}

  private x(exec?: AnyExec): Exec {
    return (exec as Exec | undefined) ?? this.db;
  }

  // ---------------------------------------------------------------- workflows and versions

  listWorkflows(orgId: number, exec?: AnyExec): Promise<WorkflowRecord[]> {
    return this.x(exec).selectFrom('workflows').selectAll().where('org_id', '=', orgId).orderBy('name').execute();
  }

  getWorkflow(orgId: number, id: number, exec?: AnyExec): Promise<WorkflowRecord | undefined> {
    return this.x(exec).selectFrom('workflows').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  }

  async insertWorkflow(exec: AnyExec, row: Omit<WorkflowRecord, 'id'>): Promise<number> {
    const r = await this.x(exec).insertInto('workflows').values(row).returning('id').executeTakeFirstOrThrow();
    return r.id;
  }

  async updateWorkflow(exec: AnyExec, orgId: number, id: number, patch: Partial<Omit<WorkflowRecord, 'id' | 'org_id'>>): Promise<void> {
    await this.x(exec).updateTable('workflows').set(patch).where('org_id', '=', orgId).where('id', '=', id).execute();
  }

  async deleteWorkflow(exec: AnyExec, orgId: number, id: number): Promise<void> {
    await this.x(exec).deleteFrom('workflows').where('org_id', '=', orgId).where('id', '=', id).execute();
  }

  async insertVersion(exec: AnyExec, row: Omit<VersionRecord, 'id'>): Promise<number> {
    const r = await this.x(exec).insertInto('workflow_versions').values(row).returning('id').executeTakeFirstOrThrow();
    return r.id;
  }

  version(orgId: number, workflowId: number, version: number, exec?: AnyExec): Promise<VersionRecord | undefined> {
    return this.x(exec)
      .selectFrom('workflow_versions')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('workflow_id', '=', workflowId)
      .where('version', '=', version)
      .executeTakeFirst();
  }

  versionById(orgId: number, id: number, exec?: AnyExec): Promise<VersionRecord | undefined> {
    return this.x(exec).selectFrom('workflow_versions').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  }

  /** Each workflow's current version id, in one query (ingestion's evaluation reads it per batch). */
  async currentVersionIds(orgId: number): Promise<Map<number, number>> {
    const rows = await this.db
      .selectFrom('workflow_versions as v')
      .innerJoin('workflows as w', (j) => j.onRef('w.id', '=', 'v.workflow_id').onRef('w.current_version', '=', 'v.version'))
      .select(['w.id as workflowId', 'v.id as versionId'])
      .where('w.org_id', '=', orgId)
      .execute();
    return new Map(rows.map((r) => [r.workflowId, r.versionId]));
  }

  // ---------------------------------------------------------------- mappings

  mappings(orgId: number, exec?: AnyExec): Promise<MappingRecord[]> {
    return this.x(exec).selectFrom('workflow_mappings').selectAll().where('org_id', '=', orgId).orderBy('position').orderBy('id').execute();
  }

  /** What identifies the org's statements as evaluated: each with its position, change time and workflow's version. */
  mappingStamps(orgId: number) {
    return this.db
      .selectFrom('workflow_mappings as m')
      .innerJoin('workflows as w', 'w.id', 'm.workflow_id')
      .select(['m.id', 'm.position', 'm.updated_at', 'm.workflow_id', 'w.current_version', 'w.updated_at as workflow_updated_at'])
      .where('m.org_id', '=', orgId)
      .orderBy('m.position')
      .orderBy('m.id')
      .execute();
  }

  mapping(orgId: number, id: number, exec?: AnyExec): Promise<MappingRecord | undefined> {
    return this.x(exec).selectFrom('workflow_mappings').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  }

  async countMappingsOf(orgId: number, workflowId: number, exec?: AnyExec): Promise<number> {
    const r = await this.x(exec)
      .selectFrom('workflow_mappings')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('org_id', '=', orgId)
      .where('workflow_id', '=', workflowId)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async insertMapping(exec: AnyExec, row: Omit<MappingRecord, 'id'>): Promise<number> {
    const r = await this.x(exec).insertInto('workflow_mappings').values(row).returning('id').executeTakeFirstOrThrow();
    return r.id;
  }

  async updateMapping(exec: AnyExec, orgId: number, id: number, patch: Partial<Omit<MappingRecord, 'id' | 'org_id'>>): Promise<void> {
    await this.x(exec).updateTable('workflow_mappings').set(patch).where('org_id', '=', orgId).where('id', '=', id).execute();
  }

  async deleteMapping(exec: AnyExec, orgId: number, id: number): Promise<void> {
    await this.x(exec).deleteFrom('workflow_mappings').where('org_id', '=', orgId).where('id', '=', id).execute();
  }

  // ---------------------------------------------------------------- executions

  /** The new execution's id, or null when this incident already has one for this trigger. */
  async insertExecution(exec: AnyExec, row: Omit<ExecutionRecord, 'id'>): Promise<number | null> {
    const r = await this.x(exec)
      .insertInto('workflow_executions')
      .values(row)
      .onConflict((oc) => oc.columns(['org_id', 'incident_id', 'trigger_key']).doNothing())
      .returning('id')
      .executeTakeFirst();
    return r?.id ?? null;
  }

  /** Many new executions; those whose incident already has one for the trigger are left out of the result. */
  async insertExecutions(exec: AnyExec, rows: Omit<ExecutionRecord, 'id'>[]): Promise<{ id: number; incident_id: number }[]> {
    const out: { id: number; incident_id: number }[] = [];
    for (let i = 0; i < rows.length; i += 200) {
      out.push(
        ...(await this.x(exec)
          .insertInto('workflow_executions')
          .values(rows.slice(i, i + 200))
          .onConflict((oc) => oc.columns(['org_id', 'incident_id', 'trigger_key']).doNothing())
          .returning(['id', 'incident_id'])
          .execute()),
      );
    }
    return out;
  }

  executionByTrigger(orgId: number, incidentId: number, triggerKey: string): Promise<ExecutionRecord | undefined> {
    return this.db
      .selectFrom('workflow_executions')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('incident_id', '=', incidentId)
      .where('trigger_key', '=', triggerKey)
      .executeTakeFirst();
  }

  execution(id: number, exec?: AnyExec): Promise<ExecutionRecord | undefined> {
    return this.x(exec).selectFrom('workflow_executions').selectAll().where('id', '=', id).executeTakeFirst();
  }

  executionsOf(orgId: number, incidentId: number): Promise<ExecutionRecord[]> {
    return this.db
      .selectFrom('workflow_executions')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('incident_id', '=', incidentId)
      .orderBy('id', 'desc')
      .execute();
  }

  /** Moves the execution past `step` only if no one else did (compare-and-set); false otherwise. */
  async advance(exec: AnyExec, id: number, step: number, patch: Partial<Pick<ExecutionRecord, 'status' | 'finished_at' | 'reason'>>): Promise<boolean> {
    const r = await this.x(exec)
      .updateTable('workflow_executions')
      .set({ ...patch, next_step: step + 1 })
      .where('id', '=', id)
      .where('next_step', '=', step)
      .where('status', '=', 'running')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async stop(exec: AnyExec, id: number, reason: string): Promise<boolean> {
    const r = await this.x(exec)
      .updateTable('workflow_executions')
      .set({ status: 'failed', reason, finished_at: nowIso() })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  // ---------------------------------------------------------------- step outcomes

  outcome(executionId: number, step: number, exec?: AnyExec): Promise<OutcomeRecord | undefined> {
    return this.x(exec)
      .selectFrom('workflow_step_outcomes')
      .selectAll()
      .where('execution_id', '=', executionId)
      .where('step_index', '=', step)
      .executeTakeFirst();
  }

  outcomesOf(executionIds: number[]): Promise<OutcomeRecord[]> {
    if (!executionIds.length) return Promise.resolve([]);
    return this.db.selectFrom('workflow_step_outcomes').selectAll().where('execution_id', 'in', executionIds).orderBy('step_index').execute();
  }

  /**
   * Records that a step is starting (or starting again). `resumed`: an earlier attempt had started
   * it; `firstStartedAt`: when the first attempt started (what it may have done is newer).
   */
  async markStarted(orgId: number, executionId: number, step: number, kind: string): Promise<{ resumed: boolean; firstStartedAt: string }> {
    const now = nowIso();
    const inserted = await this.db
      .insertInto('workflow_step_outcomes')
      .values({
        org_id: orgId,
        execution_id: executionId,
        step_index: step,
        kind,
        status: 'started',
        detail: null,
        ticket_id: null,
        attempts: 1,
        started_at: now,
        finished_at: null,
      })
      .onConflict((oc) => oc.columns(['execution_id', 'step_index']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted) return { resumed: false, firstStartedAt: now };
    const r = await this.db
      .updateTable('workflow_step_outcomes')
      .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
      .where('execution_id', '=', executionId)
      .where('step_index', '=', step)
      .returning('started_at')
      .executeTakeFirstOrThrow();
    return { resumed: true, firstStartedAt: r.started_at };
  }

  async noteAttemptFailed(executionId: number, step: number, detail: string): Promise<void> {
    await this.db
      .updateTable('workflow_step_outcomes')
      .set({ detail })
      .where('execution_id', '=', executionId)
      .where('step_index', '=', step)
      .where('status', '=', 'started')
      .execute();
  }

  /** The step's final outcome; false when it was already final (another worker finished it). */
  async finishOutcome(exec: AnyExec, executionId: number, step: number, patch: Pick<OutcomeRecord, 'status' | 'detail' | 'ticket_id'>): Promise<boolean> {
    const r = await this.x(exec)
      .updateTable('workflow_step_outcomes')
      .set({ ...patch, finished_at: nowIso() })
      .where('execution_id', '=', executionId)
      .where('step_index', '=', step)
      .where('status', '=', 'started')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
}
