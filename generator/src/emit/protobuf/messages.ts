/**
 * The protobuf messages of one group-version, derived from the model: the kinds
 * and their lists, the definitions' own types (numbers from model.protobuf, i.e.
 * the lock), and every upstream type they reach (Kubernetes' numbers, from
 * upstream-numbers.ts). Both the .proto emitter and the descriptor emitter read
 * this one structure, so the two can never disagree.
 */
import type { ApiModel, Field, GroupModel, KindModel, ObjectType, TypeNode, VersionModel } from "../../model/types.js";
import { numberProtobufFields } from "../../model/protobuf-numbers.js";
import { DiagnosticBag } from "../../model/diagnostic.js";
import { reverseGroup } from "../../model/naming.js";
import { OBJECT_META_MESSAGES } from "./object-meta.js";
import type { ProtoField, ProtoMessage } from "./message-types.js";
import { CORE_V1, META_V1, type UpstreamFields } from "./upstream-numbers.js";

export const META_PKG = "k8s.io.apimachinery.pkg.apis.meta.v1";
const CORE_PKG = "k8s.io.api.core.v1";
const TIME = `${META_PKG}.Time`;
const MICRO_TIME = `${META_PKG}.MicroTime`;
const QUANTITY = "k8s.io.apimachinery.pkg.api.resource.Quantity";
const INT_OR_STRING = "k8s.io.apimachinery.pkg.util.intstr.IntOrString";
const RAW_EXTENSION = "k8s.io.apimachinery.pkg.runtime.RawExtension";

/** `io.skai.v1alpha1` for skai.io/v1alpha1: the package of its .proto and the prefix of its definition ids. */
export function protoPackage(group: GroupModel, version: VersionModel): string {
  return `${reverseGroup(group.name)}.${version.name}`;
}

/** Definition id -> proto full name (`io.k8s.api.core.v1.X` -> `k8s.io.api.core.v1.X`). */
function protoName(id: string): string {
  return id.startsWith("io.k8s.") ? `k8s.io.${id.slice("io.k8s.".length)}` : id;
}

/**
 * Whether a message's field numbers are known: our own types are numbered by
 * the lock, upstream ones only where tabled (core/v1, meta/v1). A field of an
 * upstream type from another group (apps/v1, networking/v1, ...) travels as
 * raw JSON inside the protobuf, as lists of lists do, rather than with numbers
 * we would have to guess.
 */
function numbered(id: string): boolean {
  return !id.startsWith("io.k8s.") || id.startsWith("io.k8s.api.core.v1.") || id.startsWith("io.k8s.apimachinery.pkg.apis.meta.v1.");
}

function upstreamTable(id: string): { table: Record<string, UpstreamFields>; pkg: string } {
  if (id.startsWith("io.k8s.api.core.v1.")) return { table: CORE_V1, pkg: CORE_PKG };
  if (id.startsWith("io.k8s.apimachinery.pkg.apis.meta.v1.")) return { table: META_V1, pkg: META_PKG };
  throw new Error(`protobuf: no upstream field numbers for ${id} (only core/v1 and meta/v1 types are tabled in emit/protobuf/upstream-numbers.ts)`);
}

/** Descriptor and .proto types of a value. Shapes protobuf cannot nest (lists of lists) travel as raw JSON. */
function typeOf(t: TypeNode): { type: string; ref?: string; proto: string } {
  const scalar = (n: TypeNode): { type: string; ref?: string; proto: string } | undefined => {
    switch (n.kind) {
      case "string":
      case "enum":
        return { type: "string", proto: "string" };
      case "boolean":
        return { type: "bool", proto: "bool" };
      case "number":
        return { type: "double", proto: "double" };
      case "integer":
        return { type: n.format, proto: n.format };
      case "intOrString":
        return n.quantity ? { type: "quantity", proto: QUANTITY } : { type: "intstr", proto: INT_OR_STRING };
      case "time":
        return n.micro ? { type: "microtime", proto: MICRO_TIME } : { type: "time", proto: TIME };
      case "object":
        return numbered(n.ref) ? { type: "msg", ref: protoName(n.ref), proto: protoName(n.ref) } : { type: "json", proto: RAW_EXTENSION };
      case "unknown":
        return { type: "json", proto: RAW_EXTENSION };
      default:
        return undefined;
    }
  };
  const json = { type: "json", proto: RAW_EXTENSION };
  if (t.kind === "array") {
    const item = scalar(t.items);
    return item ? { ...item, type: `[]${item.type}`, proto: `repeated ${item.proto}` } : json;
  }
  if (t.kind === "map") {
    const value = scalar(t.values);
    return value ? { ...value, type: `{}${value.type}`, proto: `map<string, ${value.proto}>` } : json;
  }
  return scalar(t) ?? json;
}

function field(number: number, f: Field): ProtoField {
  return { number, name: f.name, description: f.description, ...typeOf(f.type) };
}

