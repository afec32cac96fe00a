import { useEffect, useState, type FormEvent } from 'react';
import { Alert, Badge, Button, Group, Stack, Stepper, Text, TextInput } from '@mantine/core';
import { Dialog } from '../../components/Dialog';
import { DateTime } from '../../components/common';
import { FormButtons, FormError } from '../../components/forms';
import { notifySuccess } from '../../components/notify';
import { fieldErrors, useNarrow } from '../../components/table';
import { DnsRecords } from './DnsRecords';
import { STATUS_COLORS, useAddEmailDomain, useDomainAction, useSendDomainTestEmail, type EmailDomainView } from './api';

/**
 * The Add Domain wizard: the domain's names → the DNS records to publish within 72 hours and
 * Verify → an optional test email and Make Default. Opened on an existing domain it starts at
 * its records.
 */
export function AddDomainWizard({ opened, domain, onClose }: { opened: boolean; domain: EmailDomainView | null; onClose(): void }) {
  const narrow = useNarrow();
  const [step, setStep] = useState(0);
  const [current, setCurrent] = useState<EmailDomainView | null>(null);
  const [name, setName] = useState('');
  const [envelope, setEnvelope] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});

  useEffect(() => {
    if (!opened) return;
    setCurrent(domain);
    setStep(domain ? (domain.status === 'success' || domain.status === 'in_use' ? 2 : 1) : 0);
    setName('');
    setEnvelope('');
    setFrom('');
    setTo('');
    setErrors({});
  }, [opened, domain]);

  const add = useAddEmailDomain({
    onSuccess: (d) => {
      setCurrent(d);
      setStep(1);
    },
    onError: (err) => setErrors(fieldErrors(err)),
  });
  const verify = useDomainAction('verify', { onSuccess: (d) => setCurrent(d) });
  const makeDefault = useDomainAction('make-default', {
    onSuccess: (d) => {
      setCurrent(d);
      notifySuccess('Default email domain', `Notification mail is now sent from ${d.fromAddress}.`);
      close();
    },
  });
  const test = useSendDomainTestEmail({ onSuccess: (r) => notifySuccess('Test email queued', `A test email from ${r.from} is on its way to ${r.to}.`) });

  function close() {
    add.reset();
    verify.reset();
    makeDefault.reset();
    test.reset();
    onClose();
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!name.trim()) errs.domain = 'Enter the domain name.';
    if (!envelope.trim()) errs.envelopeDomain = 'Enter the envelope sender domain name.';
    if (!from.trim()) errs.fromAddress = 'Enter the originating email address.';
    setErrors(errs);
    if (Object.keys(errs).length) return;
    add.mutate({ domain: name.trim(), envelopeDomain: envelope.trim(), fromAddress: from.trim() });
  }

  const verified = current?.status === 'success' || current?.status === 'in_use';
  const addError = add.isError && !Object.keys(fieldErrors(add.error)).length ? add.error : null;
  return (
    <Dialog opened={opened} onClose={close} title={domain ? `Email domain ${domain.domain}` : 'Add Domain'} size="xl" fullScreen={narrow} centered={!narrow}>
      <Stepper active={step} size="sm" mb="md" allowNextStepsSelect={false} onStepClick={(s) => current && s > 0 && setStep(s)}>
        <Stepper.Step label="Domain" description="Names and sender" />
        <Stepper.Step label="DNS records" description="Publish and verify" />
        <Stepper.Step label="Use it" description="Test email, Make Default" />
      </Stepper>
      {step === 0 && (
        <form onSubmit={submit} noValidate aria-label="Domain details">
          <Stack>
            <FormError error={addError} />
            <TextInput
              label="Domain Name"
              description="The domain notification mail is sent from, e.g. example.com."
              required
              value={name}
              onChange={(e) => {
                const v = e.currentTarget.value;
                setName(v);
                if (!envelope || envelope === `bounce.${name.trim()}`) setEnvelope(v.trim() ? `bounce.${v.trim()}` : '');
              }}
              error={errors.domain}
              maxLength={253}
              data-autofocus
            />
            <TextInput
              label="Envelope Sender Domain Name"
              description="A subdomain of the domain that receives bounces (the Return-Path), e.g. bounce.example.com."
              required
              value={envelope}
              onChange={(e) => setEnvelope(e.currentTarget.value)}
              error={errors.envelopeDomain}
              maxLength={253}
            />
            <TextInput
              label="Originating Email Address"
              description="The From address of notification mail; it must be in the domain, e.g. security@example.com."
              required
              type="email"
              value={from}
              onChange={(e) => setFrom(e.currentTarget.value)}
              error={errors.fromAddress}
              maxLength={254}
            />
            <FormButtons submitLabel="Generate DNS records" onCancel={close} busy={add.isPending} />
          </Stack>
        </form>
      )}
      {step === 1 && current && (
        <Stack>
          <Group gap="xs">
            <Badge color={STATUS_COLORS[current.status]} data-testid="domain-status">
              {current.statusLabel}
            </Badge>
            <Text size="sm">
              Publish these records at your DNS provider before <DateTime value={current.expiresAt} />, then Verify.
            </Text>
          </Group>
          <DnsRecords domain={current} />
          {current.status === 'expired' && (
            <Alert color="gray" role="status">
              The records expired unverified. Close this window and use Regenerate DNS records on the domain for new ones.
            </Alert>
          )}
          {current.status === 'failed' && current.lastError && (
            <Alert color="red" role="alert" title="Verification failed">
              {current.lastError}
            </Alert>
          )}
          <FormError error={verify.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Close
            </Button>
            {verified ? (
              <Button onClick={() => setStep(2)}>Next</Button>
            ) : (
              <Button onClick={() => verify.mutate(current)} loading={verify.isPending} disabled={current.status === 'expired'}>
                Verify
              </Button>
            )}
          </Group>
        </Stack>
      )}
      {step === 2 && current && (
        <Stack>
          <Alert color="green" role="status" title={current.status === 'in_use' ? 'In Use' : 'Success'}>
            {current.domain} is verified.{' '}
            {current.status === 'in_use'
              ? `Notification mail is sent from ${current.fromAddress}.`
              : `Make it default to send notification mail from ${current.fromAddress}.`}
          </Alert>
          <form
            noValidate
            aria-label="Send a test email"
            onSubmit={(e) => {
              e.preventDefault();
              if (to.trim()) test.mutate({ domain: current, to: to.trim() });
            }}
          >
            <Group align="flex-end">
              <TextInput
                label="Send a test email to (optional)"
                type="email"
                value={to}
                onChange={(e) => setTo(e.currentTarget.value)}
                maxLength={254}
                style={{ flex: 1 }}
              />
              <Button type="submit" variant="light" loading={test.isPending} disabled={!to.trim()}>
                Send test email
              </Button>
            </Group>
          </form>
          <FormError error={test.error ?? makeDefault.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Close
            </Button>
            {current.status === 'success' && (
              <Button onClick={() => makeDefault.mutate(current)} loading={makeDefault.isPending}>
                Make Default
              </Button>
            )}
          </Group>
        </Stack>
      )}
    </Dialog>
  );
}
