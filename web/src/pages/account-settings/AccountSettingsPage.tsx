import { useEffect, useState, type FormEvent } from 'react';
import { Button, Checkbox, Group, NumberInput, Paper, SegmentedControl, SimpleGrid, Stack, Switch, TagsInput, Text, Title } from '@mantine/core';
import { useAuth } from '../../auth';
import { ErrorState, Loading, PageHeader } from '../../components/common';
import { FormError } from '../../components/forms';
import { notifyError, notifySuccess } from '../../components/notify';
import { useAccountSettings, useSaveAccountSettings, type AccountSettings, type AccountSettingsView } from './api';

type Choices = AccountSettingsView['choices'];
type Digest = AccountSettings['notifications']['digest']['admin'];
const EXPIRY_KINDS = [
  ['endUser', 'End User'],
  ['manager', 'Manager'],
  ['approver', 'Approver'],
] as const;

/** The settings the form edits, without the view's bookkeeping. */
function formOf(v: AccountSettingsView): AccountSettings {
  return { notifications: v.notifications, approverDomains: v.approverDomains, uniqueAttributes: v.uniqueAttributes, privacy: v.privacy };
}

function Section({ title, description, children }: { title: string; description?: string; children: React.ReactNode }) {
  return (
    <Paper withBorder p="md" component="section" aria-label={title}>
      <Title order={2} size="h4" mb={4}>
        {title}
      </Title>
      {description ? (
        <Text size="sm" c="dimmed" mb="sm">
          {description}
        </Text>
      ) : null}
      {children}
    </Paper>
  );
}

function DigestFields({
  who,
  value,
  choices,
  disabled,
  onChange,
}: {
  who: 'End User' | 'Admin';
  value: Digest | Omit<Digest, 'recipients'>;
  choices: Choices;
  disabled: boolean;
  onChange(v: Partial<Digest>): void;
}) {
  return (
    <Stack gap="xs">
      <Switch
        label={`${who} Digest Notification`}
        checked={value.enabled}
        disabled={disabled}
        onChange={(e) => onChange({ enabled: e.currentTarget.checked })}
      />
      <Checkbox.Group label={`${who} digest channels`} value={value.channels} onChange={(v) => onChange({ channels: v as Digest['channels'] })}>
        <Group mt={4}>
          {choices.channels
            // Chat webhooks post to a shared channel: a person's own incidents go by email only.
            .filter((c) => (!('recipients' in value) ? c.value === 'email' : true))
            .map((c) => (
              <Checkbox key={c.value} value={c.value} label={c.label} disabled={disabled} />
            ))}
        </Group>
      </Checkbox.Group>
      <div>
        <Text size="sm" fw={500} id={`freq-${who}`}>
          {who} digest frequency
        </Text>
        <SegmentedControl
          aria-labelledby={`freq-${who}`}
          value={value.frequency}
          disabled={disabled}
          onChange={(f) => onChange({ frequency: f as Digest['frequency'] })}
          data={[
            { value: 'daily', label: 'Daily' },
            { value: 'weekly', label: 'Weekly' },
          ]}
        />
      </div>
      {'recipients' in value ? (
        <TagsInput
          label="Admin digest recipients"
          description="Email addresses; press Enter after each."
          value={value.recipients}
          disabled={disabled}
          onChange={(recipients) => onChange({ recipients })}
          maxTags={50}
          splitChars={[',', ' ', ';']}
        />
      ) : null}
    </Stack>
  );
}

