/**
 * resource.Quantity (k8s.io/apimachinery/pkg/api/resource/quantity.go) as
 * far as CEL's quantity library reads it: ParseQuantity with its error texts
 * and rounding (up to the nearest 1n; binary-suffixed amounts capped at
 * 2^63-1), comparison, sign, addition and subtraction, AsInt64 and
 * AsApproximateFloat64. Like Go's, an amount is held as an int64 mantissa
 * and a decimal scale while it fits (int64Amount) and as an arbitrary
 * precision decimal otherwise (inf.Dec); AsInt64 answers only for the first
 * kind with a scale >= 0, so `1000m` is not an integer there either.
 * The formatted (canonical) string is not needed by CEL and not kept.
 */

const SPLIT_RE = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$";
export const ERR_FORMAT_WRONG = `quantities must match the regular expression '${SPLIT_RE}'`;
export const ERR_NUMERIC = "unable to parse quantity's numeric part";
export const ERR_SUFFIX = "unable to parse quantity's suffix";

const MAX_INT64 = 2n ** 63n - 1n;
const MIN_INT64 = -(2n ** 63n);
/** Exponent differences past this are not aligned digit by digit (Go's would allocate that many digits). */
const MAX_ALIGNMENT = 100_000;

const DECIMAL_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const SUFFIX_CHARS = "eEinumkKMGTP";

const isDigit = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9";
const fitsInt64 = (v: bigint) => v >= MIN_INT64 && v <= MAX_INT64;

/** An amount: `unscaled * 10^scale`; `small` when Go would hold it as an int64Amount. */
export class Quantity {
  private absDigits: string | undefined;

  constructor(
    readonly unscaled: bigint,
    readonly scale: number,
    readonly small: boolean,
  ) {}

  static fromInt(n: bigint): Quantity {
    return new Quantity(n, 0, fitsInt64(n));
  }

  sign(): number {
    return this.unscaled > 0n ? 1 : this.unscaled < 0n ? -1 : 0;
  }

  /** Quantity.Cmp: -1, 0 or 1. */
  cmp(other: Quantity): number {
    const [a, b] = [this.sign(), other.sign()];
    if (a !== b || a === 0) return Math.sign(a - b);
    // Same sign: when the magnitudes differ by orders, alignment is not needed.
    const [ma, mb] = [this.digits().length + this.scale, other.digits().length + other.scale];
    if (ma !== mb) return ma > mb ? a : -a;
    const [x, y] = align(this, other);
    return x === y ? 0 : x > y ? 1 : -1;
  }

  add(other: Quantity): Quantity {
    if (this.small && other.small) {
      const sum = addSmall(this, other);
      if (sum) return sum;
    }
    if (other.unscaled === 0n) return new Quantity(this.unscaled, this.scale, false);
    if (this.unscaled === 0n) return new Quantity(other.unscaled, other.scale, false);
    const [x, y, scale] = align(this, other);
    return new Quantity(x + y, scale, false);
  }

  sub(other: Quantity): Quantity {
    return this.add(new Quantity(-other.unscaled, other.scale, other.small));
  }

  /** Quantity.AsInt64: undefined where Go's answers false. */
  asInt64(): bigint | undefined {
    if (!this.small || this.scale < 0) return undefined;
    const v = this.unscaled * 10n ** BigInt(this.scale);
    return fitsInt64(v) ? v : undefined;
  }

  /** Quantity.AsApproximateFloat64: the mantissa as a float times 10^scale, Go's arithmetic. */
  asApproximateFloat64(): number {
    const base = Number(this.unscaled);
    return this.scale === 0 ? base : base * Math.pow(10, this.scale);
  }

  /** The amount in canonical decimal form (no trailing zeros in the mantissa): equal amounts give equal keys. */
  key(): string {
    if (this.unscaled === 0n) return "0";
    const digits = this.digits();
    const significant = digits.replace(/0+$/, "");
    return `${this.sign() < 0 ? "-" : ""}${significant}e${this.scale + digits.length - significant.length}`;
  }

  /** The mantissa's decimal digits, without sign (computed once: a long mantissa is slow to print). */
  private digits(): string {
    return (this.absDigits ??= (this.unscaled < 0n ? -this.unscaled : this.unscaled).toString());
  }

  /** resource.ParseQuantity; throws with Go's error text. */
  static parse(str: string): Quantity {
    if (str.length === 0) throw new Error(ERR_FORMAT_WRONG);
    const parts = splitQuantity(str);
    const suffix = interpretSuffix(parts.suffix);
    if (!suffix) throw new Error(ERR_SUFFIX);
    return fastPath(parts, suffix) ?? slowPath(parts, suffix);
  }
}

/** Go's int64Amount.Add: undefined on overflow (the caller goes on in arbitrary precision). */
function addSmall(a: Quantity, b: Quantity): Quantity | undefined {
  if (b.unscaled === 0n) return a;
  if (a.unscaled === 0n) return b;
  const scale = Math.min(a.scale, b.scale);
  const shift = (q: Quantity) => q.unscaled * 10n ** BigInt(q.scale - scale);
  const [x, y] = [shift(a), shift(b)];
  if (!fitsInt64(x) || !fitsInt64(y) || !fitsInt64(x + y)) return undefined;
  return new Quantity(x + y, scale, true);
}

