/**
 * The user's conversion functions of a group: `definitions/<group>/conversion.ts`
 * ("a conversion.ts next to the definitions"). Only the exported names and
 * where they are matter here; their signatures are checked by the TypeScript
 * compiler when the generated package, which calls them with its own types,
 * is built.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Node, type Project } from "ts-morph";
import type { ConversionModule, SourceLocation } from "../model/types.js";
import { locationOf, relativeFile } from "./location.js";

export const CONVERSION_FILE = "conversion.ts";

export function readConversionModule(groupDir: string, project: Project, projectRoot: string): ConversionModule | undefined {
  const path = join(groupDir, CONVERSION_FILE);
  if (!existsSync(path)) return undefined;
  const sf = project.addSourceFileAtPath(path);
  const functions: Record<string, SourceLocation> = {};
  for (const [name, decls] of sf.getExportedDeclarations()) {
    const d = decls[0];
    const isFunction =
      Node.isFunctionDeclaration(d) ||
      (Node.isVariableDeclaration(d) && (Node.isArrowFunction(d.getInitializer()) || Node.isFunctionExpression(d.getInitializer())));
    if (isFunction) functions[name] = locationOf(projectRoot, d);
  }
  return { file: relativeFile(projectRoot, path), text: readFileSync(path, "utf8"), functions };
}
