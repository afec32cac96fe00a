import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseSmtpUrl } from '../../../src/config.js';
import { createSmtpSender, smtpFailure } from '../../../src/modules/notifications/email.js';
import { startMessagingSandbox, type MessagingSandbox } from '../../../src/sandbox/index.js';

/** The sandbox mail server and its pages over real SMTP and HTTP. */
let sb: MessagingSandbox;
beforeAll(async () => {
  sb = await startMessagingSandbox({ host: '127.0.0.1', port: 0, smtpPort: 0 });
});
afterAll(() => sb.close());
beforeEach(() => sb.state.reset());

const mail = (to: string, over: Partial<{ subject: string; html: string }> = {}) => ({
  messageId: `<t-${to}@test>`,
  from: 'from@example.com',
  to,
  toName: null,
  subject: over.subject ?? 'Hi',
  text: 'plain part',
  html: over.html ?? '<p>html part</p>',
});

describe('SMTP', () => {
  it('requires the seeded account: a wrong password is a permanent failure that names WFA_SMTP_URL', async () => {
    const bad = createSmtpSender({ ...parseSmtpUrl(sb.smtp.url)!, auth: { user: sb.smtp.username, pass: 'wrong' } });
    try {
      const err = await bad.send(mail('a@example.com')).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).not.toBeNull();
      const failure = smtpFailure(err);
      expect(failure.permanent).toBe(true);
      expect(failure.message).toContain('WFA_SMTP_URL');
      expect(failure.message).not.toContain('wrong');
    } finally {
      bad.close();
    }
    expect(sb.state.mails).toHaveLength(0);
  });

  it('parses each mail into the mailbox and shows it with its HTML in a sandboxed frame', async () => {
    const sender = createSmtpSender(parseSmtpUrl(sb.smtp.url)!);
    try {
      await sender.send(mail('b@example.com', { subject: '<script>alert(1)</script>', html: '<p>Hello <script>alert(2)</script></p>' }));
    } finally {
      sender.close();
    }
    const [m] = sb.state.mails;
    expect(m).toMatchObject({ messageId: '<t-b@example.com@test>', envelopeTo: ['b@example.com'], subject: '<script>alert(1)</script>' });
    const list = await (await fetch(`${sb.url}/mailbox`)).text();
    expect(list).toContain('1 mails received, 1 distinct Message-IDs');
    expect(list).not.toContain('<script>alert(1)');
    const res = await fetch(`${sb.url}/mailbox/${m!.seq}`);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const page = await res.text();
    expect(page).toContain('<iframe title="HTML part" sandbox=""');
    expect(page).not.toContain('<script>');
    expect(page).toContain('plain part');
  });

  it('refuses the next mails with 451 / 550 as switched, and says so in the failure kind', async () => {
    const faults = await fetch(`${sb.url}/__sandbox/faults`, { method: 'POST', body: JSON.stringify({ smtpTransient: 1, smtpPermanent: 1 }) });
    expect(faults.status).toBe(200);
    expect((await fetch(`${sb.url}/__sandbox/faults`, { method: 'POST', body: JSON.stringify({ smtpTransientRate: 2 }) })).status).toBe(400);
    expect((await fetch(`${sb.url}/__sandbox/faults`, { method: 'POST', body: JSON.stringify({ nonsense: 1 }) })).status).toBe(400);
    const sender = createSmtpSender(parseSmtpUrl(sb.smtp.url)!);
    try {
      const first = await sender.send(mail('c@example.com')).catch((e: unknown) => smtpFailure(e));
      const second = await sender.send(mail('d@example.com')).catch((e: unknown) => smtpFailure(e));
      expect(first).toMatchObject({ permanent: true });
      expect((first as Error).message).toContain('550');
      expect(second).toMatchObject({ permanent: false });
      expect((second as Error).message).toContain('451');
      await sender.send(mail('e@example.com'));
    } finally {
      sender.close();
    }
    expect(sb.state.mails.map((m) => m.envelopeTo[0])).toEqual(['e@example.com']);
  });
});
