import { useState } from 'react';
import { Badge, Switch, Tabs, Text } from '@mantine/core';
import { DataList } from '../../components/DataList';
import { DateTime, EmptyState, ErrorState, Loading, PageHeader } from '../../components/common';
import { useAlerts, type Alert } from './api';
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
        <DataList
          label="Alerts"
          items={q.data.items}
          rowKey={(a) => a.id}
          rowTestId={(a) => `alert-${a.id}`}
          rowMuted={(a) => !a.active}
          minWidth={700}
          cardCols={2}
          cardTitle={(a) => <AlertSummary alert={a} />}
          columns={[
            { header: 'ID', cell: (a) => a.id },
            { header: 'Module', cell: (a) => a.module },
            { header: 'Severity', cell: (a) => <Badge color={COLORS[a.severity]}>{a.severity}</Badge> },
            { header: 'Summary', cell: (a) => <AlertSummary alert={a} />, card: null },
            { header: 'First Detected', cell: (a) => <DateTime value={a.firstDetected} /> },
            { header: 'Last Detected', cell: (a) => <DateTime value={a.lastDetected} /> },
          ]}
        />
      )}
    </>
  );
}

/** The summary, then its detail in plain sight (a hover tooltip would hide it from keyboards and phones). */
function AlertSummary({ alert: a }: { alert: Alert }) {
  return (
    <>
      <Text size="sm" fw={500}>
        {a.summary}
        {a.active ? null : ' (cleared)'}
      </Text>
      {a.detail ? (
        <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
          {a.detail}
        </Text>
      ) : null}
    </>
  );
}
