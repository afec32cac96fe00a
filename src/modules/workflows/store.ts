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
import { chunks } from '../../platform/db/chunks.js';

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
  async currentVersionIds(orgId: number, exec?: AnyExec): Promise<Map<number, number>> {
    const rows = await this.x(exec)
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
  mappingStamps(orgId: number, exec?: AnyExec) {
    return this.x(exec)
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
    for (const part of chunks(rows, 200)) {
      out.push(
        ...(await this.x(exec)
          .insertInto('workflow_executions')
          .values(part)
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
   * Records that a step is starting (or starting again); null when there is nothing to run (its
   * outcome is final, or another job just took it out of waiting). `resumed`: an earlier attempt
   * had started it and may have acted (a wake from waiting is not a resumption); `firstStartedAt`:
   * when the first attempt started (what it may have done is newer).
   */
  async markStarted(orgId: number, executionId: number, step: number, kind: string): Promise<{ resumed: boolean; firstStartedAt: string } | null> {
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
        branch: null,
        wait_until: null,
        attempts: 1,
        started_at: now,
        finished_at: null,
      })
      .onConflict((oc) => oc.columns(['execution_id', 'step_index']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted) return { resumed: false, firstStartedAt: now };
    const current = await this.outcome(executionId, step);
    if (current?.status === 'waiting') {
      const woke = await this.db
        .updateTable('workflow_step_outcomes')
        .set({ status: 'started' })
        .where('execution_id', '=', executionId)
        .where('step_index', '=', step)
        .where('status', '=', 'waiting')
        .executeTakeFirst();
      return Number(woke.numUpdatedRows) > 0 ? { resumed: false, firstStartedAt: current.started_at } : null;
    }
    const r = await this.db
      .updateTable('workflow_step_outcomes')
      .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
      .where('execution_id', '=', executionId)
      .where('step_index', '=', step)
      .where('status', '=', 'started')
      .returning('started_at')
      .executeTakeFirst();
    return r ? { resumed: true, firstStartedAt: r.started_at } : null;
  }

  /** Suspends a started step until `until` (or a wake); false when its outcome moved on meanwhile. */
  async suspend(exec: AnyExec, executionId: number, step: number, detail: string, until: string): Promise<boolean> {
    const r = await this.x(exec)
      .updateTable('workflow_step_outcomes')
      .set({ status: 'waiting', detail, wait_until: until })
      .where('execution_id', '=', executionId)
      .where('step_index', '=', step)
      .where('status', '=', 'started')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** The branch chosen by the latest step before `step` that chose one. */
  async latestBranch(executionId: number, step: number): Promise<string | null> {
    const r = await this.db
      .selectFrom('workflow_step_outcomes')
      .select('branch')
      .where('execution_id', '=', executionId)
      .where('step_index', '<', step)
      .where('branch', 'is not', null)
      .orderBy('step_index', 'desc')
      .limit(1)
      .executeTakeFirst();
    return r?.branch ?? null;
  }

  /** The incident's running executions whose current step is waiting, or started and of a kind an event may wake. */
  wakeable(exec: AnyExec, orgId: number, incidentId: number, startedKinds: string[]): Promise<{ id: number; step: number }[]> {
    return this.x(exec)
      .selectFrom('workflow_executions as e')
      .innerJoin('workflow_step_outcomes as o', (j) => j.onRef('o.execution_id', '=', 'e.id').onRef('o.step_index', '=', 'e.next_step'))
      .select(['e.id as id', 'e.next_step as step'])
      .where('e.org_id', '=', orgId)
      .where('e.incident_id', '=', incidentId)
      .where('e.status', '=', 'running')
      .where((eb) =>
        eb.or([eb('o.status', '=', 'waiting'), ...(startedKinds.length ? [eb.and([eb('o.status', '=', 'started'), eb('o.kind', 'in', startedKinds)])] : [])]),
      )
      .execute();
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
  async finishOutcome(
    exec: AnyExec,
    executionId: number,
    step: number,
    patch: Pick<OutcomeRecord, 'status' | 'detail' | 'ticket_id'> & Partial<Pick<OutcomeRecord, 'branch'>>,
  ): Promise<boolean> {
    const r = await this.x(exec)
      .updateTable('workflow_step_outcomes')
      .set({ ...patch, wait_until: null, finished_at: nowIso() })
      .where('execution_id', '=', executionId)
      .where('step_index', '=', step)
      .where('status', 'in', ['started', 'waiting'])
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
}
