/**
 * Turns TypeScript type syntax into model `TypeNode`s and registers every named
 * object type it meets in `types`. It walks the syntax (not the checker's
 * types) because aliases such as `int32` or `Quantity` must stay visible, and
 * it follows references on demand so only the reachable part of
 * `kubernetes-types` is read.
 */
import {
  Node,
  SyntaxKind,
  type InterfaceDeclaration,
  type PropertySignature,
  type TypeAliasDeclaration,
  type TypeNode as TsTypeNode,
} from "ts-morph";
import type { DiagnosticBag } from "../model/diagnostic.js";
import type { Constraints, Field, ObjectType, TypeNode } from "../model/types.js";
import { readNodeDoc } from "./jsdoc.js";
import { KUBERNETES_SCALARS, kubernetesFieldFacts } from "./kubernetes-table.js";
import { locationOf } from "./location.js";
import { kubernetesPrefix, pascal, userTypeId } from "../model/naming.js";
import { PRELUDE_OBJECTS, PRELUDE_SCALARS, type Place, type Places } from "./places.js";
import { readConstraintTags } from "./tags.js";
import { fieldsOfUnion, mergeConstraints, stringLiterals } from "./unions.js";

/** Where a type is being read: decides naming of inline types and how doc comments are read. */
export interface Scope {
  group: string;
  version: string;
  /** `kubernetes`: descriptions only, integers for `number`, facts from the table. */
  origin: "definitions" | "kubernetes";
  /** Doc tags are read for the user's types and the prelude, not for kubernetes-types. */
  readTags: boolean;
  module?: string;
  /** Name of the object type being read (for inline types and table lookups). */
  typeName: string;
  field?: string;
}

export interface Resolved {
  type: TypeNode;
  /** Constraints carried by aliases on the way (`type Name = string` with `@pattern`). */
  constraints: Constraints;
  /** Doc text of the nearest scalar alias, for fields that have none of their own. */
  description?: string;
}

type Decl = InterfaceDeclaration | TypeAliasDeclaration;

const UNSUPPORTED_LIB: Record<string, string> = {
  Date: "use `Time` from skai-gen/definitions",
  Map: "use Record<string, T>",
  Set: "use T[] with @listType set",
  Promise: "definitions describe data; use the value's type",
  Partial: "declare the fields you need as optional in an interface",
  Required: "declare an interface with the fields you need",
  Readonly: "drop Readonly; declare the interface directly",
  Pick: "declare an interface with the fields you need",
  Omit: "declare an interface with the fields you need",
  Exclude: "write the remaining string literals out",
  Extract: "write the string literals out",
  NonNullable: "use the type without null",
};

export class TypeReader {
  readonly types: Record<string, ObjectType> = {};
  private readonly declIds = new Map<Node, string>();

  constructor(
    private readonly projectRoot: string,
    private readonly places: Places,
    private readonly diags: DiagnosticBag,
  ) {}

  private unsupported(node: Node, what: string, hint: string): undefined {
    this.diags.report(locationOf(this.projectRoot, node), "unsupported-type", what, hint);
    return undefined;
  }

  /** The declaration a type name refers to, through imports and re-exports. */
  declarationOf(name: Node): Node | undefined {
    let sym = name.getSymbol();
    if (sym?.isAlias()) sym = sym.getAliasedSymbol();
    return sym?.getDeclarations()[0];
  }

