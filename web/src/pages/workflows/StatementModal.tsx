import { useEffect, useState, type FormEvent } from 'react';
import { ActionIcon, Button, Checkbox, Group, SegmentedControl, Select, Stack, Switch, Text, TextInput, Textarea } from '@mantine/core';
import { Dialog } from '../../components/Dialog';
import { errorMessage } from '../../components/common';
import { FormButtons, FormError } from '../../components/forms';
import { notifyError, notifySuccess } from '../../components/notify';
import { useNarrow } from '../../components/table';
import { SOURCE_DLP_TYPES, useVocabulary, useWorkflows, useSaveMapping, type Condition, type MappingView, type Predicate, type Vocabulary } from './api';

/** One row of the simple builder: [NOT] Property Operation Value. */
type Row = { not: boolean; property: string | null; operation: string | null; value: string };
type Simple = { join: 'and' | 'or'; rows: Row[] };

const emptyRow = (): Row => ({ not: false, property: null, operation: null, value: '' });

/** A tree the simple builder can show: one predicate, or predicates (each maybe negated) joined by one AND/OR. */
function toSimple(c: Condition | null): Simple | null {
  if (!c) return { join: 'and', rows: [] };
  const row = (x: Condition): Row | null => {
    const neg = x.type === 'not';
    const p = neg ? x.item : x;
    if (p.type !== 'predicate') return null;
    return {
      not: neg,
      property: p.property,
      operation: p.operation,
      value: p.value === undefined ? '' : Array.isArray(p.value) ? p.value.join(', ') : String(p.value),
    };
  };
  if (c.type === 'and' || c.type === 'or') {
    const rows = c.items.map(row);
    return rows.every(Boolean) ? { join: c.type, rows: rows as Row[] } : null;
  }
  const r = row(c);
  return r ? { join: 'and', rows: [r] } : null;
}

const LIST_OPS = new Set(['EQUALS', 'NOT_EQUALS', 'CONTAINS_EXACT', 'NOT_CONTAINS_EXACT', 'LIKE', 'IN_IPv4_SUBNET', 'IN_IPv6_SUBNET']);

function predicateOf(r: Row, vocab: Vocabulary | undefined): Predicate {
  const kind = vocab?.properties.find((p) => p.key === r.property)?.kind;
  const one = (s: string): string | number => (kind === 'number' && s.trim() !== '' && !Number.isNaN(Number(s)) ? Number(s) : s.trim());
  let value: Predicate['value'];
  if (r.operation === 'EXISTS') value = undefined;
  else if (LIST_OPS.has(r.operation ?? '') && r.value.includes(',')) value = r.value.split(',').map(one);
  else value = one(r.value);
  return { type: 'predicate', property: r.property ?? '', operation: (r.operation ?? 'EQUALS') as Predicate['operation'], value };
}

function fromSimple(s: Simple, vocab: Vocabulary | undefined): Condition | null {
  const items: Condition[] = s.rows.map((r) => {
    const p = predicateOf(r, vocab);
    return r.not ? { type: 'not', item: p } : p;
  });
  if (!items.length) return null;
  return items.length === 1 ? items[0] : { type: s.join, items };
}

