import { Text } from '@mantine/core';
import { DataList } from '../../components/DataList';
import { Dialog } from '../../components/Dialog';
import { Paginator } from '../../components/Paginator';
import { DateTime, EmptyState, ErrorState, Loading } from '../../components/common';
import { usePaging } from '../../components/listState';
import { useNarrow } from '../../components/table';
import { useDuplicates, type IncidentDetail } from './api';

/** The incidents recorded as duplicates of this one, a page at a time. */
export function DuplicatesDialog({ incident, opened, onClose }: { incident: IncidentDetail; opened: boolean; onClose(): void }) {
  const narrow = useNarrow();
  const { page, pageSize, paginator } = usePaging(10);
  const q = useDuplicates(incident.id, page, pageSize, opened);
  return (
    <Dialog opened={opened} onClose={onClose} title="Duplicate Incidents" size="lg" fullScreen={narrow} centered>
      {q.isLoading ? (
        <Loading />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : !q.data?.items.length ? (
        <EmptyState title="No duplicate incidents" />
      ) : (
        <>
          <DataList
            label="Duplicate Incidents"
            items={q.data.items}
            rowKey={(d) => d.id}
            minWidth={320}
            cardTitle={(d) => (
              <Text size="sm" ff="monospace">
                {d.transactionId}
              </Text>
            )}
            columns={[
              {
                header: 'Transaction ID',
                cell: (d) => (
                  <Text size="sm" ff="monospace">
                    {d.transactionId}
                  </Text>
                ),
                card: null,
              },
              { header: 'Transaction Time', cell: (d) => <DateTime value={d.transactionTime} /> },
            ]}
          />
          <Paginator {...paginator} total={q.data.total} noun="duplicates" />
        </>
      )}
    </Dialog>
  );
}
