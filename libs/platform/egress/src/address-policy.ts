import { BlockList, isIP } from 'node:net';

/**
 * Addresses an upstream fetch must never reach unless private networks are explicitly allowed:
 * loopback, RFC 1918, link-local (incl. the 169.254.169.254 cloud metadata service), CGNAT, and the
 * IPv6 equivalents. Checked on every resolved address, so DNS names pointing inside (rebinding) are refused too.
 */
const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
  ['100::', 64],
  ['2001:db8::', 32],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

function hexPairToV4(hi: number, lo: number): string {
  return [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff].join('.');
}

/** Expands an IPv6 literal into its eight 16-bit groups (handles `::` and a trailing dotted quad). */
function ipv6Groups(address: string): number[] | null {
  let text = address.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const parts = dotted[1].split('.').map(Number);
    text = text.slice(0, -dotted[1].length) + `${((parts[0] << 8) | parts[1]).toString(16)}:${((parts[2] << 8) | parts[3]).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, null];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const fill = tail === null ? 0 : 8 - h.length - t.length;
  const groups = [...h, ...Array<string>(Math.max(fill, 0)).fill('0'), ...t].map((g) => parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}

/**
 * IPv4 addresses smuggled inside IPv6: mapped (::ffff:a.b.c.d), compatible (::a.b.c.d), NAT64 (64:ff9b::/96)
 * and 6to4 (2002:AABB:CCDD::). Each must be judged as the IPv4 address it reaches.
 */
function embeddedIpv4(groups: number[]): string | null {
  const zeros = (from: number, to: number): boolean => groups.slice(from, to).every((g) => g === 0);
  if (zeros(0, 5) && (groups[5] === 0xffff || groups[5] === 0) && !(groups[5] === 0 && groups[6] === 0)) return hexPairToV4(groups[6], groups[7]);
  if (groups[0] === 0x64 && groups[1] === 0xff9b && zeros(2, 6)) return hexPairToV4(groups[6], groups[7]);
  if (groups[0] === 0x2002) return hexPairToV4(groups[1], groups[2]);
  return null;
}

/** Returns why an address is forbidden, or null when it is a public unicast address. Non-IPs are forbidden. */
export function forbiddenAddressReason(address: string): string | null {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 4) return blocked.check(bare, 'ipv4') ? `${bare} is a private, loopback or reserved IPv4 address` : null;
  if (family !== 6) return `${address} is not an IP address`;
  const groups = ipv6Groups(bare);
  if (!groups) return `${address} is not a valid IPv6 address`;
  const v4 = embeddedIpv4(groups);
  if (v4) {
    const inner = forbiddenAddressReason(v4);
    return inner ? `${bare} embeds ${inner}` : null;
  }
  return blocked.check(bare, 'ipv6') ? `${bare} is a private, loopback or reserved IPv6 address` : null;
}
