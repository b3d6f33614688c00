/**
 * The opaque values of Kubernetes' CEL libraries (quantities, URLs, IP
 * addresses, CIDRs, named formats) and CEL optionals, over @bufbuild/cel,
 * which has no user-defined value types: its evaluator passes through only
 * the values it knows. A type value is one of them (a CelType, recognised
 * by a symbol anywhere on its prototype chain), so an opaque value here is
 * an object whose prototype chain ends in a CelType. Equality of type values
 * compares their kind and name; an opaque value's name is its type's name
 * and an identity (the canonical value), so `==`, `in` and list equality
 * compare opaque values by what they hold, as cel-go's Equal methods do.
 *
 * The functions over them (opaqueFunc) carry their declared types, which
 * the generator's checker reads, and check their arguments at run time
 * themselves, since @bufbuild/cel sees every opaque value as a type value.
 */
import { CelScalar, celEnv, celError, isCelList, isCelMap, objectType, type CelFunc, type CelType } from "@bufbuild/cel";

/** A value of one of the libraries' types. */
export abstract class OpaqueValue {
  /** The CEL type name, as cel-go's checker spells it (`kubernetes.Quantity`, `net.IP`...). */
  abstract readonly typeName: string;
  /** What makes two values of the type equal, as a string. */
  protected abstract identity(): string;

  get name(): string {
    return `${this.typeName}(${this.identity()})`;
  }
}
// Every opaque value passes @bufbuild/cel's checks for a type value (toCel, equality), and none other.
Object.setPrototypeOf(OpaqueValue.prototype, objectType("kubernetes.opaque"));

/** Declared types of the opaque values, for signatures. */
export const QUANTITY = objectType("kubernetes.Quantity");
export const URL_TYPE = objectType("kubernetes.URL");
export const IP = objectType("net.IP");
export const CIDR = objectType("net.CIDR");
export const FORMAT = objectType("kubernetes.NamedFormat");
/** cel-go's optional type; its parameter is dyn in signatures here (the checker knows the generic ones). */
export const OPTIONAL = objectType("optional_type");

function isOfType(v: unknown, t: CelType): boolean {
  if (t === CelScalar.DYN) return true;
  if (v instanceof OpaqueValue) return t.kind === "object" && t.name === v.typeName;
  switch (t.kind) {
    case "list":
      return isCelList(v);
    case "map":
      return isCelMap(v);
    case "object":
      return false;
  }
  switch (t) {
    case CelScalar.STRING:
      return typeof v === "string";
    case CelScalar.INT:
      return typeof v === "bigint";
    case CelScalar.DOUBLE:
      return typeof v === "number";
    case CelScalar.BOOL:
      return typeof v === "boolean";
    default:
      return false;
  }
}

type Impl = (...args: any[]) => unknown;

/**
 * A function or method (`target` set) over the libraries' values: a CelFunc
 * with its declared signature, which answers only arguments of those types
 * (so the next overload of the name is tried), and turns a thrown Error into
 * the call's CEL error. The receiver of a method is the first argument of `impl`.
 */
export function opaqueFunc(name: string, target: CelType | undefined, params: CelType[], result: CelType, impl: Impl): CelFunc {
  const id = `${target ? `${target.name}.` : ""}${name}(${params.map((p) => p.name).join(",")})`;
  const func = {
    id,
    name,
    target,
    arguments: params,
    result,
    call(exprId: number, receiver: unknown, args: unknown[]) {
      if ((target === undefined) !== (receiver === undefined)) return undefined;
      if (target && !isOfType(receiver, target)) return undefined;
      if (args.length !== params.length || !args.every((a, i) => isOfType(a, params[i]!))) return undefined;
      try {
        return impl(...(target ? [receiver, ...args] : args));
      } catch (e) {
        return celError(e, exprId);
      }
    },
  };
  return func as unknown as CelFunc;
}

const standardEquals = celEnv().funcs.find("_==_")!;

/** CEL's `==` (heterogeneous numbers, lists and maps by content, opaque values by identity). */
export function celEquals(a: unknown, b: unknown): boolean {
  return standardEquals.call(0, undefined, [a as never, b as never]) === true;
}
