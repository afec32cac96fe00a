import { createPublicKey } from 'node:crypto';
import { Resolver } from 'node:dns/promises';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMessagingSandbox, type MessagingSandbox } from '../../../src/sandbox/index.js';
import { verifyDkim } from '../../../src/sandbox/dkim-check.js';
import { createTestApp, type Session, type TestApp } from '../../helpers/test-app.js';
import { deliverAll } from '../notifications/helpers.js';

/**
 * Custom email domains against the sandbox DNS (real UDP lookups on loopback) and the sandbox SMTP
 * server: the wizard's rules, the records, verification outcomes, expiry, and mail sent From the
 * domain with a DKIM signature that verifies against the key its DNS record publishes.
 */

const FROM = 'notifications@wfa.example.com';
let t: TestApp;
let sb: MessagingSandbox;
let admin: Session;

type Rec = { kind: string; name: string; value: string; ok: boolean | null; problem: string | null };
type View = {
  id: number;
  domain: string;
  status: string;
  statusLabel: string;
  records: Rec[];
  lastError: string | null;
  expiresAt: string;
  fromAddress: string;
};

beforeAll(async () => {
  sb = await startMessagingSandbox({ host: '127.0.0.1', port: 0, smtpPort: 0, dnsPort: 0 });
  t = await createTestApp({ WFA_SMTP_URL: sb.smtp.url, WFA_SMTP_FROM: FROM, WFA_DNS_SERVERS: sb.dns.servers, WFA_JOB_BACKOFF_MS: '10' });
  admin = await t.login(t.admin.email);
});
afterAll(async () => {
  await t.close();
  await sb.close();
});
beforeEach(() => {
  sb.state.reset();
  sb.dns.zone.reset();
});

let n = 0;
const fresh = () => `corp${++n}-${Date.now().toString(36)}.example`;

async function addDomain(domain = fresh(), over: Record<string, string> = {}): Promise<View> {
  const res = await admin.post('/api/v1/email-domains', { domain, envelopeDomain: `bounce.${domain}`, fromAddress: `security@${domain}`, ...over });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as View;
}

const record = (v: View, kind: string) => v.records.find((r) => r.kind === kind)!;
function publish(v: View, kinds = ['dkim', 'spf', 'verification']): void {
  for (const k of kinds) {
    const r = record(v, k);
    expect(sb.dns.zone.add({ name: r.name, type: 'TXT', value: r.value })).toMatchObject({ name: r.name });
  }
}
const verify = (id: number) => admin.post(`/api/v1/email-domains/${id}/verify`);
const list = async () => (await admin.get('/api/v1/email-domains')).json() as { items: View[]; platformFrom: string };

async function verified(): Promise<View> {
  const v = await addDomain();
  publish(v);
  const res = await verify(v.id);
  expect(res.json()).toMatchObject({ status: 'success', statusLabel: 'Success', lastError: null });
  return res.json() as View;
}

async function mailOne(to: string): Promise<void> {
  await t.ctx.db.transaction().execute((trx) =>
    t.ctx.notifications.enqueue(trx, t.orgId, {
      purpose: `domain-test:${to}:${Math.random()}`,
      kind: 'end_user',
      channel: 'email',
      recipient: to,
      content: { subject: 'Please justify incident 7', text: 'Hello   there\n\nA line with trailing space ', html: '<p>Hello <b>there</b></p>' },
    }),
  );
  await deliverAll(t);
}

/** The signature checked with node crypto against the key looked up over real DNS (not the sandbox's own check). */
async function dkimOverDns(raw: string): Promise<string> {
  const resolver = new Resolver({ timeout: 2000, tries: 1 });
  resolver.setServers([sb.dns.servers]);
  const selector = /\bs=([^;\s]+)/.exec(raw)![1]!;
  const domain = /\bd=([^;\s]+)/.exec(raw)![1]!;
  const txt = (await resolver.resolveTxt(`${selector}._domainkey.${domain}`)).map((c) => c.join(''))[0]!;
  return verifyDkim(raw, () => txt).result;
}

