import { generateKeyPairSync } from 'node:crypto';
import nodemailer from 'nodemailer';
import { describe, expect, it } from 'vitest';
import { parseDnsServers } from '../../../src/config.js';
import { dkimValue, domainProblem, isSubdomainOf } from '../../../src/modules/email-domains/records.js';
import { verifyDkim } from '../../../src/sandbox/dkim-check.js';

describe('domain names', () => {
  it('accepts host names of two or more LDH labels and says what is wrong with others', () => {
    for (const ok of ['example.com', 'mail.corp-1.example', 'xn--bcher-kva.example']) expect(domainProblem(ok)).toBeNull();
    expect(domainProblem('localhost')).toMatch(/two labels/);
    expect(domainProblem('-bad.example')).toMatch(/hyphen/);
    expect(domainProblem('under_score.example')).toMatch(/letters, digits and hyphens/);
    expect(domainProblem('10.0.0.1')).toMatch(/top-level domain/);
    expect(domainProblem(`${'a'.repeat(64)}.example`)).not.toBeNull();
    expect(isSubdomainOf('bounce.example.com', 'example.com')).toBe(true);
    expect(isSubdomainOf('badexample.com', 'example.com')).toBe(false);
    expect(isSubdomainOf('example.com', 'example.com')).toBe(false);
  });

  it('reads WFA_DNS_SERVERS as IP addresses with optional ports', () => {
    expect(parseDnsServers('1.1.1.1, 127.0.0.1:8874,[::1]:53,::1')).toEqual(['1.1.1.1', '127.0.0.1:8874', '[::1]:53', '::1']);
    for (const bad of ['', 'dns.example.com', '1.1.1.1:0', '1.1.1.1:70000', '300.1.1.1', ' , ']) expect(parseDnsServers(bad)).toBeNull();
  });
});

describe('the sandbox DKIM check', () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const record = dkimValue(publicKey.export({ type: 'spki', format: 'der' }).toString('base64'));

  async function signed(): Promise<string> {
    const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
    const info = (await transport.sendMail({
      from: 'security@corp.example',
      to: 'jane@example.com',
      subject: 'A   subject with  spaces',
      text: 'Line one  \r\n\r\n\r\n',
      html: '<p>Hi</p>',
      dkim: { domainName: 'corp.example', keySelector: 'sel1', privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() },
    })) as { message: Buffer };
    return info.message.toString('latin1');
  }

  it('passes a mail nodemailer signed, with the key looked up by selector and domain', async () => {
    const raw = await signed();
    const asked: string[] = [];
    expect(verifyDkim(raw, (name) => (asked.push(name), record))).toMatchObject({ result: 'pass', domain: 'corp.example', selector: 'sel1' });
    expect(asked).toEqual(['sel1._domainkey.corp.example']);
  });

  it('fails a changed header, a changed body, another key or no key, and says unsigned for plain mail', async () => {
    const raw = await signed();
    expect(verifyDkim(raw.replace('Subject: A', 'Subject: B'), () => record).result).toBe('fail');
    expect(verifyDkim(raw.replace('Line one', 'Line two'), () => record).detail).toMatch(/body hash/);
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    expect(verifyDkim(raw, () => dkimValue(other)).detail).toMatch(/does not verify/);
    expect(verifyDkim(raw, () => null).detail).toMatch(/No DKIM record/);
    expect(verifyDkim('From: a@b.example\r\nSubject: x\r\n\r\nbody\r\n', () => record).result).toBe('none');
  });
});
