/** A @default (or @example) must satisfy the schema of the field it sits on. */
import type { ApiModel } from "../model/types.js";
import type { DiagnosticBag } from "./diagnostic.js";
import { valueProblem } from "./values.js";
import { allFields } from "./walk.js";

export function checkDefaults(model: ApiModel, diags: DiagnosticBag): void {
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
