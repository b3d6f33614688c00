/**
 * Kubernetes' CEL ip and cidr libraries (k8s.io/apiserver/pkg/cel/library
 * ip.go, cidr.go): `ip(s)`, `isIP(s)`, `ip.isCanonical(s)`, `string(ip)`,
 * family, isUnspecified, isLoopback, isLinkLocalMulticast,
 * isLinkLocalUnicast, isGlobalUnicast; `cidr(s)`, `isCIDR(s)`,
 * `string(cidr)`, containsIP and containsCIDR (a value or a string), ip,
 * masked, prefixLength. Addresses with a zone and IPv4-mapped IPv6
 * addresses are refused, as upstream's parseIPAddr and parseCIDR do.
 */
import { CelScalar, type CelFunc } from "@bufbuild/cel";
import { parseAddr, parsePrefix, type Addr, type Prefix } from "../apimachinery/netip.js";
import { CIDR, IP, OpaqueValue, opaqueFunc } from "./cel-values.js";

const { STRING, INT, BOOL } = CelScalar;

export class CelIP extends OpaqueValue {
  readonly typeName = "net.IP";

  constructor(readonly addr: Addr) {
    super();
  }

  protected identity(): string {
    return String(this.addr);
  }
}

export class CelCIDR extends OpaqueValue {
  readonly typeName = "net.CIDR";

  constructor(readonly prefix: Prefix) {
    super();
  }

  protected identity(): string {
    return String(this.prefix);
  }
}

/** library/ip.go parseIPAddr. */
function parseIP(raw: string): Addr {
  let addr: Addr;
  try {
    addr = parseAddr(raw);
  } catch (e) {
    throw new Error(`IP Address ${JSON.stringify(raw)} parse error during conversion from string: ${(e as Error).message}`);
  }
  if (addr.zone) throw new Error(`IP address ${JSON.stringify(raw)} with zone value is not allowed`);
  if (addr.is4In6()) throw new Error(`IPv4-mapped IPv6 address ${JSON.stringify(raw)} is not allowed`);
  return addr;
}

const CIDR_PARSE_ERROR = "network address parse error during conversion from string: ";

/** library/cidr.go parseCIDR (whose message stringToCIDR prefixes once more). */
function parseCIDR(raw: string): Prefix {
  let prefix: Prefix;
  try {
    prefix = parsePrefix(raw);
  } catch (e) {
    throw new Error(CIDR_PARSE_ERROR + (e as Error).message);
  }
  if (prefix.addr.is4In6()) throw new Error(`IPv4-mapped IPv6 address ${JSON.stringify(raw)} is not allowed`);
  return prefix;
}

function succeeds(parse: (s: string) => unknown): (s: string) => boolean {
  return (s) => {
    try {
      parse(s);
      return true;
    } catch {
      return false;
    }
  };
}

function stringToCIDR(s: string): CelCIDR {
  try {
    return new CelCIDR(parseCIDR(s));
  } catch (e) {
    throw new Error(CIDR_PARSE_ERROR + (e as Error).message);
  }
}

const containsCIDR = (c: CelCIDR, other: CelCIDR) => c.prefix.overlaps(other.prefix) && c.prefix.bits <= other.prefix.bits;

export const ipFuncs: CelFunc[] = [
  opaqueFunc("ip", undefined, [STRING], IP, (s: string) => new CelIP(parseIP(s))),
  opaqueFunc("isIP", undefined, [STRING], BOOL, succeeds(parseIP)),
  opaqueFunc("ip.isCanonical", undefined, [STRING], BOOL, (s: string) => String(parseIP(s)) === s),
  opaqueFunc("string", undefined, [IP], STRING, (ip: CelIP) => String(ip.addr)),
  opaqueFunc("family", IP, [], INT, (ip: CelIP) => (ip.addr.is4 ? 4n : 6n)),
  opaqueFunc("isUnspecified", IP, [], BOOL, (ip: CelIP) => ip.addr.isUnspecified()),
  opaqueFunc("isLoopback", IP, [], BOOL, (ip: CelIP) => ip.addr.isLoopback()),
  opaqueFunc("isLinkLocalMulticast", IP, [], BOOL, (ip: CelIP) => ip.addr.isLinkLocalMulticast()),
  opaqueFunc("isLinkLocalUnicast", IP, [], BOOL, (ip: CelIP) => ip.addr.isLinkLocalUnicast()),
  opaqueFunc("isGlobalUnicast", IP, [], BOOL, (ip: CelIP) => ip.addr.isGlobalUnicast()),
];

export const cidrFuncs: CelFunc[] = [
  opaqueFunc("cidr", undefined, [STRING], CIDR, stringToCIDR),
  opaqueFunc("isCIDR", undefined, [STRING], BOOL, succeeds(parseCIDR)),
  opaqueFunc("string", undefined, [CIDR], STRING, (c: CelCIDR) => String(c.prefix)),
  opaqueFunc("containsIP", CIDR, [STRING], BOOL, (c: CelCIDR, s: string) => c.prefix.contains(parseIP(s))),
  opaqueFunc("containsIP", CIDR, [IP], BOOL, (c: CelCIDR, ip: CelIP) => c.prefix.contains(ip.addr)),
  opaqueFunc("containsCIDR", CIDR, [STRING], BOOL, (c: CelCIDR, s: string) => containsCIDR(c, stringToCIDR(s))),
  opaqueFunc("containsCIDR", CIDR, [CIDR], BOOL, containsCIDR),
  opaqueFunc("ip", CIDR, [], IP, (c: CelCIDR) => new CelIP(c.prefix.addr)),
  opaqueFunc("masked", CIDR, [], CIDR, (c: CelCIDR) => new CelCIDR(c.prefix.masked())),
  opaqueFunc("prefixLength", CIDR, [], INT, (c: CelCIDR) => BigInt(c.prefix.bits)),
];
