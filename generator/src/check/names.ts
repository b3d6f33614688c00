/** Plurals and short names must be unique among the kinds of a group (they are URL and CLI names). */
import type { ApiModel, KindModel } from "../model/types.js";
import type { DiagnosticBag } from "../model/diagnostic.js";

export function checkNames(model: ApiModel, diags: DiagnosticBag): void {
  for (const group of model.groups) {
    // One entry per kind name: the same kind in several versions shares its names legitimately.
    const kinds = new Map<string, KindModel>();
    for (const v of group.versions) for (const k of v.kinds) if (!kinds.has(k.name)) kinds.set(k.name, k);
    const plurals = new Map<string, KindModel>();
    const shorts = new Map<string, KindModel>();
    for (const k of kinds.values()) {
      const other = plurals.get(k.plural);
      if (other)
        diags.report(k.source, "duplicate-plural", `kinds ${other.name} and ${k.name} in ${group.name} share the plural ${k.plural}`, `set a different plural with @plural on ${k.name}`);
      else plurals.set(k.plural, k);
    }
    for (const k of kinds.values())
      for (const s of k.shortNames) {
        const other = shorts.get(s) ?? plurals.get(s);
        if (other && other !== k)
          diags.report(k.source, "duplicate-short-name", `short name ${s} of ${k.name} is already used by ${other.name} in ${group.name}`, `choose another @shortName for ${k.name}`);
        else shorts.set(s, k);
      }
  }
}
