/**
 * Unions: string literal unions become enums; unions of object types become one
 * merged object (structural schemas have no oneOf of differing shapes), kept
 * honest by a discriminator field or @exactlyOneOf.
 */
import { Node, type TypeNode as TsTypeNode, type UnionTypeNode } from "ts-morph";
import type { DiagnosticBag } from "../model/diagnostic.js";
import type { Constraints, Field, ValidationRule } from "../model/types.js";
import { locationOf } from "./location.js";

/** Later constraints win; rules accumulate. */
export function mergeConstraints(a: Constraints, b: Constraints): Constraints {
  const out: Constraints = { ...a, ...b };
  const rules = [...(a.rules ?? []), ...(b.rules ?? [])];
  if (rules.length) out.rules = rules;
  return out;
}

/** The values of a union made only of string literals (through aliases), else undefined. */
export function stringLiterals(nodes: TsTypeNode[], declarationOf: (n: Node) => Node | undefined): string[] | undefined {
  const values: string[] = [];
  for (const n of nodes) {
    const v = literalsOf(n, declarationOf, 0);
    if (!v) return undefined;
    for (const s of v) if (!values.includes(s)) values.push(s);
  }
  return values;
}

function literalsOf(n: TsTypeNode, declarationOf: (n: Node) => Node | undefined, depth: number): string[] | undefined {
  if (depth > 20) return undefined;
  if (Node.isParenthesizedTypeNode(n)) return literalsOf(n.getTypeNode(), declarationOf, depth + 1);
  if (Node.isLiteralTypeNode(n)) {
    const lit = n.getLiteral();
    return Node.isStringLiteral(lit) ? [lit.getLiteralValue()] : undefined;
  }
  if (Node.isUnionTypeNode(n)) return stringLiterals(n.getTypeNodes(), declarationOf);
  if (Node.isTypeReference(n) && n.getTypeArguments().length === 0) {
    const d = declarationOf(n.getTypeName());
    const t = Node.isTypeAliasDeclaration(d) ? d.getTypeNode() : undefined;
    return t ? literalsOf(t, declarationOf, depth + 1) : undefined;
  }
  return undefined;
}

/** `fieldsOf` reads one member's fields (the type reader, in the union's scope). */
export function fieldsOfUnion(
  union: UnionTypeNode,
  fieldsOf: (member: TsTypeNode) => Field[] | undefined,
  tagged: Constraints,
  diags: DiagnosticBag,
  projectRoot: string,
): { fields: Field[]; constraints: Constraints } {
  const members = union.getTypeNodes().map((m) => ({ node: m, fields: fieldsOf(m) ?? [] }));
  const discriminator = findDiscriminator(members.map((m) => m.fields));
  if (!discriminator && !tagged.exactlyOneOf) {
    diags.report(
      locationOf(projectRoot, union),
      "object-union",
      "a union of object types needs a discriminator field or @exactlyOneOf",
      'give every member a required field such as `type: "A"` with distinct string literals, or tag the alias with @exactlyOneOf a,b',
    );
  }
  const merged: Field[] = [];
  for (const m of members) {
    for (const f of m.fields) {
      const i = merged.findIndex((x) => x.name === f.name);
      if (i < 0) merged.push({ ...f, required: false });
      else if (f.name === discriminator && f.type.kind === "enum" && merged[i].type.kind === "enum") {
        const values = [...new Set([...(merged[i].type as { values: string[] }).values, ...f.type.values])];
        merged[i] = { ...merged[i], type: { kind: "enum", values } };
      }
    }
  }
  const rules: ValidationRule[] = [];
  if (discriminator) {
    const d = merged.find((f) => f.name === discriminator)!;
    d.required = true;
    for (const m of members) {
      const df = m.fields.find((f) => f.name === discriminator)!;
      const values = df.type.kind === "enum" ? df.type.values : [];
      const needed = m.fields.filter((f) => f.required && f.name !== discriminator).map((f) => `has(self.${f.name})`);
      if (!needed.length) continue;
      const cond = values.length === 1 ? `self.${discriminator} == '${values[0]}'` : `self.${discriminator} in [${values.map((v) => `'${v}'`).join(", ")}]`;
      rules.push({
        rule: `!(${cond}) || (${needed.join(" && ")})`,
        message: `${needed.map((n) => n.slice(9, -1)).join(", ")} required when ${discriminator} is ${values.join(" or ")}`,
        source: locationOf(projectRoot, m.node),
      });
    }
  }
  return { fields: merged, constraints: rules.length ? { rules } : {} };
}

/** A field present and required in every member, a string enum with disjoint values. */
function findDiscriminator(members: Field[][]): string | undefined {
  if (members.length < 2) return undefined;
  for (const candidate of members[0]) {
    const seen = new Set<string>();
    let ok = true;
    for (const fields of members) {
      const f = fields.find((x) => x.name === candidate.name);
      if (!f || !f.required || f.type.kind !== "enum" || f.type.values.some((v) => seen.has(v))) {
        ok = false;
        break;
      }
      f.type.values.forEach((v) => seen.add(v));
    }
    if (ok) return candidate.name;
  }
  return undefined;
}
