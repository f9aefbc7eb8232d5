import { AddressKind, classifyAddress, isCidr, isDnsServer, OutboundPolicy } from './address-policy';

describe('classifyAddress', () => {
  const table: [string, AddressKind][] = [
    ['8.8.8.8', 'public'],
    ['1.1.1.1', 'public'],
    ['2606:4700:4700::1111', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['100.127.255.254', 'private'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['169.254.0.1', 'linkLocal'],
    ['fe80::1', 'linkLocal'],
    ['169.254.169.254', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['100.100.100.200', 'metadata'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['192.0.2.10', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['2001:db8::1', 'reserved'],
    // IPv4 carried in IPv6 is judged by the IPv4 address it reaches
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['::ffff:0.0.0.0', 'unspecified'],
    ['::ffff:8.8.8.8', 'public'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['64:ff9b::808:808', 'public'],
    ['2002:a00:1::', 'private'],
    ['::7f00:1', 'reserved'],
    // not an address in a standard notation (a URL parser normalises these first)
    ['2130706433', 'invalid'],
    ['0x7f.1', 'invalid'],
    ['localhost', 'invalid'],
  ];

  it.each(table)('%s is %s', (ip, kind) => {
    expect(classifyAddress(ip)).toBe(kind);
  });
});

describe('OutboundPolicy', () => {
  const strict = OutboundPolicy.strict();
  const privateAllowed = new OutboundPolicy({ allowPrivate: true, allowedCidrs: [] });
  const allowlisted = new OutboundPolicy({ allowPrivate: false, allowedCidrs: ['10.0.0.0/8', '127.0.0.1/32', 'fd00:1::/32'] });

  const table: [string, boolean, boolean, boolean][] = [
    // address, strict, OUTBOUND_ALLOW_PRIVATE, OUTBOUND_ALLOWED_CIDRS=10.0.0.0/8,127.0.0.1/32,fd00:1::/32
    ['8.8.8.8', true, true, true],
    ['127.0.0.1', false, true, true],
    ['127.0.0.2', false, true, false],
    ['::ffff:127.0.0.1', false, true, true],
    ['::1', false, true, false],
    ['10.1.2.3', false, true, true],
    ['192.168.0.1', false, true, false],
    ['fd00:1::5', false, true, true],
    ['100.64.0.1', false, true, false],
    ['169.254.169.254', false, false, false],
    ['fe80::1', false, false, false],
    ['fd00:ec2::254', false, false, false],
    ['0.0.0.0', false, false, false],
    ['224.0.0.1', false, false, false],
    ['255.255.255.255', false, false, false],
  ];

  it.each(table)('%s: strict %s, private allowed %s, allowlisted %s', (ip, a, b, c) => {
    expect(strict.check(ip).allowed).toBe(a);
    expect(privateAllowed.check(ip).allowed).toBe(b);
    expect(allowlisted.check(ip).allowed).toBe(c);
  });

  it('names the kind of a refused address', () => {
    expect(strict.check('169.254.169.254')).toEqual({ allowed: false, kind: 'metadata' });
    expect(strict.check('8.8.8.8')).toEqual({ allowed: true, kind: 'public' });
  });
});

describe('settings values', () => {
  it.each([
    ['10.0.0.0/8', true],
    ['127.0.0.1/32', true],
    ['fd00::/8', true],
    ['10/8', false],
    ['10.0.0.0/33', false],
    ['not-a-cidr', false],
  ])('isCidr(%s) is %s', (value, ok) => expect(isCidr(value)).toBe(ok));

  it.each([
    ['127.0.0.1', true],
    ['127.0.0.1:5353', true],
    ['[::1]:53', true],
    ['::1', true],
    ['127.0.0.1:70000', false],
    ['dns.example.com', false],
  ])('isDnsServer(%s) is %s', (value, ok) => expect(isDnsServer(value)).toBe(ok));
});
