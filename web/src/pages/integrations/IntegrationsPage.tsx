import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { Badge, Button, Card, Group, SegmentedControl, SimpleGrid, Stack, Text, TextInput, VisuallyHidden } from '@mantine/core';
import { DataList } from '../../components/DataList';
import { EmptyState, ErrorState, Loading, PageHeader } from '../../components/common';
import { useIntegrations } from './api';
import { SYSTEMS, StatusBadge, systemNames } from './shared';
import { NotificationChannelsSection } from '../notifications/NotificationChannelsSection';

/** Setup > Integrations: the dashboard of ticketing apps with their connected accounts. */
export function IntegrationsPage() {
  const q = useIntegrations();
  const [filter, setFilter] = useState<'all' | 'connected'>('all');
  const [view, setView] = useState<'tile' | 'list'>('tile');
  const [search, setSearch] = useState('');

  const apps = useMemo(() => {
    const items = q.data?.items ?? [];
    const term = search.trim().toLowerCase();
    return SYSTEMS.map((d) => ({ key: d.type, title: d.name, blurb: d.setup.blurb, accounts: items.filter((i) => i.type === d.type) }))
      .filter((a) => filter === 'all' || a.accounts.length > 0)
      .filter((a) => !term || a.title.toLowerCase().includes(term) || a.accounts.some((i) => i.name.toLowerCase().includes(term)));
  }, [q.data, filter, search]);
  const open = (a: (typeof apps)[number]) => (
    <Button
      size="xs"
      variant="light"
      component={Link}
      to={`/setup/integrations/${a.key}`}
      aria-label={`${a.accounts.length ? 'View Details of' : 'Connect'} ${a.title}`}
    >
      {a.accounts.length ? 'View Details' : 'Connect'}
    </Button>
  );

  return (
    <>
      <PageHeader title="Integrations" description="Connect the ticketing systems incidents can be sent to." />
      <Group mb="md" justify="space-between" wrap="wrap">
        <Group>
          <SegmentedControl
            aria-label="Show apps"
            value={filter}
            onChange={(v) => setFilter(v as 'all' | 'connected')}
            data={[
              { value: 'all', label: 'All' },
              { value: 'connected', label: 'Connected' },
            ]}
          />
          <SegmentedControl
            aria-label="Layout"
            value={view}
            onChange={(v) => setView(v as 'tile' | 'list')}
            data={[
              { value: 'tile', label: 'Tile View' },
              { value: 'list', label: 'List View' },
            ]}
          />
        </Group>
        <TextInput aria-label="Search" placeholder="Search" value={search} onChange={(e) => setSearch(e.currentTarget.value)} w={260} />
      </Group>
      {q.isLoading ? (
        <Loading />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : apps.length === 0 ? (
        <EmptyState title={filter === 'connected' ? 'No connected apps' : 'No matching apps'}>
          {filter === 'connected' ? `Switch to All and connect ${systemNames()}.` : 'Try another search.'}
        </EmptyState>
      ) : view === 'tile' ? (
        <>
          {filter === 'connected' || apps.some((a) => a.accounts.length) ? (
            <Text fw={600} mb="xs">
              {filter === 'connected' ? 'Connected Apps' : 'Ticketing'}
            </Text>
          ) : null}
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
            {apps.map((a) => (
              <Card key={a.key} withBorder padding="lg" data-testid={`tile-${a.key}`}>
                <Stack gap="xs">
                  <Group justify="space-between">
                    <Text fw={700} size="lg">
                      {a.title}
                    </Text>
                    {a.accounts.length ? (
                      <Badge radius="xl" variant="outline">
                        {a.accounts.length} Connected
                      </Badge>
                    ) : null}
                  </Group>
                  <Text size="sm" c="dimmed">
                    {a.blurb}
                  </Text>
                  {a.accounts.length ? (
                    <Text size="sm">
                      <Text span fw={500}>
                        Account Details:{' '}
                      </Text>
                      {a.accounts.map((i) => i.name).join(', ')}
                    </Text>
                  ) : null}
                  <Group>
                    <Button component={Link} to={`/setup/integrations/${a.key}`} variant={a.accounts.length ? 'light' : 'filled'}>
                      {a.accounts.length ? 'View Details' : 'Connect'}
                    </Button>
                  </Group>
                </Stack>
              </Card>
            ))}
          </SimpleGrid>
        </>
      ) : (
        <DataList
          label="Integrations"
          items={apps}
          rowKey={(a) => a.key}
          rowTestId={(a) => `app-row-${a.key}`}
          minWidth={700}
          cardTitle={(a) => (
            <Text fw={600} size="sm">
              {a.title}
            </Text>
          )}
          cardActions={open}
          columns={[
            {
              header: 'App Integration',
              cell: (a) => (
                <Text fw={500} size="sm">
                  {a.title}
                </Text>
              ),
              card: null,
            },
            { header: 'Account Details', cell: (a) => a.accounts.map((i) => i.name).join(', ') || '—' },
            {
              header: 'Status',
              cell: (a) =>
                a.accounts.length ? (
                  <Group gap={4}>
                    {a.accounts.map((i) => (
                      <StatusBadge key={i.id} integration={i} />
                    ))}
                  </Group>
                ) : (
                  '—'
                ),
            },
            { header: 'Account Connected', cell: (a) => (a.accounts.length ? `${a.accounts.length} Connected` : 'Not connected') },
            { header: 'Actions', headerNode: <VisuallyHidden>Actions</VisuallyHidden>, cell: open, card: null },
          ]}
        />
      )}
      <NotificationChannelsSection />
    </>
  );
}
