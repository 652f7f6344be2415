// SSRF guard for outgoing webhooks. A tenant chooses the URL, so without this guard a workflow could make Bookflow
// call its own admin API, the database, or a cloud metadata service (169.254.169.254) from inside the network.
//
// The check that counts runs at connect time (`guardedLookup`, given to the HTTP agents): the addresses we refuse are
// the ones the socket would actually connect to. Checking the hostname once before the request is not enough, since
// DNS can answer differently a second later (DNS rebinding). `checkUrl` runs the same checks ahead of time, for
// save-time validation and clear errors; it is advice, the connect-time check is the guard.
import dns from 'node:dns';
import net from 'node:net';
import os from 'node:os';
import { DeliveryError } from './types.js';

/** Addresses a webhook must never reach unless BOOKFLOW_WEBHOOK_ALLOW_PRIVATE is on. */
const blocked = new net.BlockList();
// IPv4. node's BlockList also matches the IPv4-mapped IPv6 forms (::ffff:127.0.0.1) of these.
blocked.addSubnet('0.0.0.0', 8, 'ipv4'); // "this network", includes the unspecified 0.0.0.0 (reaches localhost on Linux)
blocked.addSubnet('10.0.0.0', 8, 'ipv4');
blocked.addSubnet('100.64.0.0', 10, 'ipv4'); // carrier-grade NAT
blocked.addSubnet('127.0.0.0', 8, 'ipv4');
blocked.addSubnet('169.254.0.0', 16, 'ipv4'); // link-local, cloud metadata services
blocked.addSubnet('172.16.0.0', 12, 'ipv4');
blocked.addSubnet('192.168.0.0', 16, 'ipv4');
blocked.addSubnet('224.0.0.0', 4, 'ipv4'); // multicast
blocked.addSubnet('240.0.0.0', 4, 'ipv4'); // reserved, includes broadcast
// Special-purpose ranges that are not public hosts (IANA registry): a network may still route them, to itself.
blocked.addSubnet('192.0.0.0', 24, 'ipv4'); // IETF protocol assignments
blocked.addSubnet('192.0.2.0', 24, 'ipv4'); // TEST-NET-1
blocked.addSubnet('192.88.99.0', 24, 'ipv4'); // 6to4 relay anycast (deprecated)
blocked.addSubnet('198.18.0.0', 15, 'ipv4'); // benchmarking
blocked.addSubnet('198.51.100.0', 24, 'ipv4'); // TEST-NET-2
blocked.addSubnet('203.0.113.0', 24, 'ipv4'); // TEST-NET-3
// IPv6
blocked.addSubnet('::', 96, 'ipv6'); // unspecified ::, loopback ::1 and the deprecated IPv4-compatible forms
blocked.addSubnet('fc00::', 7, 'ipv6'); // unique local
blocked.addSubnet('fe80::', 10, 'ipv6'); // link-local
blocked.addSubnet('fec0::', 10, 'ipv6'); // deprecated site-local, still routed by some networks
blocked.addSubnet('ff00::', 8, 'ipv6'); // multicast
blocked.addSubnet('100::', 64, 'ipv6'); // discard-only
blocked.addSubnet('2001::', 32, 'ipv6'); // Teredo (a tunnel to an IPv4 address of its choosing)
blocked.addSubnet('2001:db8::', 32, 'ipv6'); // documentation
blocked.addSubnet('64:ff9b:1::', 48, 'ipv6'); // local-use IPv4/IPv6 translation

/** The 8 groups of an IPv6 address (`::` expanded, a dotted IPv4 tail as two groups), or null if it is not one. */
function groupsOf(v6: string): number[] | null {
  let text = v6;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1].split('.').map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const part = (t: string | undefined) => (t ? t.split(':').map((h) => parseInt(h, 16)) : []);
  const left = part(head);
  const right = part(tail);
  const groups = tail === undefined ? left : [...left, ...new Array(8 - left.length - right.length).fill(0), ...right];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}

/**
 * The IPv4 address an IPv6 one carries to the IPv4 network: NAT64 (64:ff9b::/96, the last 32 bits) and 6to4
 * (2002::/16, bits 16-47). `64:ff9b::7f00:1` is 127.0.0.1 on a network that translates; the IPv4 rules decide.
 */
function embeddedIPv4(v6: string): string | null {
  const g = groupsOf(v6);
  if (!g) return null;
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return v4(g[6], g[7]);
  if (g[0] === 0x2002) return v4(g[1], g[2]);
  return null;
}