/** Object types reachable from the version's kinds, by id. */
function reachable(model: ApiModel, kinds: KindModel[]): ObjectType[] {
  const seen = new Map<string, ObjectType>();
  const visit = (id: string) => {
    const t = model.types[id];
    if (!t || seen.has(id)) return;
    seen.set(id, t);
    for (const f of t.fields) walk(f.type);
  };
  const walk = (n: TypeNode): void => {
    if (n.kind === "object") {
      if (numbered(n.ref)) visit(n.ref);
    } else if (n.kind === "array") walk(n.items);
    else if (n.kind === "map") walk(n.values);
  };
  visit("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
  for (const k of kinds) {
    visit(k.spec);
    if (k.status) visit(k.status);
  }
  return [...seen.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Every message of a group-version: its own first (kinds, lists, types), then upstream ones. */
export function groupVersionMessages(model: ApiModel, group: GroupModel, version: VersionModel): ProtoMessage[] {
  const pkg = protoPackage(group, version);
  // Emitters are pure: a model built without the protobuf step (tests, fixtures) is numbered here from an empty lock.
  const numbering = model.protobuf ?? numberProtobufFields(model, { messages: {} }, new DiagnosticBag(process.cwd()));
  const local: ProtoMessage[] = [];
  const upstream = new Map<string, ProtoMessage>();
  for (const kind of version.kinds) {
    const fields: ProtoField[] = [
      { number: 1, name: "metadata", type: "msg", ref: `${META_PKG}.ObjectMeta`, proto: `${META_PKG}.ObjectMeta`, description: "Standard object's metadata." },
      { number: 2, name: "spec", type: "msg", ref: protoName(kind.spec), proto: protoName(kind.spec), description: "" },
    ];
    if (kind.status) fields.push({ number: 3, name: "status", type: "msg", ref: protoName(kind.status), proto: protoName(kind.status), description: "" });
    local.push({ name: `${pkg}.${kind.name}`, description: kind.description, fields, reserved: [], local: true });
    local.push({
      name: `${pkg}.${kind.listKind}`,
      description: `${kind.listKind} is a list of ${kind.name}.`,
      fields: [
        { number: 1, name: "metadata", type: "msg", ref: `${META_PKG}.ListMeta`, proto: `${META_PKG}.ListMeta`, description: "Standard list metadata." },
        { number: 2, name: "items", type: "[]msg", ref: `${pkg}.${kind.name}`, proto: `repeated ${pkg}.${kind.name}`, description: "" },
      ],
      reserved: [],
      local: true,
    });
  }
  for (const t of reachable(model, version.kinds)) {
    if (t.origin === "definitions") {
      const numbers = numbering.messages[t.id] ?? { fields: {}, reserved: {} };
      local.push({
        name: protoName(t.id),
        description: t.description,
        fields: t.fields.map((f) => field(numbers.fields[f.name], f)),
        reserved: Object.entries(numbers.reserved)
          .map(([name, number]) => ({ name, number }))
          .sort((a, b) => a.number - b.number),
        local: t.id.startsWith(`${pkg}.`),
      });
    } else {
      for (const m of upstreamMessages(t)) if (!upstream.has(m.name)) upstream.set(m.name, m);
    }
  }
  // Every kind's metadata is an ObjectMeta, whether or not the model reached that type.
  for (const m of OBJECT_META_MESSAGES) if (!upstream.has(m.name)) upstream.set(m.name, m);
  return [...local, ...[...upstream.values()].sort((a, b) => (a.name < b.name ? -1 : 1))];
}

/** An upstream type with Kubernetes' numbers; Go embedded structs become messages of their own. */
function upstreamMessages(t: ObjectType): ProtoMessage[] {
  const { table, pkg } = upstreamTable(t.id);
  const short = t.id.slice(t.id.lastIndexOf(".") + 1);
  const numbers = table[short];
  if (!numbers) throw new Error(`protobuf: ${t.id} has no entry in emit/protobuf/upstream-numbers.ts`);
  const byName = new Map(t.fields.map((f) => [f.name, f]));
  const covered = new Set<string>();
  const out: ProtoMessage[] = [];
  const fields: ProtoField[] = [];
  for (const [key, number] of Object.entries(numbers)) {
    if (key.startsWith("@")) {
      const inner = key.slice(1);
      const innerNumbers = table[inner];
      if (!innerNumbers) throw new Error(`protobuf: embedded ${inner} of ${t.id} has no entry in upstream-numbers.ts`);
      const innerFields = Object.entries(innerNumbers)
        .filter(([name]) => byName.has(name))
        .map(([name, n]) => (covered.add(name), field(n, byName.get(name)!)));
      out.push({ name: `${pkg}.${inner}`, description: "", fields: innerFields, reserved: [], local: false });
      fields.push({ number, name: "", type: "inline", ref: `${pkg}.${inner}`, proto: `${pkg}.${inner}`, description: "" });
    } else if (byName.has(key)) {
      covered.add(key);
      fields.push(field(number, byName.get(key)!));
    }
  }
  const missing = t.fields.filter((f) => !covered.has(f.name)).map((f) => f.name);
  if (missing.length > 0) throw new Error(`protobuf: no upstream field number for ${t.id} ${missing.join(", ")} (add them to emit/protobuf/upstream-numbers.ts)`);
  out.push({ name: protoName(t.id), description: t.description, fields, reserved: [], local: false });
  return out;
}
