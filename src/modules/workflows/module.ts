import { defineModule } from '../../platform/module.js';
import { seedDemoWorkflows } from './demo.js';
import { EVALUATE_JOB, STEP_JOB } from './engine.js';
import { workflowsBranches, workflowsInit } from './migrations.js';
import { workflowsRoutes } from './routes.js';
import { WorkflowsService, type WorkflowsDeps } from './service.js';

/** Workflows (issue #11): templates, workflows, mappings, and the durable engine run by the job queue. */
export const workflowsModule = defineModule({
  key: 'workflows',
  migrations: { '0600_workflows': workflowsInit, '0610_workflows_branches': workflowsBranches },
  tables: ['workflows', 'workflow_versions', 'workflow_mappings', 'workflow_executions', 'workflow_step_outcomes'],
  create: (deps: WorkflowsDeps) => new WorkflowsService(deps),
  routes: (service) => workflowsRoutes(service),
  demo: (service, actor) => seedDemoWorkflows(service, actor),
  jobs: {
    [EVALUATE_JOB]: (service, job) => service.runEvaluateJob(job),
    [STEP_JOB]: (service, job) => service.runStepJob(job),
  },
});
