/**
 * CEL types as cel-go's checker sees them, for type-checking rules at
 * generate time: primitives, timestamps and durations, lists, maps, the
 * object types of a schema (named by their path, as kube-apiserver names
 * them), the opaque types of Kubernetes' libraries (objects without fields:
 * `kubernetes.Quantity`, `net.IP`...), optionals, type values (`int` as an
 * expression), type parameters of generic overloads, and `error` for a subexpression that already failed (it matches
 * anything, so one mistake is reported once).
 */
import { CelScalar, type CelType } from "@bufbuild/cel";

/** cel-go's name of the optional type. */
const OPTIONAL_TYPE = "optional_type";

const SIMPLE = ["int", "uint", "double", "bool", "string", "bytes", "null_type", "dyn", "error", "timestamp", "duration"] as const;
type Simple = (typeof SIMPLE)[number];

export type Type =
  | { kind: Simple }
  | { kind: "list"; elem: Type }
  | { kind: "map"; key: Type; value: Type }
  | { kind: "optional"; elem: Type }
  | { kind: "object"; name: string; fields: ReadonlyMap<string, Type> }
  | { kind: "type"; of: Type }
  | { kind: "param"; name: string };

const simple = new Map<string, Type>(SIMPLE.map((k) => [k, { kind: k }]));

export const T = {
  int: simple.get("int")!,
  uint: simple.get("uint")!,
  double: simple.get("double")!,
  bool: simple.get("bool")!,
  string: simple.get("string")!,
  bytes: simple.get("bytes")!,
  null: simple.get("null_type")!,
  dyn: simple.get("dyn")!,
  error: simple.get("error")!,
  timestamp: simple.get("timestamp")!,
  duration: simple.get("duration")!,
  list: (elem: Type): Type => ({ kind: "list", elem }),
  map: (key: Type, value: Type): Type => ({ kind: "map", key, value }),
  optional: (elem: Type): Type => ({ kind: "optional", elem }),
  /** A type of Kubernetes' libraries, which has no fields. */
  opaque: (name: string): Type => ({ kind: "object", name, fields: new Map() }),
  type: (of: Type): Type => ({ kind: "type", of }),
  param: (name: string): Type => ({ kind: "param", name }),
};

/** cel-go's spelling of a type in messages. */
export function typeName(t: Type): string {
  switch (t.kind) {
    case "timestamp":
      return "google.protobuf.Timestamp";
    case "duration":
      return "google.protobuf.Duration";
    case "error":
      return "*error*";
    case "list":
      return `list(${typeName(t.elem)})`;
    case "map":
      return `map(${typeName(t.key)}, ${typeName(t.value)})`;
    case "optional":
      return `${OPTIONAL_TYPE}(${typeName(t.elem)})`;
    case "object":
      return t.name;
    case "type":
      return `type(${typeName(t.of)})`;
    case "param":
      return t.name;
    default:
      return t.kind;
  }
}

export function sameType(a: Type, b: Type): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case "list":
    case "optional":
      return sameType(a.elem, (b as typeof a).elem);
    case "map":
      return sameType(a.key, (b as typeof a).key) && sameType(a.value, (b as typeof a).value);
    case "object":
      return a.name === (b as typeof a).name;
    case "type":
      return sameType(a.of, (b as typeof a).of);
    case "param":
      return a.name === (b as typeof a).name;
    default:
      return true;
  }
}

/** Bindings of type parameters while one overload is tried. */
export type Substitution = Map<string, Type>;

function nullable(t: Type): boolean {
  return t.kind === "object" || t.kind === "timestamp" || t.kind === "duration" || t.kind === "null_type";
}

/**
 * Whether a value of type `arg` may be passed where `param` is declared
 * (cel-go's isAssignable): dyn and error match anything either way, `null`
 * goes where a message may be null, type parameters bind on first use.
 */
export function assignable(param: Type, arg: Type, subst: Substitution): boolean {
  if (arg.kind === "error" || param.kind === "error") return true;
  if (param.kind === "param") {
    const bound = subst.get(param.name);
    if (!bound) {
      subst.set(param.name, arg);
      return true;
    }
    // A parameter first bound to dyn or null (`null == self.x`) takes the more specific type.
    if (bound.kind === "dyn" && arg.kind !== "dyn") {
      subst.set(param.name, arg);
      return true;
    }
    if (assignable(bound, arg, subst)) return true;
    if (bound.kind === "null_type") {
      if (!assignable(arg, bound, subst)) return false;
      subst.set(param.name, arg);
      return true;
    }
    return false;
  }
  if (param.kind === "dyn" || arg.kind === "dyn") return true;
  if (arg.kind === "null_type" && nullable(param)) return true;
  if (param.kind !== arg.kind) return false;
  switch (param.kind) {
    case "list":
    case "optional":
      return assignable(param.elem, (arg as typeof param).elem, subst);
    case "map":
      return assignable(param.key, (arg as typeof param).key, subst) && assignable(param.value, (arg as typeof param).value, subst);
    case "object":
      return param.name === (arg as typeof param).name;
    case "type":
      return assignable(param.of, (arg as typeof param).of, subst);
    default:
      return true;
  }
}

/** A declared type with its parameters replaced by what they bound to (unbound ones become dyn). */
export function substitute(t: Type, subst: Substitution): Type {
  switch (t.kind) {
    case "param":
      return subst.get(t.name) ?? T.dyn;
    case "list":
      return T.list(substitute(t.elem, subst));
    case "optional":
      return T.optional(substitute(t.elem, subst));
    case "map":
      return T.map(substitute(t.key, subst), substitute(t.value, subst));
    case "type":
      return T.type(substitute(t.of, subst));
    default:
      return t;
  }
}

/** A @bufbuild/cel declared type (CelFunc signatures) as a checker type. */
export function fromCelType(t: CelType): Type {
  switch (t.kind) {
    case "list":
      return T.list(fromCelType(t.element));
    case "map":
      return T.map(fromCelType(t.key), fromCelType(t.value));
    case "object":
      if (t.name === "google.protobuf.Timestamp") return T.timestamp;
      if (t.name === "google.protobuf.Duration") return T.duration;
      if (t.name === OPTIONAL_TYPE) return T.optional(T.dyn);
      return T.opaque(t.name);
    case "scalar":
      if (t === CelScalar.TYPE) return T.type(T.dyn);
      return simple.get(t.name) ?? T.dyn;
  }
}
