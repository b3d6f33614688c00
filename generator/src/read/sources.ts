/**
 * Checks of the definition files before their types are read: parse errors
 * (cheap; a full type check of the program would be slow), and where the
 * `skai-gen/definitions` prelude resolves to.
 */
import type { Project, SourceFile } from "ts-morph";
import type { DiagnosticBag } from "../model/diagnostic.js";
import { locationAt } from "./location.js";
import type { Places } from "./places.js";

export function reportSyntaxErrors(project: Project, files: SourceFile[], projectRoot: string, diags: DiagnosticBag): void {
  const program = project.getProgram().compilerObject;
  for (const sf of files)
    for (const d of program.getSyntacticDiagnostics(sf.compilerNode)) {
      const text = typeof d.messageText === "string" ? d.messageText : d.messageText.messageText;
      diags.report(locationAt(projectRoot, sf, d.start ?? 0), "syntax-error", text, "fix the TypeScript syntax");
    }
}

export function findPreludes(files: SourceFile[], places: Places, projectRoot: string, diags: DiagnosticBag): void {
  for (const sf of files)
    for (const imp of sf.getImportDeclarations()) {
      if (imp.getModuleSpecifierValue() !== "skai-gen/definitions") continue;
      const target = imp.getModuleSpecifierSourceFile();
      if (target) places.addPrelude(target.getFilePath());
      else
        diags.report(
          locationAt(projectRoot, sf, imp.getModuleSpecifier().getStart()),
          "unresolved-import",
          "cannot resolve skai-gen/definitions",
          "install skai-gen in the project so that node_modules/skai-gen/definitions.d.ts exists",
        );
    }
}
