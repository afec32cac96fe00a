import { Accordion, Alert, Box, Code, Divider, Paper, Stack, Table, Tabs, Text, Title } from '@mantine/core';
import { CHANNEL_LABELS, FAMILY_LABELS, useVariables, type RenderedView, type TemplateChannel, type TemplateFamily } from './api';

type SlackBlock = { type: string; text?: { type: string; text: string } };
type CardItem = { type: string; text?: string; weight?: string; separator?: boolean };

/** Slack mrkdwn as Slack shows it, roughly: the escapes undone into text (never into markup), links as their labels. */
function slackDisplay(mrkdwn: string): string {
  return mrkdwn
    .replace(/<([^|>]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function SlackPreview({ blocks }: { blocks: SlackBlock[] }) {
  return (
    <Paper withBorder p="md" data-testid="slack-preview">
      <Stack gap="xs">
        {blocks.map((b, i) =>
          b.type === 'header' ? (
            <Text key={i} fw={700} size="lg">
              {b.text?.text}
            </Text>
          ) : b.type === 'divider' ? (
            <Divider key={i} />
          ) : (
            <Text key={i} size="sm" style={{ whiteSpace: 'pre-wrap' }}>
              {slackDisplay(b.text?.text ?? '')}
            </Text>
          ),
        )}
      </Stack>
    </Paper>
  );
}

function TeamsPreview({ card }: { card: { body?: CardItem[] } }) {
  return (
    <Paper withBorder p="md" data-testid="teams-preview">
      <Stack gap="xs">
        {(card.body ?? []).map((item, i) =>
          item.separator ? (
            <Divider key={i} />
          ) : (
            <Text key={i} fw={item.weight === 'Bolder' ? 700 : undefined} size={item.weight === 'Bolder' ? 'lg' : 'sm'} style={{ whiteSpace: 'pre-wrap' }}>
              {item.text}
            </Text>
          ),
        )}
      </Stack>
    </Paper>
  );
}

/**
 * What the channel receives, rendered with the sample incident: the email's HTML in a sandboxed
 * frame (no scripts, no same-origin access) and its text part; Slack blocks and the Teams card
 * as they show, each with the exact JSON sent.
 */
export function MessagePreview({ message, channel }: { message: RenderedView; channel: TemplateChannel }) {
  return (
    <Stack gap="sm">
      <Text size="sm">
        <b>{channel === 'email' ? 'Subject' : 'Title'}:</b> <span data-testid="preview-subject">{message.subject}</span>
      </Text>
      {channel === 'email' ? (
        <Tabs defaultValue="html">
          <Tabs.List>
            <Tabs.Tab value="html">HTML</Tabs.Tab>
            <Tabs.Tab value="text">Text part</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="html" pt="xs">
            <Box
              component="iframe"
              title="Email preview"
              sandbox=""
              srcDoc={message.html ?? ''}
              style={{ width: '100%', height: 520, border: '1px solid var(--mantine-color-gray-4)', background: 'white' }}
            />
          </Tabs.Panel>
          <Tabs.Panel value="text" pt="xs">
            <Code block data-testid="preview-text">
              {message.text}
            </Code>
          </Tabs.Panel>
        </Tabs>
      ) : (
        <Tabs defaultValue="message">
          <Tabs.List>
            <Tabs.Tab value="message">{CHANNEL_LABELS[channel]} message</Tabs.Tab>
            <Tabs.Tab value="json">{channel === 'slack' ? 'Block Kit JSON' : 'Adaptive Card JSON'}</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="message" pt="xs">
            {channel === 'slack' ? (
              <SlackPreview blocks={(message.slackBlocks ?? []) as SlackBlock[]} />
            ) : (
              <TeamsPreview card={(message.teamsCard ?? {}) as { body?: CardItem[] }} />
            )}
          </Tabs.Panel>
          <Tabs.Panel value="json" pt="xs">
            <Code block>{JSON.stringify(channel === 'slack' ? { text: message.text, blocks: message.slackBlocks } : message.teamsCard, null, 2)}</Code>
          </Tabs.Panel>
        </Tabs>
      )}
    </Stack>
  );
}

function applies(families: 'all' | readonly string[], family: TemplateFamily): boolean {
  return families === 'all' || families.includes(family);
}

/** The "Variables" help panel: what a template of this family may use, with the Liquid syntax. */
export function VariablesPanel({ family }: { family: TemplateFamily }) {
  const q = useVariables();
  if (q.isError) return <Alert color="red">The variable list could not be loaded.</Alert>;
  const rows = (list: { name: string; description: string; families: 'all' | readonly string[] }[], prefix: string) =>
    list
      .filter((v) => applies(v.families, family))
      .map((v) => (
        <Table.Tr key={prefix + v.name}>
          <Table.Td>
            <Code>{`{{ ${prefix}${v.name} }}`}</Code>
          </Table.Td>
          <Table.Td>{v.description}</Table.Td>
        </Table.Tr>
      ));
  const digest = family === 'digest' || family === 'admin_digest';
  return (
    <Accordion variant="contained" defaultValue="variables">
      <Accordion.Item value="variables">
        <Accordion.Control>Variables ({FAMILY_LABELS[family]})</Accordion.Control>
        <Accordion.Panel>
          <Stack gap="xs">
            <Text size="sm">
              Templates use Liquid: <Code>{'{{ variable }}'}</Code>, <Code>{'{% if %}'}</Code>, <Code>{'{% for %}'}</Code> and the standard filters (
              <Code>default</Code>, <Code>date</Code>, <Code>upcase</Code>…). Values are escaped for the channel. A variable not listed here is refused when you
              save.
            </Text>
            <Table withTableBorder fz="sm" aria-label="Template variables">
              <Table.Tbody>
                {rows(
                  (q.data?.top ?? []).filter((v) => v.name !== 'incident' && v.name !== 'rows'),
                  '',
                )}
                {!digest ? rows(q.data?.incident ?? [], 'incident.') : null}
              </Table.Tbody>
            </Table>
            {digest ? (
              <>
                <Title order={4} size="h6">
                  Digest rows: <Code>{'{% for row in rows %}…{% endfor %}'}</Code>
                </Title>
                <Table withTableBorder fz="sm" aria-label="Digest row variables">
                  <Table.Tbody>{rows(q.data?.row ?? [], 'row.')}</Table.Tbody>
                </Table>
              </>
            ) : null}
            <Text size="sm" c="dimmed">
              Email bodies are MJML documents (<Code>{'<mjml><mj-body>…</mj-body></mjml>'}</Code>); the text part is made from the same body. Slack and Teams
              bodies are text: blank lines separate paragraphs and a line <Code>---</Code> is a divider; links are <Code>{'<url|label>'}</Code> in Slack and{' '}
              <Code>[label](url)</Code> in Teams.
            </Text>
          </Stack>
        </Accordion.Panel>
      </Accordion.Item>
    </Accordion>
  );
}
