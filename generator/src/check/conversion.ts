/**
 * A field of a served version that does not map by name to the storage
 * version (or back) needs a conversion function for its type pair, which the
 * project's own server main passes to `serve()`; the generated
 * `ServerExtensions` type makes each such function required, so with a
 * `server.main` the TypeScript build checks them. Without one, the generated
 * bin would serve with no functions: each such field is reported where it is
 * declared, naming the function to write and where it goes.
 */
import { planGroupConversions } from "../conversion/plan.js";
import type { ApiModel } from "../model/types.js";
import type { DiagnosticBag } from "../model/diagnostic.js";

export function checkConversions(model: ApiModel, diags: DiagnosticBag, serverMain: string | undefined): void {
  if (serverMain) return;
  for (const group of model.groups) {
    const plan = planGroupConversions(model, group);
    if (!plan) continue;
    for (const pair of plan.pairs.values()) {
      for (const f of pair.unmapped) {
        diags.report(
          f.source,
          "unmapped-field",
          `field ${pair.path}.${f.name} of ${group.name}/${pair.fromVersion} ${pair.from.name} has no field of the same name and a compatible type in ${pair.toVersion} ${pair.to.name}`,
          `write ${pair.user}(src, dst) to convert it (the fields that map by name are already copied into dst), set "server": { "main": "<your main.ts>" } in the configuration and, there, pass it to serve() in conversions[${JSON.stringify(group.name)}] (docs/extensions.md)`,
        );
      }
    }
  }
}
