/**
 * CEL optional values (cel-go's cel.OptionalTypes, which Kubernetes enables
 * since 1.28): `optional.of(x)`, `optional.ofNonZeroValue(x)`,
 * `optional.none()`, and on an optional `hasValue()`, `value()`,
 * `orValue(x)` and `or(o)`. `oldSelf` is one in a rule with
 * `optionalOldSelf: true`. Optional field selection (`x.?f`) is rewritten
 * to `@optSelect`/`@optField` calls (cel-syntax.ts); optional indexing and
 * literals (`m[?k]`, `[?x]`, `{?k: v}`) do not parse in @bufbuild/cel 0.6.
 */
import { CelScalar, isCelList, isCelMap, isCelUint, type CelFunc } from "@bufbuild/cel";
import { OPT_FIELD, OPT_SELECT } from "./cel-syntax.js";
import { OPTIONAL, OpaqueValue, opaqueFunc } from "./cel-values.js";

const DYN = CelScalar.DYN;
let nextIdentity = 0;

/**
 * What an optional's equality compares, as CEL's == does: numbers across int, uint and
 * double (exactly: an int64 beyond 2^53 is not its nearest double), strings, bytes,
 * booleans, null and opaque values by value, lists item by item, maps by their entries
 * in any order. Undefined for what compares only to itself (NaN, a timestamp), and for a
 * list or map holding one.
 */
function identityOf(v: unknown): string | undefined {
  if (typeof v === "bigint") return `n:${v}`;
  if (typeof v === "number") return Number.isNaN(v) ? undefined : `n:${Number.isInteger(v) ? BigInt(v) : v}`;
  if (isCelUint(v)) return `n:${v.value}`;
  if (typeof v === "string") return `s:${JSON.stringify(v)}`;
  if (typeof v === "boolean" || v === null) return String(v);
  if (v instanceof Uint8Array) return `b:${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("hex")}`;
  if (v instanceof OpaqueValue) return `o:${JSON.stringify(v.name)}`;
  if (isCelList(v)) {
    const items: string[] = [];
    for (const item of v) {
      const id = identityOf(item);
      if (id === undefined) return undefined;
      items.push(id);
    }
    return `[${items.join(",")}]`;
  }
  if (isCelMap(v)) {
    const entries: string[] = [];
    for (const [key, value] of v) {
      const k = identityOf(key);
      const x = identityOf(value);
      if (k === undefined || x === undefined) return undefined;
      entries.push(`${k}=${x}`);
    }
    return `{${entries.sort().join(",")}}`;
  }
  return undefined;
}

export class CelOptional extends OpaqueValue {
  readonly typeName = "optional_type";
  private readonly id: string;

  private constructor(
    readonly present: boolean,
    private readonly held: unknown,
  ) {
    super();
    this.id = present ? `of(${identityOf(held) ?? `ref:${++nextIdentity}`})` : "none";
  }

  static of(value: unknown): CelOptional {
    return new CelOptional(true, value);
  }

  static readonly none = new CelOptional(false, undefined);

  value(): unknown {
    if (!this.present) throw new Error("optional.none() dereference");
    return this.held;
  }

  orValue(other: unknown): unknown {
    return this.present ? this.held : other;
  }

  protected identity(): string {
    return this.id;
  }
}

/** cel-go's IsZeroValue: the type's default (0, "", false, empty list or map, null). */
function isZeroValue(v: unknown): boolean {
  if (v === null || v === false || v === 0 || v === 0n || v === "") return true;
  if (v instanceof Uint8Array) return v.length === 0;
  if (isCelList(v) || isCelMap(v)) return v.size === 0;
  if (isCelUint(v)) return v.value === 0n;
  return false;
}

/** `x.?f`: of(x.f) when x has f, else none; on an optional x, the same on its value (none stays none). */
function optionalSelect(x: unknown, field: string): CelOptional {
  if (x instanceof CelOptional) {
    if (!x.present) return x;
    x = x.value();
  }
  if (!isCelMap(x)) throw new Error(`no such overload: ${OPT_SELECT}`);
  return x.has(field) ? CelOptional.of(x.get(field)) : CelOptional.none;
}

/** `x.?a.b`: b selected on the optional's value, as an optional (a missing b is an error, as a plain select's). */
function optionalField(x: CelOptional, field: string): CelOptional {
  if (!x.present) return x;
  const v = x.value();
  if (!isCelMap(v) || !v.has(field)) throw new Error(`no such key: ${field}`);
  return CelOptional.of(v.get(field));
}

export const optionalFuncs: CelFunc[] = [
  opaqueFunc(OPT_SELECT, undefined, [DYN, CelScalar.STRING], OPTIONAL, optionalSelect),
  opaqueFunc(OPT_FIELD, undefined, [OPTIONAL, CelScalar.STRING], OPTIONAL, optionalField),
  opaqueFunc("optional.of", undefined, [DYN], OPTIONAL, (x) => CelOptional.of(x)),
  opaqueFunc("optional.ofNonZeroValue", undefined, [DYN], OPTIONAL, (x) => (isZeroValue(x) ? CelOptional.none : CelOptional.of(x))),
  opaqueFunc("optional.none", undefined, [], OPTIONAL, () => CelOptional.none),
  opaqueFunc("hasValue", OPTIONAL, [], CelScalar.BOOL, (o: CelOptional) => o.present),
  opaqueFunc("value", OPTIONAL, [], DYN, (o: CelOptional) => o.value()),
  opaqueFunc("orValue", OPTIONAL, [DYN], DYN, (o: CelOptional, x) => o.orValue(x)),
  opaqueFunc("or", OPTIONAL, [OPTIONAL], OPTIONAL, (o: CelOptional, other: CelOptional) => (o.present ? o : other)),
];
