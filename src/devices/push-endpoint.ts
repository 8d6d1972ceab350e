import { BlockList, isIP } from 'node:net';

/**
 * Addresses a push request must never go to: the server would otherwise POST, on a user's say-so, to
 * services on its own network (SSRF). Only literal IPs can be checked here; a public name that resolves
 * to a private address is not caught (that needs an egress proxy or firewall).
 */
const PRIVATE = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['224.0.0.0', 3],
] as const)
  PRIVATE.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  PRIVATE.addSubnet(net, bits, 'ipv6');

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Checks a URL the server will send pushes to (a Web Push endpoint, or a configured FCM / APNs base).
 * https only; plain http, and loopback hosts, only when `allowLoopbackHttp` (tests run local stand-ins)
 * and then only to a loopback host. Returns the parsed URL, or a reason it is refused.
 */
export function checkPushUrl(raw: string, allowLoopbackHttp: boolean): URL | string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'is not a valid URL';
  }
  if (url.username || url.password) return 'must not carry credentials';
  const loopback = LOOPBACK_NAMES.has(url.hostname);
  if (loopback && allowLoopbackHttp && (url.protocol === 'http:' || url.protocol === 'https:')) return url;
  if (url.protocol !== 'https:') return 'must be an https URL';
  if (loopback || isPrivateHost(url.hostname)) return 'must not point to a private or loopback address';
  return url;
}

function isPrivateHost(hostname: string): boolean {
  const host = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  const family = isIP(host);
  if (family === 4) return PRIVATE.check(host, 'ipv4');
  // BlockList checks an IPv4-mapped IPv6 address (::ffff:a00:1) against the IPv4 rules too.
  if (family === 6) return PRIVATE.check(host, 'ipv6');
  return host === 'localhost' || host.endsWith('.localhost');
}
