import { createHash, createPublicKey, createVerify } from 'node:crypto';

/**
 * DKIM verification (RFC 6376, rsa-sha256 with relaxed/relaxed or simple canonicalization) of a
 * raw mail, so the sandbox mailbox can show whether a custom domain's signature holds against the
 * key its DNS publishes. Enough for what we send; not a general-purpose verifier.
 */

export type DkimResult = { result: 'pass' | 'fail' | 'none'; domain: string | null; selector: string | null; detail: string };

type Header = { name: string; raw: string };

function splitMessage(raw: string): { headers: Header[]; body: string } {
  const end = raw.indexOf('\r\n\r\n');
  const head = end === -1 ? raw : raw.slice(0, end + 2);
  const body = end === -1 ? '' : raw.slice(end + 4);
  const headers: Header[] = [];
  for (const line of head.split(/(?<=\r\n)/)) {
    if (/^[ \t]/.test(line) && headers.length) headers[headers.length - 1]!.raw += line;
    else if (line.trim()) headers.push({ name: line.slice(0, line.indexOf(':')).trim().toLowerCase(), raw: line });
  }
  return { headers, body };
}

function relaxedHeader(raw: string): string {
  const colon = raw.indexOf(':');
  const name = raw.slice(0, colon).trim().toLowerCase();
  const value = raw
    .slice(colon + 1)
    .replace(/\r\n/g, '')
    .replace(/[ \t]+/g, ' ')
    .trim();
  return `${name}:${value}`;
}

function canonBody(body: string, mode: string): string {
  let lines = body.split('\r\n');
  if (mode === 'relaxed') lines = lines.map((l) => l.replace(/[ \t]+/g, ' ').replace(/ $/, ''));
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) return mode === 'relaxed' ? '' : '\r\n';
  return `${lines.join('\r\n')}\r\n`;
}

function tagsOf(value: string): Map<string, string> {
  const tags = new Map<string, string>();
  for (const part of value.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) tags.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return tags;
}

/** `publicKeyOf(name)` answers the TXT value at `<selector>._domainkey.<domain>` (or null when none). */
export function verifyDkim(rawMail: string, publicKeyOf: (name: string) => string | null): DkimResult {
  const { headers, body } = splitMessage(rawMail.replace(/\r?\n/g, '\r\n'));
  const sigHeader = headers.find((h) => h.name === 'dkim-signature');
  if (!sigHeader) return { result: 'none', domain: null, selector: null, detail: 'The mail is not DKIM-signed.' };
  const sigValue = sigHeader.raw.slice(sigHeader.raw.indexOf(':') + 1);
  const tags = tagsOf(sigValue.replace(/\r\n/g, ''));
  const domain = tags.get('d') ?? null;
  const selector = tags.get('s') ?? null;
  const fail = (detail: string): DkimResult => ({ result: 'fail', domain, selector, detail });
  if (!domain || !selector) return fail('The signature names no domain (d=) or selector (s=).');
  if (tags.get('a') !== 'rsa-sha256') return fail(`Unsupported algorithm ${tags.get('a') ?? '(none)'}.`);
  const [headerMode = 'simple', bodyMode = 'simple'] = (tags.get('c') ?? 'simple/simple').split('/');
  const bodyHash = createHash('sha256').update(canonBody(body, bodyMode), 'latin1').digest('base64');
  if (bodyHash !== (tags.get('bh') ?? '').replace(/\s+/g, '')) return fail('The body hash does not match: the body changed after signing.');
  const record = publicKeyOf(`${selector}._domainkey.${domain}`);
  if (!record) return fail(`No DKIM record at ${selector}._domainkey.${domain}.`);
  const p = (tagsOf(record).get('p') ?? '').replace(/\s+/g, '');
  if (!p) return fail('The DKIM record has no public key (p=).');
  // Headers named in h=, each taken from the bottom up, then the signature header without its b= value.
  const used = new Map<string, number>();
  const signed: string[] = [];
  for (const name of (tags.get('h') ?? '')
    .split(':')
    .map((n) => n.trim().toLowerCase())
    .filter(Boolean)) {
    const all = headers.filter((h) => h.name === name);
    const seen = used.get(name) ?? 0;
    const h = all[all.length - 1 - seen];
    used.set(name, seen + 1);
    if (h) signed.push(headerMode === 'relaxed' ? `${relaxedHeader(h.raw)}\r\n` : h.raw);
  }
  const unsignedSig = sigHeader.raw.replace(/(;[ \t\r\n]*b=)[^;]*/, '$1').replace(/\r\n$/, '');
  signed.push(headerMode === 'relaxed' ? relaxedHeader(unsignedSig) : unsignedSig);
  const signature = (tags.get('b') ?? '').replace(/\s+/g, '');
  try {
    const key = createPublicKey({ key: Buffer.from(p, 'base64'), format: 'der', type: 'spki' });
    const ok = createVerify('RSA-SHA256').update(signed.join(''), 'latin1').verify(key, signature, 'base64');
    return ok
      ? { result: 'pass', domain, selector, detail: `Signed by ${domain} (selector ${selector}); the key in DNS verifies it.` }
      : fail('The signature does not verify with the key in DNS.');
  } catch (err) {
    return fail(`The key in DNS is unusable: ${(err as Error).message}`);
  }
}
