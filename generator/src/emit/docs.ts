/**
 * Markdown API reference, one page per group-version (`docs/<group>/<version>.md`),
 * from the model's doc comments. This module builds a view of the page
 * (every table cell already a Markdown string); the Handlebars templates in
 * `templates/docs/` lay it out, so the page's look changes without code.
 */
import Handlebars from "handlebars";
import type { EmittedFile } from "../codegen/file.js";
import type { Emitter } from "./emitter.js";
import { template as templateText, templatesIn, type Templates } from "../templates.js";
import { deprecationWarning } from "../model/deprecation.js";
import type { ApiModel, Constraints, Field, KindModel, ObjectType, TypeNode, ValidationRule, VersionModel } from "../model/types.js";

const PAGE_TEMPLATE = "page.md.hbs";
const K8S_REFERENCE = "https://kubernetes.io/docs/reference/generated/kubernetes-api/v1.32/";

export interface FieldRow {
  name: string;
  type: string;
  required: boolean;
  description: string;
}

export interface KindView {
  name: string;
  anchor: string;
  summary: string;
  description: string;
  apiVersion: string;
  scope: string;
  plural: string;
  singular: string;
  listKind: string;
  shortNames: string;
  categories: string;
  subresources: string;
  printColumns: { name: string; type: string; jsonPath: string; priority: number; description: string }[];
  selectableFields: string;
  rules: string[];
  fields: FieldRow[];
}

export interface TypeView {
  id: string;
  name: string;
  anchor: string;
  description: string;
  notes: string[];
  fields: FieldRow[];
}

export interface EnumView {
  name: string;
  anchor: string;
  values: string[];
  usedBy: string[];
}

export interface PageView {
  group: string;
  version: string;
  apiVersion: string;
  description: string;
  served: boolean;
  storage: boolean;
  deprecated?: string;
  kinds: KindView[];
  types: TypeView[];
  enums: EnumView[];
}

/** `NotebookSpec` -> `notebookspec`: GitHub's heading anchor, also written as an explicit `<a id>`. */
const anchorOf = (name: string) => name.toLowerCase().replace(/[^a-z0-9-]/g, "");

/** A cell may not break the table: pipes escaped, newlines as <br>. */
function cell(text: string): string {
  return text.trim().replace(/\|/g, "\\|").replace(/\r?\n\r?\n/g, "<br><br>").replace(/\r?\n/g, " ");
}

const code = (v: unknown) => `\`${typeof v === "string" ? v : JSON.stringify(v)}\``;

/** Link target for a kubernetes type in the upstream reference, e.g. `#podtemplatespec-v1-core`. */
function kubernetesLink(id: string): string | undefined {
  let m = id.match(/^io\.k8s\.api\.([a-z0-9]+)\.([a-z0-9]+)\.([A-Za-z0-9]+)$/);
  if (m) return `${K8S_REFERENCE}#${m[3].toLowerCase()}-${m[2]}-${m[1]}`;
  m = id.match(/^io\.k8s\.apimachinery\.pkg\.apis\.meta\.([a-z0-9]+)\.([A-Za-z0-9]+)$/);
  if (m) return `${K8S_REFERENCE}#${m[2].toLowerCase()}-${m[1]}-meta`;
  return undefined;
}

class PageBuilder {
  private readonly types: TypeView[] = [];
  private readonly enums = new Map<string, EnumView>();
  private readonly queued = new Set<string>();
  private readonly queue: string[] = [];

  constructor(private readonly model: ApiModel) {}

  /** Markdown for a type: links to documented types and enums, upstream links for kubernetes types. */
  typeName(node: TypeNode, owner: string): string {
    switch (node.kind) {
      case "string":
        return node.format ? `string (${node.format})` : "string";
      case "enum":
        if (node.name) {
          this.addEnum(node.name, node.values, owner);
          return `[${node.name}](#${anchorOf(node.name)})`;
        }
        return "string (enum)";
      case "boolean":
        return "boolean";
      case "number":
        return `number (${node.format})`;
      case "integer":
        return `integer (${node.format})`;
      case "intOrString":
        return node.quantity ? `[Quantity](${K8S_REFERENCE}#quantity-resource-core)` : "IntOrString (integer or string)";
      case "time":
        return node.micro ? "MicroTime (date-time)" : "Time (date-time)";
      case "array":
        return `[]${this.typeName(node.items, owner)}`;
      case "map":
        return `map[string]${this.typeName(node.values, owner)}`;
      case "object":
        return this.objectLink(node.ref);
      case "unknown":
        return "any (unknown fields preserved)";
    }
  }

  objectLink(id: string): string {
    const t = this.model.types[id];
    const name = t?.name ?? id.split(".").pop()!;
    if (t && t.origin === "definitions") {
      this.enqueue(id);
      return `[${name}](#${anchorOf(name)})`;
    }
    const link = kubernetesLink(id);
    return link ? `[${name}](${link})` : name;
  }

  private enqueue(id: string): void {
    if (this.queued.has(id)) return;
    this.queued.add(id);
    this.queue.push(id);
  }

