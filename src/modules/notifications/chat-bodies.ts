import type { ChatKind, RenderedMessage } from './types.js';

/**
 * What Slack and Microsoft Teams receive. Slack incoming webhooks take Block Kit (`text` is the
 * notification fallback); Teams Workflows webhooks take a message with one Adaptive Card
 * attachment. A template may supply its own blocks or card; otherwise the title and text are
 * laid out here.
 */

/** Block Kit limits: a header's plain text ≤ 150 characters, a section's text ≤ 3000. */
const SLACK_HEADER_MAX = 150;
const SLACK_SECTION_MAX = 3000;

function cut(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** Slack reads `&`, `<` and `>` as markup (links, mentions); text is shown as written. */
export function slackEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export type SlackBody = { text: string; blocks: unknown[] };
export type TeamsBody = {
  type: 'message';
  attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive'; contentUrl: null; content: unknown }];
};

export function slackBody(content: RenderedMessage): SlackBody {
  const text = cut(content.text || content.subject, SLACK_SECTION_MAX);
  const blocks = content.slackBlocks?.length
    ? content.slackBlocks
    : [
        { type: 'header', text: { type: 'plain_text', text: cut(content.subject, SLACK_HEADER_MAX), emoji: false } },
        ...(content.text ? [{ type: 'section', text: { type: 'mrkdwn', text: cut(slackEscape(content.text), SLACK_SECTION_MAX) } }] : []),
      ];
  return { text: slackEscape(content.subject ? `${content.subject}` : text), blocks };
}

export function teamsCard(content: RenderedMessage): unknown {
  return (
    content.teamsCard ?? {
      type: 'AdaptiveCard',
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      version: '1.4',
      body: [
        { type: 'TextBlock', text: content.subject, weight: 'Bolder', size: 'Medium', wrap: true },
        ...(content.text ? [{ type: 'TextBlock', text: content.text, wrap: true }] : []),
      ],
    }
  );
}

export function teamsBody(content: RenderedMessage): TeamsBody {
  return {
    type: 'message',
    attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: teamsCard(content) }],
  };
}

export function chatBody(kind: ChatKind, content: RenderedMessage): SlackBody | TeamsBody {
  return kind === 'slack' ? slackBody(content) : teamsBody(content);
}

export const CHAT_LABELS: Record<ChatKind, string> = { slack: 'Slack', teams: 'Microsoft Teams' };