describe('Add Domain wizard', () => {
  it('refuses bad input with a reason and stores nothing', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ domain: 'bad_name.example', envelopeDomain: 'bounce.x.com', fromAddress: 'a@x.com' }, /domain name may hold only/],
      [{ domain: 'corp.example', envelopeDomain: '-b.corp.example', fromAddress: 'a@corp.example' }, /envelope sender domain name may hold only/],
      [{ domain: 'localhost', envelopeDomain: 'bounce.localhost', fromAddress: 'a@localhost' }, /at least two labels/],
      [{ domain: 'corp.example', envelopeDomain: 'bounce.other.example', fromAddress: 'a@corp.example' }, /subdomain of corp\.example/],
      [{ domain: 'corp.example', envelopeDomain: 'corp.example', fromAddress: 'a@corp.example' }, /subdomain of corp\.example/],
      [{ domain: 'corp.example', envelopeDomain: 'bounce.corp.example', fromAddress: 'a@mail.corp.example' }, /must be in corp\.example/],
      [{ domain: 'corp.example', envelopeDomain: 'bounce.corp.example', fromAddress: 'Alice <a@corp.example>' }, /one address/],
      [{ domain: 'wfa.example.com', envelopeDomain: 'b.wfa.example.com', fromAddress: 'a@wfa.example.com' }, /this server's own mail domain/],
      [{ domain: 'corp.example', envelopeDomain: 'bounce.corp.example', fromAddress: 'a@corp.example', extra: 1 }, /./],
    ];
    for (const [body, message] of cases) {
      const res = await admin.post('/api/v1/email-domains', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.message).toMatch(message);
    }
    expect((await list()).items).toHaveLength(0);
  });

  it('generates an RSA 2048 DKIM key, the SPF and the verification records, valid 72 hours; the private key is sealed and never shown', async () => {
    const before = Date.now();
    const v = await addDomain('Acme-Corp.Example.', { envelopeDomain: 'BOUNCE.acme-corp.example', fromAddress: 'security@ACME-corp.example' });
    expect(v).toMatchObject({ domain: 'acme-corp.example', status: 'pending', statusLabel: 'Pending', fromAddress: 'security@acme-corp.example' });
    const hours = (Date.parse(v.expiresAt) - before) / 3_600_000;
    expect(hours).toBeGreaterThan(71.9);
    expect(hours).toBeLessThan(72.1);
    const dkim = record(v, 'dkim');
    expect(dkim.name).toMatch(/^wfa\d{8}[0-9a-f]{6}\._domainkey\.acme-corp\.example$/);
    const p = /^v=DKIM1; k=rsa; p=([A-Za-z0-9+/=]+)$/.exec(dkim.value)![1]!;
    expect(createPublicKey({ key: Buffer.from(p, 'base64'), format: 'der', type: 'spki' }).asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(record(v, 'spf')).toMatchObject({ name: 'bounce.acme-corp.example', value: 'v=spf1 include:wfa.example.com ~all' });
    expect(record(v, 'verification').name).toBe('_wfa-verification.acme-corp.example');
    expect(record(v, 'verification').value).toMatch(/^wfa-verification=[A-Za-z0-9_-]{32}$/);

    const row = await sql<{ dkim_private_key: string }>`select dkim_private_key from email_domains where id = ${v.id}`.execute(t.ctx.db);
    expect(row.rows[0]!.dkim_private_key).toMatch(/^v1:/);
    expect(row.rows[0]!.dkim_private_key).not.toContain('PRIVATE KEY');
    const audit = await sql<{
      text: string;
    }>`select coalesce(after_json, '') || coalesce(change_notes, '') as text from audit_log where resource = 'Custom Email Domain'`.execute(t.ctx.db);
    expect(audit.rows.map((r) => r.text).join('\n')).toContain('acme-corp.example');
    expect(audit.rows.map((r) => r.text).join('\n')).not.toContain('PRIVATE');
    expect(JSON.stringify(await list())).not.toContain('PRIVATE');

    const again = await admin.post('/api/v1/email-domains', {
      domain: 'acme-corp.example',
      envelopeDomain: 'mail.acme-corp.example',
      fromAddress: 'x@acme-corp.example',
    });
    expect(again.statusCode).toBe(409);
  });

  it('needs Account Settings edit to change and view to read; another org sees a 404', async () => {
    const v = await addDomain();
    const viewer = await t.sessionWith({ 'Account Settings': 'view' });
    expect((await viewer.get('/api/v1/email-domains')).statusCode).toBe(200);
    expect((await viewer.post(`/api/v1/email-domains/${v.id}/verify`)).statusCode).toBe(403);
    const nobody = await t.sessionWith({ Incidents: 'view' });
    expect((await nobody.get('/api/v1/email-domains')).statusCode).toBe(403);
    const other = await t.newOrg();
    expect((await other.session.get(`/api/v1/email-domains/${v.id}`)).statusCode).toBe(404);
    expect((await other.session.post(`/api/v1/email-domains/${v.id}/verify`)).statusCode).toBe(404);
    expect((await other.session.delete(`/api/v1/email-domains/${v.id}`)).statusCode).toBe(404);
    expect((await admin.get(`/api/v1/email-domains/${v.id}`)).json().status).toBe('pending');
  });
});

