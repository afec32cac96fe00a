/**
 * Notify User and Escalate (PRODUCT.md §5): one incident from Incident Details, or Notify User on
 * the selected rows of the Incidents list. Channel Type shows Slack / Teams only when connected.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { Checkbox, Group, NativeSelect, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { Dialog } from '../../components/Dialog';
import { Loading, ErrorState } from '../../components/common';
import { FormButtons, FormError } from '../../components/forms';
import { notifyError, notifySuccess } from '../../components/notify';
import { fieldErrors } from '../../components/table';
import { LANGUAGES } from './languages';
import { useBulkNotifyUser, useEscalate, useNotifyUser, useRemediationOptions, type RemediationOptions } from './api';

export type RemediationAction = 'notify' | 'escalate';
export type RemediationTarget = { mode: 'single'; id: number } | { mode: 'bulk'; ids: number[] };

const NOTE_MAX = 2000;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

type Form = { email: string; language: string; note: string; chats: number[]; userType: 'manager' | 'approver' | 'email'; approverId: string };
const blank = (o?: RemediationOptions): Form => ({
  email: '',
  language: 'en',
  note: '',
  chats: [],
  userType: o?.managerEmail ? 'manager' : 'approver',
  approverId: '',
});

export function NotifyDialog({
  action,
  target,
  onClose,
  onDone,
}: {
  action: RemediationAction | null;
  target: RemediationTarget;
  onClose(): void;
  onDone?(): void;
}) {
  const single = target.mode === 'single';
  const opened = action !== null;
  const opts = useRemediationOptions(single ? target.id : 0, opened && single);
  const [form, setForm] = useState<Form>(blank());
  const [errors, setErrors] = useState<Record<string, string>>({});
  const set = (patch: Partial<Form>) => {
    setForm((f) => ({ ...f, ...patch }));
    setErrors((e) => Object.fromEntries(Object.entries(e).filter(([k]) => !(k in patch))));
  };

  const done = (title: string, message: string) => {
    notifySuccess(title, message);
    onDone?.();
    onClose();
  };
  const failed = (title: string) => (err: Error) => {
    setErrors(fieldErrors(err));
    notifyError(title, err);
  };
  const notify = useNotifyUser(single ? target.id : 0, {
    onSuccess: (r) => done('Notify User', `The justification survey was sent to ${r.request.recipient}.`),
    onError: failed('Notify User failed'),
  });
  const escalate = useEscalate(single ? target.id : 0, {
    onSuccess: (r) => done('Escalate', `The escalation survey was sent to ${r.request.recipient}.`),
    onError: failed('Escalate failed'),
  });
  const bulk = useBulkNotifyUser({
    onSuccess: (r) => {
      if (r.failed > 0) {
        notifications.show({
          color: r.succeeded ? 'yellow' : 'red',
          title: `Notify User: ${r.succeeded} sent, ${r.failed} not sent`,
          message: r.results.find((x) => !x.ok)?.error?.message ?? 'Some incidents could not be notified.',
        });
        onDone?.();
        onClose();
      } else done('Notify User', `The justification survey was sent for ${r.succeeded} incident${r.succeeded === 1 ? '' : 's'}.`);
    },
    onError: failed('Notify User failed'),
  });
  const m = action === 'escalate' ? escalate : single ? notify : bulk;

  useEffect(() => {
    if (!opened) return;
    setForm(blank(opts.data));
    setErrors({});
    notify.reset();
    escalate.reset();
    bulk.reset();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opened, opts.data]);

  if (!action) return null;
  const o = opts.data;
  const title = action === 'notify' ? 'Notify User' : 'Escalate';

  function submit(e: FormEvent) {
    e.preventDefault();
    const errs: Record<string, string> = {};
    const email = form.email.trim();
    if (form.note.length > NOTE_MAX) errs.note = `The note to the user must be at most ${NOTE_MAX} characters.`;
    if (action === 'notify' && email && !EMAIL.test(email)) errs.email = 'Enter a valid email address.';
    if (action === 'escalate' && form.userType === 'approver' && !form.approverId) errs.approverId = 'Choose an approver.';
    if (action === 'escalate' && form.userType === 'email' && !EMAIL.test(email)) errs.email = 'Enter a valid email address.';
    setErrors(errs);
    if (Object.keys(errs).length) return;
    const common = { language: form.language, note: form.note.trim() || undefined, chatConnectionIds: form.chats.length ? form.chats : undefined };
    if (action === 'escalate')
      escalate.mutate({
        userType: form.userType,
        approverId: form.userType === 'approver' ? Number(form.approverId) : undefined,
        email: form.userType === 'email' ? email : undefined,
        ...common,
      });
    else if (target.mode === 'single') notify.mutate({ email: email && email !== o?.userEmail ? email : undefined, ...common });
    else bulk.mutate({ ids: target.ids, ...common });
  }

  const serverError = m.isError && !Object.keys(fieldErrors(m.error)).length ? m.error : null;
  const chats = o?.chatConnections ?? [];
  return (
    <Dialog opened={opened} onClose={onClose} title={title} size="lg">
      {single && opts.isLoading ? (
        <Loading label="Loading recipients…" />
      ) : single && opts.isError ? (
        <ErrorState error={opts.error} onRetry={() => void opts.refetch()} />
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack gap="sm">
            {!single ? <Text size="sm">Send the justification survey to the user of each of the {target.ids.length} selected incidents.</Text> : null}
            {action === 'escalate' ? (
              <>
                <NativeSelect
                  label="User Type"
                  value={form.userType}
                  onChange={(e) => set({ userType: e.currentTarget.value as Form['userType'] })}
                  data={[
                    ...(o?.managerEmail ? [{ value: 'manager', label: `Manager (${o.managerName ? `${o.managerName}, ` : ''}${o.managerEmail})` }] : []),
                    { value: 'approver', label: 'Approver' },
                    { value: 'email', label: 'Other email' },
                  ]}
                />
                {form.userType === 'approver' ? (
                  <NativeSelect
                    label="Approver"
                    value={form.approverId}
                    onChange={(e) => set({ approverId: e.currentTarget.value })}
                    data={[
                      { value: '', label: o?.approvers.length ? 'Choose an approver' : 'No approvers: add them in Setup > Approvers' },
                      ...(o?.approvers ?? []).map((a) => ({ value: String(a.id), label: `${a.name} (${a.email})` })),
                    ]}
                    error={errors.approverId}
                    required
                  />
                ) : null}
                {form.userType === 'email' ? (
                  <TextInput
                    label="Email"
                    type="email"
                    value={form.email}
                    onChange={(e) => set({ email: e.currentTarget.value })}
                    error={errors.email}
                    description={o?.approverDomains.length ? `Within ${o.approverDomains.join(', ')}` : undefined}
                    required
                  />
                ) : null}
              </>
            ) : single ? (
              <TextInput
                label="User"
                type="email"
                placeholder={o?.userEmail}
                description={`Leave empty to notify the incident's user${o?.userEmail ? ` (${o.userEmail})` : ''}.`}
                value={form.email}
                onChange={(e) => set({ email: e.currentTarget.value })}
                error={errors.email}
              />
            ) : null}
            {chats.length ? (
              <Checkbox.Group
                label="Channel Type"
                description="Email is always sent."
                value={form.chats.map(String)}
                onChange={(v) => set({ chats: v.map(Number) })}
              >
                <Group mt={4}>
                  {chats.map((c) => (
                    <Checkbox key={c.id} value={String(c.id)} label={`${c.kind === 'slack' ? 'Slack' : 'Teams'}: ${c.name}`} />
                  ))}
                </Group>
              </Checkbox.Group>
            ) : null}
            <NativeSelect label="Language" value={form.language} onChange={(e) => set({ language: e.currentTarget.value })} data={LANGUAGES} />
            <Textarea
              label="Note to user"
              autosize
              minRows={2}
              maxRows={6}
              value={form.note}
              onChange={(e) => set({ note: e.currentTarget.value })}
              error={errors.note}
            />
            <FormError error={serverError} />
            <FormButtons submitLabel={action === 'notify' ? 'Notify' : 'Escalate'} onCancel={onClose} busy={m.isPending} />
          </Stack>
        </form>
      )}
    </Dialog>
  );
}
