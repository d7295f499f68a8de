/**
 * IP addresses, CIDR blocks and DNS names as network policies take them.
 * Each `...Error` function returns why a value is rejected, or `undefined`
 * when it is accepted.
 * @internal
 */
import { isIP } from 'net';
import { quote } from './errors';

/** A parsed CIDR block: its family, its network address as a number, its prefix length. */
export interface Cidr {
  readonly family: 4 | 6;
  readonly address: bigint;
  readonly prefix: number;
}

/** An IPv4 or IPv6 address as a number, with its family; `undefined` if it is not one. */
export function parseIp(text: string): { family: 4 | 6; address: bigint } | undefined {
  const family = isIP(text);
  if (family === 4) {
    return { family, address: text.split('.').reduce((n, octet) => (n << 8n) | BigInt(Number(octet)), 0n) };
  }
  if (family !== 6) return undefined;
  // An embedded IPv4 tail (::ffff:192.0.2.1) becomes two groups.
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  let groups = text;
  if (tail) {
    const v4 = parseIp(tail[1])!.address;
    groups = `${text.slice(0, tail.index)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, rest] = groups.split('::');
  const left = head ? head.split(':') : [];
  const right = rest ? rest.split(':') : [];
  const zeros = rest === undefined ? [] : new Array(8 - left.length - right.length).fill('0');
  return { family: 6, address: [...left, ...zeros, ...right].reduce((n, group) => (n << 16n) | BigInt(parseInt(group, 16)), 0n) };
}

/** Parses `address/prefix`; a string says why it is not a CIDR block in the form the API server keeps. */
export function parseCidr(text: string): Cidr | string {
  if (typeof text !== 'string') return `(${quote(text)}) is not a CIDR block such as 203.0.113.0/24 or 2001:db8::/32`;
  const slash = text.indexOf('/');
  const ip = slash < 0 ? undefined : parseIp(text.slice(0, slash));
  const prefixText = slash < 0 ? '' : text.slice(slash + 1);
  if (!ip || !/^\d{1,3}$/.test(prefixText)) return `(${quote(text)}) is not a CIDR block such as 203.0.113.0/24 or 2001:db8::/32`;
  const bits = ip.family === 4 ? 32 : 128;
  const prefix = Number(prefixText);
  if (prefix > bits) return `(${quote(text)}) has a prefix longer than ${bits} bits`;
  const hostBits = BigInt(bits - prefix);
  if ((ip.address & ((1n << hostBits) - 1n)) !== 0n) {
    return `(${quote(text)}) has host bits set: the block's network address is ${formatIp(ip.family, (ip.address >> hostBits) << hostBits)}/${prefix}`;
  }
  return { family: ip.family, address: ip.address, prefix };
}

/** An address as text: a dotted quad, or eight hexadecimal groups (valid, if not the shortest form). */
export function formatIp(family: 4 | 6, address: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((shift) => String((address >> shift) & 0xffn)).join('.');
  return Array.from({ length: 8 }, (_, i) => ((address >> BigInt(16 * (7 - i))) & 0xffffn).toString(16)).join(':');
}

/** Whether `inner` lies within `outer` (both parsed, same family). */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  if (outer.family !== inner.family || inner.prefix < outer.prefix) return false;
  const shift = BigInt((outer.family === 4 ? 32 : 128) - outer.prefix);
  return inner.address >> shift === outer.address >> shift;
}

/** Whether an address lies within a block. */
export function ipInCidr(ip: { family: 4 | 6; address: bigint }, block: Cidr): boolean {
  return cidrContains(block, { ...ip, prefix: ip.family === 4 ? 32 : 128 });
}

/**
 * Why an `except` list does not fit a block: each entry must be a CIDR block
 * of the same family strictly inside it (ValidateIPBlock, kubernetes
 * pkg/apis/networking/validation: "must be a strict subset of `cidr`").
 */
export function exceptError(block: Cidr, except: string): string | undefined {
  const inner = parseCidr(except);
  if (typeof inner === 'string') return inner;
  if (inner.family !== block.family) return `(${quote(except)}) is IPv${inner.family}, the block IPv${block.family}`;
  if (!cidrContains(block, inner) || inner.prefix === block.prefix) return `(${quote(except)}) is not strictly inside the block`;
  return undefined;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Why a name is not a fully qualified DNS name of at least two labels
 * (RFC 1123 host names, at most 253 characters), optionally with a leading
 * `*.` standing for exactly one label (Cilium's `matchPattern` reading of it).
 */
export function fqdnError(name: string): string | undefined {
  if (typeof name !== 'string') return `(${quote(name)}) is not a DNS name`;
  const bare = name.startsWith('*.') ? name.slice(2) : name;
  const labels = bare.split('.');
  if (name.length > 253) return `(${quote(name)}) is ${name.length} characters long; a DNS name has at most 253`;
  if (labels.length < 2 || labels.some((l) => l.length > 63 || !DNS_LABEL.test(l))) {
    return `(${quote(name)}) is not a DNS name of two or more labels (lower-case letters, digits and '-'), optionally starting with '*.'`;
  }
  if (isIP(bare) !== 0 || /^\d+$/.test(labels[labels.length - 1])) return `(${quote(name)}) is an address, not a name`;
  return undefined;
}

/** Whether a host name is matched by a name or a `*.` pattern. */
export function fqdnMatches(pattern: string, host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  if (!pattern.startsWith('*.')) return pattern === name;
  const suffix = pattern.slice(1);
  return name.endsWith(suffix) && !name.slice(0, -suffix.length).includes('.') && name.length > suffix.length;
}

/** A port of TCP or UDP: a whole number from 1 to 65535. */
export function portError(port: number): string | undefined {
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? undefined : `(${port}) must be a whole number from 1 to 65535`;
}

/** The host and port of an in-cluster Service DNS name (`<service>.<namespace>.svc[.cluster.local]`), or undefined. */
export function serviceDnsName(host: string): { service: string; namespace: string } | undefined {
  const match = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc(\.cluster\.local)?\.?$/.exec(host);
  return match ? { service: match[1], namespace: match[3] } : undefined;
}

/** A host name label (RFC 1123): letters, digits and '-', not at either end, at most 63 characters. */
const HOST_LABEL = /^[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?$/;

/**
 * Why a value is not a host a client can connect to: an RFC 1123 host name
 * (at most 253 characters, labels of letters, digits and '-', the last not
 * all digits) or an IPv4 address. No scheme, port, path, whitespace or `${`.
 */
export function hostError(host: unknown): string | undefined {
  if (typeof host !== 'string' || host.length === 0) return `(${quote(host)}) must be a host name or an IPv4 address`;
  if (isIP(host) === 4) return undefined;
  if (isIP(host) === 6) return `(${quote(host)}) is an IPv6 address; give a host name`;
  const labels = host.split('.');
  if (host.length > 253 || !labels.every((l) => HOST_LABEL.test(l)) || /^\d+$/.test(labels[labels.length - 1])) {
    return `(${quote(host)}) must be a host name (labels of letters, digits and '-', at most 253 characters) or an IPv4 address, without scheme, port or path`;
  }
  return undefined;
}
