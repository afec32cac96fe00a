import { ActionIcon, Badge, CopyButton, Group, Table, Text, Tooltip } from '@mantine/core';
import { TableScroll } from '../../components/TableScroll';
import { RECORD_LABELS, type EmailDomainView } from './api';

/** The records to publish, each with a copy button and the last check's verdict. */
export function DnsRecords({ domain }: { domain: EmailDomainView }) {
  return (
    <TableScroll label={`DNS records of ${domain.domain}`} minWidth={640}>
      <Table aria-label={`DNS records of ${domain.domain}`} verticalSpacing="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Record</Table.Th>
            <Table.Th>Type</Table.Th>
            <Table.Th>Name</Table.Th>
            <Table.Th>Value</Table.Th>
            <Table.Th>Check</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {domain.records.map((r) => (
            <Table.Tr key={r.kind} data-testid={`dns-record-${r.kind}`}>
              <Table.Td>{RECORD_LABELS[r.kind]}</Table.Td>
              <Table.Td>{r.type}</Table.Td>
              <Table.Td>
                <Group gap={4} wrap="nowrap">
                  <Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }} data-testid={`dns-name-${r.kind}`}>
                    {r.name}
                  </Text>
                  <Copy value={r.name} label={`Copy the ${RECORD_LABELS[r.kind]} record name`} />
                </Group>
              </Table.Td>
              <Table.Td maw={360}>
                <Group gap={4} wrap="nowrap" align="flex-start">
                  <Text size="xs" ff="monospace" style={{ wordBreak: 'break-all' }} data-testid={`dns-value-${r.kind}`}>
                    {r.value}
                  </Text>
                  <Copy value={r.value} label={`Copy the ${RECORD_LABELS[r.kind]} record value`} />
                </Group>
              </Table.Td>
              <Table.Td maw={260}>
                {r.ok === null ? (
                  <Text size="sm" c="dimmed">
                    Not checked
                  </Text>
                ) : r.ok ? (
                  <Badge color="green">Found</Badge>
                ) : (
                  <Text size="sm" c="red">
                    {r.problem}
                  </Text>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </TableScroll>
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