/** Add Statement / Edit Statement: Workflow Name, Source DLP Type and conditions (simple rows or the nested Advanced tree). */
export function StatementModal({
  opened,
  statement,
  presetWorkflowId,
  onClose,
}: {
  opened: boolean;
  statement: MappingView | null;
  presetWorkflowId?: number | null;
  onClose(): void;
}) {
  const narrow = useNarrow();
  const vocab = useVocabulary();
  const workflows = useWorkflows();
  const [workflowId, setWorkflowId] = useState<string | null>(null);
  const [source, setSource] = useState<string>('Any');
  const [advanced, setAdvanced] = useState(false);
  const [simple, setSimple] = useState<Simple>({ join: 'and', rows: [] });
  const [json, setJson] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);

  useEffect(() => {
    if (!opened) return;
    setWorkflowId(statement ? String(statement.workflowId) : presetWorkflowId ? String(presetWorkflowId) : null);
    setSource(statement?.sourceDlpType ?? 'Any');
    const s = toSimple(statement?.condition ?? null);
    setAdvanced(!s);
    setSimple(s ?? { join: 'and', rows: [] });
    setJson(statement?.condition ? JSON.stringify(statement.condition, null, 2) : '');
    setLocalError(null);
    save.reset();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opened, statement, presetWorkflowId]);

  const save = useSaveMapping(statement?.id ?? null, {
    onSuccess: () => {
      notifySuccess(statement ? 'Statement updated' : 'Statement added', statement ? 'The statement was saved.' : 'The statement was added last in the list.');
      onClose();
    },
    onError: (err) => notifyError('Could not save the statement', err),
  });

  function toggleAdvanced(on: boolean) {
    if (on) {
      const c = fromSimple(simple, vocab.data);
      setJson(c ? JSON.stringify(c, null, 2) : '');
      setAdvanced(true);
      return;
    }
    let c: Condition | null;
    try {
      c = json.trim() ? (JSON.parse(json) as Condition) : null;
    } catch {
      setLocalError('The Advanced conditions are not valid JSON; fix them before switching back.');
      return;
    }
    const s = toSimple(c);
    if (!s) {
      setLocalError('These conditions nest groups, which only the Advanced mode can show.');
      return;
    }
    setSimple(s);
    setAdvanced(false);
    setLocalError(null);
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    setLocalError(null);
    if (!workflowId) return setLocalError('Pick the Workflow Name.');
    let condition: Condition | null;
    if (advanced) {
      try {
        condition = json.trim() ? (JSON.parse(json) as Condition) : null;
      } catch (err) {
        return setLocalError(`Advanced conditions: ${(err as Error).message}`);
      }
    } else {
      const incomplete = simple.rows.findIndex((r) => !r.property || !r.operation || (r.operation !== 'EXISTS' && !r.value.trim()));
      if (incomplete >= 0) return setLocalError(`Condition ${incomplete + 1}: pick a Property and an Operation, and give a Value (except for EXISTS).`);
      condition = fromSimple(simple, vocab.data);
    }
    save.mutate({ workflowId: Number(workflowId), sourceDlpType: source as (typeof SOURCE_DLP_TYPES)[number], condition });
  }

  const setRow = (i: number, patch: Partial<Row>) => setSimple((s) => ({ ...s, rows: s.rows.map((r, k) => (k === i ? { ...r, ...patch } : r)) }));
  const props = vocab.data?.properties ?? [];
  return (
    <Dialog
      opened={opened}
      onClose={save.isPending ? () => undefined : onClose}
      title={statement ? 'Edit Statement' : 'Add Statement'}
      size="xl"
      fullScreen={narrow}
      centered
    >
      <form onSubmit={submit} noValidate aria-label={statement ? 'Edit Statement' : 'Add Statement'}>
        <Stack>
          <FormError error={localError ?? (save.isError ? errorMessage(save.error) : null)} />
          <Group grow align="start">
            <Select
              label="Workflow Name"
              required
              searchable
              data={(workflows.data?.items ?? []).map((w) => ({ value: String(w.id), label: w.name }))}
              value={workflowId}
              onChange={setWorkflowId}
              nothingFoundMessage="No workflow; add one on Workflows first"
            />
            <Select
              label="Source DLP Type"
              required
              data={[...SOURCE_DLP_TYPES]}
              value={source}
              onChange={(v) => setSource(v ?? 'Any')}
              allowDeselect={false}
            />
          </Group>
          <Group justify="space-between">
            <Text fw={500} size="sm">
              Conditions
            </Text>
            <Switch label="Advanced" checked={advanced} onChange={(e) => toggleAdvanced(e.currentTarget.checked)} />
          </Group>
          {advanced ? (
            <Textarea
              aria-label="Advanced conditions"
              description='Nested groups: {"type":"and"|"or","items":[…]}, {"type":"not","item":…}, {"type":"predicate","property":…,"operation":…,"value":…}. Empty: every incident of the Source DLP Type.'
              value={json}
              onChange={(e) => setJson(e.currentTarget.value)}
              autosize
              minRows={8}
              styles={{ input: { fontFamily: 'monospace' } }}
            />
          ) : (
            <Stack gap="xs">
              {simple.rows.length > 1 ? (
                <SegmentedControl
                  aria-label="Combine conditions with"
                  data={[
                    { value: 'and', label: 'AND' },
                    { value: 'or', label: 'OR' },
                  ]}
                  value={simple.join}
                  onChange={(v) => setSimple((s) => ({ ...s, join: v as 'and' | 'or' }))}
                  w={160}
                />
              ) : null}
              {simple.rows.length === 0 ? (
                <Text size="sm" c="dimmed">
                  No conditions: every incident of the Source DLP Type matches.
                </Text>
              ) : null}
              {simple.rows.map((r, i) => {
                const def = props.find((p) => p.key === r.property);
                return (
                  <Group key={i} align="end" wrap="nowrap" data-testid={`condition-${i}`}>
                    <Checkbox label="NOT" checked={r.not} onChange={(e) => setRow(i, { not: e.currentTarget.checked })} mb={8} />
                    <Select
                      label="Property"
                      searchable
                      data={props.map((p) => ({ value: p.key, label: p.label }))}
                      value={r.property}
                      onChange={(v) => setRow(i, { property: v, operation: null, value: '' })}
                      w={170}
                    />
                    <Select
                      label="Operation"
                      data={def?.operations ?? []}
                      value={r.operation}
                      onChange={(v) => setRow(i, { operation: v })}
                      w={190}
                      disabled={!def}
                    />
                    {r.operation === 'EXISTS' ? (
                      <div style={{ flex: 1 }} />
                    ) : def?.values ? (
                      <Select label="Value" data={def.values} value={r.value || null} onChange={(v) => setRow(i, { value: v ?? '' })} style={{ flex: 1 }} />
                    ) : (
                      <TextInput
                        label="Value"
                        placeholder={def?.kind === 'date' ? '2026-01-31T00:00:00Z' : def?.kind === 'ip' ? '10.0.0.0/8' : 'Commas: any of'}
                        value={r.value}
                        onChange={(e) => setRow(i, { value: e.currentTarget.value })}
                        style={{ flex: 1 }}
                      />
                    )}
                    <ActionIcon
                      variant="subtle"
                      color="red"
                      aria-label={`Remove condition ${i + 1}`}
                      onClick={() => setSimple((s) => ({ ...s, rows: s.rows.filter((_, k) => k !== i) }))}
                      mb={4}
                    >
                      ×
                    </ActionIcon>
                  </Group>
                );
              })}
              <Button variant="light" size="compact-sm" w="fit-content" onClick={() => setSimple((s) => ({ ...s, rows: [...s.rows, emptyRow()] }))}>
                Add Condition
              </Button>
            </Stack>
          )}
          <FormButtons submitLabel={statement ? 'Update' : 'Save'} onCancel={onClose} busy={save.isPending} cancelDisabled={save.isPending} />
        </Stack>
      </form>
    </Dialog>
  );
}