  resolve(node: TsTypeNode, scope: Scope): Resolved | undefined {
    const plain = (type: TypeNode): Resolved => ({ type, constraints: {} });
    if (Node.isParenthesizedTypeNode(node)) return this.resolve(node.getTypeNode(), scope);
    switch (node.getKind()) {
      case SyntaxKind.StringKeyword:
        return plain({ kind: "string" });
      case SyntaxKind.BooleanKeyword:
        return plain({ kind: "boolean" });
      case SyntaxKind.NumberKeyword:
        // Upstream integers are all `number` in kubernetes-types; the table marks the int64 ones.
        return plain(scope.origin === "kubernetes" ? { kind: "integer", format: "int32" } : { kind: "number", format: "double" });
      case SyntaxKind.UnknownKeyword:
        return plain({ kind: "unknown" });
      case SyntaxKind.AnyKeyword:
        return this.unsupported(node, "`any` is not supported", "use a concrete type, or `unknown` with @preserveUnknownFields for free-form data");
      case SyntaxKind.ObjectKeyword:
        return this.unsupported(node, "`object` is not supported", "declare an interface, or use `unknown` with @preserveUnknownFields");
    }
    if (Node.isLiteralTypeNode(node)) return this.resolveLiteral(node);
    if (Node.isArrayTypeNode(node)) return this.resolveArray(node.getElementTypeNode(), scope);
    if (Node.isTypeOperatorTypeNode(node)) {
      if (node.getOperator() === SyntaxKind.ReadonlyKeyword) return this.resolve(node.getTypeNode(), scope);
      return this.unsupported(node, `\`${node.getText()}\` is not supported`, "write the string literals out as a union");
    }
    if (Node.isUnionTypeNode(node)) return this.resolveUnion(node, scope);
    if (Node.isIntersectionTypeNode(node) || Node.isTypeLiteral(node)) return this.resolveInlineObject(node, scope);
    if (Node.isTypeReference(node)) return this.resolveReference(node, scope);
    if (Node.isFunctionTypeNode(node) || Node.isConstructorTypeNode(node))
      return this.unsupported(node, "function types are not supported", "definitions describe data; remove the function or describe its result as a field");
    if (Node.isConditionalTypeNode(node))
      return this.unsupported(node, "conditional types are not supported", "write the resulting type out");
    if (Node.isMappedTypeNode(node))
      return this.unsupported(node, "mapped types are not supported", "use Record<string, T>, or declare an interface");
    if (Node.isTupleTypeNode(node)) return this.unsupported(node, "tuples are not supported", "use an array T[], or an interface with named fields");
    if (Node.isTemplateLiteralTypeNode(node))
      return this.unsupported(node, "template literal types are not supported", "use `string` with @pattern");
    if (Node.isTypeQuery(node)) return this.unsupported(node, "`typeof` types are not supported", "write the type out");
    if (Node.isIndexedAccessTypeNode(node))
      return this.unsupported(node, "indexed access types are not supported", "name the type and refer to it");
    return this.unsupported(node, `\`${node.getText()}\` is not a supported type`, "use string, boolean, number, int32, an interface, a string literal union, T[] or Record<string, T>");
  }

  private resolveLiteral(node: Node & { getLiteral(): Node }): Resolved | undefined {
    const lit = node.getLiteral();
    if (Node.isStringLiteral(lit)) return { type: { kind: "enum", values: [lit.getLiteralValue()] }, constraints: {} };
    if (lit.getKind() === SyntaxKind.TrueKeyword || lit.getKind() === SyntaxKind.FalseKeyword)
      return { type: { kind: "boolean" }, constraints: {} };
    if (lit.getKind() === SyntaxKind.NullKeyword)
      return this.unsupported(node, "`null` on its own is not a type", "write `T | null` for a nullable field");
    return this.unsupported(node, "number literal types are not supported", "use int32 with @minimum/@maximum, or a union of string literals");
  }

  private resolveArray(element: TsTypeNode, scope: Scope): Resolved | undefined {
    const items = this.resolve(element, scope);
    if (!items) return undefined;
    const hasItemConstraints = Object.keys(items.constraints).length > 0;
    return {
      type: { kind: "array", items: items.type, ...(hasItemConstraints ? { itemConstraints: items.constraints } : {}) },
      constraints: {},
    };
  }

  private resolveMap(value: TsTypeNode, scope: Scope): Resolved | undefined {
    const values = this.resolve(value, scope);
    if (!values) return undefined;
    const has = Object.keys(values.constraints).length > 0;
    return { type: { kind: "map", values: values.type, ...(has ? { valueConstraints: values.constraints } : {}) }, constraints: {} };
  }

