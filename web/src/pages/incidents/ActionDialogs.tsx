/**
 * The remediation action windows (PRODUCT.md §5 "Actions"), shared by Incident Details (one
 * incident) and the Incidents list (the selected rows, bulk endpoints). Each validates what it can
 * before sending and shows the server's refusal inside the window.
 */
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { ActionIcon, Alert, Button, Checkbox, Group, NativeSelect, Stack, Text, Textarea, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { Dialog } from '../../components/Dialog';
import { errorMessage } from '../../components/common';
import { FormButtons, FormError } from '../../components/forms';
import { notifyError, notifySuccess } from '../../components/notify';
import { fieldErrors, useNarrow } from '../../components/table';
import { useLabels } from '../labels/api';
import {
  ACTION_TITLES,
  PRIORITIES,
  useFilterOptions,
  useIncidentAction,
  type ActionBody,
  type ActionKind,
  type IncidentLabel,
  type LabelView,
  type Priority,
} from './api';

export type DialogAction = Exclude<ActionKind, 'notes'>;

export type ActionTarget =
  /** One incident (Incident Details): labels pre-filled, Label replaces the rows. */
  | { mode: 'single'; id: number; labels: IncidentLabel[]; priority?: Priority }
  /** Selected rows (Incidents list): bulk endpoints, Label adds ("Add Labels"). */
  | { mode: 'bulk'; ids: number[] };

const NOTES_MAX = 4000;
const SUBMIT_LABEL: Record<DialogAction, string> = {
  'assign-to-me': 'Assign',
  assign: 'Assign',
  priority: 'Assign',
  investigating: 'Submit',
  close: 'Close Incident',
  labels: 'Submit',
  reopen: 'Reopen',
};

function plural(n: number) {
  return `${n} incident${n === 1 ? '' : 's'}`;
}

type LabelRow = { key: number; labelId: string; value: string };
let rowKey = 0;
const newRow = (labelId = '', value = ''): LabelRow => ({ key: ++rowKey, labelId, value });

export function ActionDialog({
  action,
  target,
  onClose,
  onDone,
}: {
  action: DialogAction | null;
  target: ActionTarget;
  onClose(): void;
  onDone?(action: DialogAction): void;
}) {
  const narrow = useNarrow();
  const count = target.mode === 'single' ? 1 : target.ids.length;
  const opened = action !== null;

  const [notes, setNotes] = useState('');
  const [adminId, setAdminId] = useState('');
  const [priority, setPriority] = useState('');
  const [resLabel, setResLabel] = useState('');
  const [resValue, setResValue] = useState('');
  const [falsePositive, setFalsePositive] = useState(false);
  const [rows, setRows] = useState<LabelRow[]>([]);
  const [confirming, setConfirming] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});

  const labels = useLabels({ enabled: opened && (action === 'labels' || action === 'close'), staleTime: 30_000 });
  const options = useFilterOptions(opened && action === 'assign');

  // Fresh form each time a window opens.
  useEffect(() => {
    if (!action) return;
    setNotes('');
    setAdminId('');
    setPriority(target.mode === 'single' && target.priority ? target.priority : '');
    setResLabel('');
    setResValue('');
    setFalsePositive(false);
    setConfirming(false);
    setErrors({});
    if (action === 'labels') {
      const existing = target.mode === 'single' ? target.labels.filter((l) => l.labelId !== null).map((l) => newRow(String(l.labelId), l.value ?? '')) : [];
      setRows(existing.length ? existing : [newRow()]);
    }
    m.reset();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [action]);

  const m = useIncidentAction(target, {
    onSuccess: (res) => {
      const title = ACTION_TITLES[action!];
      if (res && res.failed > 0) {
        const first = res.results.find((r) => !r.ok)?.error?.message;
        notifications.show({
          color: res.succeeded ? 'yellow' : 'red',
          title: `${title}: ${res.succeeded} done, ${res.failed} not changed`,
          message: first ?? 'Some incidents could not be changed.',
        });
      } else {
        notifySuccess(title, `${title} applied to ${plural(res?.succeeded ?? count)}.`);
      }
      onDone?.(action!);
      onClose();
    },
    onError: (err) => {
      setErrors(fieldErrors(err));
      setConfirming(false);
      notifyError(`${ACTION_TITLES[action!]} failed`, err);
    },
  });

  /** A field's message goes away as soon as the admin changes that field. */
  const clear = (k: string) => setErrors((e) => (e[k] ? { ...e, [k]: '' } : e));

  const labelById = new Map<number, LabelView>((labels.data?.items ?? []).map((l) => [l.id, l]));
  const notesError = notes.length > NOTES_MAX ? `Notes must be at most ${NOTES_MAX} characters.` : errors.notes;
  const n = notes.trim() || undefined;

  function build(): ActionBody | null {
    const errs: Record<string, string> = {};
    if (notes.length > NOTES_MAX) errs.notes = `Notes must be at most ${NOTES_MAX} characters.`;
    let body: ActionBody | null = null;
    switch (action) {
      case 'assign-to-me':
        body = { kind: 'assign-to-me', notes: n };
        break;
      case 'assign':
        if (!adminId) errs.adminId = 'Choose a DLP Admin.';
        body = { kind: 'assign', adminId: Number(adminId), notes: n };
        break;
      case 'priority':
        if (!priority) errs.priority = 'Choose a priority.';
        body = { kind: 'priority', priority: priority as Priority, notes: n };
        break;
      case 'investigating':
        body = { kind: 'investigating', notes: n };
        break;
      case 'reopen':
        body = { kind: 'reopen', notes: n };
        break;
      case 'close': {
        const lbl = resLabel ? labelById.get(Number(resLabel)) : undefined;
        if (lbl && lbl.values.length && !resValue) errs.resolutionValue = `Choose a value for ${lbl.name}.`;
        body = { kind: 'close', notes: n, resolutionLabelId: lbl?.id, resolutionValue: lbl && resValue ? resValue : undefined, falsePositive };
        break;
      }
      case 'labels': {
        const picked = rows.filter((r) => r.labelId);
        const seen = new Set<string>();
        rows.forEach((r, i) => {
          const lbl = r.labelId ? labelById.get(Number(r.labelId)) : undefined;
          if (!r.labelId && (rows.length > 1 || target.mode === 'bulk')) errs[`row${i}`] = 'Choose a label or delete this row.';
          if (lbl && lbl.values.length && !r.value) errs[`row${i}`] = `Choose a value for ${lbl.name}.`;
          const k = `${r.labelId}|${r.value}`;
          if (r.labelId && seen.has(k)) errs[`row${i}`] = 'This label and value are already listed.';
          seen.add(k);
        });
        if (target.mode === 'bulk' && !picked.length) errs.rows = 'Add at least one label.';
        body = {
          kind: 'labels',
          labels: picked.map((r) => ({ labelId: Number(r.labelId), value: r.value || null })),
          notes: n,
          mode: target.mode === 'single' ? 'replace' : 'add',
        };
        break;
      }
    }
    setErrors(errs);
    return Object.values(errs).some(Boolean) ? null : body;
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    const body = build();
    if (!body) return;
    if (action === 'close' && !confirming) {
      setConfirming(true);
      return;
    }
    m.mutate(body);
  }

  if (!action) return null;
  const title = action === 'labels' && target.mode === 'bulk' ? 'Add Labels' : ACTION_TITLES[action];
  const serverError = m.isError && !Object.keys(fieldErrors(m.error)).length ? m.error : null;

  let body: ReactNode = null;
  switch (action) {
    case 'assign-to-me':
      body = <Text size="sm">Assign {target.mode === 'single' ? 'this incident' : plural(count)} to yourself as DLP Admin.</Text>;
      break;
    case 'assign':
      body = (
        <NativeSelect
          label="DLP Admin"
          required
          data-autofocus
          value={adminId}
          onChange={(e) => (setAdminId(e.currentTarget.value), clear('adminId'))}
          error={errors.adminId || (options.isError ? `Cannot load admins: ${errorMessage(options.error)}` : undefined)}
          data={[
            { value: '', label: options.isLoading ? 'Loading admins…' : 'Select a DLP Admin', disabled: true },
            ...(options.data?.dlpAdmins ?? []).map((a) => ({ value: String(a.id), label: `${a.name} (${a.email})` })),
          ]}
        />
      );
      break;
    case 'priority':
      body = (
        <NativeSelect
          label="Priority"
          required
          data-autofocus
          value={priority}
          onChange={(e) => (setPriority(e.currentTarget.value), clear('priority'))}
          error={errors.priority || undefined}
          data={[{ value: '', label: 'Select a priority', disabled: true }, ...PRIORITIES]}
        />
      );
      break;
    case 'investigating':
      body = <Text size="sm">Set the status of {target.mode === 'single' ? 'this incident' : plural(count)} to Investigating.</Text>;
      break;
    case 'reopen':
      body = <Text size="sm">Reopen this incident: its status goes from Resolved back to Investigating.</Text>;
      break;
    case 'close': {
      const lbl = resLabel ? labelById.get(Number(resLabel)) : undefined;
      body = (
        <>
          <NativeSelect
            label="Resolution Label"
            description="Optional. Labels are managed in Setup > Labels."
            value={resLabel}
            onChange={(e) => {
              setResLabel(e.currentTarget.value);
              setResValue('');
              clear('resolutionValue');
            }}
            error={labels.isError ? `Cannot load labels: ${errorMessage(labels.error)}` : errors.resolutionLabelId}
            data={[
              { value: '', label: labels.isLoading ? 'Loading labels…' : 'None' },
              ...(labels.data?.items ?? []).map((l) => ({ value: String(l.id), label: l.name })),
            ]}
          />
          {lbl && lbl.values.length ? (
            <NativeSelect
              label="Resolution Value"
              required
              value={resValue}
              onChange={(e) => (setResValue(e.currentTarget.value), clear('resolutionValue'))}
              error={errors.resolutionValue || undefined}
              data={[{ value: '', label: 'Select a value', disabled: true }, ...lbl.values]}
            />
          ) : null}
          <Checkbox label="False Positive" checked={falsePositive} onChange={(e) => setFalsePositive(e.currentTarget.checked)} />
        </>
      );
      break;
    }
    case 'labels':
      body = (
        <Stack gap="xs">
          {target.mode === 'single' ? (
            <Text size="sm" c="dimmed">
              These rows replace the incident&apos;s labels. Delete every row to remove all labels.
            </Text>
          ) : (
            <Text size="sm" c="dimmed">
              These labels are added to {plural(count)}; existing labels stay.
            </Text>
          )}
          <FormError error={labels.isError ? `Cannot load labels: ${errorMessage(labels.error)}` : null} />
          {rows.length ? (
            <Group gap="xs" wrap="nowrap" pr={42} aria-hidden>
              <Text size="sm" fw={500} style={{ flex: 1 }}>
                Label
              </Text>
              <Text size="sm" fw={500} style={{ flex: 1 }}>
                Value
              </Text>
            </Group>
          ) : null}
          {rows.map((r, i) => {
            const lbl = r.labelId ? labelById.get(Number(r.labelId)) : undefined;
            return (
              <Group key={r.key} align="flex-start" wrap="nowrap" gap="xs" data-testid="label-row">
                <NativeSelect
                  aria-label={`Label ${i + 1}`}
                  style={{ flex: 1 }}
                  value={r.labelId}
                  onChange={(e) => {
                    const v = e.currentTarget.value;
                    setRows((rs) => rs.map((x) => (x.key === r.key ? { ...x, labelId: v, value: '' } : x)));
                    clear(`row${i}`);
                    clear('rows');
                  }}
                  error={errors[`row${i}`] || undefined}
                  data={[
                    { value: '', label: labels.isLoading ? 'Loading…' : 'Select a label', disabled: true },
                    ...(labels.data?.items ?? []).map((l) => ({ value: String(l.id), label: l.name })),
                  ]}
                />
                <NativeSelect
                  aria-label={`Value ${i + 1}`}
                  style={{ flex: 1 }}
                  disabled={!lbl || !lbl.values.length}
                  value={r.value}
                  onChange={(e) => {
                    const v = e.currentTarget.value;
                    setRows((rs) => rs.map((x) => (x.key === r.key ? { ...x, value: v } : x)));
                    clear(`row${i}`);
                  }}
                  data={[{ value: '', label: lbl && !lbl.values.length ? 'No values' : 'Select a value', disabled: true }, ...(lbl?.values ?? [])]}
                />
                <Tooltip label="Delete row">
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    size="lg"
                    aria-label={`Delete row ${i + 1}`}
                    onClick={() => setRows((rs) => rs.filter((x) => x.key !== r.key))}
                  >
                    ✕
                  </ActionIcon>
                </Tooltip>
              </Group>
            );
          })}
          {errors.rows ? (
            <Text size="sm" c="red">
              {errors.rows}
            </Text>
          ) : null}
          <Group>
            <Button variant="light" size="xs" onClick={() => setRows((rs) => [...rs, newRow()])} disabled={rows.length >= 50}>
              Add Row
            </Button>
          </Group>
        </Stack>
      );
      break;
  }

  return (
    <Dialog opened={opened} onClose={m.isPending ? () => undefined : onClose} title={title} fullScreen={narrow} centered size="lg">
      <form onSubmit={submit} noValidate>
        <Stack>
          {target.mode === 'bulk' ? (
            <Text size="sm" fw={500}>
              {plural(count)} selected
            </Text>
          ) : null}
          <FormError error={serverError} />
          {body}
          <Textarea label="Notes" autosize minRows={2} maxRows={8} value={notes} onChange={(e) => setNotes(e.currentTarget.value)} error={notesError} />
          {confirming ? (
            <Alert color="yellow" title="Close Incident" role="alertdialog">
              <Stack gap="xs">
                <Text size="sm">
                  Close {target.mode === 'single' ? 'this incident' : plural(count)}? The status becomes Resolved
                  {falsePositive ? ' and it is marked as a False Positive' : ''}.
                </Text>
                <Group justify="flex-end">
                  <Button variant="default" onClick={() => setConfirming(false)} disabled={m.isPending}>
                    No
                  </Button>
                  <Button type="submit" loading={m.isPending} data-autofocus>
                    Yes
                  </Button>
                </Group>
              </Stack>
            </Alert>
          ) : (
            <FormButtons submitLabel={SUBMIT_LABEL[action]} onCancel={onClose} busy={m.isPending} cancelDisabled={m.isPending} />
          )}
        </Stack>
      </form>
    </Dialog>
  );
}
