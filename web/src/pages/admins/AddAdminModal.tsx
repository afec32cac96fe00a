import { useState, type FormEvent } from 'react';
import { PasswordInput, Stack, TextInput } from '@mantine/core';
import { Dialog } from '../../components/Dialog';
import { errorMessage } from '../../components/common';
import { FormButtons, FormError } from '../../components/forms';
import { RoleSelect } from '../../components/RoleSelect';
import { notifySuccess } from '../../components/notify';
import { fieldErrors, useNarrow } from '../../components/table';
import { useAddAdmin } from './api';
import { MIN_PASSWORD, passwordProblem } from './password';

export function AddAdminModal({ opened, onClose }: { opened: boolean; onClose(): void }) {
  const narrow = useNarrow();
  const [form, setForm] = useState({ email: '', name: '', roleId: '', password: '', confirm: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [serverError, setServerError] = useState<string | null>(null);
  const set = (k: keyof typeof form) => (v: string) => setForm((f) => ({ ...f, [k]: v }));

  const create = useAddAdmin({
    onSuccess: (a) => {
      notifySuccess('Admin added', `${a.email} can now sign in with the role ${a.roleName}.`);
      close();
    },
    onError: (err) => {
      setErrors(fieldErrors(err));
      setServerError(errorMessage(err));
    },
  });

  function close() {
    setForm({ email: '', name: '', roleId: '', password: '', confirm: '' });
    setErrors({});
    setServerError(null);
    onClose();
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    const errs: Record<string, string> = {};
    const email = form.email.trim();
    if (!email) errs.email = 'Email is required.';
    else if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) errs.email = 'Enter a valid email address, such as jane@example.com.';
    if (!form.name.trim()) errs.name = 'Name is required.';
    if (!form.roleId) errs.roleId = 'Choose a role.';
    const pw = passwordProblem(form.password);
    if (pw) errs.password = pw;
    else if (form.confirm !== form.password) errs.confirm = 'The passwords do not match.';
    setErrors(errs);
    setServerError(null);
    if (Object.keys(errs).length === 0) create.mutate({ email, name: form.name.trim(), roleId: Number(form.roleId), password: form.password });
  }

  return (
    <Dialog opened={opened} onClose={close} title="Add Admin" fullScreen={narrow} centered>
      <form onSubmit={submit} noValidate>
        <Stack>
          <FormError error={serverError} />
          <TextInput
            label="Email"
            type="email"
            required
            autoComplete="off"
            value={form.email}
            onChange={(e) => set('email')(e.currentTarget.value)}
            error={errors.email}
            data-autofocus
          />
          <TextInput label="Name" required value={form.name} onChange={(e) => set('name')(e.currentTarget.value)} error={errors.name} />
          <RoleSelect value={form.roleId} onChange={set('roleId')} error={errors.roleId} />
          <PasswordInput
            label="Initial password"
            description={`At least ${MIN_PASSWORD} characters. Share it with the admin securely.`}
            required
            autoComplete="new-password"
            value={form.password}
            onChange={(e) => set('password')(e.currentTarget.value)}
            error={errors.password}
          />
          <PasswordInput
            label="Confirm password"
            required
            autoComplete="new-password"
            value={form.confirm}
            onChange={(e) => set('confirm')(e.currentTarget.value)}
            error={errors.confirm}
          />
          <FormButtons submitLabel="Add Admin" onCancel={close} busy={create.isPending} />
        </Stack>
      </form>
    </Dialog>
  );
}
