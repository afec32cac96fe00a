import { lookup as dnsLookup } from 'node:dns/promises';
import { lookup as dnsLookupCallback } from 'node:dns';
import { isIP } from 'node:net';
import { ConnectorError } from './types.js';

/**
 * Outbound requests go to addresses an admin typed in, so a careless or malicious base URL must not
 * let the server reach its own network (SSRF). Only https:// to public addresses is allowed unless
 * the connection explicitly allows private targets (sandbox, tests, on-prem ServiceNow).
 */

export type LookupAll = (hostname: string) => Promise<{ address: string; family: number }[]>;

const defaultLookup: LookupAll = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

// [network, prefix length] blocks that are not the public internet.
const PRIVATE_V4: [string, number][] = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // CGNAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata endpoints
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved + broadcast
];

function v4ToInt(address: string): number {
  return address.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

function inV4Block(address: string, [net, bits]: [string, number]): boolean {
  const size = 2 ** (32 - bits);
  return Math.floor(v4ToInt(address) / size) === Math.floor(v4ToInt(net) / size);
}

/** Expands an IPv6 literal (optionally with a trailing dotted IPv4) into eight 16-bit groups. */
function expandV6(address: string): number[] {
  let text = address.toLowerCase().split('%')[0];
  const dotted = text.match(/(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted) {
    const n = v4ToInt(dotted[1]);
    text = text.slice(0, -dotted[1].length) + `${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const headParts = head ? head.split(':') : [];
  const tailParts = tail ? tail.split(':') : [];
  const missing = 8 - headParts.length - tailParts.length;
  const parts = tail === undefined ? headParts : [...headParts, ...Array(missing).fill('0'), ...tailParts];
  return parts.map((p) => parseInt(p || '0', 16));
}

function groupsToV4(g: number[]): string {
  return [g[6] >> 8, g[6] & 0xff, g[7] >> 8, g[7] & 0xff].join('.');
}

export function isPrivateAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  if (family === 4) return PRIVATE_V4.some((block) => inV4Block(bare, block));
  if (family !== 6) return true; // not an IP at all: refuse rather than guess
  const g = expandV6(bare);
  const firstFiveZero = g.slice(0, 5).every((x) => x === 0);
  // IPv4-mapped (::ffff:a.b.c.d) and the deprecated IPv4-compatible (::a.b.c.d) forms reach IPv4 hosts.
  if (firstFiveZero && (g[5] === 0xffff || g[5] === 0)) {
    if (g[5] === 0 && g[6] === 0 && g[7] <= 1) return true; // :: and ::1
    return isPrivateAddress(groupsToV4(g));
  }
  // NAT64 well-known prefix embeds an IPv4 address too.
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return isPrivateAddress(groupsToV4(g));
  if ((g[0] & 0xfe00) === 0xfc00) return true; // unique local fc00::/7
  if ((g[0] & 0xffc0) === 0xfe80) return true; // link-local fe80::/10
  if ((g[0] & 0xffc0) === 0xfec0) return true; // deprecated site-local
  if ((g[0] & 0xff00) === 0xff00) return true; // multicast
  return false;
}

/**
 * Throws ConnectorError('invalid') unless `url` is https and every address its host resolves to
 * is public. Every resolved address is checked, since a client may connect to any of them.
 */
export async function assertAllowedTarget(url: URL, opts: { allowPrivateTargets: boolean; system: string; lookup?: LookupAll }): Promise<void> {
  if (opts.allowPrivateTargets) {
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new ConnectorError('invalid', `The ${opts.system} URL must start with https:// (got ${url.protocol}//).`);
    }
    return;
  }
  if (url.protocol !== 'https:') {
    throw new ConnectorError(
      'invalid',
      `The ${opts.system} URL must start with https://; plain ${url.protocol.replace(':', '')} is refused so credentials are never sent unencrypted.`,
    );
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const refuse = () =>
    new ConnectorError(
      'invalid',
      `The ${opts.system} host ${url.hostname} points to a private, loopback or link-local network address, which is refused for safety. Use the public address of the instance.`,
    );
  if (isIP(host)) {
    if (isPrivateAddress(host)) throw refuse();
    return;
  }
  let addresses: { address: string }[];
  try {
    addresses = await (opts.lookup ?? defaultLookup)(host);
  } catch {
    throw new ConnectorError('unavailable', `The ${opts.system} host ${url.hostname} could not be resolved (DNS): check the URL.`);
  }
  if (addresses.length === 0 || addresses.some((a) => isPrivateAddress(a.address))) throw refuse();
}

/** Error code a connect-time refusal carries, so the HTTP client can report it as a guard refusal. */
export const PRIVATE_TARGET_CODE = 'EPRIVATETARGET';

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
type LookupAddress = { address: string; family: number };
export type DnsLookup = (hostname: string, options: { all: true }, callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

/**
 * The lookup the socket itself uses when private targets are not allowed. Checking a host before
 * the request is not enough: DNS can answer differently a moment later (rebinding), so the
 * addresses are checked again here, on the very answer the connection is made to.
 */
export function guardedLookup(resolve: DnsLookup = dnsLookupCallback as DnsLookup) {
  return (hostname: string, options: { all?: boolean; family?: number | string }, callback: LookupCallback): void => {
    resolve(hostname, { all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      if (!addresses.length || addresses.some((a) => isPrivateAddress(a.address))) {
        const refused = Object.assign(new Error(`${hostname} resolves to a private address`), { code: PRIVATE_TARGET_CODE });
        return callback(refused, []);
      }
      if (options.all) return callback(null, addresses);
      return callback(null, addresses[0].address, addresses[0].family);
    });
  };
}