  private addEnum(name: string, values: string[], owner: string): void {
    const e = this.enums.get(name) ?? { name, anchor: anchorOf(name), values, usedBy: [] };
    if (!e.usedBy.includes(owner)) e.usedBy.push(owner);
    this.enums.set(name, e);
  }

  /** Field description plus the constraints, defaults and rules a reader needs. */
  fieldDescription(f: Field): string {
    const parts: string[] = [];
    if (f.description) parts.push(cell(f.description));
    const facts = constraintFacts(f.constraints, f.type);
    if (f.type.kind === "enum") facts.unshift(`One of: ${f.type.values.map(code).join(", ")}.`);
    if (f.type.kind === "array" && f.type.itemConstraints) facts.push(...constraintFacts(f.type.itemConstraints, f.type.items).map((x) => `Items: ${x}`));
    if (f.type.kind === "array" && f.type.items.kind === "enum" && !f.type.items.name) facts.push(`Items one of: ${f.type.items.values.map(code).join(", ")}.`);
    if (f.type.kind === "map" && f.type.valueConstraints) facts.push(...constraintFacts(f.type.valueConstraints, f.type.values).map((x) => `Values: ${x}`));
    if (f.constraints.deprecated) facts.unshift("**Deprecated.**");
    return [...parts, ...facts.map(cell)].join("<br>");
  }

  fieldRows(fields: Field[], owner: string): FieldRow[] {
    return fields.map((f) => ({ name: f.name, type: this.typeName(f.type, owner), required: f.required, description: this.fieldDescription(f) }));
  }

  kind(group: string, version: string, k: KindModel): KindView {
    const sub = k.subresources;
    const subs = [sub.status && "status", sub.scale && `scale (replicas \`${sub.scale.specReplicasPath}\` / \`${sub.scale.statusReplicasPath}\`${sub.scale.labelSelectorPath ? `, selector \`${sub.scale.labelSelectorPath}\`` : ""})`, sub.log && "log", sub.exec && "exec", ...sub.custom].filter(Boolean) as string[];
    const fields: FieldRow[] = [
      { name: "apiVersion", type: "string", required: true, description: code(`${group}/${version}`) },
      { name: "kind", type: "string", required: true, description: code(k.name) },
      { name: "metadata", type: this.objectLink("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"), required: false, description: "Standard object metadata." },
      { name: "spec", type: this.objectLink(k.spec), required: true, description: cell(this.model.types[k.spec]?.description ?? "") },
    ];
    if (k.status) fields.push({ name: "status", type: this.objectLink(k.status), required: false, description: cell(this.model.types[k.status]?.description ?? "") });
    return {
      name: k.name,
      anchor: anchorOf(k.name),
      summary: cell(firstSentence(k.description)),
      description: k.description,
      apiVersion: `${group}/${version}`,
      scope: k.scope,
      plural: k.plural,
      singular: k.singular,
      listKind: k.listKind,
      shortNames: k.shortNames.map(code).join(", "),
      categories: k.categories.map(code).join(", "),
      subresources: subs.join(", "),
      printColumns: k.printColumns.map((c) => ({ name: c.name, type: c.type, jsonPath: code(c.jsonPath), priority: c.priority, description: cell(c.description ?? "") })),
      selectableFields: ["metadata.name", ...(k.scope === "Namespaced" ? ["metadata.namespace"] : []), ...k.selectableFields.map((p) => p.replace(/^\./, ""))].map(code).join(", "),
      rules: k.rules.map(ruleText),
      fields,
    };
  }

  /** Documents every definitions type reached so far, and those they reach, in reading order. */
  drainTypes(): void {
    while (this.queue.length) {
      const t = this.model.types[this.queue.shift()!];
      if (t) this.types.push(this.type(t));
    }
  }

  private type(t: ObjectType): TypeView {
    return { id: t.id, name: t.name, anchor: anchorOf(t.name), description: t.description, notes: typeNotes(t.constraints), fields: this.fieldRows(t.fields, t.name) };
  }

  result(): { types: TypeView[]; enums: EnumView[] } {
    return { types: this.types, enums: [...this.enums.values()].sort((a, b) => a.name.localeCompare(b.name)) };
  }
}

function firstSentence(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  const m = flat.match(/^.*?[.!?](\s|$)/);
  return (m ? m[0] : flat).trim();
}

function ruleText(r: ValidationRule): string {
  return `${code(r.rule)}${r.message ? `: ${r.message}` : ""}`;
}

/** Human-readable constraints of a value, one sentence each. */
function constraintFacts(c: Constraints, node?: TypeNode): string[] {
  const f: string[] = [];
  const bound = (word: string, v: number | undefined, exclusive?: boolean) =>
    v !== undefined && f.push(`${word}${exclusive ? " (exclusive)" : ""}: ${v}.`);
  bound("Minimum", c.minimum, c.exclusiveMinimum);
  bound("Maximum", c.maximum, c.exclusiveMaximum);
  if (c.multipleOf !== undefined) f.push(`Multiple of ${c.multipleOf}.`);
  if (c.minLength !== undefined) f.push(`Minimum length: ${c.minLength}.`);
  if (c.maxLength !== undefined) f.push(`Maximum length: ${c.maxLength}.`);
  if (c.pattern !== undefined) f.push(`Pattern: ${code(c.pattern)}.`);
  if (c.format !== undefined) f.push(`Format: ${c.format}.`);
  if (c.minItems !== undefined) f.push(`Minimum items: ${c.minItems}.`);
  if (c.maxItems !== undefined) f.push(`Maximum items: ${c.maxItems}.`);
  if (c.uniqueItems) f.push("Items must be unique.");
  if (c.minProperties !== undefined) f.push(`Minimum properties: ${c.minProperties}.`);
  if (c.maxProperties !== undefined) f.push(`Maximum properties: ${c.maxProperties}.`);
  if (c.listType === "map") f.push(`List of unique items keyed by ${(c.listMapKeys ?? []).map(code).join(", ")}; patches merge by key.`);
  else if (c.listType === "set") f.push("List of unique values.");
  else if (c.listType === "atomic") f.push("Replaced as a whole on patch.");
  if (c.mapType === "atomic" || c.structType === "atomic") f.push("Replaced as a whole on patch.");
  if (c.nullable) f.push("May be null.");
  if (c.preserveUnknownFields && node?.kind !== "unknown") f.push("Unknown fields are preserved.");
  if (c.embeddedResource) f.push("An embedded Kubernetes object (apiVersion, kind, metadata).");
  for (const r of c.rules ?? []) {
    if (r.rule === "self == oldSelf") f.push("Immutable once set.");
    else f.push(`Rule: ${ruleText(r)}.`);
  }
  // JSON, so a default string reads "1h" and is told apart from a number.
  if (c.default !== undefined) f.push(`Default: \`${JSON.stringify(c.default)}\`.`);
  if (c.example !== undefined) f.push(`Example: \`${JSON.stringify(c.example)}\`.`);
  return f;
}

