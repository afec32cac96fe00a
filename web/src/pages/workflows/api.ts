/**
 * Workflows API for the web app (contract: src/modules/workflows/schemas.ts). Types come from the
 * server's zod schemas as type-only imports; the bundler erases them.
 */
import { useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import { del, get, patch, post, put } from '../../api/client';
import { useInvalidatingMutation, type MutationCallbacks } from '../../api/mutation';
import type {
  Condition,
  ExecutionView,
  MappingBody,
  MappingView,
  Predicate,
  TemplateView,
  TestResult,
  TicketingOptions,
  WorkflowSettings,
  WorkflowView,
  bulkRunResult,
  createWorkflowBody,
  updateWorkflowBody,
  vocabularyView,
} from '@server/modules/workflows/schemas';

export type { Condition, ExecutionView, MappingBody, MappingView, Predicate, TemplateView, TestResult, TicketingOptions, WorkflowSettings, WorkflowView };
export type CreateWorkflowBody = z.input<typeof createWorkflowBody>;
export type UpdateWorkflowBody = z.input<typeof updateWorkflowBody>;
export type Vocabulary = z.infer<typeof vocabularyView>;
export type BulkRunResult = z.infer<typeof bulkRunResult>;
export type TestInput = { incidentId: number } | { incident: Record<string, unknown> };

/** A zod-free copy of the server's SOURCE_DLP_TYPES (the schemas module cannot be bundled). */
export const SOURCE_DLP_TYPES = ['Any', 'Email', 'Endpoint', 'Inline', 'SaaS Security'] as const;

export const workflowKeys = {
  all: ['workflows'] as const,
  templates: () => ['workflows', 'templates'] as const,
  list: (q: WorkflowListParams = {}) => ['workflows', 'list', q] as const,
  one: (id: number) => ['workflows', 'one', id] as const,
  ticketing: () => ['workflows', 'ticketing-options'] as const,
  mappings: () => ['workflows', 'mappings'] as const,
  vocabulary: () => ['workflows', 'vocabulary'] as const,
  executions: (incidentId: number) => ['workflows', 'executions', incidentId] as const,
};

export type WorkflowListParams = { search?: string; template?: string; mapped?: 'yes' | 'no' };

export function useTemplates() {
  return useQuery({ queryKey: workflowKeys.templates(), queryFn: () => get<{ items: TemplateView[] }>('/workflow-templates') });
}

export function useWorkflows(q: WorkflowListParams = {}, enabled = true) {
  return useQuery({ queryKey: workflowKeys.list(q), queryFn: () => get<{ items: WorkflowView[] }>('/workflows', q), enabled });
}

export function useWorkflow(id: number | null) {
  return useQuery({ queryKey: workflowKeys.one(id ?? 0), queryFn: () => get<WorkflowView>(`/workflows/${id}`), enabled: id !== null });
}

export function useTicketingOptions(enabled = true) {
  return useQuery({ queryKey: workflowKeys.ticketing(), queryFn: () => get<TicketingOptions>('/workflows/ticketing-options'), enabled, staleTime: 30_000 });
}

export function useMappings() {
  return useQuery({ queryKey: workflowKeys.mappings(), queryFn: () => get<{ items: MappingView[] }>('/workflow-mappings') });
}

export function useVocabulary() {
  return useQuery({ queryKey: workflowKeys.vocabulary(), queryFn: () => get<Vocabulary>('/workflow-mappings/vocabulary'), staleTime: Infinity });
}

/** An incident's executions; refreshed while one is running so steps appear as they finish. */
export function useExecutions(incidentId: number) {
  return useQuery({
    queryKey: workflowKeys.executions(incidentId),
    queryFn: () => get<{ items: ExecutionView[] }>(`/incidents/${incidentId}/workflow-executions`),
    refetchInterval: (q) => (q.state.data?.items.some((e) => e.status === 'running') ? 3_000 : false),
  });
}

export const createWorkflow = (body: CreateWorkflowBody) => post<WorkflowView>('/workflows', body);
export const updateWorkflow = (id: number, body: UpdateWorkflowBody) => patch<WorkflowView>(`/workflows/${id}`, body);
export const deleteWorkflow = (id: number) => del(`/workflows/${id}`);
export const addMapping = (body: MappingBody) => post<MappingView>('/workflow-mappings', body);
export const updateMapping = (id: number, body: MappingBody) => put<MappingView>(`/workflow-mappings/${id}`, body);
export const deleteMapping = (id: number) => del(`/workflow-mappings/${id}`);
export const moveMapping = (id: number, direction: 'up' | 'down') => post<{ items: MappingView[] }>(`/workflow-mappings/${id}/move`, { direction });
export const testMappings = (body: TestInput) => post<TestResult>('/workflow-mappings/test', body);
export const runWorkflow = (incidentId: number, workflowId: number) => post<ExecutionView>(`/incidents/${incidentId}/workflow-executions`, { workflowId });
export const runWorkflowMany = (ids: number[], workflowId: number, requestId: string) =>
  post<BulkRunResult>('/incidents/bulk/run-workflow', { ids, workflowId, requestId });

/** A condition as one line of text (the mappings list and the Test panel show it). */
export function conditionText(c: Condition | null): string {
  if (!c) return 'Every incident';
  switch (c.type) {
    case 'predicate':
      return `${c.property} ${c.operation}${c.value === undefined ? '' : ` ${Array.isArray(c.value) ? `[${c.value.map((v) => JSON.stringify(v)).join(', ')}]` : JSON.stringify(c.value)}`}`;
    case 'not':
      return `NOT (${conditionText(c.item)})`;
    default:
      return c.items.map((i) => (i.type === 'and' || i.type === 'or' ? `(${conditionText(i)})` : conditionText(i))).join(` ${c.type.toUpperCase()} `);
  }
}

/** Delete a workflow (refused while a mapping uses it); every workflow list and mapping refetches. */
export function useDeleteWorkflow(cb?: MutationCallbacks<void, WorkflowView>) {
  return useInvalidatingMutation((w: WorkflowView) => deleteWorkflow(w.id), [workflowKeys.all], cb);
}

/** Delete a mapping statement; the order of the others and the workflows' Mapping column change. */
export function useDeleteMapping(cb?: MutationCallbacks<void, MappingView>) {
  return useInvalidatingMutation((m: MappingView) => deleteMapping(m.id), [workflowKeys.all], cb);
}

/** Add Pre-defined Workflow (no `id`: `template` given) or save a workflow's settings as a new version. */
export function useSaveWorkflow(id: number | null, cb?: MutationCallbacks<WorkflowView, CreateWorkflowBody>) {
  return useInvalidatingMutation(
    (body: CreateWorkflowBody) => (id ? updateWorkflow(id, { name: body.name, description: body.description, settings: body.settings }) : createWorkflow(body)),
    [workflowKeys.all],
    cb,
  );
}

/** Add Statement (no `id`) or edit one. */
export function useSaveMapping(id: number | null, cb?: MutationCallbacks<MappingView, MappingBody>) {
  return useInvalidatingMutation((body: MappingBody) => (id ? updateMapping(id, body) : addMapping(body)), [workflowKeys.all], cb);
}

export function useMoveMapping(cb?: MutationCallbacks<{ items: MappingView[] }, { id: number; direction: 'up' | 'down' }>) {
  return useInvalidatingMutation(({ id, direction }: { id: number; direction: 'up' | 'down' }) => moveMapping(id, direction), [workflowKeys.mappings()], cb);
}

/** The Test panel: evaluates the statements, changes nothing (so invalidates nothing). */
export function useTestMappings() {
  return useInvalidatingMutation((body: TestInput) => testMappings(body), []);
}

/** Run workflow on one incident: its executions and the incident (State Changes) refetch. */
export function useRunWorkflow(incidentId: number, cb?: MutationCallbacks<ExecutionView, number>) {
  return useInvalidatingMutation((workflowId: number) => runWorkflow(incidentId, workflowId), [workflowKeys.executions(incidentId), ['incidents']], cb);
}

/** Run workflow on the selected incidents: the list (Last Change, status) and every open incident's executions refetch. */
export function useRunWorkflowMany(cb?: MutationCallbacks<BulkRunResult, { ids: number[]; workflowId: number; requestId: string }>) {
  return useInvalidatingMutation(
    ({ ids, workflowId, requestId }: { ids: number[]; workflowId: number; requestId: string }) => runWorkflowMany(ids, workflowId, requestId),
    [['incidents'], ['workflows', 'executions']],
    cb,
  );
}
