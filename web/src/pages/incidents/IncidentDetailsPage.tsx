import { useMemo, useState } from 'react';
import { DataList } from '../../components/DataList';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { Alert, Anchor, Badge, Button, Group, Menu, Stack, Text, Textarea, Title } from '@mantine/core';
import { ApiError, apiUrl } from '../../api/client';
import { useAuth } from '../../auth';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { notifyError, notifySuccess } from '../../components/notify';
import { DateTime, EmptyState, ErrorState, Loading, errorMessage } from '../../components/common';
import { fieldErrors } from '../../components/table';
import { ActionDialog, type DialogAction } from './ActionDialogs';
import { PriorityBadge, SeverityBadge, StatusBadge, WRAPPING_BADGE, labelText } from './columns';
import { Fields, Section, type Field } from './Section';
import { TicketDialog } from './TicketDialog';
import { IncidentGroupsDialog } from './IncidentGroupsDialog';
import { TicketSection } from './TicketSection';
import { WorkflowSection } from '../workflows/WorkflowSection';
import { NotifyDialog, type RemediationAction } from '../remediation/NotifyDialog';
import { RemediationSection } from '../remediation/RemediationSection';
import { useTicketOptions } from '../tickets/api';
import { useAddNote, useDeleteIncident, useIncident, type IncidentDetail, type IncidentEvent } from './api';
import { DuplicatesDialog } from './DuplicatesDialog';
import { apiFilters, parseListState, resolveRange } from './urlState';

const NOTES_MAX = 4000;

function join(v: string[] | undefined): string | undefined {
  return v && v.length ? v.join(', ') : undefined;
}
function fileSize(n: number | undefined): string | undefined {
  if (n === undefined) return undefined;
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

const preciseTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
function EventTime({ iso }: { iso: string }) {
  return (
    <time dateTime={iso} title={iso} style={{ whiteSpace: 'nowrap' }}>
      {preciseTime.format(new Date(iso))}
    </time>
  );
}

/** State Changes, newest first: a table on wide screens, one card per change on a phone. */
function StateChanges({ events }: { events: IncidentEvent[] }) {
  return (
    <DataList
      label="State Changes"
      items={events}
      rowKey={(e) => e.id}
      minWidth={560}
      cardTitle={(e) => (
        <Group justify="space-between" gap="xs">
          <StatusBadge value={e.state} />
          <Text size="xs" c="dimmed">
            <EventTime iso={e.date} />
          </Text>
        </Group>
      )}
      columns={[
        { header: 'State', cell: (e) => <StatusBadge value={e.state} />, card: null },
        { header: 'Date', cell: (e) => <EventTime iso={e.date} />, card: null },
        { header: 'Changed By', cell: (e) => e.changedBy },
        { header: 'Comment', cell: (e) => <span style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{e.comment}</span> },
      ]}
    />
  );
}

function NotesSection({ incident, canEdit }: { incident: IncidentDetail; canEdit: boolean }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const m = useAddNote(incident.id, {
    onSuccess: () => {
      notifySuccess('Note added', 'The note was saved and logged in State Changes.');
      setText('');
    },
    onError: (err) => {
      setError(fieldErrors(err).notes ?? errorMessage(err));
      notifyError('Could not add the note', err);
    },
  });
  return (
    <Section title="Notes" testId="notes-section">
      <Stack gap="sm">
        {incident.notes ? (
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} data-testid="incident-notes">
            {incident.notes}
          </Text>
        ) : (
          <Text size="sm" c="dimmed">
            No notes yet.
          </Text>
        )}
        {canEdit ? (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (!text.trim()) return setError('Write a note first.');
              if (text.length > NOTES_MAX) return setError(`Notes must be at most ${NOTES_MAX} characters.`);
              setError(null);
              m.mutate(text.trim());
            }}
            noValidate
          >
            <Stack gap="xs">
              <Textarea label="Add a note" autosize minRows={2} maxRows={8} value={text} onChange={(e) => setText(e.currentTarget.value)} error={error} />
              <Group justify="flex-end">
                <Button type="submit" loading={m.isPending} variant="light">
                  Add Note
                </Button>
              </Group>
            </Stack>
          </form>
        ) : null}
      </Stack>
    </Section>
  );
}

