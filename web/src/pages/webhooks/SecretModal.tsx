import { Alert, Button, Code, CopyButton, Group, Stack, Text } from '@mantine/core';
import { Dialog } from '../../components/Dialog';
import { useNarrow } from '../../components/table';
import type { WebhookWithSecret } from './api';

/** The signing secret of a new or rotated webhook: the only time it is shown. */
export function SecretModal({ shown, onClose }: { shown: WebhookWithSecret | null; onClose(): void }) {
  const narrow = useNarrow();
  return (
    <Dialog opened={shown !== null} onClose={onClose} title="Signing secret" size="lg" fullScreen={narrow} centered={!narrow} closeOnClickOutside={false}>
      {shown && (
        <Stack>
          <Alert color="orange" title="Copy this secret now" role="alert">
            This is the only time the signing secret is shown. It is stored encrypted and cannot be shown again; if you lose it, rotate the secret.
          </Alert>
          <Text size="sm">
            Your receiver checks each delivery to <b>{shown.name}</b> with it: the <Code>X-WFA-Signature</Code> header is{' '}
            <Code>t=&lt;unix time&gt;,v1=&lt;hex HMAC-SHA256 of &quot;t.body&quot;&gt;</Code>. Refuse timestamps older than five minutes.
          </Text>
          <Group gap="xs" wrap="nowrap" align="stretch">
            <Code block style={{ flex: 1, wordBreak: 'break-all', whiteSpace: 'pre-wrap' }} data-testid="webhook-secret">
              {shown.secret}
            </Code>
            <CopyButton value={shown.secret}>
              {({ copied, copy }) => (
                <Button color={copied ? 'teal' : 'indigo'} onClick={copy} variant={copied ? 'filled' : 'light'} aria-label="Copy signing secret">
                  {copied ? 'Copied' : 'Copy'}
                </Button>
              )}
            </CopyButton>
          </Group>
          <Group justify="flex-end">
            <Button onClick={onClose}>I have copied the secret</Button>
          </Group>
        </Stack>
      )}
    </Dialog>
  );
}
