import { useEffect, useState, type FormEvent } from 'react';
import { PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { Dialog } from '../../components/Dialog';
import { FormButtons, FormError } from '../../components/forms';
import { notifySuccess } from '../../components/notify';
import { useSaveChannel, type ChannelKind, type ChannelView } from './api';

export const KIND_LABELS: Record<ChannelKind, string> = { slack: 'Slack', teams: 'Microsoft Teams' };
const URL_HELP: Record<ChannelKind, string> = {
  slack: 'In Slack: Apps > Incoming Webhooks > Add New Webhook to Workspace, pick the channel, copy the Webhook URL (https://hooks.slack.com/services/…).',
  teams: 'In Teams: the channel\'s ⋯ > Workflows > "Post to a channel when a webhook request is received", copy the URL it shows.',
};

/** Add a Slack or Teams channel (validated with a test message) or edit one (a new URL is validated too). */
export function ChannelDialog({ kind, channel, onClose }: { kind: ChannelKind | null; channel: ChannelView | null; onClose(): void }) {
  const opened = kind !== null || channel !== null;
  const k: ChannelKind = channel?.kind ?? kind ?? 'slack';
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [error, setError] = useState<string | null>(null);
  const save = useSaveChannel(channel?.id ?? null, {
    onSuccess: (c) => {
      notifySuccess(channel ? 'Channel updated' : 'Channel connected', channel ? `${c.name} was saved.` : `A test message was posted to ${c.name}.`);
      onClose();
    },
  });
  useEffect(() => {
    if (!opened) return;
    setName(channel?.name ?? '');
    setUrl('');
    setError(null);
    save.reset();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opened, channel]);

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!name.trim()) return setError('Enter a name.');
    if (!channel && !url.trim()) return setError('Enter the webhook URL.');
    setError(null);
    save.mutate({ kind: k, name: name.trim(), webhookUrl: url.trim() });
  }

  return (
    <Dialog opened={opened} onClose={save.isPending ? () => undefined : onClose} title={channel ? `Edit ${channel.name}` : `Add ${KIND_LABELS[k]}`}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} maxLength={100} data-autofocus />
          <PasswordInput
            label="Webhook URL"
            required={!channel}
            description={channel ? `Saved: ${channel.urlHint}. Leave empty to keep it.` : URL_HELP[k]}
            value={url}
            onChange={(e) => setUrl(e.currentTarget.value)}
            autoComplete="off"
          />
          <Text size="sm" c="dimmed">
            {channel
              ? 'A new URL is checked with a test message before it is saved.'
              : 'A test message is posted to the channel; it is saved only when that works.'}
          </Text>
          <FormError error={error ?? save.error} />
          <FormButtons
            submitLabel={channel ? 'Save Changes' : 'Send test message and add'}
            onCancel={onClose}
            busy={save.isPending}
            cancelDisabled={save.isPending}
          />
        </Stack>
      </form>
    </Dialog>
  );
}
