import ipaddr from 'ipaddr.js';

/**
 * Which addresses an outbound request (a tenant's webhook) may reach. A workspace admin chooses
 * the URL, so without this check the service would POST, from inside the installation's network,
 * to its loopback, its private networks or the cloud's metadata service (SSRF).
 *
 * Ranges come from ipaddr.js (IANA special-purpose registries) rather than hand-written parsing.
 */

/** What an address is, as far as the policy cares; `public` is the only kind allowed by default. */
export type AddressKind =
  'public' | 'loopback' | 'private' | 'linkLocal' | 'metadata' | 'unspecified' | 'multicast' | 'broadcast' | 'reserved' | 'invalid';

/** Kinds that `OUTBOUND_ALLOW_PRIVATE=true` opens (an on-premise receiver); link-local and metadata stay closed. */
const PRIVATE_KINDS: ReadonlySet<AddressKind> = new Set(['loopback', 'private']);

/** Cloud instance metadata services (AWS, GCP, Azure, OpenStack: 169.254.169.254; AWS over IPv6; Alibaba; Oracle). */
const METADATA_ADDRESSES = new Set(['169.254.169.254', 'fd00:ec2::254', '100.100.100.200', '192.0.0.192']);

const IPV4_KINDS: Record<string, AddressKind> = {
  unicast: 'public',
  unspecified: 'unspecified',
  broadcast: 'broadcast',
  multicast: 'multicast',
  linkLocal: 'linkLocal',
  loopback: 'loopback',
  carrierGradeNat: 'private',
  private: 'private',
};

const IPV6_KINDS: Record<string, AddressKind> = {
  unspecified: 'unspecified',
  linkLocal: 'linkLocal',
  multicast: 'multicast',
  loopback: 'loopback',
  uniqueLocal: 'private',
  deprecatedSiteLocal: 'private',
};

/** 2000::/3: the only IPv6 block handed out as global unicast; ipaddr.js calls anything unlisted "unicast". */
const GLOBAL_UNICAST = ipaddr.parseCIDR('2000::/3');
/** Well-known NAT64 prefix (RFC 6052): the IPv4 address it reaches sits in the last 32 bits. */
const NAT64 = ipaddr.parseCIDR('64:ff9b::/96');

const v4FromBits = (bytes: number[]) => new ipaddr.IPv4(bytes);

function classifyParsed(addr: ipaddr.IPv4 | ipaddr.IPv6): AddressKind {
  if (addr.kind() === 'ipv4') {
    if (METADATA_ADDRESSES.has(addr.toString())) return 'metadata';
    return IPV4_KINDS[addr.range()] ?? 'reserved';
  }
  const v6 = addr as ipaddr.IPv6;
  if (METADATA_ADDRESSES.has(v6.toString())) return 'metadata';
  // Forms that carry an IPv4 address reach that address: judge it instead.
  if (v6.isIPv4MappedAddress()) return classifyParsed(v6.toIPv4Address());
  const bytes = v6.toByteArray();
  if (v6.range() === 'rfc6145') return classifyParsed(v4FromBits(bytes.slice(12)));
  if (v6.match(NAT64)) return classifyParsed(v4FromBits(bytes.slice(12)));
  if (v6.range() === '6to4') return classifyParsed(v4FromBits(bytes.slice(2, 6)));
  // IPv4-compatible ::a.b.c.d (deprecated) is not global unicast and falls through to reserved.
  const kind = IPV6_KINDS[v6.range()];
  if (kind) return kind;
  if (v6.range() === 'unicast' && v6.match(GLOBAL_UNICAST)) return 'public';
  return 'reserved';
}

/** The kind of an IP address in its canonical text form (as DNS or a parsed URL gives it). */
export function classifyAddress(ip: string): AddressKind {
  const bare = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  // Only the standard notations: the URL parser has already turned 0x7f.1 or 2130706433 into 127.0.0.1.
  if (!ipaddr.IPv4.isValidFourPartDecimal(bare) && !ipaddr.IPv6.isValid(bare)) return 'invalid';
  return classifyParsed(ipaddr.parse(bare));
}

export function isIpLiteral(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return ipaddr.IPv4.isValidFourPartDecimal(bare) || ipaddr.IPv6.isValid(bare);
}

export function isCidr(value: string): boolean {
  try {
    const [addr] = ipaddr.parseCIDR(value);
    return addr.kind() === 'ipv6' || ipaddr.IPv4.isValidFourPartDecimal(value.split('/')[0]);
  } catch {
    return false;
  }
}

/** `ip`, `ip:port` or `[ipv6]:port`, as `dns.Resolver#setServers` takes them. */
export function isDnsServer(value: string): boolean {
  const m = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(value) ?? /^([^:]+)(?::(\d{1,5}))?$/.exec(value);
  const host = m?.[1] ?? value;
  const port = m?.[2] === undefined ? 53 : Number(m[2]);
  return port > 0 && port < 65536 && (ipaddr.IPv4.isValidFourPartDecimal(host) || ipaddr.IPv6.isValid(host));
}

export interface OutboundPolicyOptions {
  /** `OUTBOUND_ALLOW_PRIVATE`: loopback and private networks (RFC 1918, CGNAT, fc00::/7) are allowed, and host names without a TLD. */
  allowPrivate: boolean;
  /** `OUTBOUND_ALLOWED_CIDRS`: these ranges are allowed whatever their kind. */
  allowedCidrs: string[];
}

export type AddressVerdict = { allowed: true; kind: AddressKind } | { allowed: false; kind: AddressKind };

export class OutboundPolicy {
  private readonly cidrs: [ipaddr.IPv4 | ipaddr.IPv6, number][];

  constructor(readonly options: OutboundPolicyOptions) {
    this.cidrs = options.allowedCidrs.map((c) => ipaddr.parseCIDR(c));
  }

  /** Public addresses only: the production default. */
  static strict(): OutboundPolicy {
    return new OutboundPolicy({ allowPrivate: false, allowedCidrs: [] });
  }

  get allowsPrivate(): boolean {
    return this.options.allowPrivate;
  }

  check(ip: string): AddressVerdict {
    const kind = classifyAddress(ip);
    if (kind === 'invalid') return { allowed: false, kind };
    if (kind === 'public' || (this.options.allowPrivate && PRIVATE_KINDS.has(kind)) || this.inAllowedCidr(ip))
      return { allowed: true, kind };
    return { allowed: false, kind };
  }

  private inAllowedCidr(ip: string): boolean {
    if (!this.cidrs.length) return false;
    const bare = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
    let addr: ipaddr.IPv4 | ipaddr.IPv6 = ipaddr.parse(bare);
    if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) addr = (addr as ipaddr.IPv6).toIPv4Address();
    return this.cidrs.some(([net, bits]) => net.kind() === addr.kind() && addr.match(net, bits));
  }
}

/**
 * The installation's policy, for the checks that run where nothing can be injected
 * (class-validator decorators on the workspace DTO). OutboundModule installs it from the settings
 * at start-up; until then it is the strict default.
 */
let installed = OutboundPolicy.strict();

export function installOutboundPolicy(policy: OutboundPolicy): void {
  installed = policy;
}

export function installedOutboundPolicy(): OutboundPolicy {
  return installed;
}
