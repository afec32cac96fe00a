import { useEffect, useState, type FormEvent } from 'react';
import { Stack, TextInput } from '@mantine/core';
import { Dialog } from '../../components/Dialog';
import { FormButtons, FormError } from '../../components/forms';
import { notifySuccess } from '../../components/notify';
import { useSendTestEmail } from './api';

/** Sends one test notification by email; it shows in Deliveries like every message. */
export function TestEmailDialog({ opened, onClose }: { opened: boolean; onClose(): void }) {
  const [to, setTo] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const send = useSendTestEmail({
    onSuccess: (m) => {
      notifySuccess('Test email queued', `A test notification to ${m.recipient} is on its way; its delivery shows below.`);
      onClose();
    },
  });
  useEffect(() => {
    if (!opened) return;
    setTo('');
    setName('');
    setError(null);
    send.reset();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opened]);

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(to.trim())) return setError('Enter one email address, such as name@example.com.');
    setError(null);
    send.mutate({ to: to.trim(), ...(name.trim() ? { name: name.trim() } : {}) });
  }

  return (
    <Dialog opened={opened} onClose={send.isPending ? () => undefined : onClose} title="Send test email">
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput label="Email address" type="email" required value={to} onChange={(e) => setTo(e.currentTarget.value)} maxLength={254} data-autofocus />
          <TextInput label="Name" description="Optional" value={name} onChange={(e) => setName(e.currentTarget.value)} maxLength={200} />
          <FormError error={error ?? send.error} />
          <FormButtons submitLabel="Send" onCancel={onClose} busy={send.isPending} cancelDisabled={send.isPending} />
        </Stack>
      </form>
    </Dialog>
  );
}