  private resolveUnion(node: Node & { getTypeNodes(): TsTypeNode[] }, scope: Scope): Resolved | undefined {
    const all = node.getTypeNodes();
    const isNull = (t: TsTypeNode) => Node.isLiteralTypeNode(t) && t.getLiteral().getKind() === SyntaxKind.NullKeyword;
    const nullable = all.some(isNull);
    const rest = all.filter((t) => !isNull(t) && t.getKind() !== SyntaxKind.UndefinedKeyword);
    const withNull = (r: Resolved | undefined): Resolved | undefined =>
      r && nullable ? { ...r, constraints: { ...r.constraints, nullable: true } } : r;
    if (rest.length === 1) return withNull(this.resolve(rest[0], scope));

    const literals = stringLiterals(rest, (n) => this.declarationOf(n));
    if (literals) return withNull({ type: { kind: "enum", values: literals }, constraints: {} });
    const kinds = new Set(rest.map((t) => t.getKind()));
    if (rest.every((t) => Node.isLiteralTypeNode(t) && [SyntaxKind.TrueKeyword, SyntaxKind.FalseKeyword].includes(t.getLiteral().getKind())))
      return withNull({ type: { kind: "boolean" }, constraints: {} });
    if (rest.length === 2 && kinds.has(SyntaxKind.StringKeyword) && kinds.has(SyntaxKind.NumberKeyword))
      return withNull({ type: { kind: "intOrString", quantity: false }, constraints: {} });
    if (rest.some((t) => Node.isLiteralTypeNode(t) && Node.isNumericLiteral(t.getLiteral())))
      return this.unsupported(node, "unions of numbers are not supported", "use int32 with @minimum/@maximum, or a union of string literals");
    if (rest.every((t) => this.isObjectShape(t)))
      return this.unsupported(node, "unions of object types must be a named type alias with a discriminator field or @exactlyOneOf", "declare `type X = A | B` where A and B share a field of distinct string literals, or tag the alias with @exactlyOneOf");
    return this.unsupported(node, `the union \`${node.getText()}\` is not supported`, "use a union of string literals, `T | null`, or IntOrString for int-or-string values");
  }

  /** Whether a type node denotes an object (interface, object alias or literal), syntactically. */
  isObjectShape(node: TsTypeNode): boolean {
    if (Node.isParenthesizedTypeNode(node)) return this.isObjectShape(node.getTypeNode());
    if (Node.isTypeLiteral(node)) return !isIndexOnly(node);
    if (Node.isIntersectionTypeNode(node)) return true;
    if (Node.isTypeReference(node)) {
      const d = this.declarationOf(node.getTypeName());
      if (Node.isInterfaceDeclaration(d)) return !(d.getName() in PRELUDE_SCALARS);
      if (Node.isTypeAliasDeclaration(d) && !(d.getName() in PRELUDE_SCALARS) && !(d.getName() in KUBERNETES_SCALARS)) {
        const t = d.getTypeNode();
        return t !== undefined && this.isObjectShape(t);
      }
    }
    return false;
  }

  private resolveInlineObject(node: TsTypeNode, scope: Scope): Resolved | undefined {
    if (Node.isTypeLiteral(node) && isIndexOnly(node)) {
      const sig = node.getIndexSignatures()[0];
      if (sig.getKeyTypeNode().getKind() !== SyntaxKind.StringKeyword)
        return this.unsupported(sig, "map keys must be strings", "write { [key: string]: T } or Record<string, T>");
      const rt = sig.getReturnTypeNode();
      return rt ? this.resolveMap(rt, scope) : undefined;
    }
    // Inline object types are named after the field that holds them: NotebookSpecResources.
    const name = scope.typeName + pascal(scope.field ?? "Type");
    const id = this.register(node, name, scope, { parseTags: false });
    return id ? { type: { kind: "object", ref: id }, constraints: {} } : undefined;
  }

  private resolveReference(node: Node & { getTypeName(): Node; getTypeArguments(): TsTypeNode[] }, scope: Scope): Resolved | undefined {
    const nameNode = node.getTypeName();
    const text = nameNode.getText();
    const args = node.getTypeArguments();
    if (text === "") return undefined; // a missing type, already reported as a syntax error
    const decl = this.declarationOf(nameNode);
    if (!decl) {
      // The program is built without lib.d.ts (for speed), so Array and Record are unresolved names.
      if ((text === "Array" || text === "ReadonlyArray") && args.length === 1) return this.resolveArray(args[0], scope);
      if (text === "Record" && args.length === 2) {
        if (args[0].getKind() !== SyntaxKind.StringKeyword)
          return this.unsupported(args[0], "map keys must be strings", "write Record<string, T>");
        return this.resolveMap(args[1], scope);
      }
      if (text in UNSUPPORTED_LIB) return this.unsupported(node, `\`${text}\` is not supported`, UNSUPPORTED_LIB[text]);
      this.diags.report(locationOf(this.projectRoot, node), "unresolved-type", `cannot find type \`${text}\``, "import it from its module, or from skai-gen/definitions");
      return undefined;
    }
    const place = this.places.of(decl.getSourceFile());
    const name = (decl as unknown as { getName?: () => string }).getName?.() ?? text;
    if (place.kind === "prelude") {
      const scalar = PRELUDE_SCALARS[name];
      if (scalar) return { type: scalar.type, constraints: { ...scalar.constraints } };
      if (name === "Resource")
        return this.unsupported(node, "`Resource` is only for declaring kinds", "declare a kind with `export interface X extends Resource<Spec, Status> {}` and refer to its spec type instead");
    }
    if (place.kind === "kubernetes" && KUBERNETES_SCALARS[name]) {
      const s = KUBERNETES_SCALARS[name];
      return { type: s.type, constraints: { ...s.constraints } };
    }
    if (args.length > 0)
      return this.unsupported(node, `generic type \`${text}<...>\` is not supported`, "only Resource, Record and arrays take type arguments; declare a non-generic interface");
    if (Node.isInterfaceDeclaration(decl) || Node.isTypeAliasDeclaration(decl)) {
      if (decl.getTypeParameters().length > 0)
        return this.unsupported(node, `generic type \`${text}\` is not supported`, "declare a non-generic interface");
      if (Node.isTypeAliasDeclaration(decl)) return this.resolveAlias(decl, place, scope);
      const id = this.registerDecl(decl, place, scope);
      return id ? { type: { kind: "object", ref: id }, constraints: {} } : undefined;
    }
    if (Node.isClassDeclaration(decl))
      return this.unsupported(node, `class \`${text}\` is not supported`, "declare an interface with the same fields");
    if (Node.isEnumDeclaration(decl))
      return this.unsupported(node, `enum \`${text}\` is not supported`, 'use a union of string literals: type X = "A" | "B"');
    return this.unsupported(node, `\`${text}\` is not a type`, "refer to an interface or a type alias");
  }

