/**
 * Update Incident Group (PRODUCT.md §5): three lists, Available (the org's groups not assigned),
 * Assigned (the incident's groups when the window opened, still kept) and Newly added, filtered by
 * one search box. Submitting sets the incident's groups to Assigned + Newly added; the server
 * re-derives the priority from them. On the Incidents list the same window sets the chosen groups
 * on every selected incident.
 */
import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { Button, Group, Paper, SimpleGrid, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { Dialog } from '../../components/Dialog';
import { errorMessage } from '../../components/common';
import { FormError } from '../../components/forms';
import { notifyError, notifySuccess } from '../../components/notify';
import { fieldErrors, useNarrow } from '../../components/table';
import { useFilterOptions, useUpdateIncidentGroups } from './api';

type GroupRef = { id: number; name: string };
type ListKey = 'available' | 'assigned' | 'added';

export type IncidentGroupsTarget = { mode: 'single'; id: number; groups: GroupRef[] } | { mode: 'bulk'; ids: number[] };

const TITLE = 'Update Incident Group';
const NOTES_MAX = 4000;
const byName = (a: GroupRef, b: GroupRef) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }) || a.id - b.id;
const plural = (n: number) => `${n} incident${n === 1 ? '' : 's'}`;

export function IncidentGroupsDialog({ opened, target, onClose, onDone }: { opened: boolean; target: IncidentGroupsTarget; onClose(): void; onDone?(): void }) {
  const narrow = useNarrow();
  const uid = useId().replace(/[^a-zA-Z0-9_-]/g, '');
  const options = useFilterOptions(opened);
  const initial = useMemo(() => (target.mode === 'single' ? target.groups.map((g) => g.id) : []), [target]);

  const [assigned, setAssigned] = useState<number[]>([]);
  const [added, setAdded] = useState<number[]>([]);
  const [search, setSearch] = useState('');
  const [notes, setNotes] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  /** Where the focus goes after a move: the button that took the moved one's place, else the search box. */
  const [refocus, setRefocus] = useState<{ list: ListKey; index: number } | null>(null);
  const listRefs = useRef<Partial<Record<ListKey, HTMLUListElement | null>>>({});
  const searchRef = useRef<HTMLInputElement>(null);

  const m = useUpdateIncidentGroups(target.mode === 'single' ? { mode: 'single', id: target.id } : { mode: 'bulk', ids: target.ids }, {
    onSuccess: (res) => {
      if (res && res.failed > 0) {
        notifications.show({
          color: res.succeeded ? 'yellow' : 'red',
          title: `${TITLE}: ${res.succeeded} done, ${res.failed} not changed`,
          message: res.results.find((r) => !r.ok)?.error?.message ?? 'Some incidents could not be changed.',
        });
      } else {
        notifySuccess(TITLE, target.mode === 'single' ? 'Incident groups updated.' : `Incident groups set on ${plural(res?.succeeded ?? 0)}.`);
      }
      onDone?.();
      onClose();
    },
    onError: (err) => {
      setErrors(fieldErrors(err));
      notifyError(`${TITLE} failed`, err);
    },
  });

  // A fresh window each time it opens: the incident's groups as they are now.
  useEffect(() => {
    if (!opened) return;
    setAssigned(initial);
    setAdded([]);
    setSearch('');
    setNotes('');
    setErrors({});
    setRefocus(null);
    m.reset();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opened]);

  useEffect(() => {
    if (!refocus) return;
    const buttons = listRefs.current[refocus.list]?.querySelectorAll('button') ?? [];
    const next = buttons[Math.min(refocus.index, buttons.length - 1)];
    (next ?? searchRef.current)?.focus();
    setRefocus(null);
  }, [refocus]);

  // The org's groups, plus any of the incident's that the choices do not list (so none is lost from view).
  const all = useMemo(() => {
    const map = new Map<number, GroupRef>((options.data?.incidentGroups ?? []).map((g) => [g.id, g]));
    if (target.mode === 'single') for (const g of target.groups) if (!map.has(g.id)) map.set(g.id, g);
    return map;
  }, [options.data, target]);

  const q = search.trim().toLowerCase();
  const taken = new Set([...assigned, ...added]);
  const members: Record<ListKey, number[]> = { available: [...all.keys()].filter((id) => !taken.has(id)), assigned, added };
  const shown = (ids: number[]) =>
    ids
      .map((id) => all.get(id))
      .filter((g): g is GroupRef => !!g && (!q || g.name.toLowerCase().includes(q)))
      .sort(byName);
  const lists: Record<ListKey, GroupRef[]> = { available: shown(members.available), assigned: shown(assigned), added: shown(added) };
  const total = taken.size;

  function move(from: ListKey, g: GroupRef) {
    const index = lists[from].findIndex((x) => x.id === g.id);
    if (from === 'available') {
      // A group the incident had, removed and added back, is Assigned again rather than "newly added".
      if (initial.includes(g.id)) setAssigned((a) => [...a, g.id]);
      else setAdded((a) => [...a, g.id]);
    } else if (from === 'assigned') setAssigned((a) => a.filter((id) => id !== g.id));
    else setAdded((a) => a.filter((id) => id !== g.id));
    setErrors((e) => (e.groupIds ? { ...e, groupIds: '' } : e));
    setRefocus({ list: from, index });
  }

  function reset() {
    setAssigned(initial);
    setAdded([]);
    setErrors({});
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!total || notes.length > NOTES_MAX) return;
    m.mutate({ groupIds: [...assigned, ...added], notes: notes.trim() || undefined });
  }

  const serverError = m.isError && !Object.keys(fieldErrors(m.error)).length ? m.error : null;
  const emptyNote = `${uid}-empty`;
  const section = (key: ListKey, heading: string, action: 'Add' | 'Remove', empty: string) => {
    const items = lists[key];
    const headingId = `${uid}-${key}`;
    return (
      <Paper withBorder p="xs" radius="sm" data-testid={`groups-${key}`}>
        <Text id={headingId} size="sm" fw={600} mb={4}>
          {heading} ({items.length})
        </Text>
        {items.length ? (
          <ul
            aria-labelledby={headingId}
            ref={(el) => {
              listRefs.current[key] = el;
            }}
            style={{ listStyle: 'none', margin: 0, padding: 0, maxHeight: 240, overflowY: 'auto' }}
          >
            {items.map((g) => (
              <li key={g.id}>
                <Group justify="space-between" gap="xs" wrap="nowrap" py={2}>
                  <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
                    {g.name}
                  </Text>
                  <Button
                    size="compact-xs"
                    variant={action === 'Add' ? 'light' : 'subtle'}
                    color={action === 'Add' ? undefined : 'red'}
                    aria-label={`${action} ${g.name}`}
                    onClick={() => move(key, g)}
                    disabled={m.isPending}
                  >
                    {action}
                  </Button>
                </Group>
              </li>
            ))}
          </ul>
        ) : (
          <Text size="sm" c="dimmed">
            {members[key].length ? 'No group here matches the search.' : empty}
          </Text>
        )}
      </Paper>
    );
  };

  return (
    <Dialog opened={opened} onClose={m.isPending ? () => undefined : onClose} title={TITLE} fullScreen={narrow} centered size="xl">
      <form onSubmit={submit} noValidate>
        <Stack>
          {target.mode === 'bulk' ? (
            <Text size="sm" fw={500}>
              {plural(target.ids.length)} selected. The groups you add replace their current groups.
            </Text>
          ) : null}
          <Text size="sm" c="dimmed">
            The priority becomes the highest priority of the groups (Setup &gt; Priorities); when none has one, it stays as it is.
          </Text>
          <FormError error={serverError ?? (options.isError ? `Cannot load incident groups: ${errorMessage(options.error)}` : null)} />
          <TextInput
            ref={searchRef}
            label="Search incident groups"
            placeholder="Group name"
            type="search"
            value={search}
            onChange={(e) => setSearch(e.currentTarget.value)}
          />
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
            {section('available', 'Available', 'Add', options.isLoading ? 'Loading incident groups…' : 'No other incident groups.')}
            {section('assigned', 'Assigned', 'Remove', target.mode === 'single' ? 'None kept.' : 'Not shown for several incidents.')}
            {section('added', 'Newly added', 'Remove', 'None yet.')}
          </SimpleGrid>
          <Textarea
            label="Notes"
            autosize
            minRows={2}
            maxRows={6}
            value={notes}
            onChange={(e) => setNotes(e.currentTarget.value)}
            error={notes.length > NOTES_MAX ? `Notes must be at most ${NOTES_MAX} characters.` : errors.notes}
          />
          {!total || errors.groupIds ? (
            <Text id={emptyNote} size="sm" c="red" role="status">
              {errors.groupIds || 'Assign at least one incident group.'}
            </Text>
          ) : null}
          <Group justify="space-between">
            <Button variant="subtle" onClick={reset} disabled={m.isPending}>
              Reset
            </Button>
            <Group gap="sm">
              <Button variant="default" onClick={onClose} disabled={m.isPending}>
                Cancel
              </Button>
              <Button type="submit" loading={m.isPending} disabled={!total} aria-describedby={!total ? emptyNote : undefined}>
                Submit
              </Button>
            </Group>
          </Group>
        </Stack>
      </form>
    </Dialog>
  );
}
