import { describe, expect, it } from 'vitest';
import { adfToText, textToAdf } from '../../../src/connectors/jira-cloud/adf.js';

describe('textToAdf', () => {
  it('never produces empty text nodes or empty paragraphs', () => {
    const doc = textToAdf('\n\nA\n\n\n\nB\n\n');
    expect(doc.content).toEqual([
      { type: 'paragraph', content: [{ type: 'text', text: 'A' }] },
      { type: 'paragraph', content: [{ type: 'text', text: 'B' }] },
    ]);
    expect(textToAdf('')).toEqual({ type: 'doc', version: 1, content: [] });
  });

  it('normalises Windows line endings and round-trips through adfToText', () => {
    const doc = textToAdf('one\r\ntwo\r\n\r\nthree', { label: 'See ', text: 'link', href: 'https://x.example/1' });
    expect(adfToText(doc)).toBe('one\ntwo\n\nthree\n\nSee link');
  });
});