/** Both mantissas at the smaller scale, and that scale. */
function align(a: Quantity, b: Quantity): [bigint, bigint, number] {
  const scale = Math.min(a.scale, b.scale);
  if (Math.max(a.scale, b.scale) - scale > MAX_ALIGNMENT) throw new Error("quantity exponents too far apart to add");
  return [a.unscaled * 10n ** BigInt(a.scale - scale), b.unscaled * 10n ** BigInt(b.scale - scale), scale];
}

interface Parts {
  positive: boolean;
  /** The numeric part as written, with its sign. */
  value: string;
  num: string;
  denom: string;
  suffix: string;
}

/** parseQuantityString. */
function splitQuantity(str: string): Parts {
  let pos = 0;
  const end = str.length;
  let positive = true;
  if (str[0] === "-" || str[0] === "+") {
    positive = str[0] !== "-";
    pos++;
  }
  while (pos < end && str[pos] === "0") pos++;
  if (pos >= end) return { positive, value: "0", num: "0", denom: "", suffix: "" };
  const numStart = pos;
  while (pos < end && isDigit(str[pos])) pos++;
  const num = str.slice(numStart, pos) || "0";
  if (pos >= end) return { positive, value: str, num, denom: "", suffix: "" };
  let denom = "";
  if (str[pos] === ".") {
    const denomStart = ++pos;
    while (pos < end && isDigit(str[pos])) pos++;
    denom = str.slice(denomStart, pos);
    if (pos >= end) return { positive, value: str, num, denom, suffix: "" };
  }
  const value = str.slice(0, pos);
  const suffixStart = pos;
  while (pos < end && SUFFIX_CHARS.includes(str[pos]!)) pos++;
  if (pos < end && (str[pos] === "-" || str[pos] === "+")) pos++;
  while (pos < end && isDigit(str[pos])) pos++;
  if (pos < end) throw new Error(ERR_FORMAT_WRONG);
  return { positive, value, num, denom, suffix: str.slice(suffixStart) };
}

interface Suffix {
  base: 2 | 10;
  exponent: number;
  binary: boolean;
}

/** quantitySuffixer.interpret. */
function interpretSuffix(s: string): Suffix | undefined {
  if (s in DECIMAL_SUFFIXES) return { base: 10, exponent: DECIMAL_SUFFIXES[s]!, binary: false };
  if (s in BINARY_SUFFIXES) return { base: 2, exponent: BINARY_SUFFIXES[s]!, binary: true };
  if (s.length > 1 && (s[0] === "e" || s[0] === "E") && /^[+-]?\d+$/.test(s.slice(1))) {
    const parsed = BigInt(s.slice(1));
    if (!fitsInt64(parsed)) return undefined;
    // Go keeps int32(parsed).
    return { base: 10, exponent: Number(BigInt.asIntN(32, parsed)), binary: false };
  }
  return undefined;
}

/** The int64Amount path of ParseQuantity, when the digits fit. */
function fastPath(p: Parts, s: Suffix): Quantity | undefined {
  const digits = p.num.length + p.denom.length;
  let precision: number;
  let mantissa = 1n;
  let scale = 0;
  if (s.base === 10) {
    scale = s.exponent;
    precision = 18 - digits;
  } else if (s.exponent >= 0 && p.denom.length === 0) {
    mantissa = 1n << BigInt(s.exponent);
    precision = 15 - p.num.length - Math.trunc(Math.fround(s.exponent) * 3 / 10) - 1;
  } else {
    precision = -1;
  }
  if (precision < 0) return undefined;
  scale -= p.denom.length;
  if (scale < -9) return undefined;
  const value = BigInt(p.num + p.denom) * mantissa;
  if (!fitsInt64(value)) return undefined;
  return new Quantity(p.positive ? value : -value, scale, true);
}

/** The inf.Dec path: exact, rounded up (away from zero) to 1n, binary amounts capped at 2^63-1. */
function slowPath(p: Parts, s: Suffix): Quantity {
  const numeric = p.value.replace(/^[+-]/, "");
  if (!/^\d*\.?\d*$/.test(numeric) || !/\d/.test(numeric)) throw new Error(ERR_NUMERIC);
  const [whole, fraction = ""] = numeric.split(".");
  let unscaled = BigInt((whole || "0") + fraction);
  let scale = -fraction.length;
  if (s.base === 10) scale += s.exponent;
  else unscaled *= 1n << BigInt(s.exponent);
  if (unscaled !== 0n && scale < -9) {
    const divisor = 10n ** BigInt(-9 - scale);
    unscaled = (unscaled + divisor - 1n) / divisor;
    scale = -9;
  }
  if (s.binary && exceeds(unscaled, scale, MAX_INT64)) [unscaled, scale] = [MAX_INT64, 0];
  return new Quantity(p.positive ? unscaled : -unscaled, scale, false);
}

/** Whether `unscaled * 10^scale` (scale >= -9 here) is more than `limit`. */
function exceeds(unscaled: bigint, scale: number, limit: bigint): boolean {
  if (scale < 0) return unscaled > limit * 10n ** BigInt(-scale);
  return unscaled > 0n && (scale > 20 || unscaled * 10n ** BigInt(scale) > limit);
}
