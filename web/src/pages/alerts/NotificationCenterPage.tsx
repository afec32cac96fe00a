import { useState } from 'react';
import { Badge, Switch, Table, Tabs } from '@mantine/core';
import { DateTime, EmptyState, ErrorState, Loading, PageHeader } from '../../components/common';
import { useAlerts } from './api';
import { DeliveriesView } from '../notifications/DeliveriesView';

const COLORS = { High: 'red', Medium: 'orange', Low: 'gray' } as const;

export function NotificationCenterPage() {
  const [tab, setTab] = useState<string | null>('alerts');
  return (
    <>
      <PageHeader
        title="Notification Center"
        description="Problems the product detected, such as a ticketing integration that stopped working, and every notification sent by email, Slack or Teams."
      />
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="alerts">Alerts</Tabs.Tab>
          <Tabs.Tab value="deliveries">Deliveries</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="alerts">
          <AlertsView />
        </Tabs.Panel>
        <Tabs.Panel value="deliveries">
          <DeliveriesView />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}

function AlertsView() {
  const [includeCleared, setIncludeCleared] = useState(false);
  const q = useAlerts(includeCleared);
  return (
    <>
      <Switch mb="md" label="Show cleared" checked={includeCleared} onChange={(e) => setIncludeCleared(e.currentTarget.checked)} />
      {q.isLoading ? (
        <Loading />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : !q.data?.items.length ? (
        <EmptyState title="No alerts">Everything is working.</EmptyState>
      ) : (
        <Table.ScrollContainer minWidth={700}>
          <Table striped highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>ID</Table.Th>
                <Table.Th>Module</Table.Th>
                <Table.Th>Severity</Table.Th>
                <Table.Th>Summary</Table.Th>
                <Table.Th>First Detected</Table.Th>
                <Table.Th>Last Detected</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {q.data.items.map((a) => (
                <Table.Tr key={a.id} opacity={a.active ? 1 : 0.6}>
                  <Table.Td>{a.id}</Table.Td>
                  <Table.Td>{a.module}</Table.Td>
                  <Table.Td>
                    <Badge color={COLORS[a.severity]}>{a.severity}</Badge>
                  </Table.Td>
                  <Table.Td title={a.detail ?? undefined}>
                    {a.summary}
                    {a.active ? null : ' (cleared)'}
                  </Table.Td>
                  <Table.Td>
                    <DateTime value={a.firstDetected} />
                  </Table.Td>
                  <Table.Td>
                    <DateTime value={a.lastDetected} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </>
  );
}
