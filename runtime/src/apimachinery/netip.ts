/**
 * IP addresses and prefixes as Go's net/netip parses and prints them
 * (ParseAddr, ParsePrefix, Addr.String, Prefix.Masked, Contains, Overlaps,
 * and the address class predicates), with Go's error texts, for the
 * Kubernetes CEL ip and cidr libraries. An address is its bits as a bigint
 * (32 of them for IPv4, 128 for IPv6) and an optional IPv6 zone.
 */

export class Addr {
  constructor(
    readonly bits: bigint,
    readonly is4: boolean,
    readonly zone = "",
  ) {}

  get bitLen(): number {
    return this.is4 ? 32 : 128;
  }

  /** ::ffff:a.b.c.d */
  is4In6(): boolean {
    return !this.is4 && this.bits >> 32n === 0xffffn;
  }

  isUnspecified(): boolean {
    return this.bits === 0n;
  }

  isLoopback(): boolean {
    return this.is4 ? this.bits >> 24n === 127n : this.bits === 1n;
  }

  isMulticast(): boolean {
    return this.is4 ? this.bits >> 28n === 0xen : this.bits >> 120n === 0xffn;
  }

  isLinkLocalMulticast(): boolean {
    return this.is4 ? this.bits >> 8n === 0xe00000n : ((this.bits >> 112n) & 0xff0fn) === 0xff02n;
  }

  isLinkLocalUnicast(): boolean {
    return this.is4 ? this.bits >> 16n === 0xa9fen : this.bits >> 118n === 0x3fan;
  }

  /** Addr.IsGlobalUnicast: not unspecified, broadcast, loopback, multicast or link-local. */
  isGlobalUnicast(): boolean {
    if (this.is4 && this.bits === 0xffffffffn) return false;
    return !this.isUnspecified() && !this.isLoopback() && !this.isMulticast() && !this.isLinkLocalUnicast();
  }

