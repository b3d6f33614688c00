/**
 * A baseline from a previously generated package: the API its durable
 * contract describes. That contract is what clients were built against: the
 * OpenAPI v3 documents (`openapi/v3/apis/<group>/<version>.json`: kinds,
 * resources, scope, subresources, every schema) and the proto files
 * (`proto/<group>/<version>/generated.proto`: field numbers). The storage
 * version comes from the conversion wiring when there are several versions.
 *
 * The documents carry less than definitions do (no source places, unions as
 * CEL rules, Time as a date-time string), so the comparison then projects the
 * definitions' model the same way (projectLikePackage) before comparing.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { unionRules } from "../model/union-rules.js";
import { QUANTITY_PATTERN } from "../model/structural-schema.js";
import type { MessageNumbers } from "../model/protobuf.js";
import type { ApiModel, Constraints, Field, GroupModel, KindModel, ObjectType, SourceLocation, TypeNode, ValidationRule, VersionModel } from "../model/types.js";
import { compareVersions } from "../model/naming.js";
import { UserError } from "../user-error.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Schema = Record<string, any>;

export function isGeneratedPackage(dir: string): boolean {
  return existsSync(path.join(dir, "openapi", "v3", "apis"));
}

export function readBaselinePackage(dir: string, projectRoot: string): ApiModel {
  const apis = path.join(dir, "openapi", "v3", "apis");
  if (!existsSync(apis)) throw new UserError(`${dir} holds no generated package: no openapi/v3/apis folder`);
  const rel = (p: string) => path.relative(projectRoot, p).split(path.sep).join("/");
  const model: ApiModel = { groups: [], types: {}, protobuf: { messages: {} } };
  for (const group of subdirs(apis)) {
    const versions: VersionModel[] = [];
    for (const file of readdirSync(path.join(apis, group)).filter((f) => f.endsWith(".json")).sort()) {
      const docPath = path.join(apis, group, file);
      const version = file.replace(/\.json$/, "");
      const at: SourceLocation = { file: rel(docPath), line: 1, column: 1 };
      const doc = JSON.parse(readFileSync(docPath, "utf8")) as Schema;
      const schemas: Record<string, Schema> = doc.components?.schemas ?? {};
      const read = new SchemaReader(schemas, at);
      for (const [id, s] of Object.entries(schemas)) if (s.type === "object" || s.properties) model.types[id] ??= read.objectType(id, s);
      versions.push({ name: version, served: true, storage: false, description: "", kinds: kindsOf(doc, group, version, schemas, at), source: at });
      readProto(path.join(dir, "proto", group, version, "generated.proto"), model.protobuf!.messages);
    }
    versions.sort((a, b) => compareVersions(a.name, b.name));
    const storage = versions.length === 1 ? versions[0]!.name : storageVersionOf(dir, group);
    for (const v of versions) v.storage = v.name === storage;
    model.groups.push({ name: group, versions } satisfies GroupModel);
  }
  return model;
}

function subdirs(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => statSync(path.join(dir, n)).isDirectory())
    .sort();
}

/** Kinds, their resource names, scope and subresources, from the document's paths. */
function kindsOf(doc: Schema, group: string, version: string, schemas: Record<string, Schema>, at: SourceLocation): KindModel[] {
  const prefix = `/apis/${group}/${version}/`;
  const byPlural = new Map<string, { kind?: string; namespaced: boolean; subresources: Set<string> }>();
  for (const [p, item] of Object.entries<Schema>(doc.paths ?? {})) {
    if (!p.startsWith(prefix)) continue;
    const m = /^(namespaces\/\{namespace\}\/)?([^/{]+)(?:\/\{name\}(?:\/([^/]+))?)?$/.exec(p.slice(prefix.length));
    if (!m) continue;
    const [, namespaced, plural, sub] = m;
    const entry = byPlural.get(plural!) ?? { namespaced: false, subresources: new Set<string>() };
    byPlural.set(plural!, entry);
    if (namespaced) entry.namespaced = true;
    if (sub) entry.subresources.add(sub);
    else
      for (const op of Object.values<Schema>(item)) {
        const gvk = op?.["x-kubernetes-group-version-kind"];
        if (gvk?.group === group && gvk?.version === version) entry.kind = gvk.kind;
      }
  }
  const kinds: KindModel[] = [];
  for (const [plural, e] of byPlural) {
    if (!e.kind) continue;
    const id = Object.keys(schemas).find((k) =>
      (schemas[k]!["x-kubernetes-group-version-kind"] ?? []).some((g: Schema) => g.group === group && g.version === version && g.kind === e.kind),
    );
    const s = id ? schemas[id]! : {};
    const spec = refOf(s.properties?.spec);
    const status = refOf(s.properties?.status);
    const subs = e.subresources;
    kinds.push({
      name: e.kind,
      listKind: `${e.kind}List`,
      plural,
      singular: e.kind.toLowerCase(),
      scope: e.namespaced ? "Namespaced" : "Cluster",
      shortNames: [],
      categories: [],
      description: "",
      spec: spec ?? "",
      ...(status ? { status } : {}),
      subresources: {
        status: subs.has("status"),
        ...(subs.has("scale") ? { scale: { specReplicasPath: "", statusReplicasPath: "" } } : {}),
        log: subs.has("log"),
        exec: subs.has("exec"),
        custom: [...subs].filter((x) => !["status", "scale", "log", "exec"].includes(x)).sort(),
      },
      printColumns: [],
      selectableFields: [],
      rules: rulesOf(s, at),
      source: at,
    });
  }
  return kinds.sort((a, b) => (a.name < b.name ? -1 : 1));
}

function refOf(s: Schema | undefined): string | undefined {
  const ref: unknown = s?.$ref ?? s?.allOf?.[0]?.$ref;
  return typeof ref === "string" ? ref.replace(/^#\/components\/schemas\//, "") : undefined;
}

/** Schemas of one document back into model types; references to scalar types (Time, Quantity) are inlined as the reader models them. */
class SchemaReader {
  constructor(
    private readonly schemas: Record<string, Schema>,
    private readonly at: SourceLocation,
  ) {}

  objectType(id: string, s: Schema): ObjectType {
    const required = new Set<string>(s.required ?? []);
    const fields: Field[] = Object.entries<Schema>(s.properties ?? {}).map(([name, p]) => {
      const { type, constraints } = this.value(p);
      return { name, description: "", required: required.has(name), type, constraints, source: this.at };
    });
    return { id, name: id.split(".").pop()!, origin: id.startsWith("io.k8s.") ? "kubernetes" : "definitions", description: "", fields, constraints: constraintsOf(s, this.at), source: this.at };
  }

  value(s: Schema): { type: TypeNode; constraints: Constraints } {
    const constraints = constraintsOf(s, this.at);
    const ref = refOf(s);
    if (ref) {
      if (ref.endsWith(".api.resource.Quantity")) return { type: { kind: "intOrString", quantity: true }, constraints };
      if (ref.endsWith(".util.intstr.IntOrString")) return { type: { kind: "intOrString", quantity: false }, constraints };
      const target = this.schemas[ref];
      if (target && target.type && target.type !== "object") {
        const inner = this.value({ ...target, description: undefined });
        return { type: inner.type, constraints: { ...inner.constraints, ...constraints } };
      }
      return { type: { kind: "object", ref }, constraints };
    }
    if (s["x-kubernetes-int-or-string"]) {
      const quantity = s.pattern === QUANTITY_PATTERN;
      if (quantity) delete constraints.pattern;
      return { type: { kind: "intOrString", quantity }, constraints };
    }
    switch (s.type) {
      case "string":
        if (Array.isArray(s.enum)) return { type: { kind: "enum", values: s.enum.map(String) }, constraints };
        delete constraints.format;
        return { type: s.format ? { kind: "string", format: s.format } : { kind: "string" }, constraints };
      case "boolean":
        return { type: { kind: "boolean" }, constraints };
      case "number":
        return { type: { kind: "number", format: "double" }, constraints };
      case "integer":
        return { type: { kind: "integer", format: s.format === "int64" ? "int64" : "int32" }, constraints };
      case "array": {
        const items = this.value(s.items ?? {});
        return { type: { kind: "array", items: items.type, ...(Object.keys(items.constraints).length ? { itemConstraints: items.constraints } : {}) }, constraints };
      }
      case "object":
        if (s.additionalProperties && typeof s.additionalProperties === "object") {
          const values = this.value(s.additionalProperties);
          return { type: { kind: "map", values: values.type, ...(Object.keys(values.constraints).length ? { valueConstraints: values.constraints } : {}) }, constraints };
        }
        return { type: { kind: "unknown" }, constraints };
      default:
        return { type: { kind: "unknown" }, constraints };
    }
  }
}

const KEYWORDS = [
  "minimum", "maximum", "multipleOf", "minLength", "maxLength", "pattern", "format",
  "minItems", "maxItems", "minProperties", "maxProperties", "default",
] as const;

function constraintsOf(s: Schema, at: SourceLocation): Constraints {
  const c: Constraints = {};
  const rec = c as Record<string, unknown>;
  for (const k of KEYWORDS) if (s[k] !== undefined) rec[k] = s[k];
  if (s.exclusiveMinimum) c.exclusiveMinimum = true;
  if (s.exclusiveMaximum) c.exclusiveMaximum = true;
  if (s.uniqueItems) c.uniqueItems = true;
  if (s.nullable) c.nullable = true;
  if (s["x-kubernetes-list-type"]) c.listType = s["x-kubernetes-list-type"];
  if (s["x-kubernetes-list-map-keys"]) c.listMapKeys = [...s["x-kubernetes-list-map-keys"]];
  if (s["x-kubernetes-preserve-unknown-fields"]) c.preserveUnknownFields = true;
  if (s["x-kubernetes-embedded-resource"]) c.embeddedResource = true;
  const rules = rulesOf(s, at);
  if (rules.length) c.rules = rules;
  return c;
}

function rulesOf(s: Schema, at: SourceLocation): ValidationRule[] {
  return (s["x-kubernetes-validations"] ?? []).map((v: Schema) => ({ rule: String(v.rule), ...(v.message ? { message: String(v.message) } : {}), source: at }));
}

/** Field numbers from a generated.proto: `<type> <name> = <n>;` and `reserved <n>, ...;` per message. */
function readProto(file: string, into: Record<string, MessageNumbers>): void {
  if (!existsSync(file)) return;
  const text = readFileSync(file, "utf8");
  const pkg = /^package\s+([\w.]+);/m.exec(text)?.[1] ?? "";
  for (const m of text.matchAll(/^message\s+(\w+)\s*\{([\s\S]*?)^\}/gm)) {
    const numbers: MessageNumbers = { fields: {}, reserved: {} };
    for (const f of m[2]!.matchAll(/^\s*(?:optional|repeated|required)?\s*[\w.<>, ]+?\s+(\w+)\s*=\s*(\d+)\s*[;[]/gm)) numbers.fields[f[1]!] = Number(f[2]);
    for (const r of m[2]!.matchAll(/^\s*reserved\s+([\d,\s]+);/gm))
      for (const n of r[1]!.split(",").map((x) => Number(x.trim())).filter(Number.isInteger)) numbers.reserved[`(reserved ${n})`] = n;
    into[pkg ? `${pkg}.${m[1]}` : m[1]!] = numbers;
  }
}

/** The storage version the generated conversion wiring names (several versions). */
function storageVersionOf(dir: string, group: string): string | undefined {
  const file = path.join(dir, "src", group, "conversion.ts");
  if (!existsSync(file)) return undefined;
  return /storageVersion: "([a-z0-9]+)"/.exec(readFileSync(file, "utf8"))?.[1];
}

/**
 * The definitions' model as a generated package would describe it, so it
 * compares with a package baseline like for like: Time is a date-time string,
 * union tags are the CEL rules they compile to, and a string's format is the
 * type's.
 */
export function projectLikePackage(model: ApiModel): ApiModel {
  const out = structuredClone(model);
  const value = (t: TypeNode, c: Constraints): TypeNode => {
    unionsToRules(c);
    switch (t.kind) {
      case "time":
        return { kind: "string", format: "date-time" };
      case "string": {
        const format = t.format ?? c.format;
        delete c.format;
        return format ? { kind: "string", format } : { kind: "string" };
      }
      case "array":
        return { ...t, items: value(t.items, (t.itemConstraints ??= {})) };
      case "map":
        return { ...t, values: value(t.values, (t.valueConstraints ??= {})) };
      default:
        return t;
    }
  };
  for (const type of Object.values(out.types)) {
    unionsToRules(type.constraints);
    for (const f of type.fields) f.type = value(f.type, f.constraints);
  }
  return out;
}

function unionsToRules(c: Constraints): void {
  const rules = unionRules(c);
  delete c.exactlyOneOf;
  delete c.atMostOneOf;
  delete c.atLeastOneOf;
  if (rules.length) c.rules = [...(c.rules ?? []), ...rules.map((r) => ({ rule: r.rule, ...(r.message ? { message: r.message } : {}), source: { file: "", line: 1, column: 1 } }))];
}
