/**
 * Admission plugins, log/exec providers and conversion functions are the
 * project's own code: its server main passes them to the generated `serve()`
 * (docs/extensions.md). skai-gen once read them from `definitions/admission.ts`,
 * `definitions/<group>/conversion.ts` and `definitions/<group>/<version>/connect.ts`;
 * such a file left there would now be ignored without a word, so it is reported.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { DiagnosticBag } from "../model/diagnostic.js";
import { fileStart, type GroupDir } from "./layout.js";

export function reportExtensionFiles(defsDir: string, layout: GroupDir[], projectRoot: string, diags: DiagnosticBag): void {
  const found = [
    { path: join(defsDir, "admission.ts"), what: "admission plugins", member: "admission" },
    ...layout.map((g) => ({ path: join(defsDir, g.group, "conversion.ts"), what: "conversion functions", member: `conversions[${JSON.stringify(g.group)}]` })),
    ...layout.flatMap((g) => g.versions.map((v) => ({ path: join(v.dir, "connect.ts"), what: "log/exec providers", member: `connect[${JSON.stringify(`${g.group}/${v.name}`)}]` }))),
  ].filter((f) => existsSync(f.path));
  for (const f of found) {
    diags.report(
      fileStart(projectRoot, f.path),
      "extension-in-definitions",
      `${f.what} are not read from the definitions folder`,
      `move the file next to the project's server main (configuration "server": { "main": ... }) and pass its exports to serve() as ${f.member} (docs/extensions.md)`,
    );
  }
}
