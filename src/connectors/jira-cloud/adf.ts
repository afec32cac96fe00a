/**
 * Jira REST v3 takes descriptions and comments only as Atlassian Document Format. We write plain
 * text, so this builds the small subset we need: paragraphs, line breaks and one link.
 */

export type AdfText = { type: 'text'; text: string; marks?: { type: 'link'; attrs: { href: string } }[] };
export type AdfInline = AdfText | { type: 'hardBreak' };
export type AdfParagraph = { type: 'paragraph'; content: AdfInline[] };
export type AdfDoc = { type: 'doc'; version: 1; content: AdfParagraph[] };

function paragraph(text: string): AdfParagraph | null {
  const content: AdfInline[] = [];
  text.split('\n').forEach((line, i) => {
    if (i > 0) content.push({ type: 'hardBreak' });
    // ADF rejects empty text nodes.
    if (line.length > 0) content.push({ type: 'text', text: line });
  });
  while (content.length && content[content.length - 1].type === 'hardBreak') content.pop();
  while (content.length && content[0].type === 'hardBreak') content.shift();
  return content.length ? { type: 'paragraph', content } : null;
}

/** Blank lines separate paragraphs; single newlines become hard breaks. */
export function textToAdf(text: string, link?: { label: string; text: string; href: string }): AdfDoc {
  const paragraphs = text
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map(paragraph)
    .filter((p): p is AdfParagraph => p !== null);
  if (link) {
    paragraphs.push({
      type: 'paragraph',
      content: [
        { type: 'text', text: link.label },
        { type: 'text', text: link.text, marks: [{ type: 'link', attrs: { href: link.href } }] },
      ],
    });
  }
  // An empty doc is valid ADF, but Jira shows nothing; keep the content array present either way.
  return { type: 'doc', version: 1, content: paragraphs };
}

/** Flattens ADF back to text (sandbox display and tests). */
export function adfToText(doc: unknown): string {
  const walk = (node: unknown): string => {
    if (!node || typeof node !== 'object') return '';
    const n = node as { type?: string; text?: string; content?: unknown[] };
    if (n.type === 'text') return n.text ?? '';
    if (n.type === 'hardBreak') return '\n';
    const inner = (n.content ?? []).map(walk).join('');
    return n.type === 'paragraph' ? `${inner}\n\n` : inner;
  };
  return walk(doc).trim();
}
