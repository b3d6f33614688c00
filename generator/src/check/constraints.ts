/**
 * Constraints must fit the type they sit on (a @minLength on an int32 would
 * be dropped or rejected by the apiserver), must not contradict each other,
 * and union tags must name optional fields of their type.
 */
import type { ApiModel, Constraints, SourceLocation, TypeNode } from "../model/types.js";
import type { DiagnosticBag } from "../model/diagnostic.js";
import { allFields } from "./walk.js";

type Kind = TypeNode["kind"];
const NUMERIC: Kind[] = ["integer", "number"];
const STRINGY: Kind[] = ["string", "enum", "intOrString"];

const APPLIES: Partial<Record<keyof Constraints, { kinds: Kind[]; what: string }>> = {
  minimum: { kinds: NUMERIC, what: "numbers" },
  maximum: { kinds: NUMERIC, what: "numbers" },
  multipleOf: { kinds: NUMERIC, what: "numbers" },
  minLength: { kinds: STRINGY, what: "strings" },
  maxLength: { kinds: STRINGY, what: "strings" },
  pattern: { kinds: STRINGY, what: "strings" },
  format: { kinds: ["string", "integer", "number", "intOrString"], what: "strings and numbers" },
  minItems: { kinds: ["array"], what: "lists" },
  maxItems: { kinds: ["array"], what: "lists" },
  uniqueItems: { kinds: ["array"], what: "lists" },
  minProperties: { kinds: ["map", "object", "unknown"], what: "maps and objects" },
  maxProperties: { kinds: ["map", "object", "unknown"], what: "maps and objects" },
  mapType: { kinds: ["map", "object"], what: "maps and objects" },
  structType: { kinds: ["object"], what: "objects" },
  preserveUnknownFields: { kinds: ["unknown", "object", "map"], what: "unknown values, maps and objects" },
  embeddedResource: { kinds: ["unknown", "object"], what: "objects" },
};

const ORDERED: [keyof Constraints, keyof Constraints][] = [
  ["minimum", "maximum"],
  ["minLength", "maxLength"],
  ["minItems", "maxItems"],
  ["minProperties", "maxProperties"],
];

function describe(t: TypeNode): string {
  switch (t.kind) {
    case "integer":
      return `an ${t.format} integer`;
    case "intOrString":
      return t.quantity ? "a quantity" : "an int-or-string";
    case "enum":
    case "object":
      return `an ${t.kind}`;
    case "array":
      return "a list";
    case "unknown":
      return "a free-form value";
    default:
      return `a ${t.kind}`;
  }
}

function checkOne(c: Constraints | undefined, type: TypeNode, where: string, at: SourceLocation, diags: DiagnosticBag): void {
  if (!c) return;
  for (const [key, rule] of Object.entries(APPLIES) as [keyof Constraints, { kinds: Kind[]; what: string }][]) {
    if (c[key] === undefined || c[key] === false || rule.kinds.includes(type.kind)) continue;
    diags.report(at, "constraint-mismatch", `@${key} on ${where}, which is ${describe(type)}`, `@${key} applies to ${rule.what}; remove it or change the type`);
  }
  for (const [lo, hi] of ORDERED) {
    const a = c[lo] as number | undefined;
    const b = c[hi] as number | undefined;
    if (a !== undefined && b !== undefined && a > b)
      diags.report(at, "constraint-mismatch", `@${lo} ${a} is greater than @${hi} ${b} on ${where}`, "no value can satisfy both; fix one of them");
  }
}

export function checkConstraints(model: ApiModel, diags: DiagnosticBag): void {
  for (const { owner, field } of allFields(model)) {
    if (owner.origin !== "definitions") continue;
    const where = `${owner.name}.${field.name}`;
    checkOne(field.constraints, field.type, where, field.source, diags);
    if (field.type.kind === "array") checkOne(field.type.itemConstraints, field.type.items, `the items of ${where}`, field.source, diags);
    if (field.type.kind === "map") checkOne(field.type.valueConstraints, field.type.values, `the values of ${where}`, field.source, diags);
  }
  for (const id of Object.keys(model.types).sort()) {
    const t = model.types[id];
    if (t.origin !== "definitions") continue;
    for (const tag of ["exactlyOneOf", "atMostOneOf", "atLeastOneOf"] as const)
      for (const names of t.constraints[tag] ?? [])
        for (const n of names) {
          const f = t.fields.find((x) => x.name === n);
          if (!f) diags.report(t.source, "bad-union-field", `@${tag} names ${n}, which is not a field of ${t.name}`, `use fields of ${t.name}: ${t.fields.map((x) => x.name).join(", ")}`);
          else if (f.required) diags.report(f.source, "bad-union-field", `@${tag} on ${t.name} names the required field ${n}`, `make ${n} optional (${n}?:) so that it can be left out`);
        }
  }
}