describe('verification through the sandbox DNS', () => {
  it('fails naming every missing record, then the one still missing, and succeeds once all are published', async () => {
    const v = await addDomain();
    const none = (await verify(v.id)).json() as View;
    expect(none.status).toBe('failed');
    for (const r of v.records) expect(none.lastError).toContain(r.name);
    expect(none.records.every((r) => r.ok === false)).toBe(true);

    publish(v, ['spf', 'verification']);
    const partly = (await verify(v.id)).json() as View;
    expect(partly.status).toBe('failed');
    expect(partly.lastError).toMatch(/The DKIM TXT record wfa\w+\._domainkey\.\S+ is missing/);
    expect(partly.lastError).not.toContain('_wfa-verification');
    expect(record(partly, 'spf').ok).toBe(true);

    publish(v, ['dkim']);
    const ok = (await verify(v.id)).json() as View;
    expect(ok).toMatchObject({ status: 'success', lastError: null });
    expect(ok.records.every((r) => r.ok)).toBe(true);
    expect((await verify(v.id)).statusCode).toBe(409);
  });

  it('names a mismatched value: another DKIM key, a token of another domain, an SPF without the include', async () => {
    const v = await addDomain();
    const other = await addDomain();
    sb.dns.zone.add({ name: record(v, 'dkim').name, type: 'TXT', value: record(other, 'dkim').value });
    sb.dns.zone.add({ name: record(v, 'verification').name, type: 'TXT', value: record(other, 'verification').value });
    sb.dns.zone.add({ name: record(v, 'spf').name, type: 'TXT', value: 'v=spf1 mx -all' });
    const res = (await verify(v.id)).json() as View;
    expect(res.status).toBe('failed');
    expect(record(res, 'dkim').problem).toMatch(/holds a different public key/);
    expect(record(res, 'verification').problem).toMatch(/instead of the token shown/);
    expect(record(res, 'spf').problem).toMatch(/"v=spf1 mx -all", which lacks include:wfa\.example\.com/);
  });

  it('expires unverified records after 72 hours; Verify then refuses and Regenerate starts over with a new key', async () => {
    const v = await addDomain();
    publish(v);
    await sql`update email_domains set expires_at = ${new Date(Date.now() - 1000).toISOString()} where id = ${v.id}`.execute(t.ctx.db);
    expect((await admin.get(`/api/v1/email-domains/${v.id}`)).json()).toMatchObject({ status: 'expired', statusLabel: 'Expired' });
    const refused = await verify(v.id);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toMatch(/Regenerate DNS records/);
    expect((await admin.get(`/api/v1/email-domains/${v.id}`)).json().status).toBe('expired');

    const regen = (await admin.post(`/api/v1/email-domains/${v.id}/regenerate`)).json() as View;
    expect(regen.status).toBe('pending');
    expect(record(regen, 'dkim').name).not.toBe(record(v, 'dkim').name);
    expect(record(regen, 'verification').value).not.toBe(record(v, 'verification').value);
    expect(Date.parse(regen.expiresAt)).toBeGreaterThan(Date.now() + 71 * 3_600_000);
    // The old records no longer count.
    expect((await verify(v.id)).json().status).toBe('failed');
    publish(regen, ['dkim', 'verification']);
    expect((await verify(v.id)).json().status).toBe('success');
    expect((await admin.post(`/api/v1/email-domains/${v.id}/regenerate`)).statusCode).toBe(409);
  });

  it('the periodic check verifies pending domains once their records appear, and leaves them pending until then', async () => {
    const waiting = await addDomain();
    const ready = await addDomain();
    publish(ready);
    const checked = await t.ctx.emailDomains.verifyPending();
    expect(checked).toBeGreaterThanOrEqual(2);
    expect((await admin.get(`/api/v1/email-domains/${ready.id}`)).json().status).toBe('success');
    const still = (await admin.get(`/api/v1/email-domains/${waiting.id}`)).json() as View;
    expect(still.status).toBe('pending');
    expect(still.lastError).toMatch(/missing/);
  });
});

