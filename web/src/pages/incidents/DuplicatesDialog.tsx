import { Table } from '@mantine/core';
import { TableScroll } from '../../components/TableScroll';
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
          <TableScroll label="Duplicate Incidents" minWidth={320}>
            <Table striped aria-label="Duplicate Incidents">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Transaction ID</Table.Th>
                  <Table.Th>Transaction Time</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {q.data.items.map((d) => (
                  <Table.Tr key={d.id}>
                    <Table.Td ff="monospace">{d.transactionId}</Table.Td>
                    <Table.Td>
                      <DateTime value={d.transactionTime} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </TableScroll>
          <Paginator {...paginator} total={q.data.total} noun="duplicates" />
        </>
      )}
    </Dialog>
  );
}
