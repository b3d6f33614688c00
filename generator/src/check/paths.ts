/**
 * JSON paths of print columns, selectable fields and the scale subresource must
 * lead to fields that exist, and scale replicas must be int32.
 */
import type { ApiModel, Field, KindModel, ObjectType, SourceLocation, TypeNode } from "../model/types.js";
import type { DiagnosticBag } from "../model/diagnostic.js";

/** Metadata fields every object has, so paths into `.metadata` work without the ObjectMeta type. */
const METADATA: Record<string, TypeNode> = {
  name: { kind: "string" },
  generateName: { kind: "string" },
  namespace: { kind: "string" },
  uid: { kind: "string" },
  resourceVersion: { kind: "string" },
  generation: { kind: "integer", format: "int64" },
  creationTimestamp: { kind: "time", micro: false },
  deletionTimestamp: { kind: "time", micro: false },
  deletionGracePeriodSeconds: { kind: "integer", format: "int64" },
  labels: { kind: "map", values: { kind: "string" } },
  annotations: { kind: "map", values: { kind: "string" } },
  finalizers: { kind: "array", items: { kind: "string" } },
  ownerReferences: { kind: "array", items: { kind: "unknown" } },
  managedFields: { kind: "array", items: { kind: "unknown" } },
};

export type PathResult = { type: TypeNode } | { error: string };

/** Follows `.a.b[0].c` / `[*]` / `[?(filter)]` / `['key']` through a kind's object. */
function resolveJsonPath(model: ApiModel, kind: KindModel, path: string): PathResult {
  const segments: string[] = [];
  // Filters (`[?(@.type=="Ready")]`) select list items like `[*]`; common in print columns.
  const re = /\.([A-Za-z_$][A-Za-z0-9_$-]*)|\[(\d+|\*|\?\(.*?\))\]|\['([^']*)'\]|\["([^"]*)"\]/y;
  let pos = 0;
  while (pos < path.length) {
    re.lastIndex = pos;
    const m = re.exec(path);
    if (!m) return { error: `cannot read ${JSON.stringify(path.slice(pos))} in ${path}` };
    segments.push(m[1] ?? m[3] ?? m[4] ?? "[]");
    pos = re.lastIndex;
  }
  if (segments.length === 0) return { error: "the path is empty" };
  const root: Record<string, TypeNode | undefined> = {
    apiVersion: { kind: "string" },
    kind: { kind: "string" },
    metadata: { kind: "map", values: { kind: "unknown" } },
    spec: kind.spec ? { kind: "object", ref: kind.spec } : undefined,
    status: kind.status ? { kind: "object", ref: kind.status } : undefined,
  };
  const first = root[segments[0]];
  if (!first) return { error: `${kind.name} has no ${segments[0]}` };
  let current: TypeNode = first;
  let walked = `.${segments[0]}`;
  for (let i = 1; i < segments.length; i++) {
    const s = segments[i];
    if (i === 1 && segments[0] === "metadata") {
      const meta: TypeNode | undefined = METADATA[s];
      if (!meta) return { error: `metadata has no field ${s}` };
      current = meta;
    } else if (s === "[]") {
      if (current.kind !== "array") return { error: `${walked} is not a list` };
      current = current.items;
    } else if (current.kind === "object") {
      const t: ObjectType | undefined = model.types[current.ref];
      const f: Field | undefined = t?.fields.find((x) => x.name === s);
      if (!f) return { error: `${walked} (${t?.name ?? current.ref}) has no field ${s}` };
      current = f.type;
    } else if (current.kind === "map") {
      current = current.values;
    } else if (current.kind === "unknown") {
      return { type: current };
    } else if (current.kind === "array") {
      // kubectl's JSONPath applies a field to every item of a list.
      const items: TypeNode = current.items;
      if (items.kind !== "object") return { error: `${walked} is a list of ${items.kind} values` };
      const f: Field | undefined = model.types[items.ref]?.fields.find((x) => x.name === s);
      if (!f) return { error: `the items of ${walked} have no field ${s}` };
      current = f.type;
    } else {
      return { error: `${walked} is a ${current.kind}, it has no field ${s}` };
    }
    walked += s === "[]" ? "[*]" : `.${s}`;
  }
  return { type: current };
}

export function checkPaths(model: ApiModel, diags: DiagnosticBag): void {
  for (const group of model.groups)
    for (const v of group.versions)
      for (const k of v.kinds) {
        if (!k.spec || !model.types[k.spec]) continue; // reported as kind-without-spec
        for (const col of k.printColumns) {
          const r = resolveJsonPath(model, k, col.jsonPath);
          if ("error" in r)
            diags.report(col.source ?? k.source, "bad-json-path", `@printColumn ${col.name}: jsonPath ${col.jsonPath} does not exist: ${r.error}`, "point jsonPath at an existing field, e.g. .status.phase");
        }
        for (const path of k.selectableFields) {
          const r = resolveJsonPath(model, k, path);
          if ("error" in r) diags.report(k.source, "bad-json-path", `@selectableField ${path} does not exist: ${r.error}`, "select on an existing string, enum, boolean or integer field");
          else if (!["string", "enum", "boolean", "integer"].includes(r.type.kind))
            diags.report(k.source, "bad-json-path", `@selectableField ${path} is ${/^[aeiou]/.test(r.type.kind) ? "an" : "a"} ${r.type.kind}`, "selectable fields must be strings, enums, booleans or integers");
        }
        const scale = k.subresources.scale;
        if (scale) {
          const at: SourceLocation = scale.source ?? k.source;
          checkScalePath(model, k, scale.specReplicasPath, "specReplicasPath", ".spec.", at, diags);
          checkScalePath(model, k, scale.statusReplicasPath, "statusReplicasPath", ".status.", at, diags);
          if (scale.labelSelectorPath) {
            const r = resolveJsonPath(model, k, scale.labelSelectorPath);
            if ("error" in r || r.type.kind !== "string")
              diags.report(at, "bad-scale-path", `labelSelectorPath ${scale.labelSelectorPath} must be a string field: ${"error" in r ? r.error : `it is a ${r.type.kind}`}`, "point it at a string field in status, e.g. .status.selector");
          }
        }
      }
}

function checkScalePath(model: ApiModel, k: KindModel, path: string, key: string, prefix: string, at: SourceLocation, diags: DiagnosticBag): void {
  if (!path.startsWith(prefix)) {
    diags.report(at, "bad-scale-path", `${key} ${path} must be under ${prefix.slice(0, -1)}`, `write ${key}=${prefix}replicas`);
    return;
  }
  const r = resolveJsonPath(model, k, path);
  if ("error" in r) diags.report(at, "bad-scale-path", `${key} ${path} does not exist: ${r.error}`, `point ${key} at an int32 field`);
  else if (r.type.kind !== "integer" || r.type.format !== "int32")
    diags.report(at, "bad-scale-path", `${key} ${path} is ${r.type.kind === "integer" ? r.type.format : r.type.kind}, not int32`, "scale replicas must be int32 fields");
}
