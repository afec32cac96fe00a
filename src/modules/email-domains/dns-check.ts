import { Resolver } from 'node:dns/promises';
import type { DnsRecord } from './records.js';

/**
 * Looks a domain's records up through the configured resolvers (WFA_DNS_SERVERS, else the
 * system's) and says, per record, whether what is published matches. Every lookup is bounded:
 * each query times out, is tried twice, and the whole check has a deadline.
 */

export type RecordCheck = { kind: DnsRecord['kind']; name: string; ok: boolean; problem: string | null };

const QUERY_TIMEOUT_MS = 2_000;
const CHECK_DEADLINE_MS = 10_000;
/** Most TXT values we read back at one name, and how much of one we quote in a reason. */
const MAX_VALUES = 20;
const QUOTE = 80;

const LABELS: Record<DnsRecord['kind'], string> = { dkim: 'DKIM', spf: 'SPF', verification: 'verification' };

export class DnsChecker {
  constructor(private readonly servers: string[] | null) {}

  async check(records: DnsRecord[]): Promise<RecordCheck[]> {
    const resolver = new Resolver({ timeout: QUERY_TIMEOUT_MS, tries: 2 });
    if (this.servers) resolver.setServers(this.servers);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        resolver.cancel();
        reject(new Error('deadline'));
      }, CHECK_DEADLINE_MS);
    });
    try {
      return await Promise.race([Promise.all(records.map((r) => this.checkOne(resolver, r))), deadline]);
    } catch {
      return records.map((r) => ({ kind: r.kind, name: r.name, ok: false, problem: `The DNS lookup of ${r.name} did not finish in time; try Verify again.` }));
    } finally {
      clearTimeout(timer);
    }
  }

  private async checkOne(resolver: Resolver, record: DnsRecord): Promise<RecordCheck> {
    const label = LABELS[record.kind];
    const fail = (problem: string): RecordCheck => ({ kind: record.kind, name: record.name, ok: false, problem });
    let values: string[];
    try {
      values = (await resolver.resolveTxt(record.name)).slice(0, MAX_VALUES).map((chunks) => chunks.join(''));
    } catch (err) {
      const code = (err as { code?: string }).code ?? 'error';
      if (code === 'ENOTFOUND' || code === 'ENODATA') return fail(`The ${label} TXT record ${record.name} is missing: publish it with the value shown.`);
      return fail(`The DNS lookup of ${record.name} failed (${code}); check the DNS servers and try Verify again.`);
    }
    const problem = mismatch(record, values);
    return problem ? fail(`The ${label} TXT record ${record.name} ${problem}`) : { kind: record.kind, name: record.name, ok: true, problem: null };
  }
}

/** null when one of the published values does what the record asks. */
function mismatch(record: DnsRecord, values: string[]): string | null {
  const quoted = (v: string) => `"${v.length > QUOTE ? `${v.slice(0, QUOTE)}…` : v}"`;
  if (record.kind === 'verification') {
    if (values.some((v) => v.trim() === record.value)) return null;
    const ours = values.filter((v) => v.trim().startsWith('wfa-verification='));
    return ours.length ? `has ${quoted(ours[0]!)} instead of the token shown.` : 'is missing: publish it with the value shown.';
  }
  if (record.kind === 'dkim') {
    const want = dkimTags(record.value).get('p');
    const keys = values.map(dkimTags).filter((t) => t.has('p'));
    if (keys.some((t) => t.get('p') === want && (t.get('v') ?? 'DKIM1') === 'DKIM1' && (t.get('k') ?? 'rsa') === 'rsa')) return null;
    return keys.length ? 'holds a different public key (p=): copy the value shown again, in full.' : 'is missing: publish it with the value shown.';
  }
  const spf = values.filter((v) => /^v=spf1(\s|$)/i.test(v.trim()));
  if (spf.length === 0) return 'is missing: publish it with the value shown.';
  if (spf.length > 1) return 'is published more than once; a name may hold only one SPF record, so merge them.';
  const include = record.value.split(/\s+/).find((t) => t.startsWith('include:'))!;
  return spf[0]!.toLowerCase().split(/\s+/).includes(include.toLowerCase()) ? null : `has ${quoted(spf[0]!)}, which lacks ${include}.`;
}

function dkimTags(value: string): Map<string, string> {
  const tags = new Map<string, string>();
  for (const part of value.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) tags.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).replace(/\s+/g, ''));
  }
  return tags;
}
