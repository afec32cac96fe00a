import { lookup as dnsLookup } from 'node:dns/promises';
import { lookup as dnsLookupCallback } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { ConnectorError } from './types.js';

/**
 * Outbound requests go to addresses an admin typed in, so a careless or malicious base URL must not
 * let the server reach its own network (SSRF). Only https:// to public addresses is allowed unless
 * the connection explicitly allows private targets (sandbox, tests, on-prem ServiceNow).
 */

export type LookupAll = (hostname: string) => Promise<{ address: string; family: number }[]>;

const defaultLookup: LookupAll = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/**
 * Address classification comes from ipaddr.js (its IANA special-purpose tables are kept up to date);
 * what it cannot know is our policy for IPv6 forms that carry an IPv4 address inside them, which
 * a translator or relay may deliver to that IPv4 host: those are private when the IPv4 inside is.
 */

/** The IPv4 addresses an IPv6 address embeds, by its range (RFC 4291, 6052, 6145, 3056, 4380). */
function embeddedV4(v6: ipaddr.IPv6, range: string): ipaddr.IPv4[] {
  const b = v6.toByteArray();
  const at = (i: number, xor = 0) => new ipaddr.IPv4([b[i]! ^ xor, b[i + 1]! ^ xor, b[i + 2]! ^ xor, b[i + 3]! ^ xor]);
  switch (range) {
    case 'ipv4Mapped': // ::ffff:a.b.c.d
    case 'rfc6145': // ::ffff:0:a.b.c.d (SIIT)
    case 'rfc6052': // 64:ff9b::a.b.c.d
      return [at(12)];
    case '6to4': // 2002:aabb:ccdd::/48
      return [at(2)];
    case 'teredo': // 2001:0:<server v4>:flags:port:<client v4 xor ffffffff>
      return [at(4), at(12, 0xff)];
    default:
      // The deprecated IPv4-compatible form ::a.b.c.d (ipaddr.js calls it unicast).
      return b.slice(0, 12).every((x) => x === 0) ? [at(12)] : [];
  }
}

function isPrivateV4(v4: ipaddr.IPv4): boolean {
  return v4.range() !== 'unicast';
}

export function isPrivateAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').split('%')[0]!;
  if (!isIP(bare)) return true; // not an IP at all: refuse rather than guess
  const parsed = ipaddr.parse(bare);
  if (parsed.kind() === 'ipv4') return isPrivateV4(parsed as ipaddr.IPv4);
  const v6 = parsed as ipaddr.IPv6;
  const range = v6.range();
  // 64:ff9b:1::/48 is for local use only (RFC 8215): never the public internet.
  if (range === 'rfc6052' && v6.parts[2] !== 0) return true;
  const inside = embeddedV4(v6, range);
  if (inside.length) return inside.some(isPrivateV4);
  return range !== 'unicast';
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

/** Whether a failed request was guardedLookup's refusal; fetch wraps it in a cause or two. */
export function isPrivateTargetRefusal(err: unknown): boolean {
  for (let e = err as { code?: string; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (e.code === PRIVATE_TARGET_CODE) return true;
  }
  return false;
}

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