export function IncidentDetailsPage() {
  const { id: idParam } = useParams();
  const id = Number(idParam);
  const location = useLocation();
  const navigate = useNavigate();
  const { can } = useAuth();
  const canEdit = can('Incidents', 'edit');
  const canDelete = can('Incidents', 'delete');
  const [dialog, setDialog] = useState<DialogAction | null>(null);
  const [dupsOpen, setDupsOpen] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [ticketing, setTicketing] = useState(false);
  const [grouping, setGrouping] = useState(false);
  const [remediation, setRemediation] = useState<RemediationAction | null>(null);

  // The list's filters and sort travel in the query string; they give Next / Previous Incident.
  const listParams = useMemo(() => {
    const s = parseListState(new URLSearchParams(location.search));
    return apiFilters(s, resolveRange(s));
  }, [location.search]);
  const valid = Number.isInteger(id) && id > 0;
  const q = useIncident(id, listParams, valid);
  // Actions → Ticket is offered only when the org has an enabled ticketing integration.
  const ticketOptions = useTicketOptions(id, valid && canEdit);
  const canTicket = !!ticketOptions.data?.integrations.length;

  const del = useDeleteIncident(id, {
    onSuccess: () => {
      notifySuccess('Incident deleted', `Incident ${q.data?.transactionId ?? id} was deleted permanently.`);
      navigate(`/incidents${location.search}`);
    },
    onError: (err) => notifyError('Delete failed', err),
  });

  const back = (
    <Anchor component={Link} to={`/incidents${location.search}`} size="sm">
      ‹ Incidents
    </Anchor>
  );
  if (!valid) return <EmptyState title="Incident not found">The address does not name an incident. {back}</EmptyState>;
  if (q.isLoading) return <Loading label="Loading incident…" />;
  if (q.isError && q.error instanceof ApiError && q.error.status === 404)
    return (
      <Stack>
        {back}
        <EmptyState title="Incident not found">It was deleted, or it belongs to another organization.</EmptyState>
      </Stack>
    );
  if (q.isError)
    return (
      <Stack>
        {back}
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      </Stack>
    );
  const inc = q.data!;
  const d = inc.details;
  const resolved = inc.status === 'Resolved';
  const go = (to: number | null) => to && navigate(`/incidents/${to}${location.search}`);

  const actions: { action: DialogAction; label: string; show: boolean }[] = [
    { action: 'close', label: 'Close Incident', show: !resolved },
    { action: 'investigating', label: 'Investigating', show: !resolved },
    { action: 'assign-to-me', label: 'Assign to Me', show: true },
    { action: 'assign', label: 'Assign DLP Admin', show: true },
    { action: 'priority', label: 'Assign Priority', show: true },
    { action: 'labels', label: 'Label', show: true },
    { action: 'reopen', label: 'Reopen', show: resolved },
  ];

  return (
    <Stack gap="md">
      <Group justify="space-between" wrap="wrap" gap="sm">
        <Stack gap={2} style={{ minWidth: 0 }}>
          {back}
          <Title order={1} size="h2" style={{ overflowWrap: 'anywhere' }}>
            Incident <span style={{ fontFamily: 'var(--mantine-font-family-monospace)' }}>{inc.transactionId}</span>
          </Title>
          <Group gap="xs" aria-label="Status, priority and severity">
            <StatusBadge value={inc.status} />
            <Group gap={4}>
              <Text size="xs" c="dimmed">
                Priority
              </Text>
              <PriorityBadge value={inc.priority} />
            </Group>
            <Group gap={4}>
              <Text size="xs" c="dimmed">
                Severity
              </Text>
              <SeverityBadge value={inc.severity} />
            </Group>
          </Group>
        </Stack>
        <Group gap="xs" wrap="wrap">
          <Button variant="default" onClick={() => go(inc.previousId)} disabled={!inc.previousId} aria-label="Previous Incident">
            ‹ Previous Incident
          </Button>
          <Button variant="default" onClick={() => go(inc.nextId)} disabled={!inc.nextId} aria-label="Next Incident">
            Next Incident ›
          </Button>
          {canEdit ? (
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <Button>Actions</Button>
              </Menu.Target>
              <Menu.Dropdown>
                {actions
                  .filter((a) => a.show)
                  .map((a) => (
                    <Menu.Item key={a.action} onClick={() => setDialog(a.action)}>
                      {a.label}
                    </Menu.Item>
                  ))}
                <Menu.Item onClick={() => setRemediation('notify')}>Notify User</Menu.Item>
                {!resolved ? <Menu.Item onClick={() => setRemediation('escalate')}>Escalate</Menu.Item> : null}
                {canTicket ? <Menu.Item onClick={() => setTicketing(true)}>Ticket</Menu.Item> : null}
                <Menu.Item onClick={() => setGrouping(true)}>Update Incident Group</Menu.Item>
                {canDelete ? (
                  <>
                    <Menu.Divider />
                    <Menu.Item color="red" onClick={() => setDeleting(true)}>
                      Delete
                    </Menu.Item>
                  </>
                ) : null}
              </Menu.Dropdown>
            </Menu>
          ) : null}
        </Group>
      </Group>

      {inc.duplicateCount > 0 ? (
        <Alert color="grape" title="Duplicate incidents" data-testid="duplicate-banner">
          <Group justify="space-between" gap="xs" wrap="wrap">
            <Text size="sm">
              {inc.duplicateCount === 1 ? '1 more transaction' : `${inc.duplicateCount} more transactions`} by the same user violated the same rule with the
              same content and {inc.duplicateCount === 1 ? 'was' : 'were'} counted on this incident.
            </Text>
            <Button size="xs" variant="light" color="grape" onClick={() => setDupsOpen(true)}>
              Duplicate Incidents
            </Button>
          </Group>
        </Alert>
      ) : null}
      {inc.duplicateParent ? (
        <Alert color="grape" title="Duplicate incident">
          This incident is a duplicate of{' '}
          <Anchor component={Link} to={`/incidents/${inc.duplicateParent.id}${location.search}`}>
            {inc.duplicateParent.transactionId}
          </Anchor>
          .
        </Alert>
      ) : null}

      <Section title="Overview" testId="overview">
        <Fields
          cols={4}
          fields={[
            ['Incident ID', inc.id],
            ['Transaction ID', inc.transactionId],
            ['System Creation Date', <DateTime value={inc.createdAt} />],
            ['Incident Date', <DateTime value={inc.incidentDate} />],
            ['Last Change Date', <DateTime value={inc.updatedAt} />],
            ['Severity', inc.severity],
            ['Priority', inc.priority],
            ['Action', inc.action],
            ['DLP Admin', inc.dlpAdmin ? `${inc.dlpAdmin.name} (${inc.dlpAdmin.email})` : 'Unassigned'],
            ['Source DLP Type', inc.sourceType],
            ['DLP Type', inc.dlpType],
            [
              'Labels',
              inc.labels.length ? (
                <Group gap={4} component="span">
                  {inc.labels.map((l, i) => (
                    <Badge key={i} variant="default" size="sm" styles={WRAPPING_BADGE}>
                      {labelText(l)}
                    </Badge>
                  ))}
                </Group>
              ) : (
                'None'
              ),
            ],
            ['Incident Groups', inc.incidentGroups.length ? inc.incidentGroups.map((g) => g.name).join(', ') : 'None'],
            ['Action Recipient Count', inc.sourceType === 'Email' && d.recipients ? d.recipients.triggered.length : undefined],
            ['Resolution Date', resolved ? <DateTime value={inc.resolutionDate} /> : undefined],
            ['Integration', d.integration],
          ]}
        />
      </Section>

      <Section title="Violation Details" testId="violation-details">
        <Stack gap="md">
          <div>
            <Title order={3} size="h5" mb={6}>
              Originating User
            </Title>
            <Fields
              fields={[
                [
                  'Name',
                  <Anchor component={Link} to={`/incidents?user=${encodeURIComponent(inc.userEmail)}`} size="sm">
                    {d.user.name ?? inc.userName}
                  </Anchor>,
                ],
                ['Email', d.user.email ?? inc.userEmail],
                ['Client IP', d.user.clientIp],
                ['Device Name', d.user.deviceName],
                ['Device OS', d.user.deviceOs],
                ['Device Trust Level', d.user.deviceTrustLevel],
                ['Manager Name', d.user.manager?.name],
                ['Manager Email', d.user.manager?.email],
                ['Employee Number', d.user.employeeNumber],
                ['Job Title', d.user.jobTitle],
                ['Department', d.user.department ?? inc.department],
                ['Home Location', d.user.homeLocation],
                ['Work Location', d.user.workLocation],
              ]}
            />
          </div>
          <div>
            <Title order={3} size="h5" mb={6}>
              Policy
            </Title>
            <Fields
              fields={[
                ['Rules', join(inc.rules)],
                ['Other Matched Rules', join(d.otherRules)],
                ['Triggered Engines', join(inc.engines)],
                ['Triggered Dictionaries', inc.dictionaries.length ? inc.dictionaries.map((x) => `${x.name} [${x.matchCount}]`).join(', ') : undefined],
              ]}
            />
          </div>
          <div>
            <Title order={3} size="h5" mb={6}>
              Content
            </Title>
            <Fields
              fields={[
                ['File Name', d.file?.name ?? inc.fileName],
                ['File Type', d.file?.type],
                ['File MD5', d.file?.md5],
                ['File Size', fileSize(d.file?.size)],
                ['File Source Location', d.file?.sourceLocation],
                ['File Modification Time', d.file?.modifiedAt ? <DateTime value={d.file.modifiedAt} /> : undefined],
                ['Document Type', d.file?.documentType],
                [
                  'Evidence',
                  inc.evidence ? (
                    // A plain link: the browser sends the session cookie and saves the attachment itself.
                    <Button
                      component="a"
                      href={apiUrl(`/incidents/${inc.id}/evidence`)}
                      download
                      size="compact-sm"
                      variant="light"
                      aria-label={`Download evidence: ${inc.evidence.fileName}, ${inc.evidence.size.toLocaleString()} characters, as an XML file`}
                      data-testid="download-evidence"
                    >
                      Download evidence
                    </Button>
                  ) : undefined,
                ],
                ['Message ID', d.email?.messageId],
                ['Subject', d.email?.subject],
                ['Triggered Recipients', join(d.recipients?.triggered)],
                ['Internal Recipients', join(d.recipients?.internal)],
                ['External Recipients', join(d.recipients?.external)],
                ...Object.entries(d.saas ?? {}).map(([k, v]): Field => [
                  k.replace(/([A-Z])/g, ' $1').replace(/^./, (c) => c.toUpperCase()),
                  Array.isArray(v) ? v.join(', ') : String(v ?? ''),
                ]),
              ]}
            />
          </div>
          <div>
            <Title order={3} size="h5" mb={6}>
              Application
            </Title>
            <Fields
              fields={[
                ['URL', d.url],
                ['Referrer URL', d.referrerUrl],
                ['Host', inc.host],
                ['Destination', inc.destination],
                ['Application Name', d.application?.name],
                ['Application Category', d.application?.category],
                ['Channel', d.channel],
              ]}
            />
          </div>
        </Stack>
      </Section>

      <Section title="Current State Details" testId="current-state">
        <Fields
          fields={[
            ['Status', <StatusBadge value={inc.currentState.status} />],
            ['User', inc.currentState.user ?? '—'],
            [
              'Resolution Label',
              inc.resolution?.label ? (inc.resolution.value ? `${inc.resolution.label}: ${inc.resolution.value}` : inc.resolution.label) : undefined,
            ],
            ['False Positive', inc.resolution ? (inc.resolution.falsePositive ? 'Yes' : 'No') : undefined],
          ]}
        />
      </Section>

      <RemediationSection incidentId={inc.id} />
      <TicketSection incident={inc} />
      <WorkflowSection incidentId={inc.id} />

      <NotesSection incident={inc} canEdit={canEdit} />

      <Section title="State Changes" testId="state-changes">
        {inc.events.length ? (
          <StateChanges events={inc.events} />
        ) : (
          <Text size="sm" c="dimmed">
            No state changes yet.
          </Text>
        )}
      </Section>

      <ActionDialog action={dialog} target={{ mode: 'single', id: inc.id, labels: inc.labels, priority: inc.priority }} onClose={() => setDialog(null)} />
      <NotifyDialog action={remediation} target={{ mode: 'single', id: inc.id }} onClose={() => setRemediation(null)} />
      <TicketDialog incidentId={inc.id} opened={ticketing} onClose={() => setTicketing(false)} />
      <IncidentGroupsDialog opened={grouping} target={{ mode: 'single', id: inc.id, groups: inc.incidentGroups }} onClose={() => setGrouping(false)} />
      <DuplicatesDialog incident={inc} opened={dupsOpen} onClose={() => setDupsOpen(false)} />
      <ConfirmDialog
        opened={deleting}
        title="Delete Incidents"
        confirmLabel="Delete"
        busy={del.isPending}
        error={del.error}
        onConfirm={() => del.mutate()}
        onClose={() => setDeleting(false)}
      >
        Delete incident <b>{inc.transactionId}</b> permanently? It cannot be recovered, and the deletion is not logged in State Changes.
      </ConfirmDialog>
    </Stack>
  );
}
