import { useEffect, useMemo, useState } from 'react';
import { ActionIcon, Badge, Button, Group, Select, Stack, Text, TextInput, Tooltip } from '@mantine/core';
import { Dialog } from '../../components/Dialog';
import { DataList } from '../../components/DataList';
import { useNarrow } from '../../components/table';
import { useAuth } from '../../auth';
import { ErrorState, Loading } from '../../components/common';
import { FormError } from '../../components/forms';
import { notifySuccess } from '../../components/notify';
import { useIncidentFields, useMapping, useSaveMapping } from './api';
import type { IntegrationView, JiraProjectView } from './shared';

type Row = { fieldKey: string; incidentField: string | null; defaultValue: string };

/** "Required Fields Mappings": per issue type, every required Jira field gets an incident field or a default value. */
export function MappingModal({ integration, project, onClose }: { integration: IntegrationView; project: JiraProjectView; onClose: () => void }) {
  const { can } = useAuth();
  const canEdit = can('Integrations', 'edit');
  const narrow = useNarrow();
  const [issueType, setIssueType] = useState<string | null>(project.mappedIssueTypes[0]?.id ?? project.issueTypes[0]?.id ?? null);
  const [rows, setRows] = useState<Row[]>([]);
  const [adding, setAdding] = useState<string | null>(null);
  const fieldsQ = useIncidentFields();
  const q = useMapping(integration.id, project.id, issueType);

  // Required (and locked) rows always; saved optional rows after them.
  useEffect(() => {
    const m = q.data;
    if (!m) return;
    const saved = new Map(m.rows.map((r) => [r.fieldKey, r]));
    const base = m.fields.filter((f) => f.required || f.locked || saved.has(f.key));
    base.sort((a, b) => Number(b.locked) - Number(a.locked) || Number(b.required) - Number(a.required));
    setRows(base.map((f) => ({ fieldKey: f.key, incidentField: saved.get(f.key)?.incidentField ?? null, defaultValue: saved.get(f.key)?.defaultValue ?? '' })));
  }, [q.data]);

  const meta = useMemo(() => new Map((q.data?.fields ?? []).map((f) => [f.key, f])), [q.data]);
  const labels = useMemo(() => new Map((fieldsQ.data?.items ?? []).map((f) => [f.key, f.label])), [fieldsQ.data]);
  const optionalLeft = (q.data?.fields ?? []).filter((f) => !f.required && !f.locked && !rows.some((r) => r.fieldKey === f.key));

  const rowsToSave = () =>
    rows
      .filter((r) => !meta.get(r.fieldKey)?.locked)
      .map((r) => ({ fieldKey: r.fieldKey, incidentField: r.incidentField, defaultValue: r.defaultValue.trim() || null }));
  const save = useSaveMapping(integration.id, project.id, issueType, {
    onSuccess: (m) => {
      notifySuccess(undefined, `Field mappings of ${m.issueType.name} in ${project.name} saved.`);
    },
  });

  const update = (fieldKey: string, patch: Partial<Row>) => setRows((rs) => rs.map((r) => (r.fieldKey === fieldKey ? { ...r, ...patch } : r)));
  const savedOnce = (q.data?.rows.length ?? 0) > 0;

  const incidentFieldSelect = (r: Row, f: MappingField) => {
    const options = [{ value: '', label: 'None' }, ...f.compatibleIncidentFields.map((k) => ({ value: k, label: labels.get(k) ?? k }))];
    return (
      <Select
        aria-label={`Zscaler field for ${f.name}`}
        data={options}
        value={f.locked ? '' : (r.incidentField ?? '')}
        onChange={(v) => update(r.fieldKey, { incidentField: v || null })}
        disabled={f.locked || !canEdit || options.length === 1}
        allowDeselect={false}
        size="xs"
        miw={160}
      />
    );
  };
  const defaultValueInput = (r: Row, f: MappingField) =>
    f.locked ? (
      <Text size="sm">{f.key === 'issuetype' ? q.data!.issueType.name : project.name}</Text>
    ) : f.allowedValues?.length ? (
      <Select
        aria-label={`Default value for ${f.name}`}
        placeholder="Choose a value"
        data={f.allowedValues.map((v) => ({ value: v.id, label: v.name }))}
        value={r.defaultValue || null}
        onChange={(v) => update(r.fieldKey, { defaultValue: v ?? '' })}
        clearable
        disabled={!canEdit}
        size="xs"
        miw={160}
      />
    ) : (
      <TextInput
        aria-label={`Default value for ${f.name}`}
        value={r.defaultValue}
        onChange={(e) => update(r.fieldKey, { defaultValue: e.currentTarget.value })}
        disabled={!canEdit}
        size="xs"
        miw={160}
      />
    );
  const deleteButton = (f: MappingField) =>
    !f.required && !f.locked && canEdit ? (
      <Tooltip label="Delete">
        <ActionIcon variant="subtle" color="red" aria-label={`Delete ${f.name} row`} onClick={() => setRows((rs) => rs.filter((x) => x.fieldKey !== f.key))}>
          ✕
        </ActionIcon>
      </Tooltip>
    ) : null;

  return (
    <Dialog opened onClose={onClose} title={`Required Fields Mappings — ${project.name}`} size="xl" fullScreen={narrow} centered={!narrow}>
      <Stack>
        <Select
          label="Issue Type"
          data={project.issueTypes.map((t) => ({ value: t.id, label: t.name }))}
          value={issueType}
          onChange={(v) => {
            setIssueType(v);
            save.reset();
          }}
          allowDeselect={false}
          maw={narrow ? undefined : 300}
        />
        {!issueType ? (
          <Text c="dimmed">This project has no issue types. Sync the project list.</Text>
        ) : q.isLoading ? (
          <Loading label="Reading the fields from Jira…" />
        ) : q.isError ? (
          <ErrorState error={q.error} onRetry={() => void q.refetch()} />
        ) : (
          <>
            <DataList
              label="Jira field mappings"
              items={rows.filter((r) => meta.has(r.fieldKey))}
              rowKey={(r) => r.fieldKey}
              rowTestId={(r) => `mapping-row-${r.fieldKey}`}
              minWidth={640}
              cardTitle={(r) => <JiraFieldName field={meta.get(r.fieldKey)!} />}
              cardActions={(r) => deleteButton(meta.get(r.fieldKey)!)}
              columns={[
                { header: 'Jira Fields', cell: (r) => <JiraFieldName field={meta.get(r.fieldKey)!} />, card: null },
                { header: 'Zscaler Fields', cell: (r) => incidentFieldSelect(r, meta.get(r.fieldKey)!) },
                { header: 'Default Value', cell: (r) => defaultValueInput(r, meta.get(r.fieldKey)!) },
                { header: 'Action', width: 70, cell: (r) => deleteButton(meta.get(r.fieldKey)!), card: null },
              ]}
            />
            <FormError error={save.error} title="Not saved" />
            {canEdit ? (
              <Group justify="space-between">
                <Group gap="xs" style={{ flexGrow: narrow ? 1 : 0 }}>
                  <Select
                    aria-label="Optional Jira field to add"
                    placeholder={savedOnce ? 'Optional field' : 'Save the required fields first'}
                    data={optionalLeft.map((f) => ({ value: f.key, label: f.name }))}
                    value={adding}
                    onChange={setAdding}
                    disabled={!savedOnce || optionalLeft.length === 0}
                    size="xs"
                    w={narrow ? '100%' : 220}
                  />
                  <Button
                    size="xs"
                    variant="light"
                    disabled={!savedOnce || !adding}
                    onClick={() => {
                      if (!adding) return;
                      setRows((rs) => [...rs, { fieldKey: adding, incidentField: null, defaultValue: '' }]);
                      setAdding(null);
                    }}
                  >
                    Add More
                  </Button>
                </Group>
                <Group gap="xs">
                  <Button variant="default" onClick={onClose}>
                    Close
                  </Button>
                  <Button onClick={() => save.mutate(rowsToSave())} loading={save.isPending}>
                    Save
                  </Button>
                </Group>
              </Group>
            ) : (
              <Group justify="flex-end">
                <Button variant="default" onClick={onClose}>
                  Close
                </Button>
              </Group>
            )}
          </>
        )}
      </Stack>
    </Dialog>
  );
}

type MappingField = NonNullable<ReturnType<typeof useMapping>['data']>['fields'][number];

/** A Jira field's name with its Required / Locked badges. */
function JiraFieldName({ field }: { field: MappingField }) {
  return (
    <Group gap={6}>
      <Text size="sm">{field.name}</Text>
      {field.required ? (
        <Badge size="xs" color="red" variant="light">
          Required
        </Badge>
      ) : null}
      {field.locked ? (
        <Badge size="xs" color="gray" variant="light">
          Locked
        </Badge>
      ) : null}
    </Group>
  );
}