/** Setup > Account Settings: Notifications, Approvers Domain Management, Unique Attributes, Privacy and Security; Save / Reset. */
export function AccountSettingsPage() {
  const { can } = useAuth();
  const canEdit = can('Account Settings', 'edit');
  const q = useAccountSettings();
  const [form, setForm] = useState<AccountSettings | null>(null);
  const save = useSaveAccountSettings({
    onSuccess: (v) => (
      setForm(formOf(v)),
      notifySuccess('Account Settings saved', 'The new settings apply to notifications, approvers and incident views from now on.')
    ),
    onError: (err) => notifyError('Could not save Account Settings', err),
  });

  useEffect(() => {
    if (q.data && !form) setForm(formOf(q.data));
  }, [q.data, form]);

  if (q.isLoading || (q.data && !form)) return <Loading label="Loading Account Settings…" />;
  if (q.isError || !q.data || !form) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  const choices = q.data.choices;
  const n = form.notifications;
  const setNotifications = (patch: Partial<AccountSettings['notifications']>) => setForm({ ...form, notifications: { ...n, ...patch } });
  const disabled = !canEdit;

  function submit(e: FormEvent) {
    e.preventDefault();
    if (form) save.mutate(form);
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Account Settings">
      <PageHeader
        title="Account Settings"
        description={canEdit ? undefined : 'Your role can view these settings; an admin with Edit on Account Settings can change them.'}
        actions={
          canEdit ? (
            <Group>
              <Button variant="default" onClick={() => (setForm(formOf(q.data!)), save.reset())} disabled={save.isPending}>
                Reset
              </Button>
              <Button type="submit" loading={save.isPending}>
                Save
              </Button>
            </Group>
          ) : null
        }
      />
      <Stack>
        <FormError error={save.error} />
        <Section title="Notifications" description="How long justification links stay valid, and the digests sent to end users and admins.">
          <Title order={3} size="h5" mb="xs">
            End User Notifications
          </Title>
          <SimpleGrid cols={{ base: 1, sm: 3 }} mb="md">
            {EXPIRY_KINDS.map(([key, label]) => (
              <NumberInput
                key={key}
                label={`${label} link expiry (days)`}
                min={1}
                max={30}
                allowDecimal={false}
                clampBehavior="none"
                disabled={disabled}
                value={n.linkExpiryDays[key]}
                onChange={(v) => setNotifications({ linkExpiryDays: { ...n.linkExpiryDays, [key]: typeof v === 'number' ? v : Number(v) } })}
              />
            ))}
          </SimpleGrid>
          <Title order={3} size="h5" mb="xs">
            Digest Notifications
          </Title>
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <DigestFields
              who="End User"
              value={n.digest.endUser}
              choices={choices}
              disabled={disabled}
              onChange={(p) => setNotifications({ digest: { ...n.digest, endUser: { ...n.digest.endUser, ...p } } })}
            />
            <DigestFields
              who="Admin"
              value={n.digest.admin}
              choices={choices}
              disabled={disabled}
              onChange={(p) => setNotifications({ digest: { ...n.digest, admin: { ...n.digest.admin, ...p } } })}
            />
          </SimpleGrid>
        </Section>
        <Section
          title="Approvers Domain Management"
          description="Restrict Approver Email Domains: when set, approvers' emails must be in one of these domains (up to 10)."
        >
          <TagsInput
            label="Trusted domains"
            placeholder={form.approverDomains.length < 10 ? 'example.com, then Enter' : undefined}
            value={form.approverDomains}
            onChange={(approverDomains) => setForm({ ...form, approverDomains })}
            maxTags={10}
            splitChars={[',', ' ', ';']}
            disabled={disabled}
          />
        </Section>
        <Section
          title="Unique Attributes"
          description="What identifies a person in User Attributes. With Employee ID, an import refuses an employee id held by someone else."
        >
          <Checkbox.Group
            value={form.uniqueAttributes}
            onChange={(v) => setForm({ ...form, uniqueAttributes: v as AccountSettings['uniqueAttributes'] })}
            label="Unique attributes"
          >
            <Group mt={4}>
              {choices.uniqueAttributes.map((c) => (
                <Checkbox key={c.value} value={c.value} label={c.label} disabled={disabled} />
              ))}
            </Group>
          </Checkbox.Group>
        </Section>
        <Section
          title="Privacy and Security"
          description="Attribute obfuscation: the chosen attributes show as •••• in notifications, surveys and the incident views, except to admins whose role can edit Account Settings."
        >
          <Checkbox.Group
            label="Obfuscated attributes"
            value={form.privacy.obfuscatedAttributes}
            onChange={(v) => setForm({ ...form, privacy: { obfuscatedAttributes: v as AccountSettings['privacy']['obfuscatedAttributes'] } })}
          >
            <SimpleGrid cols={{ base: 1, sm: 3 }} mt={4}>
              {choices.obfuscatableAttributes.map((c) => (
                <Checkbox key={c.value} value={c.value} label={c.label} disabled={disabled} />
              ))}
            </SimpleGrid>
          </Checkbox.Group>
        </Section>
      </Stack>
    </form>
  );
}
