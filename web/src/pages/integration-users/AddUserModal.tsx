import { useEffect, useState, type FormEvent } from 'react';
import { Alert, Anchor, Loader, NativeSelect, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { Link } from 'react-router';
import { Dialog } from '../../components/Dialog';
import { errorMessage } from '../../components/common';
import { FormButtons, FormError } from '../../components/forms';
import { notifySuccess } from '../../components/notify';
import { useNarrow } from '../../components/table';
import { descriptorOf, systemNames, useCancelLookups, useAddIntegrationUser, useLookupUser, type IntegrationRefView, type LookupResult } from './api';

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const LOOKUP_DELAY_MS = 400;

/** Outcomes whose fix is on the integration's page. */
const INTEGRATION_PROBLEMS = new Set<LookupResult['outcome']>(['unreachable', 'credentials_refused']);

/**
 * The documented "Add User" window: Integration, Email → Name and Username appear → Add User.
 * The lookup runs after the admin pauses typing, is cancelled when the email changes, and never
 * blocks the page (it is a query, not a mutation; the window stays usable while it runs).
 */
export function AddUserModal({
  opened,
  onClose,
  integrations,
  integrationsLoading,
}: {
  opened: boolean;
  onClose(): void;
  integrations: IntegrationRefView[];
  integrationsLoading: boolean;
}) {
  const cancelLookups = useCancelLookups();
  const narrow = useNarrow();
  const enabled = integrations.filter((i) => i.enabled);
  const [integrationId, setIntegrationId] = useState('');
  const [email, setEmail] = useState('');
  const [touched, setTouched] = useState(false);
  const [submitError, setSubmitError] = useState<string | null>(null);
  const [debounced] = useDebouncedValue(email.trim(), LOOKUP_DELAY_MS);

  // One tenant: pick it for the admin.
  useEffect(() => {
    if (opened && !integrationId && enabled.length === 1) setIntegrationId(String(enabled[0].id));
  }, [opened, integrationId, enabled]);

  const emailValid = EMAIL_RE.test(debounced);
  const settled = debounced === email.trim();
  const lookup = useLookupUser(integrationId, debounced, opened && !!integrationId && emailValid);

  const add = useAddIntegrationUser({
    onSuccess: (u) => {
      notifySuccess('Integration user added', `${u.name} (${u.email}) can now be assigned ${u.integrationTypeLabel} tickets.`);
      close();
    },
    onError: (err) => setSubmitError(errorMessage(err)),
  });

  function close() {
    cancelLookups();
    setEmail('');
    setTouched(false);
    setSubmitError(null);
    setIntegrationId('');
    add.reset();
    onClose();
  }

  const result = settled && emailValid && integrationId ? lookup.data : undefined;
  const looking = !!integrationId && emailValid && (lookup.isFetching || !settled);
  const emailError =
    // Shown once the admin pauses typing, not on every keystroke.
    debounced && !emailValid && settled
      ? 'Enter a valid email address, such as jane@example.com.'
      : touched && !email.trim()
        ? 'Email is required.'
        : undefined;
  const integrationError = touched && !integrationId && email.trim() ? 'Choose an Integration first.' : undefined;
  const canAdd = !!result?.addable && settled && !lookup.isFetching;

  function submit(e: FormEvent) {
    e.preventDefault();
    setTouched(true);
    setSubmitError(null);
    if (canAdd) add.mutate({ integrationId: Number(integrationId), email: email.trim() });
  }

  const selected = integrations.find((i) => String(i.id) === integrationId);
  return (
    <Dialog opened={opened} onClose={close} title="Add User" fullScreen={narrow} centered size="lg">
      <form onSubmit={submit} noValidate aria-label="Add User">
        <Stack>
          {!integrationsLoading && enabled.length === 0 ? (
            <Alert color="yellow" role="alert" title="No ticketing integration to add users for">
              Connect {systemNames()} (or enable an existing integration) on{' '}
              <Anchor component={Link} to="/setup/integrations">
                Setup &gt; Integrations
              </Anchor>{' '}
              first.
            </Alert>
          ) : null}
          <NativeSelect
            label="Integration"
            description={`The ${systemNames()} tenant whose user will be assigned tickets.`}
            required
            value={integrationId}
            onChange={(e) => {
              setIntegrationId(e.currentTarget.value);
              setSubmitError(null);
            }}
            error={integrationError}
            data={[
              { value: '', label: integrationsLoading ? 'Loading integrations…' : 'Select an integration', disabled: true },
              ...enabled.map((i) => ({ value: String(i.id), label: `${i.name} (${i.typeLabel})` })),
            ]}
            data-autofocus
          />
          <TextInput
            label="Email"
            description="The person's email address in the selected ticketing system."
            type="email"
            required
            autoComplete="off"
            value={email}
            onChange={(e) => {
              setEmail(e.currentTarget.value);
              setSubmitError(null);
            }}
            onBlur={() => email && setTouched(true)}
            error={emailError}
            rightSection={looking ? <Loader size="xs" aria-label="Looking up" /> : null}
          />
          <div aria-live="polite" aria-atomic="true">
            {looking ? (
              <Text size="sm" c="dimmed">
                Looking up {debounced} in {selected?.name ?? 'the integration'}…
              </Text>
            ) : lookup.isError && settled && emailValid ? (
              <Alert color="red" role="alert">
                {errorMessage(lookup.error)}
              </Alert>
            ) : result && result.outcome !== 'found' ? (
              <Alert color={result.outcome === 'already_added' ? 'blue' : 'red'} role="alert" data-outcome={result.outcome}>
                <Stack gap={4}>
                  <Text size="sm">{result.message}</Text>
                  {INTEGRATION_PROBLEMS.has(result.outcome) ? (
                    <Anchor component={Link} to={result.integration.path} size="sm">
                      Open the integration {result.integration.name}
                    </Anchor>
                  ) : null}
                </Stack>
              </Alert>
            ) : null}
          </div>
          {result?.user && !looking ? (
            <>
              <TextInput label="Name" value={result.user.name} readOnly variant="filled" />
              <TextInput
                label="Username"
                value={result.user.username}
                readOnly
                variant="filled"
                description={descriptorOf(result.integration.type).users.usernameNote ?? undefined}
              />
            </>
          ) : null}
          <FormError error={submitError} />
          <FormButtons submitLabel="Add User" onCancel={close} busy={add.isPending} submitDisabled={!canAdd} />
        </Stack>
      </form>
    </Dialog>
  );
}