  private resolveAlias(decl: TypeAliasDeclaration, place: Place, scope: Scope): Resolved | undefined {
    const target = decl.getTypeNode();
    if (!target) return undefined;
    if (this.isObjectShape(target) && !Node.isTypeReference(target)) {
      const id = this.registerDecl(decl, place, scope);
      return id ? { type: { kind: "object", ref: id }, constraints: {} } : undefined;
    }
    if (Node.isUnionTypeNode(target) && target.getTypeNodes().length > 1 && target.getTypeNodes().every((t) => this.isObjectShape(t))) {
      const id = this.registerDecl(decl, place, scope);
      return id ? { type: { kind: "object", ref: id }, constraints: {} } : undefined;
    }
    const inner = this.scopeFor(place, scope, decl.getName());
    const r = this.resolve(target, { ...inner, field: scope.field });
    if (!r) return undefined;
    const doc = readNodeDoc(this.projectRoot, decl, inner.readTags);
    const tagged = inner.readTags ? readConstraintTags(this.diags, doc.tags, true) : undefined;
    const own = tagged?.constraints ?? {};
    // An alias of a scalar is no place in the API's tree: say where the acknowledgement goes instead.
    for (const ack of tagged?.breakingChanges ?? [])
      this.diags.report(ack.source, "misplaced-tag", "@breakingChange is not allowed on an alias of a scalar type", "put it on the field that uses the alias, or on its kind");
    const type: TypeNode = r.type.kind === "enum" ? { ...r.type, name: decl.getName() } : r.type;
    const description = doc.description || r.description;
    return { type, constraints: mergeConstraints(r.constraints, own), ...(description ? { description } : {}) };
  }

  private scopeFor(place: Place, from: Scope, typeName: string): Scope {
    switch (place.kind) {
      case "definitions":
        return { group: place.group, version: place.version, origin: "definitions", readTags: true, typeName };
      case "kubernetes":
        return { ...from, origin: "kubernetes", readTags: false, module: `kubernetes-types/${place.module}`, typeName };
      case "prelude":
        return { ...from, origin: "kubernetes", readTags: true, module: `kubernetes-types/${PRELUDE_OBJECTS[typeName] ?? "meta/v1"}`, typeName };
      default:
        return { ...from, origin: "definitions", readTags: true, typeName };
    }
  }

  private idFor(place: Place, scope: Scope, name: string): string {
    switch (place.kind) {
      case "kubernetes":
        return `${kubernetesPrefix(place.module)}.${name}`;
      case "prelude":
        return `${kubernetesPrefix(PRELUDE_OBJECTS[name] ?? "meta/v1")}.${name}`;
      case "definitions":
        return userTypeId(place.group, place.version, name);
      default:
        return userTypeId(scope.group, scope.version, name);
    }
  }

  /** Registers a named interface or object alias; returns its definition id. */
  registerDecl(decl: Decl, place: Place, from: Scope): string | undefined {
    const known = this.declIds.get(decl);
    if (known) return known;
    const scope = this.scopeFor(place, from, decl.getName());
    return this.register(decl, decl.getName(), scope, { parseTags: scope.readTags, id: this.idFor(place, from, decl.getName()) });
  }

