import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Group, List, Select, Stack, Text } from '@mantine/core';
import { Dialog } from '../../components/Dialog';
import { FormError } from '../../components/forms';
import { useRunWorkflowMany, useWorkflows, type BulkRunResult } from './api';

const plural = (n: number) => `${n.toLocaleString()} incident${n === 1 ? '' : 's'}`;
/** Failures listed by name in the summary; the rest are counted. */
const SHOWN_FAILURES = 10;

/**
 * Incidents list > Actions > Run workflow: pick a workflow, confirm on the count of selected
 * incidents, then a summary of what started and what did not (each refusal with its reason). One
 * request id per opening, so sending again after a lost answer starts nothing twice.
 */
export function BulkRunDialog({ ids, opened, onClose, onDone }: { ids: number[]; opened: boolean; onClose(): void; onDone(): void }) {
  const workflows = useWorkflows({}, opened);
  const [workflowId, setWorkflowId] = useState<string | null>(null);
  const [requestId, setRequestId] = useState(() => crypto.randomUUID());
  const [result, setResult] = useState<BulkRunResult | null>(null);
  const run = useRunWorkflowMany({ onSuccess: (r) => setResult(r) });
  const closeButton = useRef<HTMLButtonElement>(null);
  // The form the focus was in is gone once the summary shows: the summary's Close takes it.
  useEffect(() => {
    if (result) closeButton.current?.focus();
  }, [result]);

  useEffect(() => {
    if (!opened) return;
    setWorkflowId(null);
    setResult(null);
    setRequestId(crypto.randomUUID());
    run.reset();
  }, [opened]); // eslint-disable-line react-hooks/exhaustive-deps

  const close = () => {
    if (run.isPending) return;
    if (result && result.succeeded > 0) onDone();
    onClose();
  };
  const chosen = workflows.data?.items.find((w) => String(w.id) === workflowId);
  const failures = result?.results.filter((r) => !r.ok) ?? [];

  return (
    <Dialog opened={opened} onClose={close} title="Run workflow" centered>
      {result ? (
        <Stack>
          <Alert
            color={result.failed ? (result.succeeded ? 'yellow' : 'red') : 'green'}
            role="status"
            title={`${result.workflowName}: started on ${plural(result.succeeded)}`}
          >
            {result.failed ? `${plural(result.failed)} not started.` : 'Each incident runs its own execution; Incident Details shows its steps.'}
            {result.results.some((r) => r.alreadyStarted) ? ' Some had already been started by this same request and were not started again.' : ''}
          </Alert>
          {failures.length ? (
            <List size="sm" aria-label="Incidents not started">
              {failures.slice(0, SHOWN_FAILURES).map((f) => (
                <List.Item key={f.id}>
                  Incident {f.id}: {f.error?.message}
                </List.Item>
              ))}
              {failures.length > SHOWN_FAILURES ? <List.Item>…and {plural(failures.length - SHOWN_FAILURES)} more.</List.Item> : null}
            </List>
          ) : null}
          <Group justify="flex-end">
            <Button onClick={close} ref={closeButton}>
              Close
            </Button>
          </Group>
        </Stack>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (chosen) run.mutate({ ids, workflowId: chosen.id, requestId });
          }}
        >
          <Stack>
            <FormError error={run.isError ? run.error : workflows.isError ? workflows.error : null} />
            <Select
              label="Workflow Name"
              data={(workflows.data?.items ?? []).map((w) => ({ value: String(w.id), label: `${w.name} (${w.templateName})` }))}
              value={workflowId}
              onChange={setWorkflowId}
              disabled={run.isPending}
              placeholder={workflows.isLoading ? 'Loading workflows…' : 'Pick a workflow'}
              nothingFoundMessage="No workflow; add one on Workflows"
              searchable
              required
            />
            <Text size="sm" aria-live="polite">
              {run.isPending
                ? `Starting ${chosen?.name ?? 'the workflow'} on ${plural(ids.length)}…`
                : chosen
                  ? `${chosen.name} will start on the ${plural(ids.length)} selected, each as its own execution.`
                  : `Pick the workflow to run on the ${plural(ids.length)} selected.`}
            </Text>
            <Group justify="flex-end">
              <Button variant="default" onClick={close} disabled={run.isPending}>
                Cancel
              </Button>
              <Button type="submit" disabled={!chosen} loading={run.isPending}>
                Run on {plural(ids.length)}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Dialog>
  );
}