  /** Addr.String: dotted IPv4; IPv6 per RFC 5952 (longest run of zero groups as `::`), IPv4-mapped as ::ffff:a.b.c.d. */
  toString(): string {
    if (this.is4) return ipv4String(this.bits);
    const zone = this.zone ? `%${this.zone}` : "";
    if (this.is4In6()) return `::ffff:${ipv4String(this.bits & 0xffffffffn)}${zone}`;
    const groups = Array.from({ length: 8 }, (_, i) => Number((this.bits >> BigInt(112 - 16 * i)) & 0xffffn));
    let [bestStart, bestLen] = [-1, 1];
    for (let i = 0; i < 8; ) {
      let j = i;
      while (j < 8 && groups[j] === 0) j++;
      if (j - i > bestLen) [bestStart, bestLen] = [i, j - i];
      i = j === i ? i + 1 : j;
    }
    const hex = (gs: number[]) => gs.map((g) => g.toString(16)).join(":");
    if (bestStart < 0) return hex(groups) + zone;
    return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}${zone}`;
  }
}

function ipv4String(bits: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((bits >> s) & 0xffn)).join(".");
}

class ParseAddrError extends Error {
  constructor(input: string, msg: string, at = "") {
    super(`ParseAddr(${JSON.stringify(input)}): ${msg}${at ? ` (at ${JSON.stringify(at)})` : ""}`);
  }
}

/** netip.ParseAddr. */
export function parseAddr(s: string): Addr {
  for (const c of s) {
    if (c === ".") return new Addr(parseIPv4(s, s), true);
    if (c === ":") return parseIPv6(s);
    if (c === "%") throw new ParseAddrError(s, "missing IPv6 address");
  }
  throw new ParseAddrError(s, "unable to parse IP");
}

/** parseIPv4Fields: four decimal octets, no leading zeros. */
function parseIPv4(input: string, s: string): bigint {
  let [val, pos, digits] = [0, 0, 0];
  let bits = 0n;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c >= "0" && c <= "9") {
      if (digits === 1 && val === 0) throw new ParseAddrError(input, "IPv4 field has octet with leading zero");
      val = val * 10 + Number(c);
      digits++;
      if (val > 255) throw new ParseAddrError(input, "IPv4 field has value >255");
    } else if (c === ".") {
      if (i === 0 || i === s.length - 1 || s[i - 1] === ".") throw new ParseAddrError(input, "IPv4 field must have at least one digit", s.slice(i));
      if (pos === 3) throw new ParseAddrError(input, "IPv4 address too long");
      bits = (bits << 8n) | BigInt(val);
      [val, digits] = [0, 0];
      pos++;
    } else {
      throw new ParseAddrError(input, "unexpected character", s.slice(i));
    }
  }
  if (pos < 3) throw new ParseAddrError(input, "IPv4 address too short");
  return (bits << 8n) | BigInt(val);
}

/** parseIPv6: hex groups, one `::`, an optional trailing dotted IPv4, an optional zone. */
function parseIPv6(input: string): Addr {
  let s = input;
  let zone = "";
  const percent = s.indexOf("%");
  if (percent >= 0) {
    [s, zone] = [s.slice(0, percent), s.slice(percent + 1)];
    if (zone === "") throw new ParseAddrError(input, "zone must be a non-empty string");
  }
  const groups: number[] = [];
  let ellipsis = -1;
  if (s.startsWith("::")) {
    ellipsis = 0;
    s = s.slice(2);
    if (s === "") return new Addr(0n, false, zone);
  }
  while (groups.length < 8) {
    let off = 0;
    let acc = 0;
    while (off < s.length && /[0-9a-fA-F]/.test(s[off]!)) {
      acc = acc * 16 + parseInt(s[off]!, 16);
      off++;
      if (acc > 0xffff) throw new ParseAddrError(input, "IPv6 field has value >=2^16", s);
    }
    if (off === 0) throw new ParseAddrError(input, "each colon-separated field must have at least one digit", s);
    if (off < s.length && s[off] === ".") {
      if (ellipsis < 0 && groups.length !== 6) throw new ParseAddrError(input, "embedded IPv4 address must replace the final 2 fields of the address", s);
      if (groups.length + 2 > 8) throw new ParseAddrError(input, "too many hex fields to fit an embedded IPv4 at the end of the address", s);
      const v4 = parseIPv4(input, s);
      groups.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      s = "";
      break;
    }
    groups.push(acc);
    s = s.slice(off);
    if (s === "") break;
    if (s[0] !== ":") throw new ParseAddrError(input, "unexpected character, want colon", s);
    if (s.length === 1) throw new ParseAddrError(input, "colon must be followed by more characters", s);
    s = s.slice(1);
    if (s[0] === ":") {
      if (ellipsis >= 0) throw new ParseAddrError(input, "multiple :: in address", s);
      ellipsis = groups.length;
      s = s.slice(1);
      if (s === "") break;
    }
  }
  if (s !== "") throw new ParseAddrError(input, "trailing garbage after address", s);
  if (groups.length < 8) {
    if (ellipsis < 0) throw new ParseAddrError(input, "address string too short");
    groups.splice(ellipsis, 0, ...new Array<number>(8 - groups.length).fill(0));
  } else if (ellipsis >= 0) {
    throw new ParseAddrError(input, "the :: must expand to at least one field of zeros");
  }
  return new Addr(groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n), false, zone);
}

export class Prefix {
  constructor(
    readonly addr: Addr,
    readonly bits: number,
  ) {}

  private mask(): bigint {
    const len = BigInt(this.addr.bitLen);
    return ((1n << len) - 1n) ^ ((1n << (len - BigInt(this.bits))) - 1n);
  }

  masked(): Prefix {
    return new Prefix(new Addr(this.addr.bits & this.mask(), this.addr.is4), this.bits);
  }

  contains(ip: Addr): boolean {
    if (ip.is4 !== this.addr.is4 || ip.zone !== "") return false;
    return (ip.bits & this.mask()) === (this.addr.bits & this.mask());
  }

  overlaps(o: Prefix): boolean {
    if (o.addr.is4 !== this.addr.is4) return false;
    const shorter = this.bits <= o.bits ? this : o;
    return (this.addr.bits & shorter.mask()) === (o.addr.bits & shorter.mask());
  }

  toString(): string {
    return `${this.addr}/${this.bits}`;
  }
}

/** netip.ParsePrefix. */
export function parsePrefix(s: string): Prefix {
  const fail = (msg: string) => new Error(`netip.ParsePrefix(${JSON.stringify(s)}): ${msg}`);
  const slash = s.lastIndexOf("/");
  if (slash < 0) throw fail("no '/'");
  let addr: Addr;
  try {
    addr = parseAddr(s.slice(0, slash));
  } catch (e) {
    throw fail((e as Error).message);
  }
  if (!addr.is4 && addr.zone) throw fail("IPv6 zones cannot be present in a prefix");
  const bitsText = s.slice(slash + 1);
  if (!/^(0|[1-9]\d*)$/.test(bitsText)) throw fail(`bad bits after slash: ${JSON.stringify(bitsText)}`);
  const bits = Number(bitsText);
  if (bits > addr.bitLen) throw fail("prefix length out of range");
  return new Prefix(addr, bits);
}
