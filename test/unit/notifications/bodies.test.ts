import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseSmtpUrl } from '../../../src/config.js';
import { slackBody, teamsBody } from '../../../src/modules/notifications/chat-bodies.js';
import { headerText, messageIdFor } from '../../../src/modules/notifications/email.js';
import { slackProblem, teamsProblem } from '../../../src/sandbox/chat.js';

describe('Slack body (Block Kit)', () => {
  it('has the fallback text and a header and section block, escaped and within limits', () => {
    const body = slackBody({ subject: 'Incident <42> & more', text: 'Click <https://evil.example|here> & go' });
    expect(body.text).toBe('Incident &lt;42&gt; &amp; more');
    expect(body.blocks).toEqual([
      { type: 'header', text: { type: 'plain_text', text: 'Incident <42> & more', emoji: false } },
      { type: 'section', text: { type: 'mrkdwn', text: 'Click &lt;https://evil.example|here&gt; &amp; go' } },
    ]);
    expect(slackProblem(body)).toBeNull();
    const long = slackBody({ subject: 'x'.repeat(400), text: 'y'.repeat(5000) });
    expect(slackProblem(long)).toBeNull();
  });

  it("uses a template's own blocks when given", () => {
    const blocks = [{ type: 'divider' }];
    expect(slackBody({ subject: 's', text: 't', slackBlocks: blocks }).blocks).toBe(blocks);
  });

  it('the sandbox refuses what Slack refuses', () => {
    expect(slackProblem({})).toBe('no_text');
    expect(slackProblem({ text: 'x', blocks: [{ type: 'nonsense' }] })).toBe('invalid_blocks');
    expect(slackProblem({ blocks: [{ type: 'header', text: { type: 'mrkdwn', text: 'x' } }] })).toBe('invalid_blocks');
  });
});

describe('Teams body (Adaptive Card)', () => {
  it('is a message with one Adaptive Card attachment holding the title and text', () => {
    const body = teamsBody({ subject: 'Incident 42', text: 'Please decide' });
    expect(body.type).toBe('message');
    expect(body.attachments).toHaveLength(1);
    expect(body.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(body.attachments[0].content).toMatchObject({
      type: 'AdaptiveCard',
      version: '1.4',
      body: [
        { type: 'TextBlock', text: 'Incident 42', weight: 'Bolder' },
        { type: 'TextBlock', text: 'Please decide', wrap: true },
      ],
    });
    expect(teamsProblem(body)).toBeNull();
  });

  it('the sandbox refuses what Teams refuses', () => {
    expect(teamsProblem({ type: 'message', attachments: [] })).toMatch(/attachments/);
    expect(teamsProblem({ type: 'message', attachments: [{ contentType: 'text/plain', content: {} }] })).toMatch(/contentType/);
    expect(teamsProblem({ text: 'hi' })).toMatch(/type/);
  });
});

describe('email headers', () => {
  it('folds line breaks and other controls so a value stays one header', () => {
    expect(headerText('Hi\r\nBcc: a@b.c')).toBe('Hi Bcc: a@b.c');
    expect(headerText('a\u2028b\u0000c')).toBe('a b c');
    expect(messageIdFor(7, 3, 'example.com')).toBe('<msg-7-3@example.com>');
  });
});

describe('WFA_SMTP_URL and WFA_SMTP_FROM', () => {
  it('reads smtp:// and smtps:// with the account in the URL', () => {
    expect(parseSmtpUrl('smtp://user%40x:p%3Ass@mail.example.com:2525')).toEqual({
      host: 'mail.example.com',
      port: 2525,
      secure: false,
      auth: { user: 'user@x', pass: 'p:ss' },
    });
    expect(parseSmtpUrl('smtps://mail.example.com')).toEqual({ host: 'mail.example.com', port: 465, secure: true, auth: null });
    expect(parseSmtpUrl('smtp://mail.example.com')?.port).toBe(587);
    expect(parseSmtpUrl('http://mail.example.com')).toBeNull();
  });

  it('a bad value names the variable and never echoes the password', () => {
    let err: unknown;
    try {
      loadConfig({ WFA_SMTP_URL: 'https://user:hunter2@mail.example.com' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain('WFA_SMTP_URL');
    expect((err as Error).message).not.toContain('hunter2');
    expect(() => loadConfig({ WFA_SMTP_FROM: 'Alerts <alerts@example.com>' })).toThrow(/WFA_SMTP_FROM/);
    expect(() => loadConfig({ WFA_SMTP_FROM: 'a@example.com\r\nBcc: b@example.com' })).toThrow(/WFA_SMTP_FROM/);
    expect(loadConfig({ WFA_SMTP_URL: 'smtp://u:p@127.0.0.1:2525', WFA_SMTP_FROM: 'alerts@example.com' })).toMatchObject({
      smtp: { host: '127.0.0.1', port: 2525 },
      smtpFrom: 'alerts@example.com',
    });
  });
});
