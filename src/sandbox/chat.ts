import type { MessagingState } from './messaging-state.js';

/**
 * Slack incoming-webhook and Microsoft Teams Workflows-webhook receivers. They check the body the
 * way the real services do at the level a sender can get wrong (Slack: `text` or `blocks`, known
 * block types and their text limits; Teams: a message with one Adaptive Card attachment) and
 * answer as they do: Slack `200 ok` or `400 invalid_payload`/`no_text`, `404 no_service`; Teams
 * `202` with an empty body or `400` with an error object.
 */

export type ChatReply = { status: number; headers?: Record<string, string>; text?: string; json?: unknown };

/** `/services/T…/B…/secret`, the shape of a Slack incoming webhook path. */
export const SLACK_PATH = /^\/services\/([A-Z0-9]+)\/([A-Z0-9]+)\/([A-Za-z0-9]+)$/;
/** `/workflows/<id>/triggers/manual/paths/invoke`, the shape of a Teams Workflows (Power Automate) trigger path. */
export const TEAMS_PATH = /^\/workflows\/([a-f0-9]+)\/triggers\/manual\/paths\/invoke$/;

export const SANDBOX_SLACK_PATH = '/services/T0WFA0001/B0WFA0001/sandboxSlackHookSecret01';
export const SANDBOX_TEAMS_PATH = '/workflows/0f1e2d3c4b5a69788796a5b4c3d2e1f0/triggers/manual/paths/invoke';
/** The webhooks that exist, like a workspace's: any other well-formed path answers 404 as a deleted one does. */
export const SANDBOX_SLACK_PATHS: readonly string[] = [SANDBOX_SLACK_PATH, '/services/T0WFA0001/B0WFA0002/sandboxSlackHookSecret02'];
export const SANDBOX_TEAMS_PATHS: readonly string[] = [SANDBOX_TEAMS_PATH, '/workflows/1f1e2d3c4b5a69788796a5b4c3d2e1f0/triggers/manual/paths/invoke'];

const SLACK_BLOCK_TYPES = new Set(['header', 'section', 'divider', 'context', 'actions', 'image', 'rich_text', 'input', 'file', 'video']);

function parse(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Why a Slack body would be refused, or null when it is acceptable. */
export function slackProblem(body: unknown): string | null {
  if (!isObject(body)) return 'invalid_payload';
  const hasText = typeof body.text === 'string' && body.text.length > 0;
  if (body.blocks === undefined) return hasText ? null : 'no_text';
  if (!Array.isArray(body.blocks) || body.blocks.length > 50) return 'invalid_blocks';
  for (const b of body.blocks) {
    if (!isObject(b) || typeof b.type !== 'string' || !SLACK_BLOCK_TYPES.has(b.type)) return 'invalid_blocks';
    if (b.type === 'header' && (!isObject(b.text) || b.text.type !== 'plain_text' || typeof b.text.text !== 'string' || b.text.text.length > 150))
      return 'invalid_blocks';
    if (b.type === 'section') {
      const t = b.text;
      if (t !== undefined && (!isObject(t) || (t.type !== 'mrkdwn' && t.type !== 'plain_text') || typeof t.text !== 'string' || t.text.length > 3000))
        return 'invalid_blocks';
      if (t === undefined && !Array.isArray(b.fields)) return 'invalid_blocks';
    }
  }
  return null;
}

/** Why a Teams body would be refused, or null when it is acceptable. */
export function teamsProblem(body: unknown): string | null {
  if (!isObject(body)) return 'The request body must be a JSON object.';
  if (body.type !== 'message') return "The property 'type' must be 'message'.";
  if (!Array.isArray(body.attachments) || body.attachments.length === 0) return "The property 'attachments' must be a non-empty array.";
  for (const a of body.attachments) {
    if (!isObject(a) || a.contentType !== 'application/vnd.microsoft.card.adaptive')
      return "Each attachment's contentType must be 'application/vnd.microsoft.card.adaptive'.";
    const card = a.content;
    if (!isObject(card) || card.type !== 'AdaptiveCard') return "The attachment content must be an Adaptive Card (type 'AdaptiveCard').";
    if (typeof card.version !== 'string') return 'The Adaptive Card must declare its version.';
    if (!Array.isArray(card.body) || card.body.some((e) => !isObject(e) || typeof e.type !== 'string'))
      return "The Adaptive Card's body must be a list of elements with a type.";
  }
  return null;
}

function textOfSlack(body: Record<string, unknown>): { title: string; text: string } {
  const blocks = Array.isArray(body.blocks) ? (body.blocks as Record<string, unknown>[]) : [];
  const header = blocks.find((b) => b.type === 'header') as { text?: { text?: string } } | undefined;
  const sections = blocks
    .filter((b) => b.type === 'section')
    .map((b) => (b as { text?: { text?: string } }).text?.text ?? '')
    .join('\n');
  return { title: header?.text?.text ?? String(body.text ?? ''), text: sections || String(body.text ?? '') };
}

function textOfTeams(body: Record<string, unknown>): { title: string; text: string } {
  const card = ((body.attachments as Record<string, unknown>[])[0]!.content ?? {}) as { body?: { type: string; text?: string }[] };
  const blocks = (card.body ?? []).filter((e) => e.type === 'TextBlock').map((e) => e.text ?? '');
  return { title: blocks[0] ?? '', text: blocks.slice(1).join('\n') };
}

export function handleSlack(state: MessagingState, path: string, raw: string): ChatReply {
  if (!SLACK_PATH.test(path) || !SANDBOX_SLACK_PATHS.includes(path) || state.take('slackNotFound')) return { status: 404, text: 'no_service' };
  if (state.take('slackUnavailable'))
    return { status: 503, headers: { 'Retry-After': String(state.faults.chatRetryAfterSeconds) }, text: 'service_unavailable' };
  const body = parse(raw);
  const problem = slackProblem(body);
  if (problem) return { status: 400, text: problem };
  state.addChat({ kind: 'slack', hook: path, ...textOfSlack(body as Record<string, unknown>), body });
  return { status: 200, text: 'ok' };
}

export function handleTeams(state: MessagingState, path: string, raw: string): ChatReply {
  if (!TEAMS_PATH.test(path) || !SANDBOX_TEAMS_PATHS.includes(path) || state.take('teamsNotFound')) {
    return { status: 404, json: { error: { code: 'WorkflowNotFound', message: 'The workflow could not be found.' } } };
  }
  if (state.take('teamsUnavailable'))
    return { status: 503, headers: { 'Retry-After': '1' }, json: { error: { code: 'ServiceUnavailable', message: 'Try again later.' } } };
  const body = parse(raw);
  const problem = teamsProblem(body);
  if (problem) return { status: 400, json: { error: { code: 'InvalidRequestContent', message: problem } } };
  state.addChat({ kind: 'teams', hook: path, ...textOfTeams(body as Record<string, unknown>), body });
  return { status: 202, text: '' };
}