  private register(node: Node, name: string, scope: Scope, opts: { parseTags: boolean; id?: string }): string | undefined {
    const known = this.declIds.get(node);
    if (known) return known;
    const id = opts.id ?? userTypeId(scope.group, scope.version, name);
    const source = locationOf(this.projectRoot, node);
    if (this.types[id]) {
      // Prelude and kubernetes-types copies of the same upstream type share an id; the first wins.
      if (scope.origin === "kubernetes") {
        this.declIds.set(node, id);
        return id;
      }
      const other = this.types[id].source;
      this.diags.report(source, "duplicate-type", `type ${name} is declared twice (as ${id}, also at ${other.file}:${other.line}:${other.column})`, "rename one of them; type names must be unique within a version");
      return undefined;
    }
    this.declIds.set(node, id);
    const doc = Node.isTypeLiteral(node) || Node.isIntersectionTypeNode(node) ? { description: "", tags: [] } : readNodeDoc(this.projectRoot, node, scope.readTags);
    const type: ObjectType = {
      id,
      name,
      origin: scope.origin,
      ...(scope.origin === "kubernetes" ? { module: scope.module } : {}),
      description: doc.description,
      fields: [],
      constraints: {},
      source,
    };
    this.types[id] = type; // before reading fields, so recursive types terminate
    const typeScope: Scope = { ...scope, typeName: name, field: undefined };
    const tagged = opts.parseTags ? readConstraintTags(this.diags, doc.tags, true) : { constraints: {} };
    const shape = Node.isTypeAliasDeclaration(node) ? node.getTypeNode() : node;
    if (Node.isTypeAliasDeclaration(node) && shape && Node.isUnionTypeNode(shape)) {
      const merged = fieldsOfUnion(shape, (member) => this.fieldsOf(member, typeScope), tagged.constraints, this.diags, this.projectRoot);
      type.fields = merged.fields;
      type.constraints = mergeConstraints(merged.constraints, tagged.constraints);
    } else {
      type.fields = shape ? this.fieldsOf(shape, typeScope) ?? [] : [];
      type.constraints = tagged.constraints;
    }
    if ("breakingChanges" in tagged && tagged.breakingChanges) type.breakingChanges = tagged.breakingChanges;
    return id;
  }

  /** Fields of an object shape: interface (bases first), type literal, intersection, or a reference to one. */
  fieldsOf(node: Node, scope: Scope): Field[] | undefined {
    if (Node.isParenthesizedTypeNode(node)) return this.fieldsOf(node.getTypeNode(), scope);
    if (Node.isInterfaceDeclaration(node)) {
      let fields: Field[] = [];
      for (const base of node.getExtends()) {
        if (base.getTypeArguments().length > 0) {
          this.unsupported(base, `extending generic \`${base.getText()}\` is not supported`, "extend a non-generic interface");
          continue;
        }
        const d = this.declarationOf(base.getExpression());
        if (!d || !(Node.isInterfaceDeclaration(d) || Node.isTypeAliasDeclaration(d))) {
          this.unsupported(base, `cannot find the interface \`${base.getText()}\``, "extend an interface or an object type alias");
          continue;
        }
        const baseScope = this.scopeFor(this.places.of(d.getSourceFile()), scope, scope.typeName);
        fields = overrideFields(fields, this.fieldsOf(d, { ...baseScope, typeName: scope.typeName }) ?? []);
      }
      return overrideFields(fields, this.membersToFields(node.getMembers(), scope));
    }
    if (Node.isTypeAliasDeclaration(node)) {
      const t = node.getTypeNode();
      return t ? this.fieldsOf(t, scope) : undefined;
    }
    if (Node.isTypeLiteral(node)) return this.membersToFields(node.getMembers(), scope);
    if (Node.isIntersectionTypeNode(node)) {
      let fields: Field[] = [];
      for (const part of node.getTypeNodes()) {
        const f = this.fieldsOf(part, scope);
        if (f) fields = overrideFields(fields, f);
      }
      return fields;
    }
    if (Node.isTypeReference(node)) {
      const d = this.declarationOf(node.getTypeName());
      if (d && (Node.isInterfaceDeclaration(d) || Node.isTypeAliasDeclaration(d)) && this.isObjectShape(node)) {
        const s = this.scopeFor(this.places.of(d.getSourceFile()), scope, scope.typeName);
        return this.fieldsOf(d, { ...s, typeName: scope.typeName });
      }
    }
    this.unsupported(node, `\`${node.getText()}\` is not an object type`, "only interfaces and object types can be combined with & or extends");
    return undefined;
  }

