/**
 * `src/<group>/<version>/types.ts`: a TypeScript interface per kind and its
 * list, every named type the kinds reach, named enums as literal unions, and
 * GVK constants. Kubernetes types are imported from `kubernetes-types`, never
 * re-typed, so users can pass values between this package and other clients.
 * `src/<group>/<version>/index.ts` re-exports the group-version's modules.
 */
import { TsFile } from "../codegen/ts-file.js";
import type { EmittedFile } from "../codegen/file.js";
import type { ApiModel, Constraints, GroupModel, KindModel, ObjectType, TypeNode, VersionModel } from "../model/types.js";
import type { Emitter } from "./emitter.js";
import { groupVersionDir } from "./naming.js";
import { reachedTypes } from "./schema/reach.js";

const META = { module: "kubernetes-types/meta/v1.js" };

export const typesEmitter: Emitter = {
  name: "types",
  description: "TypeScript types per group-version (kinds, lists, nested types, enums, GVK constants) and its index.ts",
  emit(model) {
    const files: EmittedFile[] = [];
    for (const g of model.groups)
      for (const v of g.versions) files.push(typesFile(model, g, v), indexFile(g, v));
    return files;
  },
};

function typesFile(model: ApiModel, g: GroupModel, v: VersionModel): EmittedFile {
  const f = new TsFile(`${groupVersionDir(g, v)}/types.ts`);
  const reached = reachedTypes(model, v);
  // Declare every local name first so imports that clash get aliased, not shadow.
  f.declare(...v.kinds.flatMap((k) => [k.name, k.listKind, `${k.name}GVK`]));
  f.declare(...reached.local.map((t) => t.name), ...reached.enums.keys(), "GroupVersion");
  const printer = new TypePrinter(model, f);
  const apiVersion = `${g.name}/${v.name}`;

  f.jsDoc(v.description || undefined);
  f.print(`export const GroupVersion = ${JSON.stringify(apiVersion)} as const;`, "");
  for (const k of v.kinds) {
    const objectMeta = f.importType("ObjectMeta", META);
    const listMeta = f.importType("ListMeta", META);
    f.print(
      `/** Group, version and kind of ${k.name}. */`,
      `export const ${k.name}GVK = { group: ${JSON.stringify(g.name)}, version: ${JSON.stringify(v.name)}, kind: ${JSON.stringify(k.name)} } as const;`,
      "",
    );
    f.jsDoc(k.description, kindTags(k));
    f.print(`export interface ${k.name} {`);
    f.print(`  apiVersion: ${JSON.stringify(apiVersion)};`, `  kind: ${JSON.stringify(k.name)};`);
    f.print(`  /** Standard object metadata. */`, `  metadata: ${objectMeta};`);
    f.print(`  spec: ${printer.ref(k.spec)};`);
    if (k.status) f.print(`  status?: ${printer.ref(k.status)};`);
    f.print("}", "");
    f.jsDoc(`${k.listKind} is a list of ${k.name} objects.`);
    f.print(`export interface ${k.listKind} {`);
    f.print(`  apiVersion: ${JSON.stringify(apiVersion)};`, `  kind: ${JSON.stringify(k.listKind)};`);
    f.print(`  /** Standard list metadata. */`, `  metadata: ${listMeta};`);
    f.print(`  items: ${k.name}[];`, "}", "");
  }
  for (const t of reached.local) printer.objectType(t);
  // Named enums carry no description in the model (their uses do).
  for (const [name, values] of reached.enums) {
    f.print(`export type ${name} = ${values.map((x) => JSON.stringify(x)).join(" | ")};`, "");
  }
  return f.toFile();
}

function indexFile(g: GroupModel, v: VersionModel): EmittedFile {
  const f = new TsFile(`${groupVersionDir(g, v)}/index.ts`);
  f.print(`export * from "./types.js";`, `export * from "./schemas.js";`, `export * from "./validation.js";`);
  return f.toFile();
}

class TypePrinter {
  constructor(
    private readonly model: ApiModel,
    private readonly f: TsFile,
  ) {}

  /** The TypeScript name to print for a named object type, importing Kubernetes ones. */
  ref(id: string): string {
    const t = this.model.types[id];
    if (!t) throw new Error(`internal error: type ${id} is referenced but not in the model`);
    if (t.origin === "kubernetes" && t.module) return this.f.importType(t.name, { module: `${t.module}.js` });
    return t.name;
  }

