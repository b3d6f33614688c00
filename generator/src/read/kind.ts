/** A kind: an exported interface extending `Resource<Spec, Status?>`, with its kind tags. */
import { Node, type ExpressionWithTypeArguments, type InterfaceDeclaration, type TypeNode as TsTypeNode } from "ts-morph";
import type { DiagnosticBag } from "../model/diagnostic.js";
import type { KindModel, PrintColumn, Scope as KindScope, Subresources, ValidationRule } from "../model/types.js";
import type { DocTag } from "./jsdoc.js";
import { readNodeDoc } from "./jsdoc.js";
import { locationOf } from "./location.js";
import { pluralize } from "../model/naming.js";
import type { Places } from "./places.js";
import { parseBreakingChangeTag } from "./breaking-change-tag.js";
import { KIND_TAGS, reportUnknownTag } from "./tags.js";
import { badValue, parseEnumTag, parseKeyValues, parseRuleTag } from "./tag-values.js";
import type { TypeReader } from "./type-reader.js";

/** The `extends Resource<...>` clause of an interface, if it has one from the prelude. */
export function resourceClause(decl: InterfaceDeclaration, reader: TypeReader, places: Places): ExpressionWithTypeArguments | undefined {
  for (const ext of decl.getExtends()) {
    const d = reader.declarationOf(ext.getExpression());
    if (d && Node.isInterfaceDeclaration(d) && d.getName() === "Resource" && places.of(d.getSourceFile()).kind === "prelude") return ext;
  }
  return undefined;
}

const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const PRINT_TYPES = ["integer", "number", "string", "boolean", "date"] as const;

export function readKind(
  decl: InterfaceDeclaration,
  clause: ExpressionWithTypeArguments,
  ctx: { group: string; version: string; projectRoot: string; diags: DiagnosticBag; reader: TypeReader },
): KindModel | undefined {
  const { diags, projectRoot, reader } = ctx;
  const name = decl.getName();
  const source = locationOf(projectRoot, decl);
  if (!decl.isExported())
    diags.report(source, "kind-not-exported", `kind ${name} is not exported`, `write export interface ${name} ...`);
  if (decl.getMembers().length > 0)
    diags.report(locationOf(projectRoot, decl.getMembers()[0]), "kind-has-fields", `kind ${name} declares fields of its own`, "a kind's body stays empty ({}); put fields in its spec or status type");
  if (decl.getExtends().length > 1)
    diags.report(source, "kind-extends", `kind ${name} extends more than Resource`, "a kind extends only Resource<Spec, Status>; move shared fields into the spec");

  const args = clause.getTypeArguments();
  const scope = { group: ctx.group, version: ctx.version, origin: "definitions" as const, readTags: true, typeName: name };
  let spec: string | undefined;
  let status: string | undefined;
  if (args.length === 0) {
    diags.report(locationOf(projectRoot, clause), "kind-without-spec", `kind ${name} has no spec type`, `write extends Resource<${name}Spec, ${name}Status> and declare interface ${name}Spec`);
  } else {
    spec = objectRef(args[0], "spec");
    if (args[1]) status = objectRef(args[1], "status");
  }

  function objectRef(arg: TsTypeNode, field: string): string | undefined {
    const r = reader.resolve(arg, { ...scope, field });
    if (!r) return undefined;
    if (r.type.kind !== "object") {
      diags.report(locationOf(projectRoot, arg), "kind-spec-not-object", `the ${field} of kind ${name} must be an object type`, `declare interface ${name}${field === "spec" ? "Spec" : "Status"} { ... } and use it here`);
      return undefined;
    }
    return r.type.ref;
  }

  const doc = readNodeDoc(projectRoot, decl);
  const kind: KindModel = {
    name,
    listKind: `${name}List`,
    plural: pluralize(name.toLowerCase()),
    singular: name.toLowerCase(),
    scope: "Namespaced",
    shortNames: [],
    categories: [],
    description: doc.description,
    spec: spec ?? "",
    ...(status ? { status } : {}),
    subresources: { status: false, log: false, exec: false, custom: [] },
    printColumns: [],
    selectableFields: [],
    rules: [],
    source,
  };
  for (const tag of doc.tags) applyKindTag(kind, tag, diags);
  return spec ? kind : undefined;
}

