/** A @default (or @example) must satisfy the schema of the field it sits on. */
import type { ApiModel } from "../model/types.js";
import type { DiagnosticBag } from "../model/diagnostic.js";
import { valueProblem } from "./values.js";
import { allFields } from "./walk.js";

export function checkDefaults(model: ApiModel, diags: DiagnosticBag): void {
  for (const id of Object.keys(model.types).sort()) {
    const t = model.types[id];
    if (t.origin !== "definitions" || t.constraints.default === undefined) continue;
    const problem = valueProblem(model, t.constraints.default, { kind: "object", ref: id }, t.constraints);
    if (problem)
      diags.report(t.source, "default-violates-schema", `@default ${JSON.stringify(t.constraints.default)} of ${t.name} violates its own schema: ${problem}`, "change the default, or the constraints it breaks");
  }
  for (const { owner, field } of allFields(model)) {
    if (owner.origin !== "definitions") continue;
    for (const key of ["default", "example"] as const) {
      const value = field.constraints[key];
      if (value === undefined) continue;
      const problem = valueProblem(model, value, field.type, field.constraints);
      if (problem)
        diags.report(
          field.source,
          `${key}-violates-schema`,
          `@${key} ${JSON.stringify(value)} of ${owner.name}.${field.name} violates its own schema: ${problem}`,
          key === "default" ? "change the default, or the constraints it breaks" : "change the example so that it is a valid value",
        );
    }
  }
}
