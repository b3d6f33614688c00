/**
 * Every field of a served version that does not map by name to the storage
 * version (or back) needs a user conversion function for its type pair; each
 * such field is reported where it is declared, naming the function to write.
 */
import { planGroupConversions } from "../conversion/plan.js";
import type { ApiModel } from "../model/types.js";
import type { DiagnosticBag } from "./diagnostic.js";

export function checkConversions(model: ApiModel, diags: DiagnosticBag): void {
  for (const group of model.groups) {
    const plan = planGroupConversions(model, group);
    if (!plan) continue;
    const functions = group.conversion?.functions ?? {};
    const file = group.conversion?.file ?? `definitions/${group.name}/conversion.ts`;
    for (const pair of plan.pairs.values()) {
      if (pair.unmapped.length === 0 || pair.user in functions) continue;
      for (const f of pair.unmapped) {
        diags.report(
          f.source,
          "unmapped-field",
          `field ${pair.path}.${f.name} of ${group.name}/${pair.fromVersion} ${pair.from.name} has no field of the same name and a compatible type in ${pair.toVersion} ${pair.to.name}`,
          `export function ${pair.user}(src, dst) from ${file} to convert it (the fields that map by name are already copied into dst)`,
        );
      }
    }
  }
}