  private membersToFields(members: Node[], scope: Scope): Field[] {
    const fields: Field[] = [];
    for (const m of members) {
      if (Node.isPropertySignature(m)) {
        const f = this.readField(m, scope);
        if (f) fields.push(f);
      } else if (Node.isMethodSignature(m) || Node.isCallSignatureDeclaration(m) || Node.isConstructSignatureDeclaration(m)) {
        this.unsupported(m, "methods are not supported in definitions", "definitions describe data; remove the method");
      } else if (Node.isIndexSignatureDeclaration(m)) {
        this.unsupported(m, "index signatures mixed with fields are not supported", "move the free-form entries to a field of type Record<string, T>");
      } else {
        this.unsupported(m, "this member is not supported", "declare fields as `name: Type` or `name?: Type`");
      }
    }
    return fields;
  }

  private readField(prop: PropertySignature, scope: Scope): Field | undefined {
    const nameNode = prop.getNameNode();
    if (Node.isComputedPropertyName(nameNode)) {
      this.unsupported(nameNode, "computed field names are not supported", "write the field name out");
      return undefined;
    }
    const name = Node.isStringLiteral(nameNode) ? nameNode.getLiteralValue() : nameNode.getText();
    const typeNode = prop.getTypeNode();
    const source = locationOf(this.projectRoot, prop);
    if (!typeNode) {
      this.diags.report(source, "missing-type", `field ${name} has no type`, `write ${name}: string (or the type it holds)`);
      return undefined;
    }
    const doc = readNodeDoc(this.projectRoot, prop, scope.readTags);
    const resolved = this.resolve(typeNode, { ...scope, field: name });
    const tagged = scope.readTags ? readConstraintTags(this.diags, doc.tags, false) : { constraints: {} as Constraints };
    const facts = scope.origin === "kubernetes" ? kubernetesFieldFacts(scope.typeName, name) : undefined;
    const fromTable: Constraints = {};
    if (facts?.listType) fromTable.listType = facts.listType;
    if (facts?.listMapKeys) fromTable.listMapKeys = facts.listMapKeys;
    if (facts?.default !== undefined) fromTable.default = facts.default;
    // A field whose type was reported keeps its place as `unknown`, so later checks
    // (JSON paths, defaults) do not pile follow-on errors onto the same mistake.
    if (!resolved) return { name, description: doc.description, required: !prop.hasQuestionToken(), type: { kind: "unknown" }, constraints: tagged.constraints, source };
    const type = facts?.int64 ? toInt64(resolved.type) : resolved.type;
    const constraints = mergeConstraints(mergeConstraints(resolved.constraints, fromTable), tagged.constraints);
    if (type.kind === "unknown" && !constraints.preserveUnknownFields && scope.origin === "definitions") {
      this.diags.report(source, "unknown-without-preserve", `field ${name} has type unknown but no @preserveUnknownFields`, "add @preserveUnknownFields to keep free-form data, or give the field a concrete type");
    }
    const note = "deprecationNote" in tagged ? tagged.deprecationNote : undefined;
    const text = doc.description || resolved.description || "";
    return {
      name,
      description: note ? [text, `Deprecated: ${note}`].filter(Boolean).join("\n") : text,
      required: !prop.hasQuestionToken(),
      type,
      constraints,
      ...("protobuf" in tagged && tagged.protobuf !== undefined ? { protobuf: tagged.protobuf } : {}),
      ...("breakingChanges" in tagged && tagged.breakingChanges ? { breakingChanges: tagged.breakingChanges } : {}),
      source,
    };
  }
}

function isIndexOnly(node: Node & { getMembers(): Node[] }): boolean {
  const members = node.getMembers();
  return members.length === 1 && Node.isIndexSignatureDeclaration(members[0]);
}

/** Later fields replace earlier ones of the same name in place (TypeScript override semantics). */
function overrideFields(base: Field[], own: Field[]): Field[] {
  const out = [...base];
  for (const f of own) {
    const i = out.findIndex((b) => b.name === f.name);
    if (i >= 0) out[i] = f;
    else out.push(f);
  }
  return out;
}

function toInt64(t: TypeNode): TypeNode {
  if (t.kind === "integer") return { kind: "integer", format: "int64" };
  if (t.kind === "array") return { ...t, items: toInt64(t.items) };
  return t;
}
