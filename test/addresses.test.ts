import { cidrContains, exceptError, fqdnError, fqdnMatches, ipInCidr, parseCidr, parseIp, serviceDnsName } from '../lib/common/addresses';

const cidr = (text: string) => {
  const parsed = parseCidr(text);
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
};

test('IPv4 and IPv6 blocks parse, in canonical form only', () => {
  expect(cidr('10.0.0.0/8')).toEqual({ family: 4, address: 10n << 24n, prefix: 8 });
  expect(cidr('0.0.0.0/0').prefix).toBe(0);
  expect(cidr('2001:db8::/32')).toEqual({ family: 6, address: 0x20010db8n << 96n, prefix: 32 });
  expect(cidr('::ffff:192.0.2.0/120').address).toBe((0xffffn << 32n) | (192n << 24n) | (2n << 8n));
  expect(parseCidr('10.0.0.1/8')).toMatch(/has host bits set: the block's network address is 10\.0\.0\.0\/8/);
  expect(parseCidr('2001:db8::1/32')).toMatch(/host bits set: the block's network address is 2001:db8:0:0:0:0:0:0\/32/);
  expect(parseCidr('10.0.0.0')).toMatch(/is not a CIDR block/);
  expect(parseCidr('10.0.0.0/33')).toMatch(/prefix longer than 32 bits/);
  expect(parseCidr('2001:db8::/129')).toMatch(/prefix longer than 128 bits/);
  expect(parseCidr('300.0.0.0/8')).toMatch(/is not a CIDR block/);
  expect(parseCidr('10.0.0.0/-1')).toMatch(/is not a CIDR block/);
});

test('containment: addresses and blocks, never across families', () => {
  expect(ipInCidr(parseIp('172.17.0.5')!, cidr('172.17.0.0/16'))).toBe(true);
  expect(ipInCidr(parseIp('172.18.0.1')!, cidr('172.17.0.0/16'))).toBe(false);
  expect(ipInCidr(parseIp('2001:db8:ffff::1')!, cidr('2001:db8::/32'))).toBe(true);
  expect(ipInCidr(parseIp('::ffff:172.17.0.5')!, cidr('172.17.0.0/16'))).toBe(false);
  expect(cidrContains(cidr('10.0.0.0/8'), cidr('10.1.0.0/16'))).toBe(true);
  expect(cidrContains(cidr('10.1.0.0/16'), cidr('10.0.0.0/8'))).toBe(false);
});

test('an exception must be a strictly smaller block inside, of the same family (the API server\'s "strict subset")', () => {
  const block = cidr('172.17.0.0/16');
  expect(exceptError(block, '172.17.1.0/24')).toBeUndefined();
  expect(exceptError(block, '172.17.0.0/16')).toMatch(/not strictly inside/);
  expect(exceptError(block, '192.168.0.0/24')).toMatch(/not strictly inside/);
  expect(exceptError(block, '2001:db8::/64')).toMatch(/is IPv6, the block IPv4/);
  expect(exceptError(block, '172.17.1.1/24')).toMatch(/host bits set/);
});

test('DNS names: two labels or more, an optional leading *. for one label, never an address', () => {
  expect(fqdnError('api.example.com')).toBeUndefined();
  expect(fqdnError('*.example.com')).toBeUndefined();
  expect(fqdnError('localhost')).toMatch(/two or more labels/);
  expect(fqdnError('api.*.com')).toMatch(/two or more labels/);
  expect(fqdnError('-api.example.com')).toMatch(/two or more labels/);
  expect(fqdnError('192.0.2.1')).toMatch(/an address, not a name/);
  expect(fqdnError(`${'a'.repeat(64)}.com`)).toMatch(/two or more labels/);
  expect(fqdnError(`${'a.'.repeat(127)}com`)).toMatch(/at most 253/);
  expect(fqdnMatches('*.example.com', 'api.example.com')).toBe(true);
  expect(fqdnMatches('*.example.com', 'example.com')).toBe(false);
  expect(fqdnMatches('*.example.com', 'a.b.example.com')).toBe(false);
  expect(fqdnMatches('api.example.com', 'API.example.com.')).toBe(true);
});

test('in-cluster Service names, short or full', () => {
  expect(serviceDnsName('datadog.datadog.svc.cluster.local')).toEqual({ service: 'datadog', namespace: 'datadog' });
  expect(serviceDnsName('apm-server-apm-http.elastic-system.svc')).toEqual({ service: 'apm-server-apm-http', namespace: 'elastic-system' });
  expect(serviceDnsName('api.example.com')).toBeUndefined();
});
