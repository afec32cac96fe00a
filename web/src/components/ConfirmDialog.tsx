import { useState, type ReactNode } from 'react';
import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import type { UseMutationResult } from '@tanstack/react-query';
import { Dialog } from './Dialog';
import { errorMessage } from './common';

export type ConfirmDialogProps = {
  opened: boolean;
  title: string;
  /** What will happen, in a sentence the admin can judge. */
  children: ReactNode;
  confirmLabel: string;
  /** Red for destructive actions (the default), another Mantine colour otherwise. */
  color?: string;
  /** True while the request is running: the confirm button spins and closing is blocked. */
  busy?: boolean;
  /** The server's refusal, shown inside the dialog so the admin can read it. */
  error?: unknown;
  onConfirm(): void;
  onClose(): void;
};

/** A yes/no confirmation window for destructive or important actions (delete, disable, revoke). */
export function ConfirmDialog({ opened, title, children, confirmLabel, color = 'red', busy, error, onConfirm, onClose }: ConfirmDialogProps) {
  return (
    <Dialog opened={opened} onClose={busy ? () => undefined : onClose} title={title} centered>
      <Stack>
        <Text size="sm" component="div">
          {children}
        </Text>
        {error ? (
          <Alert color="red" role="alert">
            {errorMessage(error)}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button color={color} onClick={onConfirm} loading={busy} data-autofocus>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Dialog>
  );
}

/**
 * A row action that asks first (Delete, Revoke, Disable…): `ask(row)` opens the dialog, Confirm runs
 * the mutation (a feature's data hook, e.g. `useRevokeApiKey`) for that row, success closes it, and
 * closing clears the server's refusal. Spread `dialog` into a `ConfirmDialog` and add its title,
 * label and sentence.
 */
export function useConfirmAction<T, R>(mutation: UseMutationResult<R, Error, T>) {
  const [target, setTarget] = useState<T | null>(null);
  return {
    /** The row the dialog is open for, or null. */
    target,
    ask: (t: T) => setTarget(t),
    mutation,
    dialog: {
      opened: target !== null,
      busy: mutation.isPending,
      error: mutation.error,
      onConfirm: () => {
        if (target !== null) mutation.mutate(target, { onSuccess: () => setTarget(null) });
      },
      onClose: () => {
        setTarget(null);
        mutation.reset();
      },
    },
  };
}
