import { useState, type FormEvent } from 'react';
import { PasswordInput, Stack, Text } from '@mantine/core';
import { Dialog } from '../../components/Dialog';
import { FormButtons, FormError } from '../../components/forms';
import { notifySuccess } from '../../components/notify';
import { useUpdateAdmin, type AdminView } from './api';
import { MIN_PASSWORD, passwordProblem } from './password';

export function ResetPasswordModal({ admin, onClose }: { admin: AdminView | null; onClose(): void }) {
  const [pw, setPw] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const m = useUpdateAdmin({
    onSuccess: (a) => {
      notifySuccess('Password reset', `${a.email} must sign in with the new password.`);
      close();
    },
  });
  function close() {
    setPw('');
    setConfirm('');
    setErrors({});
    m.reset();
    onClose();
  }
  function submit(e: FormEvent) {
    e.preventDefault();
    const errs: Record<string, string> = {};
    const p = passwordProblem(pw);
    if (p) errs.password = p;
    else if (pw !== confirm) errs.confirm = 'The passwords do not match.';
    setErrors(errs);
    if (!Object.keys(errs).length && admin) m.mutate({ admin, change: { password: pw } });
  }
  return (
    <Dialog opened={!!admin} onClose={close} title="Reset Password" centered>
      <form onSubmit={submit} noValidate>
        <Stack>
          <Text size="sm">
            Set a new password for <b>{admin?.email}</b>. Their open sessions end at once.
          </Text>
          <FormError error={m.error} />
          <PasswordInput
            label="New password"
            description={`At least ${MIN_PASSWORD} characters.`}
            required
            autoComplete="new-password"
            value={pw}
            onChange={(e) => setPw(e.currentTarget.value)}
            error={errors.password}
            data-autofocus
          />
          <PasswordInput
            label="Confirm password"
            required
            autoComplete="new-password"
            value={confirm}
            onChange={(e) => setConfirm(e.currentTarget.value)}
            error={errors.confirm}
          />
          <FormButtons submitLabel="Reset Password" onCancel={close} busy={m.isPending} />
        </Stack>
      </form>
    </Dialog>
  );
}