/** This host's own addresses, on every interface (refreshed each minute): they reach its local services too. */
let own: { at: number; addresses: Set<string> } | null = null;
function ownAddresses(): Set<string> {
  if (!own || Date.now() - own.at > 60_000) {
    const addresses = Object.values(os.networkInterfaces()).flat().map((i) => i?.address.replace(/%.*$/, '').toLowerCase()).filter(Boolean) as string[];
    own = { at: Date.now(), addresses: new Set(addresses) };
  }
  return own.addresses;
}

/** True when `address` (an IP literal, without brackets) is one a webhook must not reach. */
export function isBlockedAddress(address: string): boolean {
  const bare = address.replace(/%.*$/, ''); // a zone id (fe80::1%eth0) is not part of the address
  const family = net.isIP(bare);
  if (family === 0) return true; // not an IP at all: refuse rather than guess
  if (blocked.check(bare, family === 4 ? 'ipv4' : 'ipv6')) return true;
  if (family === 6) {
    const v4 = embeddedIPv4(bare);
    if (v4 && blocked.check(v4, 'ipv4')) return true;
    if (v4 && ownAddresses().has(v4)) return true;
  }
  return ownAddresses().has(bare.toLowerCase());
}

export function ssrfError(host: string, address: string): DeliveryError {
  const where = host === address ? address : `${host} (${address})`;
  return new DeliveryError(
    'SSRF_BLOCKED',
    `Refused to call ${where}: loopback, private, link-local, multicast and special-purpose addresses, and this host's own, are blocked for webhooks. ` +
      'Use a public address, or set BOOKFLOW_WEBHOOK_ALLOW_PRIVATE=1 to allow it (only on a trusted network).',
    true,
  );
}

/** Parses a webhook URL and refuses what is never allowed: other schemes and embedded credentials. */
export function parseWebhookUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DeliveryError('URL_INVALID', `"${url}" is not a valid URL: use an absolute http(s) URL.`, true);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new DeliveryError('URL_INVALID', `Only http: and https: URLs can be called, not ${parsed.protocol}`, true);
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw new DeliveryError(
      'URL_INVALID',
      'URLs with credentials (user:password@host) are refused: send credentials in a header instead.',
      true,
    );
  }
  return parsed;
}

/** The hostname of a parsed URL as the resolver sees it: IPv6 literals lose their brackets. */
export function bareHostname(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/**
 * A `lookup` for net/http agents: resolves every address of the host and fails the connection when any is
 * blocked. All of them, not just the first: happy eyeballs (node >= 20) may connect to any of them.
 */
export const guardedLookup: net.LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '', 0);
    const bad = addresses.find((a) => isBlockedAddress(a.address));
    if (bad) return callback(ssrfError(hostname, bad.address), '', 0);
    // With `all`, net expects the whole list; node's LookupFunction type only describes the single-address form.
    if (options.all) return (callback as unknown as (e: null, all: dns.LookupAddress[]) => void)(null, addresses);
    const first = addresses[0];
    if (!first) return callback(Object.assign(new Error(`No address for ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
    callback(null, first.address, first.family);
  });
};

/**
 * Save-time check of a webhook URL: scheme, credentials, and (unless allowPrivate) every address the host resolves
 * to. Throws the DeliveryError a send would throw. A host that does not resolve is a transient HTTP_CONNECTION error
 * (DNS may be down); callers validating a form may choose to treat it as a warning.
 */
export async function checkUrl(url: string, allowPrivate: boolean): Promise<void> {
  const parsed = parseWebhookUrl(url);
  if (allowPrivate) return;
  const host = bareHostname(parsed);
  if (net.isIP(host) !== 0) {
    if (isBlockedAddress(host)) throw ssrfError(host, host);
    return;
  }
  let addresses: dns.LookupAddress[];
  try {
    addresses = await dns.promises.lookup(host, { all: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new DeliveryError('HTTP_CONNECTION', `Could not resolve ${host} (${code}): check the host name.`, false);
  }
  const bad = addresses.find((a) => isBlockedAddress(a.address));
  if (bad) throw ssrfError(host, bad.address);
}

/**
 * Why a webhook URL (a subscription's, a workflow step's written out) is refused when it is saved, or null. A host that
 * does not resolve right now is not refused: DNS may be down, and the connect-time guard checks every attempt anyway.
 */
export async function refusedOnSave(url: string, allowPrivate: boolean): Promise<string | null> {
  try {
    await checkUrl(url, allowPrivate);
    return null;
  } catch (err) {
    if (!(err instanceof DeliveryError)) throw err;
    return err.permanent ? err.message : null;
  }
}
