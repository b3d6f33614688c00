// Structural-schema check for published OpenAPI schemas (test helper): every node
// states a type, is a reference to a named schema, or is an int-or-string /
// preserve-unknown-fields node; properties, items and additionalProperties recurse.
type Schema = Record<string, unknown>;

export interface StructuralProblem {
  path: string;
  message: string;
}

export function structuralProblems(schemas: Record<string, Schema>, roots: string[], refPrefix: string): StructuralProblem[] {
  const problems: StructuralProblem[] = [];
  const seen = new Set<string>();
  const targetOf = (s: Schema): string | undefined => {
    const direct = typeof s.$ref === "string" ? s.$ref : undefined;
    const allOf = Array.isArray(s.allOf) && s.allOf.length === 1 ? (s.allOf[0] as Schema).$ref : undefined;
    const r = direct ?? (typeof allOf === "string" ? allOf : undefined);
    return r?.startsWith(refPrefix) ? r.slice(refPrefix.length) : r;
  };
  const visitNamed = (name: string, from: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const s = schemas[name];
    if (!s) problems.push({ path: from, message: `reference to missing schema ${name}` });
    else visit(s, name);
  };
  const visit = (s: Schema, path: string): void => {
    const target = targetOf(s);
    if (target) return visitNamed(target, path);
    if (Array.isArray(s.allOf)) problems.push({ path, message: "allOf other than a single reference" });
    const ok = typeof s.type === "string" || s["x-kubernetes-int-or-string"] === true || s["x-kubernetes-preserve-unknown-fields"] === true;
    if (!ok) problems.push({ path, message: "no type" });
    for (const [k, v] of Object.entries((s.properties as Record<string, Schema>) ?? {})) visit(v, `${path}.${k}`);
    if (s.items && typeof s.items === "object") visit(s.items as Schema, `${path}[]`);
    if (s.additionalProperties && typeof s.additionalProperties === "object") visit(s.additionalProperties as Schema, `${path}{}`);
  };
  for (const r of roots) visitNamed(r, r);
  return problems;
}
