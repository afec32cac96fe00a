import { ActionIcon, Button, Checkbox, Group, SegmentedControl, Select, Stack, Switch, Text, TextInput, Textarea } from '@mantine/core';
import type { Condition, Predicate, Vocabulary } from './api';

/** One row of the simple builder: [NOT] Property Operation Value. */
type Row = { not: boolean; property: string | null; operation: string | null; value: string };
type Simple = { join: 'and' | 'or'; rows: Row[] };

/** What the conditions builder shows: the simple rows, or the nested tree as JSON (Advanced). */
export type ConditionsState = { advanced: boolean; simple: Simple; json: string };

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

/** The builder's state for a statement's condition (Advanced when the simple rows cannot show it). */
export function conditionsState(c: Condition | null): ConditionsState {
  const s = toSimple(c);
  return { advanced: !s, simple: s ?? { join: 'and', rows: [] }, json: c ? JSON.stringify(c, null, 2) : '' };
}

/** The condition to send, or what the admin must fix first. */
export function conditionOf(state: ConditionsState, vocab: Vocabulary | undefined): { condition: Condition | null } | { error: string } {
  if (state.advanced) {
    try {
      return { condition: state.json.trim() ? (JSON.parse(state.json) as Condition) : null };
    } catch (err) {
      return { error: `Advanced conditions: ${(err as Error).message}` };
    }
  }
  const incomplete = state.simple.rows.findIndex((r) => !r.property || !r.operation || (r.operation !== 'EXISTS' && !r.value.trim()));
  if (incomplete >= 0) return { error: `Condition ${incomplete + 1}: pick a Property and an Operation, and give a Value (except for EXISTS).` };
  return { condition: fromSimple(state.simple, vocab) };
}

/**
 * The conditions of a mapping statement: predicates (Property, Operation, Value, NOT) joined by
 * AND/OR, or the nested tree in the Advanced mode. Shared by Workflow Mappings and Incident Group
 * Mappings, whose statements the server validates alike.
 */
export function ConditionsEditor({
  state,
  onChange,
  vocab,
  onError,
}: {
  state: ConditionsState;
  onChange(next: ConditionsState): void;
  vocab: Vocabulary | undefined;
  /** A switch back from Advanced that cannot be shown as simple rows (null clears it). */
  onError(message: string | null): void;
}) {
  const { advanced, simple, json } = state;
  const setSimple = (f: (s: Simple) => Simple) => onChange({ ...state, simple: f(simple) });

  function toggleAdvanced(on: boolean) {
    if (on) {
      const c = fromSimple(simple, vocab);
      onChange({ ...state, json: c ? JSON.stringify(c, null, 2) : '', advanced: true });
      return;
    }
    let c: Condition | null;
    try {
      c = json.trim() ? (JSON.parse(json) as Condition) : null;
    } catch {
      onError('The Advanced conditions are not valid JSON; fix them before switching back.');
      return;
    }
    const s = toSimple(c);
    if (!s) {
      onError('These conditions nest groups, which only the Advanced mode can show.');
      return;
    }
    onChange({ ...state, simple: s, advanced: false });
    onError(null);
  }

  const setRow = (i: number, patch: Partial<Row>) => setSimple((s) => ({ ...s, rows: s.rows.map((r, k) => (k === i ? { ...r, ...patch } : r)) }));
  const props = vocab?.properties ?? [];
  return (
    <>
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
          onChange={(e) => onChange({ ...state, json: e.currentTarget.value })}
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
    </>
  );
}
