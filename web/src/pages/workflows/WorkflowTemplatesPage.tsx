import { useState } from 'react';
import { useNavigate } from 'react-router';
import { Badge, Button, Group, List, Stack, Text, Tooltip } from '@mantine/core';
import { useAuth } from '../../auth';
import { Dialog } from '../../components/Dialog';
import { DataList } from '../../components/DataList';
import { EmptyState, ErrorState, Loading, PageHeader } from '../../components/common';
import { STEP_LABELS } from './StepsGraphic';
import { useTemplates, type TemplateView } from './api';

/** Workflows > Workflow Templates: the nine pre-defined templates; those that act on the user's answer wait for a Wait for Response step. */
export function WorkflowTemplatesPage() {
  const { can } = useAuth();
  const canAdd = can('Workflows and Mappings', 'edit');
  const navigate = useNavigate();
  const q = useTemplates();
  const [viewing, setViewing] = useState<TemplateView | null>(null);
  const actions = (t: TemplateView) => (
    <Group gap={4} wrap="nowrap">
      <Button size="compact-sm" variant="subtle" aria-label={`View Workflow Template ${t.name}`} onClick={() => setViewing(t)}>
        View
      </Button>
      {canAdd ? (
        <Tooltip label={t.unavailableReason ?? 'Add New Workflow Definition'}>
          <Button
            size="compact-sm"
            variant="subtle"
            aria-label={`Add New Workflow Definition from ${t.name}`}
            disabled={!t.available}
            onClick={() => navigate(`/workflows/new/${t.key}`)}
          >
            Add
          </Button>
        </Tooltip>
      ) : null}
    </Group>
  );
  return (
    <>
      <PageHeader
        title="Workflow Templates"
        description="Pre-defined workflows. Add a workflow definition from a template, then map it on Workflow Mappings."
      />
      {q.isLoading ? (
        <Loading label="Loading templates…" />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : !q.data?.items.length ? (
        <EmptyState title="No templates" />
      ) : (
        <DataList
          label="Workflow Templates"
          items={q.data.items}
          rowKey={(t) => t.key}
          rowTestId={(t) => `template-${t.key}`}
          minWidth={640}
          cardTitle={(t) => <TemplateName template={t} />}
          cardActions={actions}
          columns={[
            { header: 'Template Name', cell: (t) => <TemplateName template={t} />, card: null },
            {
              header: 'Template Description',
              cell: (t) => (
                <>
                  <Text size="sm">{t.description}</Text>
                  {t.unavailableReason ? (
                    <Text size="xs" c="dimmed">
                      {t.unavailableReason}
                    </Text>
                  ) : null}
                </>
              ),
            },
            { header: 'Counts', cell: (t) => t.count },
            { header: 'Actions', cell: actions, card: null },
          ]}
        />
      )}
      <Dialog opened={!!viewing} onClose={() => setViewing(null)} title={viewing?.name ?? ''} centered>
        {viewing ? (
          <Stack>
            <Text size="sm">{viewing.description}</Text>
            <Text size="sm" fw={500}>
              Steps
            </Text>
            <List type="ordered" size="sm">
              {viewing.steps.map((s, i) => (
                <List.Item key={i}>{STEP_LABELS[s] ?? s}</List.Item>
              ))}
            </List>
            {viewing.unavailableReason ? (
              <Text size="sm" c="orange">
                {viewing.unavailableReason}
              </Text>
            ) : null}
          </Stack>
        ) : null}
      </Dialog>
    </>
  );
}

function TemplateName({ template: t }: { template: TemplateView }) {
  return (
    <Text size="sm" fw={500}>
      {t.name}
      {t.available ? null : (
        <Badge ml="xs" color="gray" variant="light">
          Not available yet
        </Badge>
      )}
    </Text>
  );
}
