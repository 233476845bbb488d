import { BlockList, isIP } from 'node:net';

/**
 * Where a webhook may not go (SSRF): private, shared, loopback, link-local (the cloud metadata service at
 * 169.254.169.254 and fd00:ec2::254 among them), multicast, reserved and unspecified ranges, IPv4 and IPv6, including
 * IPv4 addresses written as IPv6 (::ffff:10.0.0.1). Checked on every address a host resolves to, at registration and
 * again when each request connects — so a name that later resolves somewhere private (DNS rebinding) is refused too.
 */
const FORBIDDEN = new BlockList();
const LOOPBACK = new BlockList();

for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  FORBIDDEN.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  FORBIDDEN.addSubnet(network, prefix, 'ipv6');
}
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

export type AddressVerdict = { allowed: true } | { allowed: false; reason: string };

/** Whether a request may connect to `address` (an IP); loopback only where the local runtime allows it. */
export function checkAddress(address: string, options: { allowLoopback: boolean }): AddressVerdict {
  const family = isIP(address);
  if (family === 0) return { allowed: false, reason: `${address} is not an IP address` };
  const mapped = family === 6 ? /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1] : undefined;
  const [ip, type] = mapped ? [mapped, 'ipv4' as const] : [address, family === 4 ? ('ipv4' as const) : ('ipv6' as const)];
  if (LOOPBACK.check(ip, type)) return options.allowLoopback ? { allowed: true } : { allowed: false, reason: `${address} is a loopback address` };
  if (FORBIDDEN.check(ip, type)) return { allowed: false, reason: `${address} is a private, link-local or reserved address` };
  return { allowed: true };
}
