import { useEffect, useState, type FormEvent } from 'react';
import { Checkbox, Stack, Switch, TextInput } from '@mantine/core';
import { Dialog } from '../../components/Dialog';
import { FormButtons, FormError } from '../../components/forms';
import { fieldErrors, useNarrow } from '../../components/table';
import { EVENT_LABELS, EVENT_TYPES, useCreateWebhook, useUpdateWebhook, type EventType, type WebhookView, type WebhookWithSecret } from './api';

/** Add Webhook (then its secret, shown once by the page) or Edit Webhook. */
export function WebhookFormModal({
  opened,
  editing,
  onClose,
  onCreated,
}: {
  opened: boolean;
  /** null: a new webhook. */
  editing: WebhookView | null;
  onClose(): void;
  onCreated(w: WebhookWithSecret): void;
}) {
  const narrow = useNarrow();
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<EventType[]>([...EVENT_TYPES]);
  const [enabled, setEnabled] = useState(true);
  const [errors, setErrors] = useState<Record<string, string>>({});

  useEffect(() => {
    if (!opened) return;
    setName(editing?.name ?? '');
    setUrl(editing?.url ?? '');
    setEvents(editing ? editing.events : [...EVENT_TYPES]);
    setEnabled(editing?.enabled ?? true);
    setErrors({});
  }, [opened, editing]);

  const onError = (err: Error) => setErrors(fieldErrors(err));
  const create = useCreateWebhook({
    onSuccess: (w) => {
      close();
      onCreated(w);
    },
    onError,
  });
  const update = useUpdateWebhook({ onSuccess: () => close(), onError });
  const mutation = editing ? update : create;

  function close() {
    create.reset();
    update.reset();
    onClose();
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!name.trim()) errs.name = 'Name is required.';
    else if (name.trim().length > 100) errs.name = 'Name must be at most 100 characters.';
    if (!url.trim()) errs.url = 'URL is required.';
    else if (!URL.canParse(url.trim())) errs.url = 'URL must be an absolute https:// address.';
    if (!events.length) errs.events = 'Choose at least one event.';
    setErrors(errs);
    if (Object.keys(errs).length) return;
    const body = { name: name.trim(), url: url.trim(), events, enabled };
    if (editing) update.mutate({ id: editing.id, body });
    else create.mutate(body);
  }

  const serverError = mutation.isError && !Object.keys(fieldErrors(mutation.error)).length ? mutation.error : null;
  return (
    <Dialog opened={opened} onClose={close} title={editing ? 'Edit Webhook' : 'Add Webhook'} size="lg" fullScreen={narrow} centered={!narrow}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <FormError error={serverError} />
          <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} error={errors.name} maxLength={100} data-autofocus />
          <TextInput
            label="URL"
            description="Where events are POSTed, e.g. your SIEM or SOAR's HTTPS endpoint."
            required
            value={url}
            onChange={(e) => setUrl(e.currentTarget.value)}
            error={errors.url}
            maxLength={2000}
          />
          <Checkbox.Group label="Events" required value={events} onChange={(v) => setEvents(v as EventType[])} error={errors.events}>
            <Stack gap={6} mt={6}>
              {EVENT_TYPES.map((e) => (
                <Checkbox key={e} value={e} label={EVENT_LABELS[e]} />
              ))}
            </Stack>
          </Checkbox.Group>
          <Switch label="Enabled" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} />
          <FormButtons submitLabel={editing ? 'Save' : 'Add'} onCancel={close} busy={mutation.isPending} />
        </Stack>
      </form>
    </Dialog>
  );
}