function applyKindTag(kind: KindModel, tag: DocTag, diags: DiagnosticBag): void {
  switch (tag.name) {
    case "scope": {
      const v = parseEnumTag<KindScope>(diags, tag, ["Namespaced", "Cluster"]);
      if (v) kind.scope = v;
      return;
    }
    case "plural":
    case "singular":
      if (DNS_LABEL.test(tag.value)) kind[tag.name] = tag.value;
      else badValue(diags, tag, `@${tag.name} must be a lower-case name, got ${JSON.stringify(tag.value)}`, `write e.g. @${tag.name} ${tag.name === "plural" ? kind.plural : kind.singular}`);
      return;
    case "shortName":
    case "category": {
      const list = tag.name === "shortName" ? kind.shortNames : kind.categories;
      if (!DNS_LABEL.test(tag.value)) badValue(diags, tag, `@${tag.name} must be one lower-case name, got ${JSON.stringify(tag.value)}`, `repeat the tag for each name: @${tag.name} abc`);
      else if (!list.includes(tag.value)) list.push(tag.value);
      return;
    }
    case "printColumn": {
      const col = readPrintColumn(tag, diags);
      if (col) kind.printColumns.push(col);
      return;
    }
    case "subresource":
      readSubresource(kind.subresources, tag, diags);
      return;
    case "selectableField":
      if (!/^(\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(tag.value))
        badValue(diags, tag, `@selectableField needs a JSON path such as .spec.phase, got ${JSON.stringify(tag.value)}`, "write e.g. @selectableField .status.phase");
      else if (!kind.selectableFields.includes(tag.value)) kind.selectableFields.push(tag.value);
      return;
    case "rule": {
      const r: ValidationRule | undefined = parseRuleTag(diags, tag);
      if (r) kind.rules.push(r);
      return;
    }
    case "breakingChange": {
      const ack = parseBreakingChangeTag(diags, tag);
      if (ack) (kind.breakingChanges ??= []).push(ack);
      return;
    }
    default:
      reportUnknownTag(diags, tag, KIND_TAGS, "a kind");
  }
}

function readPrintColumn(tag: DocTag, diags: DiagnosticBag): PrintColumn | undefined {
  const { values, error } = parseKeyValues(tag.value);
  const example = "@printColumn name=Phase type=string jsonPath=.status.phase";
  if (error) return badValue(diags, tag, `@printColumn: ${error}`, `write e.g. ${example}`);
  const missing = ["name", "type", "jsonPath"].filter((k) => !values[k]);
  if (missing.length) return badValue(diags, tag, `@printColumn is missing ${missing.join(", ")}`, `write e.g. ${example}`);
  const unknown = Object.keys(values).filter((k) => !["name", "type", "jsonPath", "format", "priority", "description"].includes(k));
  if (unknown.length) return badValue(diags, tag, `@printColumn has unknown key ${unknown.join(", ")}`, "keys are name, type, jsonPath, format, priority, description");
  if (!(PRINT_TYPES as readonly string[]).includes(values.type))
    return badValue(diags, tag, `@printColumn type must be one of ${PRINT_TYPES.join(", ")}, got ${JSON.stringify(values.type)}`, `write e.g. ${example}`);
  if (!values.jsonPath.startsWith("."))
    return badValue(diags, tag, `@printColumn jsonPath must start with a dot, got ${JSON.stringify(values.jsonPath)}`, `write e.g. jsonPath=.status.phase`);
  const priority = values.priority === undefined ? 0 : Number(values.priority);
  if (!Number.isInteger(priority) || priority < 0)
    return badValue(diags, tag, `@printColumn priority must be a non-negative integer, got ${JSON.stringify(values.priority)}`, "write priority=0 (always shown) or priority=1 (wide output)");
  return {
    name: values.name,
    type: values.type as PrintColumn["type"],
    jsonPath: values.jsonPath,
    ...(values.format ? { format: values.format } : {}),
    priority,
    ...(values.description ? { description: values.description } : {}),
    source: tag.source,
  };
}

function readSubresource(sub: Subresources, tag: DocTag, diags: DiagnosticBag): void {
  const [name, ...rest] = tag.value.split(/\s+/);
  const args = rest.join(" ");
  if (name === "status") {
    if (args) badValue(diags, tag, `@subresource ${name} takes no arguments`, `write @subresource ${name}`);
    sub[name] = true;
    return;
  }
  if (name === "log" || name === "exec") {
    sub[name] = true;
    if (args) readPodTarget(sub, name, args, tag, diags);
    return;
  }
  if (name === "scale") {
    const { values, error } = parseKeyValues(args);
    const example = "@subresource scale specReplicasPath=.spec.replicas statusReplicasPath=.status.replicas";
    if (error) return void badValue(diags, tag, `@subresource scale: ${error}`, `write e.g. ${example}`);
    const unknown = Object.keys(values).filter((k) => !["specReplicasPath", "statusReplicasPath", "labelSelectorPath"].includes(k));
    if (unknown.length) return void badValue(diags, tag, `@subresource scale has unknown key ${unknown.join(", ")}`, "keys are specReplicasPath, statusReplicasPath, labelSelectorPath");
    if (!values.specReplicasPath || !values.statusReplicasPath)
      return void badValue(diags, tag, "@subresource scale needs specReplicasPath and statusReplicasPath", `write e.g. ${example}`);
    sub.scale = {
      specReplicasPath: values.specReplicasPath,
      statusReplicasPath: values.statusReplicasPath,
      ...(values.labelSelectorPath ? { labelSelectorPath: values.labelSelectorPath } : {}),
      source: tag.source,
    };
    return;
  }
  if (!name || !DNS_LABEL.test(name) || args) {
    badValue(diags, tag, `@subresource needs a lower-case name, got ${JSON.stringify(tag.value)}`, "write @subresource status, scale ..., log, exec, or a custom lower-case name");
    return;
  }
  if (!sub.custom.includes(name)) sub.custom.push(name);
}


/**
 * `@subresource log podName=.status.podName [container=c]` or `selector=.status.selector`:
 * where the built-in provider finds the Pod (docs/connect.md).
 */
function readPodTarget(sub: Subresources, name: "log" | "exec", args: string, tag: DocTag, diags: DiagnosticBag): void {
  const example = `@subresource ${name} podName=.status.podName`;
  const { values, error } = parseKeyValues(args);
  if (error) return void badValue(diags, tag, `@subresource ${name}: ${error}`, `write e.g. ${example}`);
  const unknown = Object.keys(values).filter((k) => !["podName", "selector", "container"].includes(k));
  if (unknown.length) return void badValue(diags, tag, `@subresource ${name} has unknown key ${unknown.join(", ")}`, "keys are podName, selector, container");
  if (!values.podName === !values.selector)
    return void badValue(diags, tag, `@subresource ${name} needs exactly one of podName and selector`, `write e.g. ${example} or @subresource ${name} selector=.status.selector`);
  const path = values.podName ?? values.selector;
  if (!/^(\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(path))
    return void badValue(diags, tag, `@subresource ${name}: ${values.podName ? "podName" : "selector"} must be a JSON path such as .status.podName, got ${JSON.stringify(path)}`, `write e.g. ${example}`);
  sub.pods = {
    ...sub.pods,
    [name]: {
      ...(values.podName ? { podName: values.podName } : { selector: values.selector }),
      ...(values.container ? { container: values.container } : {}),
    },
  };
}
