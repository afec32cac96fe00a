import dns2 from 'dns2';

/**
 * The sandbox's DNS server: the stand-in for a newcomer's DNS provider. Records are "published" on
 * the messaging pages (/dns) or through `zone.add`, and served over UDP and TCP (dns2) to whoever
 * asks, such as the app with WFA_DNS_SERVERS=127.0.0.1:<port>. Names outside the zone are NXDOMAIN:
 * nothing is forwarded to the internet.
 */

export const DNS_RECORD_TYPES = ['TXT', 'CNAME', 'MX'] as const;
export type DnsRecordType = (typeof DNS_RECORD_TYPES)[number];
export type DnsEntry = { id: number; name: string; type: DnsRecordType; value: string; priority: number | null };

const MAX_RECORDS = 1000;
const MAX_VALUE = 4096;
const TTL = 60;
const NAME = /^(?=.{1,253}$)([a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)+$/;

export class DnsZone {
  records: DnsEntry[] = [];
  private seq = 0;

  /** Adds a record; a string is the reason it was refused. */
  add(input: { name: string; type: string; value: string; priority?: number | null }): DnsEntry | string {
    const name = input.name.trim().toLowerCase().replace(/\.$/, '');
    const type = input.type.trim().toUpperCase() as DnsRecordType;
    const value = input.type.trim().toUpperCase() === 'TXT' ? input.value.trim() : input.value.trim().toLowerCase().replace(/\.$/, '');
    if (!NAME.test(name)) return 'The name must be a domain name such as selector._domainkey.example.com.';
    if (!DNS_RECORD_TYPES.includes(type)) return `The type must be one of ${DNS_RECORD_TYPES.join(', ')}.`;
    if (!value || value.length > MAX_VALUE || /[\u0000-\u001f\u007f]/.test(value)) return `The value must be 1 to ${MAX_VALUE} characters on one line.`;
    if (type !== 'TXT' && !NAME.test(value)) return `A ${type} value must be a host name.`;
    const priority = type === 'MX' ? Number(input.priority ?? 10) : null;
    if (priority !== null && !(Number.isInteger(priority) && priority >= 0 && priority <= 65535))
      return 'The MX priority must be a whole number from 0 to 65535.';
    if (this.records.length >= MAX_RECORDS) return `The sandbox zone holds at most ${MAX_RECORDS} records; remove some first.`;
    const entry = { id: ++this.seq, name, type, value, priority };
    this.records.push(entry);
    return entry;
  }

  remove(id: number): boolean {
    const before = this.records.length;
    this.records = this.records.filter((r) => r.id !== id);
    return this.records.length < before;
  }

  at(name: string, type?: DnsRecordType): DnsEntry[] {
    const n = name.toLowerCase().replace(/\.$/, '');
    return this.records.filter((r) => r.name === n && (!type || r.type === type));
  }

  /** The first TXT value at a name (joined as a resolver joins its strings). */
  txt(name: string): string | null {
    return this.at(name, 'TXT')[0]?.value ?? null;
  }

  reset(): void {
    this.records = [];
  }
}

/** A TXT value as DNS carries it: strings of at most 255 bytes. */
function txtStrings(value: string): Buffer[] {
  const bytes = Buffer.from(value, 'utf8');
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 255) out.push(bytes.subarray(i, i + 255));
  return out;
}

export type SandboxDns = { host: string; port: number; close(): Promise<void> };

/** The answer to one question from the zone (NXDOMAIN for a name the zone does not hold). */
function answerFrom(zone: DnsZone, request: dns2.Packet): dns2.Packet {
  const { Packet } = dns2;
  // RFC 1035 response codes (dns2's typings omit Packet.RCODE).
  const FORMERR = 1;
  const NXDOMAIN = 3;
  const response = Packet.createResponseFromRequest(request);
  const question = request.questions[0];
  if (!question) {
    response.header.rcode = FORMERR;
    return response;
  }
  const all = zone.at(question.name);
  if (all.length === 0) response.header.rcode = NXDOMAIN;
  const answer = (r: DnsEntry) => {
    const base = { name: r.name, class: Packet.CLASS.IN, ttl: TTL };
    // Plain objects: dns2 encodes answers by their type (its typings want Resource instances).
    const push = (rr: object) => response.answers.push(rr as dns2.Packet.Resource);
    if (r.type === 'TXT') push({ ...base, type: Packet.TYPE.TXT, data: txtStrings(r.value) });
    else if (r.type === 'CNAME') push({ ...base, type: Packet.TYPE.CNAME, domain: r.value });
    else push({ ...base, type: Packet.TYPE.MX, exchange: r.value, priority: r.priority ?? 10 });
  };
  const wanted = Object.entries(Packet.TYPE).find(([, code]) => code === question.type)?.[0];
  const cname = all.find((r) => r.type === 'CNAME');
  if (cname && wanted !== 'CNAME') {
    // Like a recursive resolver: the alias and what it points at, when that is in the zone too.
    answer(cname);
    zone.at(cname.value, wanted as DnsRecordType).forEach(answer);
  } else all.filter((r) => r.type === wanted).forEach(answer);
  return response;
}

/** Tries for port 0: a free UDP port may be taken for TCP by another process, then another is picked. */
const FREE_PORT_TRIES = 20;

/** UDP and TCP on one port (a truncated UDP answer is asked again over TCP); port 0 picks a free one. */
export async function startDnsServer(zone: DnsZone, opts: { host: string; port: number }): Promise<SandboxDns> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await listenDns(zone, opts);
    } catch (err) {
      if (opts.port !== 0 || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= FREE_PORT_TRIES) throw err;
    }
  }
}

async function listenDns(zone: DnsZone, opts: { host: string; port: number }): Promise<SandboxDns> {
  const handle: dns2.DnsHandler = (request, send) => void send(answerFrom(zone, request)).catch(() => {});
  const udp = dns2.createUDPServer(handle);
  udp.on('error', () => {});
  udp.on('requestError', () => {});
  await udp.listen(opts.port, opts.host);
  const port = udp.address().port;
  const tcp = dns2.createTCPServer(handle);
  tcp.on('requestError', () => {});
  try {
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen(port, opts.host, () => resolve());
    });
  } catch (err) {
    await new Promise<void>((resolve) => udp.close(() => resolve()));
    throw err;
  }
  tcp.on('error', () => {});
  return {
    host: opts.host,
    port,
    close: async () => {
      await Promise.all([new Promise<void>((resolve) => udp.close(() => resolve())), new Promise<void>((resolve) => tcp.close(() => resolve()))]);
    },
  };
}
