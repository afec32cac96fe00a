import type { Generated, Kysely } from 'kysely';
import type { Dialect } from '../../platform/db/database.js';
import { withId } from '../../platform/db/schema-helpers.js';

/** A workflow made from a template; its settings live in versions (edits make a new one). */
export interface WorkflowsTable {
  id: Generated<number>;
  org_id: number;
  name: string;
  description: string | null;
  template: string;
  /** The version new executions start on. */
  current_version: number;
  created_at: string;
  updated_at: string;
}

/** Immutable: an execution runs the steps of the version it started on. */
export interface WorkflowVersionsTable {
  id: Generated<number>;
  org_id: number;
  workflow_id: number;
  version: number;
  /** JSON: the workflow's settings as saved. */
  settings: string;
  /** JSON: the steps with their settings (steps.ts StepSpec[]). */
  steps: string;
  created_by: string;
  created_at: string;
}

/** Ordered statements: the first that matches an incident chooses its workflow. */
export interface WorkflowMappingsTable {
  id: Generated<number>;
  org_id: number;
  position: number;
  workflow_id: number;
  source_dlp_type: string;
  /** JSON condition tree (conditions.ts) or null: every incident of the source type. */
  condition: string | null;
  created_at: string;
  updated_at: string;
}

export type ExecutionStatus = 'running' | 'completed' | 'failed';

/** One incident running one workflow version. `trigger_key` makes ingestion evaluate an incident once. */
export interface WorkflowExecutionsTable {
  id: Generated<number>;
  org_id: number;
  incident_id: number;
  workflow_id: number;
  workflow_name: string;
  version_id: number;
  /** "ingest" (one per incident, unique) or "manual:<n>" for Run workflow. */
  trigger_key: string;
  status: ExecutionStatus;
  /** Index of the next step to run. */
  next_step: number;
  reason: string | null;
  started_by: string;
  started_at: string;
  finished_at: string | null;
}

/** A step's recorded outcome; unique per execution and step so a step is recorded (and run) once. */
export interface WorkflowStepOutcomesTable {
  id: Generated<number>;
  org_id: number;
  execution_id: number;
  step_index: number;
  kind: string;
  /** `waiting`: suspended until `wait_until` or an event wakes it; `skipped`: its `when` did not hold. */
  status: 'started' | 'waiting' | 'done' | 'skipped' | 'failed';
  detail: string | null;
  ticket_id: number | null;
  /** The branch this step chose (a response step: the answer, or "No Response"); later steps' `when` reads it. */
  branch: string | null;
  /** While waiting: when the step runs again at the latest. */
  wait_until: string | null;
  attempts: number;
  started_at: string;
  finished_at: string | null;
}

export interface WorkflowsTables {
  workflows: WorkflowsTable;
  workflow_versions: WorkflowVersionsTable;
  workflow_mappings: WorkflowMappingsTable;
  workflow_executions: WorkflowExecutionsTable;
  workflow_step_outcomes: WorkflowStepOutcomesTable;
}

export async function workflowsInit(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await withId(db.schema.createTable('workflows'), dialect)
    .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('template', 'text', (c) => c.notNull())
    .addColumn('current_version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('workflows_org_name_unique').on('workflows').columns(['org_id', 'name']).unique().execute();

  await withId(db.schema.createTable('workflow_versions'), dialect)
    .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('workflow_id', 'integer', (c) => c.notNull().references('workflows.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('steps', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('workflow_versions_unique').on('workflow_versions').columns(['workflow_id', 'version']).unique().execute();

  await withId(db.schema.createTable('workflow_mappings'), dialect)
    .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    // Restrict: a workflow in use by a statement cannot be deleted (the service says so first).
    .addColumn('workflow_id', 'integer', (c) => c.notNull().references('workflows.id'))
    .addColumn('source_dlp_type', 'text', (c) => c.notNull())
    .addColumn('condition', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('workflow_mappings_org_position').on('workflow_mappings').columns(['org_id', 'position']).execute();

  await withId(db.schema.createTable('workflow_executions'), dialect)
    .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('incident_id', 'integer', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
    // No foreign key to workflows: history stays when a workflow is deleted (its name is copied).
    .addColumn('workflow_id', 'integer', (c) => c.notNull())
    .addColumn('workflow_name', 'text', (c) => c.notNull())
    .addColumn('version_id', 'integer', (c) => c.notNull())
    .addColumn('trigger_key', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('next_step', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('started_by', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema
    .createIndex('workflow_executions_trigger_unique')
    .on('workflow_executions')
    .columns(['org_id', 'incident_id', 'trigger_key'])
    .unique()
    .execute();
  await db.schema.createIndex('workflow_executions_status').on('workflow_executions').columns(['org_id', 'status']).execute();

  await withId(db.schema.createTable('workflow_step_outcomes'), dialect)
    .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('execution_id', 'integer', (c) => c.notNull().references('workflow_executions.id').onDelete('cascade'))
    .addColumn('step_index', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('detail', 'text')
    .addColumn('ticket_id', 'integer')
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema.createIndex('workflow_step_outcomes_unique').on('workflow_step_outcomes').columns(['execution_id', 'step_index']).unique().execute();
}

/** Steps that suspend and choose a branch (Wait for Response): the outcome keeps both. */
export async function workflowsBranches(db: Kysely<unknown>): Promise<void> {
  // One column per statement: SQLite's ALTER TABLE adds one at a time.
  await db.schema.alterTable('workflow_step_outcomes').addColumn('branch', 'text').execute();
  await db.schema.alterTable('workflow_step_outcomes').addColumn('wait_until', 'text').execute();
}