describe('sending from the domain', () => {
  it('sends a DKIM-signed test email from a verified domain; other mail stays From the server sender', async () => {
    const pending = await addDomain();
    expect((await admin.post(`/api/v1/email-domains/${pending.id}/test-email`, { to: 'ops@example.com' })).statusCode).toBe(409);
    const v = await verified();
    const bad = await admin.post(`/api/v1/email-domains/${v.id}/test-email`, { to: 'not an address' });
    expect(bad.statusCode).toBe(400);
    const res = await admin.post(`/api/v1/email-domains/${v.id}/test-email`, { to: 'ops@example.com' });
    expect(res.statusCode).toBe(202);
    await deliverAll(t);
    await mailOne('jane@example.com');
    const test = sb.state.mails.find((m) => m.envelopeTo.includes('ops@example.com'))!;
    expect(test.from).toBe(v.fromAddress);
    expect(test.envelopeFrom).toBe(`security@bounce.${v.domain}`);
    expect(test.dkim.result).toBe('pass');
    const plain = sb.state.mails.find((m) => m.envelopeTo.includes('jane@example.com'))!;
    expect(plain.from).toBe(FROM);
    expect(plain.dkim.result).toBe('none');
    expect(plain.headerLines.some((h) => /^dkim-signature:/i.test(h))).toBe(false);
  });

  it('Make Default: notification mail is From the domain, with its envelope sender and a DKIM signature that verifies; Revert goes back', async () => {
    const pending = await addDomain();
    const refused = await admin.post(`/api/v1/email-domains/${pending.id}/make-default`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toMatch(/status Success/);
    expect((await admin.post('/api/v1/email-domains/revert-default')).statusCode).toBe(409);

    const first = await verified();
    const second = await verified();
    expect((await admin.post(`/api/v1/email-domains/${first.id}/make-default`)).json()).toMatchObject({ status: 'in_use', statusLabel: 'In Use' });
    // Another domain made default takes over; the first is back to Success.
    expect((await admin.post(`/api/v1/email-domains/${second.id}/make-default`)).json().status).toBe('in_use');
    expect((await admin.get(`/api/v1/email-domains/${first.id}`)).json().status).toBe('success');
    expect((await admin.delete(`/api/v1/email-domains/${second.id}`)).statusCode).toBe(409);

    await mailOne('jane@example.com');
    const mail = sb.state.mails.find((m) => m.envelopeTo.includes('jane@example.com'))!;
    expect(mail.from).toBe(second.fromAddress);
    expect(mail.envelopeFrom).toBe(`security@bounce.${second.domain}`);
    expect(mail.messageId).toMatch(/@wfa\.example\.com>$/);
    expect(mail.headerLines.some((h) => new RegExp(`^DKIM-Signature:.*d=${second.domain.replace(/\./g, '\\.')};`, 'i').test(h))).toBe(true);
    expect(mail.dkim).toMatchObject({ result: 'pass', domain: second.domain });
    expect(await dkimOverDns(mail.raw!)).toBe('pass');
    // A body changed in transit no longer verifies.
    expect(verifyDkim(mail.raw!.replace('Hello', 'Jello'), () => sb.dns.zone.txt(record(second, 'dkim').name)).result).toBe('fail');

    const reverted = await admin.post('/api/v1/email-domains/revert-default');
    expect(reverted.statusCode).toBe(200);
    expect((reverted.json() as { items: View[] }).items.every((d) => d.status !== 'in_use')).toBe(true);
    sb.state.reset();
    await mailOne('joe@example.com');
    const after = sb.state.mails.find((m) => m.envelopeTo.includes('joe@example.com'))!;
    expect(after.from).toBe(FROM);
    expect(after.envelopeFrom).toBe(FROM);
    expect(after.dkim.result).toBe('none');
    expect((await admin.delete(`/api/v1/email-domains/${second.id}`)).statusCode).toBe(204);
  });

  it('keeps mail from one org From its own domain only', async () => {
    const v = await verified();
    await admin.post(`/api/v1/email-domains/${v.id}/make-default`);
    const other = await t.newOrg();
    await t.ctx.db.transaction().execute((trx) =>
      t.ctx.notifications.enqueue(trx, other.orgId, {
        purpose: 'other-org',
        kind: 'end_user',
        channel: 'email',
        recipient: 'other@example.com',
        content: { subject: 'Hi', text: 'Hi' },
      }),
    );
    await deliverAll(t);
    expect(sb.state.mails.find((m) => m.envelopeTo.includes('other@example.com'))!.from).toBe(FROM);
    await admin.post('/api/v1/email-domains/revert-default');
  });
});
