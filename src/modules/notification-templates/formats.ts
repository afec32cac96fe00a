import mjml2html from 'mjml';
import { TemplateError } from './liquid.js';

/**
 * From a rendered template to what each channel receives. Variables were already escaped for the
 * format by the Liquid engine (HTML for email, mrkdwn for Slack); Teams cards are built as objects
 * and serialised by JSON.stringify, so no text is ever spliced into JSON.
 */

/** A subject or chat title: one line (CR, LF and other line breaks become spaces), bounded. */
export function oneLine(s: string, max = 250): string {
  const flat = s
    .replace(/[\r\n\u2028\u2029\u0085\v\f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Email HTML from the rendered MJML. `strict` (saving a template) refuses any MJML error; sending reports none it can survive. */
export async function mjmlToHtml(rendered: string, strict: boolean): Promise<string> {
  let result: Awaited<ReturnType<typeof mjml2html>>;
  try {
    result = await mjml2html(rendered, {
      validationLevel: strict ? 'strict' : 'soft',
      // mj-include reads files: never.
      ignoreIncludes: true,
      keepComments: false,
      // No web-font stylesheets fetched by the recipient's mail client.
      fonts: {},
    });
  } catch (e) {
    const details = (e as { errors?: { formattedMessage?: string; message?: string }[] }).errors;
    const first = details?.[0]?.formattedMessage ?? details?.[0]?.message ?? (e instanceof Error ? e.message : String(e));
    throw new TemplateError(`The email body is not valid MJML: ${first}`);
  }
  if (strict && result.errors.length) throw new TemplateError(`The email body is not valid MJML: ${result.errors[0]!.formattedMessage}`);
  if (!/<mjml[\s>]/i.test(rendered)) throw new TemplateError('The email body must be an MJML document starting with <mjml>.');
  return result.html;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'", nbsp: ' ' };

function decodeEntities(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#39|apos|nbsp);/g, (_, e: string) => ENTITIES[e]!).replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)));
}

/**
 * The plain-text part, from the same rendered (HTML-escaped) MJML: the body's text with its
 * paragraphs, buttons as "label: link", and entities decoded last, so a variable holding markup
 * shows as the characters it holds.
 */
export function mjmlToText(rendered: string): string {
  const body = /<mj-body[^>]*>([\s\S]*)<\/mj-body>/i.exec(rendered)?.[1] ?? rendered;
  const text = body
    .replace(/<mj-(?:raw|style|head)[\s\S]*?<\/mj-(?:raw|style|head)>/gi, '')
    .replace(/<mj-button[^>]*href="([^"]*)"[^>]*>([\s\S]*?)<\/mj-button>/gi, (_, href: string, label: string) => `\n${label.trim()}: ${href}\n`)
    .replace(/<a\s[^>]*href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi, (_, href: string, label: string) => (label.trim() === href ? href : `${label} (${href})`))
    .replace(/<mj-divider[^>]*\/?>/gi, '\n----\n')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<li[^>]*>/gi, '\n- ')
    .replace(/<\/(?:mj-text|mj-section|mj-column|p|div|h[1-6]|tr|table|ul|ol)>/gi, '\n')
    .replace(/<\/(?:td|th)>/gi, '\t')
    .replace(/<[^>]+>/g, '');
  return decodeEntities(
    text
      .split('\n')
      .map((l) =>
        l
          .replace(/[ \t]+/g, (m) => (m.includes('\t') ? ' | ' : ' '))
          .trim()
          .replace(/^\|\s*|\s*\|$/g, '')
          .trim(),
      )
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim(),
  );
}

/** Paragraphs of a chat body: blank lines separate them; a line "---" is a divider. */
function paragraphs(body: string): ({ kind: 'text'; text: string } | { kind: 'divider' })[] {
  const out: ({ kind: 'text'; text: string } | { kind: 'divider' })[] = [];
  for (const chunk of body.replace(/\r\n?/g, '\n').split(/\n\s*\n/)) {
    const lines = chunk.split('\n');
    let current: string[] = [];
    for (const line of lines) {
      if (line.trim() === '---') {
        if (current.join('\n').trim()) out.push({ kind: 'text', text: current.join('\n').trim() });
        current = [];
        out.push({ kind: 'divider' });
      } else current.push(line);
    }
    if (current.join('\n').trim()) out.push({ kind: 'text', text: current.join('\n').trim() });
  }
  return out;
}

const SLACK_MAX_BLOCKS = 50;
const SLACK_SECTION_MAX = 3000;

/** Block Kit: a header with the title, then one mrkdwn section per paragraph (Slack's limits respected). */
export function slackBlocks(title: string, body: string): unknown[] {
  const blocks: unknown[] = [];
  if (title) blocks.push({ type: 'header', text: { type: 'plain_text', text: oneLine(title, 150), emoji: true } });
  for (const p of paragraphs(body)) {
    if (blocks.length >= SLACK_MAX_BLOCKS) break;
    if (p.kind === 'divider') blocks.push({ type: 'divider' });
    else
      for (let i = 0; i < p.text.length && blocks.length < SLACK_MAX_BLOCKS; i += SLACK_SECTION_MAX) {
        blocks.push({ type: 'section', text: { type: 'mrkdwn', text: p.text.slice(i, i + SLACK_SECTION_MAX) } });
      }
  }
  return blocks;
}

/** Slack's plain fallback: mrkdwn with its three escapes undone would re-open markup, so it stays as rendered. */
export function slackText(title: string, body: string): string {
  return [title, body.trim()].filter(Boolean).join('\n\n');
}

/** An Adaptive Card (the attachment's content) built as objects: each paragraph a wrapping TextBlock. */
export function teamsCard(title: string, body: string): Record<string, unknown> {
  const items: Record<string, unknown>[] = [];
  if (title) items.push({ type: 'TextBlock', text: title, weight: 'Bolder', size: 'Medium', wrap: true });
  for (const p of paragraphs(body)) {
    if (p.kind === 'divider') items.push({ type: 'TextBlock', text: ' ', separator: true, spacing: 'Medium' });
    else items.push({ type: 'TextBlock', text: p.text, wrap: true });
  }
  return { type: 'AdaptiveCard', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', version: '1.4', body: items };
}