  objectType(t: ObjectType): void {
    this.f.jsDoc(t.description || undefined, constraintTags(t.constraints));
    this.f.print(`export interface ${t.name} {`);
    for (const field of t.fields) {
      const doc = field.description || undefined;
      const tags = [...formatTags(field.type, field.constraints), ...constraintTags(field.constraints)];
      if (doc || tags.length) {
        const lines = [...(doc ? doc.split("\n") : []), ...tags].map((l) => l.replace(/\*\//g, "*\\/"));
        this.f.print("  /**", ...lines.map((l) => (l ? `   * ${l}` : "   *")), "   */");
      }
      const opt = field.required ? "" : "?";
      this.f.print(`  ${propName(field.name)}${opt}: ${this.type(field.type, field.constraints)};`);
    }
    this.f.print("}", "");
  }

  type(t: TypeNode, c?: Constraints): string {
    const base = this.bare(t);
    return c?.nullable ? `${base} | null` : base;
  }

  private bare(t: TypeNode): string {
    switch (t.kind) {
      case "string":
      case "time":
        return "string";
      case "enum":
        return t.name ?? t.values.map((v) => JSON.stringify(v)).join(" | ");
      case "boolean":
        return "boolean";
      case "number":
      case "integer":
        return "number";
      case "intOrString":
        return "string | number";
      case "array": {
        const item = this.type(t.items, t.itemConstraints);
        return /[|&]/.test(item) ? `Array<${item}>` : `${item}[]`;
      }
      case "map":
        return `Record<string, ${this.type(t.values, t.valueConstraints)}>`;
      case "object":
        return this.ref(t.ref);
      case "unknown":
        return "unknown";
    }
  }
}

function propName(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : JSON.stringify(name);
}

function kindTags(k: KindModel): string[] {
  const tags = [`@scope ${k.scope}`];
  for (const s of k.shortNames) tags.push(`@shortName ${s}`);
  for (const r of k.rules) tags.push(ruleTag(r.rule, r.message));
  return tags;
}

/** What `number` and `string` lose in TypeScript: the wire format, for readers. */
function formatTags(t: TypeNode, c: Constraints): string[] {
  if (c.format !== undefined) return [];
  if (t.kind === "integer") return [`@format ${t.format}`];
  if (t.kind === "string" && t.format) return [`@format ${t.format}`];
  if (t.kind === "time") return ["@format date-time"];
  if (t.kind === "intOrString" && t.quantity) return ["@see https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/"];
  return [];
}

function ruleTag(rule: string, message?: string): string {
  return `@rule ${rule}${message ? ` ${JSON.stringify(message)}` : ""}`;
}

/** Constraints as the definitions language's JSDoc tags, so readers see what the server enforces. */
function constraintTags(c: Constraints): string[] {
  const tags: string[] = [];
  const json = (v: unknown) => JSON.stringify(v);
  if (c.minimum !== undefined) tags.push(c.exclusiveMinimum ? `@exclusiveMinimum ${c.minimum}` : `@minimum ${c.minimum}`);
  if (c.maximum !== undefined) tags.push(c.exclusiveMaximum ? `@exclusiveMaximum ${c.maximum}` : `@maximum ${c.maximum}`);
  if (c.multipleOf !== undefined) tags.push(`@multipleOf ${c.multipleOf}`);
  if (c.minLength !== undefined) tags.push(`@minLength ${c.minLength}`);
  if (c.maxLength !== undefined) tags.push(`@maxLength ${c.maxLength}`);
  if (c.pattern !== undefined) tags.push(`@pattern ${c.pattern}`);
  if (c.format !== undefined) tags.push(`@format ${c.format}`);
  if (c.minItems !== undefined) tags.push(`@minItems ${c.minItems}`);
  if (c.maxItems !== undefined) tags.push(`@maxItems ${c.maxItems}`);
  if (c.uniqueItems) tags.push("@uniqueItems");
  if (c.minProperties !== undefined) tags.push(`@minProperties ${c.minProperties}`);
  if (c.maxProperties !== undefined) tags.push(`@maxProperties ${c.maxProperties}`);
  if (c.default !== undefined) tags.push(`@default ${json(c.default)}`);
  if (c.example !== undefined) tags.push(`@example ${json(c.example)}`);
  if (c.title !== undefined) tags.push(`@title ${c.title}`);
  if (c.deprecated) tags.push("@deprecated");
  for (const r of c.rules ?? []) tags.push(r.reason && r.rule === "self == oldSelf" ? "@immutable" : ruleTag(r.rule, r.message));
  if (c.listType) tags.push(`@listType ${c.listType}`);
  for (const k of c.listMapKeys ?? []) tags.push(`@listMapKey ${k}`);
  if (c.mapType) tags.push(`@mapType ${c.mapType}`);
  if (c.structType) tags.push(`@structType ${c.structType}`);
  if (c.preserveUnknownFields) tags.push("@preserveUnknownFields");
  if (c.embeddedResource) tags.push("@embeddedResource");
  for (const u of c.exactlyOneOf ?? []) tags.push(`@exactlyOneOf ${u.join(",")}`);
  for (const u of c.atMostOneOf ?? []) tags.push(`@atMostOneOf ${u.join(",")}`);
  for (const u of c.atLeastOneOf ?? []) tags.push(`@atLeastOneOf ${u.join(",")}`);
  return tags;
}
