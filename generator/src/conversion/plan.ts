/**
 * Which fields of a kind convert by themselves between a version and the
 * storage version, and which need a user function. Conversion is
 * hub-and-spoke: every served version converts to and from the storage
 * version only. Pairs of object types are found by walking both versions of a
 * kind from the same field paths; a field maps when the other type has a field
 * of the same name and a compatible type (same scalar, a superset enum, lists
 * and maps of compatible values, or an object pair that converts in turn).
 * Pure: check/ reports the unmapped fields, emit/ writes the functions.
 */
import type { ApiModel, Field, GroupModel, KindModel, ObjectType, TypeNode, VersionModel } from "../model/types.js";

/** How a value converts: copied (cloned) as is, or walked. */
export type ValueConversion =
  /** The value as it is: assigned when `scalar`, else deep-copied (lists, maps, free-form values). */
  | { kind: "copy"; scalar?: boolean }
  | { kind: "object"; pair: string }
  | { kind: "array"; items: ValueConversion }
  | { kind: "map"; values: ValueConversion };

export interface FieldMapping {
  name: string;
  conversion: ValueConversion;
}

/** One direction of one pair of object types, e.g. v1alpha1 NotebookSpec -> v1beta1 NotebookSpec. */
export interface TypePair {
  key: string;
  from: ObjectType;
  to: ObjectType;
  fromVersion: string;
  toVersion: string;
  /** Field path from the kind's root where the pair was first met, e.g. `spec`. */
  path: string;
  /** Name of the generated function. */
  generated: string;
  /** conversion-gen's name for a hand-written function of this pair. */
  user: string;
  mapped: FieldMapping[];
  /** Fields of `from` that no field of `to` takes by name. */
  unmapped: Field[];
}

export interface KindConversion {
  kind: KindModel;
  version: VersionModel;
  storage: VersionModel;
  /** Pair keys for spec and status in each direction (status absent when either version lacks it). */
  toStorage: { spec: string; status?: string };
  fromStorage: { spec: string; status?: string };
}

export interface GroupConversionPlan {
  group: GroupModel;
  storage: VersionModel;
  kinds: KindConversion[];
  /** Every pair reached, by key, in the order met. */
  pairs: Map<string, TypePair>;
}

/** conversion-gen's function name: `Convert_v1alpha1_NotebookSpec_To_v1beta1_NotebookSpec`. */
function userFunctionName(fromVersion: string, from: string, toVersion: string, to: string): string {
  return `Convert_${fromVersion}_${from}_To_${toVersion}_${to}`;
}

/**
 * The plan for a group, or undefined when nothing converts: one version, or no
 * single storage version (the versions check reports that). Versions that are
 * not served never see a request, so they need no conversion.
 */
export function planGroupConversions(model: ApiModel, group: GroupModel): GroupConversionPlan | undefined {
  const storages = group.versions.filter((v) => v.storage);
  if (storages.length !== 1) return undefined;
  const storage = storages[0];
  const plan: GroupConversionPlan = { group, storage, kinds: [], pairs: new Map() };
  for (const version of group.versions) {
    if (version === storage || !version.served) continue;
    for (const kind of version.kinds) {
      const hub = storage.kinds.find((k) => k.name === kind.name);
      if (!hub || !model.types[kind.spec] || !model.types[hub.spec]) continue;
      const status = kind.status && hub.status && model.types[kind.status] && model.types[hub.status];
      const pair = (from: string, to: string, fv: VersionModel, tv: VersionModel, path: string) => pairOf(model, plan, from, to, fv.name, tv.name, path);
      plan.kinds.push({
        kind,
        version,
        storage,
        toStorage: { spec: pair(kind.spec, hub.spec, version, storage, "spec"), ...(status ? { status: pair(kind.status!, hub.status!, version, storage, "status") } : {}) },
        fromStorage: { spec: pair(hub.spec, kind.spec, storage, version, "spec"), ...(status ? { status: pair(hub.status!, kind.status!, storage, version, "status") } : {}) },
      });
    }
  }
  return plan;
}

function pairOf(model: ApiModel, plan: GroupConversionPlan, fromId: string, toId: string, fromVersion: string, toVersion: string, path: string): string {
  const key = `${fromId}->${toId}`;
  if (plan.pairs.has(key)) return key;
  const from = model.types[fromId];
  const to = model.types[toId];
  const pair: TypePair = {
    key,
    from,
    to,
    fromVersion,
    toVersion,
    path,
    generated: `convert_${fromVersion}_${from.name}_To_${toVersion}_${to.name}`,
    user: userFunctionName(fromVersion, from.name, toVersion, to.name),
    mapped: [],
    unmapped: [],
  };
  // Registered before its fields are walked: recursive types end here.
  plan.pairs.set(key, pair);
  for (const f of from.fields) {
    const target = to.fields.find((t) => t.name === f.name);
    const conversion = target && valueConversion(model, plan, f.type, target.type, fromVersion, toVersion, `${path}.${f.name}`);
    if (conversion) pair.mapped.push({ name: f.name, conversion });
    else pair.unmapped.push(f);
  }
  return key;
}

function valueConversion(model: ApiModel, plan: GroupConversionPlan, a: TypeNode, b: TypeNode, fv: string, tv: string, path: string): ValueConversion | undefined {
  const copy: ValueConversion = { kind: "copy" };
  const scalar: ValueConversion = { kind: "copy", scalar: true };
  switch (a.kind) {
    case "string":
    case "boolean":
    case "number":
      return b.kind === a.kind ? scalar : undefined;
    case "unknown":
      return b.kind === a.kind ? copy : undefined;
    case "integer":
      // int32 fits int64; the other way may not.
      return b.kind === "integer" && (a.format === b.format || b.format === "int64") ? scalar : undefined;
    case "enum":
      if (b.kind === "string") return scalar;
      return b.kind === "enum" && a.values.every((v) => b.values.includes(v)) ? scalar : undefined;
    case "intOrString":
      return b.kind === "intOrString" && a.quantity === b.quantity ? scalar : undefined;
    case "time":
      return b.kind === "time" && a.micro === b.micro ? scalar : undefined;
    case "array": {
      if (b.kind !== "array") return undefined;
      const items = valueConversion(model, plan, a.items, b.items, fv, tv, `${path}[]`);
      return items && (items.kind === "copy" ? copy : { kind: "array", items });
    }
    case "map": {
      if (b.kind !== "map") return undefined;
      const values = valueConversion(model, plan, a.values, b.values, fv, tv, `${path}{}`);
      return values && (values.kind === "copy" ? copy : { kind: "map", values });
    }
    case "object": {
      if (b.kind !== "object") return undefined;
      // The same type (a Kubernetes type, or a shared one) is the same shape in both versions.
      if (a.ref === b.ref) return copy;
      const ta = model.types[a.ref];
      const tb = model.types[b.ref];
      if (!ta || !tb || ta.origin !== "definitions" || tb.origin !== "definitions") return undefined;
      return { kind: "object", pair: pairOf(model, plan, a.ref, b.ref, fv, tv, path) };
    }
  }
}
