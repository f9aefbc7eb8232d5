import { isFQDN, registerDecorator, ValidationOptions } from 'class-validator';
import { installedOutboundPolicy, isIpLiteral, OutboundPolicy } from './address-policy';

/** Names that never leave the installation's own network (RFC 6761, RFC 6762, RFC 8375, cloud-internal DNS). */
const INTERNAL_NAME = /(^|\.)(localhost|local|internal|localdomain|home\.arpa)$/;

/**
 * Why a URL may not be the target of an outbound request, judged without DNS (the address a name
 * resolves to is checked again when the request is made): null when it may.
 *
 * The URL is parsed with WHATWG URL, the parser the HTTP client uses, so `http://2130706433/`,
 * `http://0x7f.1/` and `http://[::ffff:127.0.0.1]/` are read as the 127.0.0.1 they reach.
 */
export function outboundUrlProblem(value: unknown, policy: OutboundPolicy = installedOutboundPolicy()): string | null {
  if (typeof value !== 'string' || value.length > 2048) return 'must be an http or https URL of at most 2048 characters';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an http or https URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http or https URL';
  if (url.username || url.password) return 'must not carry a user name or password';
  const host = url.hostname.replace(/\.$/, '').toLowerCase();
  if (!host) return 'must name a host';
  if (isIpLiteral(host)) {
    const verdict = policy.check(host);
    return verdict.allowed ? null : `must not point at a ${kindInWords(verdict.kind)} address`;
  }
  if (policy.allowsPrivate) return isFQDN(host, { require_tld: false, allow_underscores: true }) ? null : 'must name a valid host';
  if (INTERNAL_NAME.test(host)) return 'must not point at an internal host name';
  if (!isFQDN(host, { require_tld: true, allow_underscores: true })) return 'must name a public host (with a top-level domain)';
  return null;
}

const kindInWords = (kind: string) =>
  ({
    loopback: 'loopback',
    private: 'private',
    linkLocal: 'link-local',
    metadata: 'cloud metadata',
    unspecified: 'unspecified',
    multicast: 'multicast',
    broadcast: 'broadcast',
  })[kind] ?? 'reserved';

/**
 * An http(s) URL that outbound requests may reach under the installation's policy
 * (OUTBOUND_ALLOW_PRIVATE, OUTBOUND_ALLOWED_CIDRS); the message names the field and the reason.
 */
export function IsOutboundUrl(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isOutboundUrl',
      target: target.constructor,
      propertyName: String(propertyName),
      options,
      validator: {
        validate: (value: unknown) => outboundUrlProblem(value) === null,
        defaultMessage: (args) => `${args?.property ?? 'url'} ${outboundUrlProblem(args?.value) ?? 'must be an http or https URL'}`,
      },
    });
}
