import { useEffect, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Badge, Button, Group, Select, Stack, Text } from '@mantine/core';
import { DataList } from '../../components/DataList';
import { useAuth } from '../../auth';
import { Dialog } from '../../components/Dialog';
import { DateTime, ErrorState, Loading, formatDateTime } from '../../components/common';
import { FormError } from '../../components/forms';
import { notifyError, notifySuccess } from '../../components/notify';
import { Section } from '../incidents/Section';
import { incidentKeys } from '../incidents/api';
import { ticketKeys } from '../tickets/api';
import { useExecutions, useRunWorkflow, useWorkflows, type ExecutionView } from './api';

const STATUS_COLOR: Record<string, string> = {
  running: 'blue',
  completed: 'green',
  failed: 'red',
  pending: 'gray',
  started: 'blue',
  waiting: 'yellow',
  done: 'green',
  skipped: 'gray',
};

/** Incident Details > Workflow: which workflow ran, each step with its time and outcome, the ticket it made; Run workflow. */
export function WorkflowSection({ incidentId }: { incidentId: number }) {
  const { can } = useAuth();
  const canRun = can('Incidents', 'edit') && can('Workflows and Mappings', 'view');
  const q = useExecutions(incidentId);
  useIncidentFollowsSteps(incidentId, q.data?.items);
  const [open, setOpen] = useState(false);
  return (
    <Section
      title="Workflow"
      testId="workflow-section"
      actions={
        canRun ? (
          <Button size="compact-sm" variant="light" onClick={() => setOpen(true)}>
            Run workflow
          </Button>
        ) : null
      }
    >
      {q.isLoading ? (
        <Loading label="Loading workflow runs…" />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : !q.data?.items.length ? (
        <Text size="sm" c="dimmed">
          No workflow has run on this incident.
        </Text>
      ) : (
        <Stack>
          {q.data.items.map((e) => (
            <Execution key={e.id} e={e} />
          ))}
        </Stack>
      )}
      {canRun ? <RunDialog incidentId={incidentId} opened={open} onClose={() => setOpen(false)} /> : null}
    </Section>
  );
}

/**
 * A step that finishes may have changed the incident (closed it, asked for its ticket, notified its
 * user): when the steps on screen move on, the rest of Incident Details is read again, so the page
 * agrees with its Workflow section without a reload.
 */
function useIncidentFollowsSteps(incidentId: number, executions: ExecutionView[] | undefined) {
  const qc = useQueryClient();
  const progress = executions?.map((e) => `${e.id}:${e.status}:${e.steps.map((s) => s.status).join(',')}`).join('|');
  const seen = useRef(progress);
  useEffect(() => {
    if (seen.current !== undefined && progress !== undefined && progress !== seen.current) {
      void qc.invalidateQueries({ queryKey: incidentKeys.details(incidentId) });
      void qc.invalidateQueries({ queryKey: ticketKeys.incident(incidentId) });
    }
    seen.current = progress;
  }, [qc, incidentId, progress]);
}

function Execution({ e }: { e: ExecutionView }) {
  const waiting = e.status === 'running' ? e.steps.find((s) => s.status === 'waiting' && s.waitingUntil) : undefined;
  return (
    <Stack gap={4} data-testid={`execution-${e.id}`}>
      <Group gap="xs">
        <Text fw={600} size="sm">
          {e.workflowName}
        </Text>
        <Badge color={STATUS_COLOR[e.status]} variant="light">
          {e.status}
        </Badge>
        <Text size="xs" c="dimmed">
          {e.trigger === 'ingest' ? 'On ingestion' : `Run by ${e.startedBy}`}, <DateTime value={e.startedAt} />
        </Text>
      </Group>
      {e.reason ? (
        <Text size="sm" c="red">
          Stopped: {e.reason}
        </Text>
      ) : null}
      {waiting ? (
        <Text size="sm" role="status" data-testid="workflow-waiting">
          Waiting for response until {formatDateTime(waiting.waitingUntil)}
        </Text>
      ) : null}
      <DataList
        label={`Steps of ${e.workflowName}`}
        items={e.steps}
        rowKey={(s) => s.index}
        minWidth={560}
        verticalSpacing="xs"
        cardTitle={(s) => (
          <Text size="sm" fw={500}>
            {s.label}
          </Text>
        )}
        columns={[
          { header: 'Step', cell: (s) => s.label, card: null },
          {
            header: 'Outcome',
            cell: (s) => (
              <Badge color={STATUS_COLOR[s.status]} variant="light">
                {s.status}
              </Badge>
            ),
          },
          { header: 'Time', cell: (s) => <DateTime value={s.finishedAt ?? s.startedAt} /> },
          {
            header: 'Details',
            cell: (s) => (
              <>
                <Text size="sm">
                  {s.detail ?? '—'}
                  {s.ticketId ? ` (ticket #${s.ticketId}, see Ticket)` : ''}
                  {s.status !== 'waiting' && s.attempts > 1 ? ` — ${s.attempts} attempts` : ''}
                </Text>
                {s.branch ? (
                  <Badge mt={4} variant="outline" color="grape">
                    Branch: {s.branch}
                  </Badge>
                ) : null}
                {s.waitingUntil ? (
                  <Text size="xs" c="dimmed">
                    Until <DateTime value={s.waitingUntil} />
                  </Text>
                ) : null}
              </>
            ),
          },
        ]}
      />
    </Stack>
  );
}

function RunDialog({ incidentId, opened, onClose }: { incidentId: number; opened: boolean; onClose(): void }) {
  // Only once opened: the list needs Workflows and Mappings view, which not every incident viewer has.
  const workflows = useWorkflows({}, opened);
  const [id, setId] = useState<string | null>(null);
  const run = useRunWorkflow(incidentId, {
    onSuccess: (e) => {
      notifySuccess('Workflow started', `${e.workflowName} is running on this incident.`);
      onClose();
    },
    onError: (err) => notifyError('Could not run the workflow', err),
  });
  return (
    <Dialog opened={opened} onClose={run.isPending ? () => undefined : onClose} title="Run workflow" centered>
      <Stack>
        <FormError error={run.isError ? run.error : null} />
        <Select
          label="Workflow Name"
          data={(workflows.data?.items ?? []).map((w) => ({ value: String(w.id), label: `${w.name} (${w.templateName})` }))}
          value={id}
          onChange={setId}
          nothingFoundMessage="No workflow; add one on Workflows"
          searchable
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={run.isPending}>
            Cancel
          </Button>
          <Button onClick={() => run.mutate(Number(id))} disabled={!id} loading={run.isPending}>
            Run
          </Button>
        </Group>
      </Stack>
    </Dialog>
  );
}
