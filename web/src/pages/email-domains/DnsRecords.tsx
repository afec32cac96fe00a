import { ActionIcon, Badge, CopyButton, Group, Text, Tooltip } from '@mantine/core';
import { DataList } from '../../components/DataList';
import { RECORD_LABELS, type EmailDomainView } from './api';

/** The records to publish, each with a copy button and the last check's verdict. */
export function DnsRecords({ domain }: { domain: EmailDomainView }) {
  return (
    <DataList
      label={`DNS records of ${domain.domain}`}
      items={domain.records}
      rowKey={(r) => r.kind}
      rowTestId={(r) => `dns-record-${r.kind}`}
      minWidth={640}
      verticalSpacing="xs"
      cardTitle={(r) => (
        <Text size="sm" fw={600}>
          {RECORD_LABELS[r.kind]} ({r.type})
        </Text>
      )}
      columns={[
        { header: 'Record', cell: (r) => RECORD_LABELS[r.kind], card: null },
        { header: 'Type', cell: (r) => r.type, card: null },
        {
          header: 'Name',
          cell: (r) => (
            <Group gap={4} wrap="nowrap">
              <Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }} data-testid={`dns-name-${r.kind}`}>
                {r.name}
              </Text>
              <Copy value={r.name} label={`Copy the ${RECORD_LABELS[r.kind]} record name`} />
            </Group>
          ),
        },
        {
          header: 'Value',
          maxWidth: 360,
          cell: (r) => (
            <Group gap={4} wrap="nowrap" align="flex-start">
              <Text size="xs" ff="monospace" style={{ wordBreak: 'break-all' }} data-testid={`dns-value-${r.kind}`}>
                {r.value}
              </Text>
              <Copy value={r.value} label={`Copy the ${RECORD_LABELS[r.kind]} record value`} />
            </Group>
          ),
        },
        {
          header: 'Check',
          maxWidth: 260,
          cell: (r) =>
            r.ok === null ? (
              <Text size="sm" c="dimmed">
                Not checked
              </Text>
            ) : r.ok ? (
              <Badge color="green">Found</Badge>
            ) : (
              <Text size="sm" c="red">
                {r.problem}
              </Text>
            ),
        },
      ]}
    />
  );
}

function Copy({ value, label }: { value: string; label: string }) {
  return (
    <CopyButton value={value}>
      {({ copied, copy }) => (
        <Tooltip label={copied ? 'Copied' : 'Copy'} withArrow>
          <ActionIcon variant="subtle" size="sm" onClick={copy} aria-label={label}>
            <Text size="xs">{copied ? '✓' : '⧉'}</Text>
          </ActionIcon>
        </Tooltip>
      )}
    </CopyButton>
  );
}
