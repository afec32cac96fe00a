import { useState } from 'react';
import { Badge, Button, Group, List, NumberInput, Paper, SegmentedControl, Stack, Text, Textarea, Title } from '@mantine/core';
import { FormError } from '../../components/forms';
import { useTestMappings, type TestResult } from './api';

/** Test: an existing incident or a pasted one; shows the statement that matches and why earlier ones did not. Creates nothing. */
export function TestPanel() {
  const [mode, setMode] = useState<'incident' | 'json'>('incident');
  const [incidentId, setIncidentId] = useState<number | string>('');
  const [json, setJson] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);
  const run = useTestMappings();

  function test() {
    setLocalError(null);
    if (mode === 'incident') {
      if (!incidentId) return setLocalError('Give the id of an incident (it is in its Incident Details address).');
      return run.mutate({ incidentId: Number(incidentId) });
    }
    try {
      run.mutate({ incident: JSON.parse(json) as Record<string, unknown> });
    } catch (err) {
      setLocalError(`The pasted incident is not valid JSON: ${(err as Error).message}`);
    }
  }

  const r: TestResult | undefined = run.data;
  return (
    <Paper withBorder p="md" mt="lg" component="section" aria-label="Test">
      <Title order={2} size="h5" mb="sm">
        Test
      </Title>
      <Stack>
        <SegmentedControl
          w="fit-content"
          data={[
            { value: 'incident', label: 'Existing incident' },
            { value: 'json', label: 'Paste incident JSON' },
          ]}
          value={mode}
          onChange={(v) => setMode(v as 'incident' | 'json')}
        />
        {mode === 'incident' ? (
          <NumberInput label="Incident ID" value={incidentId} onChange={setIncidentId} min={1} allowDecimal={false} maw={200} />
        ) : (
          <Textarea
            label="Incident JSON"
            description="In the format POST /api/v1/incidents takes."
            value={json}
            onChange={(e) => setJson(e.currentTarget.value)}
            autosize
            minRows={6}
            styles={{ input: { fontFamily: 'monospace' } }}
          />
        )}
        <Group>
          <Button onClick={test} loading={run.isPending} data-testid="run-test">
            Test
          </Button>
          <Text size="xs" c="dimmed">
            Nothing is created or changed.
          </Text>
        </Group>
        <FormError error={localError ?? (run.isError ? run.error : null)} />
        {r ? (
          <Stack gap="xs" data-testid="test-result">
            {r.statements.map((s) => (
              <Group key={s.id} gap="xs" wrap="nowrap" align="start">
                <Badge color={s.matched ? 'green' : 'gray'} variant="light" miw={90}>
                  {s.matched ? 'Matches' : 'No match'}
                </Badge>
                <Text size="sm">
                  Statement {s.position} ({s.workflowName}): {s.reason}
                </Text>
              </Group>
            ))}
            {r.match ? (
              <>
                <Text size="sm" fw={500}>
                  Workflow {r.match.workflowName} would run:
                </Text>
                <List size="sm" type="ordered">
                  {r.match.wouldDo.map((d, i) => (
                    <List.Item key={i}>{d}</List.Item>
                  ))}
                </List>
              </>
            ) : (
              <Text size="sm" fw={500}>
                No statement matches: no workflow would run.
              </Text>
            )}
          </Stack>
        ) : null}
      </Stack>
    </Paper>
  );
}