function typeNotes(c: Constraints): string[] {
  const notes = constraintFacts({ ...c, rules: undefined }).map(cell);
  const list = (fs: string[]) => fs.map(code).join(", ");
  for (const g of c.exactlyOneOf ?? []) notes.push(`Exactly one of ${list(g)} must be set.`);
  for (const g of c.atMostOneOf ?? []) notes.push(`At most one of ${list(g)} may be set.`);
  for (const g of c.atLeastOneOf ?? []) notes.push(`At least one of ${list(g)} must be set.`);
  for (const r of c.rules ?? []) notes.push(`Rule: ${ruleText(r)}`);
  return notes;
}

/** The page view of one group-version (exported for tests and other renderers). */
export function docsPageView(model: ApiModel, group: string, version: VersionModel): PageView {
  const groupModel = model.groups.find((g) => g.name === group);
  const b = new PageBuilder(model);
  // Types are listed kind by kind, each kind's own types right after the previous kind's.
  const kinds = version.kinds.map((k) => {
    const view = b.kind(group, version.name, k);
    b.drainTypes();
    return view;
  });
  const { types, enums } = b.result();
  return {
    group,
    version: version.name,
    apiVersion: `${group}/${version.name}`,
    description: version.description,
    served: version.served,
    storage: version.storage,
    deprecated: groupModel ? deprecationWarning(groupModel, version) : version.deprecated,
    kinds,
    types,
    enums,
  };
}

const compiled = new WeakMap<Templates, Handlebars.TemplateDelegate<PageView>>();

/** Compiles the page template once, with every other `*.hbs` in docs/ as a partial named by its basename. */
function pageTemplate(templates: Templates): Handlebars.TemplateDelegate<PageView> {
  const cached = compiled.get(templates);
  if (cached) return cached;
  const hb = Handlebars.create();
  const docs = templatesIn(templates, "docs");
  for (const [file, text] of docs) {
    if (!file.endsWith(".hbs") || file === PAGE_TEMPLATE) continue;
    hb.registerPartial(file.replace(/\.md\.hbs$|\.hbs$/, ""), text);
  }
  hb.registerHelper("yesNo", (v: unknown) => (v ? "yes" : ""));
  hb.registerHelper("anchorOf", (name: string) => anchorOf(name));
  // Markdown, not HTML: the view already escapes what would break a table.
  const page = hb.compile<PageView>(templateText(templates, `docs/${PAGE_TEMPLATE}`), { noEscape: true, strict: false });
  compiled.set(templates, page);
  return page;
}

export function renderDocsPage(view: PageView, templates: Templates): string {
  // Collapse the blank lines template blocks leave behind; prettier formats the rest.
  return pageTemplate(templates)(view).replace(/\n{3,}/g, "\n\n");
}

export const docsEmitter: Emitter = {
  name: "docs",
  description: "Markdown API reference per group-version from the doc comments",
  emit(model, ctx) {
    const files: EmittedFile[] = [];
    for (const g of model.groups)
      for (const v of g.versions)
        files.push({ path: `docs/${g.name}/${v.name}.md`, content: renderDocsPage(docsPageView(model, g.name, v), ctx.templates), language: "markdown",
          // The templates lay the page out; prettier would only pad table cells, for a second per page.
          preformatted: true });
    return files;
  },
};
