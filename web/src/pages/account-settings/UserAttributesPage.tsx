import { useState } from 'react';
import { Anchor, Badge, Button, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useAuth } from '../../auth';
import { DataList } from '../../components/DataList';
import { DateTime, EmptyState, ErrorState, Loading, PageHeader } from '../../components/common';
import { usePaging } from '../../components/listState';
import { Paginator } from '../../components/Paginator';
import { ImportAttributesModal } from './ImportAttributesModal';
import { importErrorsUrl, useAttributeImports, useUserAttributes, type AttributeImportView, type UserAttributeView } from './api';

const STATUS = { queued: ['Queued', 'gray'], running: ['Importing', 'blue'], done: ['Done', 'green'], failed: ['Failed', 'red'] } as const;

function ImportedFiles() {
  const { page, pageSize, paginator } = usePaging(10);
  const q = useAttributeImports({ page, pageSize });
  if (q.isLoading) return <Loading label="Loading imported files…" />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  if (!q.data?.total) return <EmptyState title="No files imported yet">Use "Import CSV" to load people's attributes.</EmptyState>;
  return (
    <>
      <DataList<AttributeImportView>
        label="Imported files"
        items={q.data.items}
        rowKey={(i) => i.id}
        minWidth={760}
        busy={q.isFetching}
        cardTitle={(i) => i.fileName ?? `Import ${i.id}`}
        columns={[
          { header: 'File Name', cell: (i) => i.fileName ?? '—', card: null },
          {
            header: 'Status',
            cell: (i) => (
              <Badge color={STATUS[i.status][1]} variant="light">
                {i.status === 'running' ? `${STATUS.running[0]} ${i.processed}/${i.total}` : STATUS[i.status][0]}
              </Badge>
            ),
          },
          { header: 'Rows', cell: (i) => i.total },
          { header: 'Added', cell: (i) => i.counts.added },
          { header: 'Updated', cell: (i) => i.counts.updated },
          { header: 'Unchanged', cell: (i) => i.counts.unchanged },
          {
            header: 'Errors',
            cell: (i) =>
              i.counts.error ? (
                <Anchor href={importErrorsUrl(i.id)} download aria-label={`Download the ${i.counts.error} errors of ${i.fileName ?? `import ${i.id}`}`}>
                  {i.counts.error} (CSV)
                </Anchor>
              ) : (
                0
              ),
          },
          { header: 'Imported By', cell: (i) => i.createdBy },
          { header: 'Imported At', cell: (i) => <DateTime value={i.createdAt} /> },
        ]}
      />
      <Paginator {...paginator} total={q.data.total} noun="files" pageSizes={[10, 25, 50]} />
    </>
  );
}

/** Setup > User Attributes: Import CSV wizard, the imported files and a searchable list of the attributes. */
export function UserAttributesPage() {
  const { can } = useAuth();
  const canEdit = can('Account Settings', 'edit');
  const [importing, setImporting] = useState(false);
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search.trim(), 250);
  const { page, pageSize, setPage, paginator } = usePaging(25);
  const q = useUserAttributes({ page, pageSize, search: debounced });

  return (
    <>
      <PageHeader
        title="User Attributes"
        description="People's name, manager, department and employee id by email: escalations go to the manager named here."
        actions={
          canEdit ? (
            <Button onClick={() => setImporting(true)} data-testid="import-attributes">
              Import CSV
            </Button>
          ) : null
        }
      />
      <Title order={2} size="h4" mb="xs">
        Imported files
      </Title>
      <ImportedFiles />
      <Title order={2} size="h4" mt="lg" mb="xs">
        Attributes
      </Title>
      <TextInput
        aria-label="Search user attributes"
        placeholder="Search email, name, manager, department or employee id"
        value={search}
        onChange={(e) => (setSearch(e.currentTarget.value), setPage(1))}
        mb="md"
        maw={460}
      />
      {q.isLoading ? (
        <Loading label="Loading user attributes…" />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : !q.data?.total ? (
        debounced ? (
          <EmptyState title="No matching people">No attribute contains “{debounced}”.</EmptyState>
        ) : (
          <EmptyState title="No user attributes yet">Import a CSV file to add people.</EmptyState>
        )
      ) : (
        <>
          <DataList<UserAttributeView>
            label="User attributes"
            items={q.data.items}
            rowKey={(u) => u.id}
            minWidth={700}
            busy={q.isFetching}
            cardTitle={(u) => u.email}
            columns={[
              { header: 'Email', cell: (u) => u.email, card: null },
              { header: 'Name', cell: (u) => u.name ?? '—' },
              { header: 'Manager Email', cell: (u) => u.managerEmail ?? '—' },
              { header: 'Department', cell: (u) => u.department ?? '—' },
              { header: 'Employee ID', cell: (u) => u.employeeId ?? '—' },
              { header: 'Last Updated', cell: (u) => <DateTime value={u.updatedAt} /> },
            ]}
          />
          <Paginator {...paginator} total={q.data.total} noun="people" />
        </>
      )}
      <ImportAttributesModal opened={importing} onClose={() => setImporting(false)} />
    </>
  );
}
