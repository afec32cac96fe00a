import type { ReactNode } from 'react';
import { Alert, Button, Group } from '@mantine/core';
import { errorMessage } from './common';

/** The server's refusal (or a message) inside a form; nothing when there is none. */
export function FormError({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  return (
    <Alert color="red" role="alert" title={title}>
      {typeof error === 'string' ? error : errorMessage(error)}
    </Alert>
  );
}

/** A modal form's footer: Cancel and the submit button, right-aligned. */
export function FormButtons({
  submitLabel,
  onCancel,
  busy,
  submitDisabled,
  cancelDisabled,
}: {
  submitLabel: ReactNode;
  onCancel(): void;
  /** The request is running: the submit button spins. */
  busy?: boolean;
  submitDisabled?: boolean;
  cancelDisabled?: boolean;
}) {
  return (
    <Group justify="flex-end">
      <Button variant="default" onClick={onCancel} disabled={cancelDisabled}>
        Cancel
      </Button>
      <Button type="submit" loading={busy} disabled={submitDisabled}>
        {submitLabel}
      </Button>
    </Group>
  );
}
