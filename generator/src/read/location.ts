/** Source locations: project-root-relative paths with 1-based line and column. */
import { relative, sep } from "node:path";
import { ts, type Node, type SourceFile } from "ts-morph";
import type { SourceLocation } from "../model/types.js";

export function relativeFile(projectRoot: string, absPath: string): string {
  return relative(projectRoot, absPath).split(sep).join("/");
}

const names = new WeakMap<SourceFile, string>();
function fileName(projectRoot: string, sf: SourceFile): string {
  let name = names.get(sf);
  if (name === undefined) names.set(sf, (name = relativeFile(projectRoot, sf.getFilePath())));
  return name;
}

export function locationAt(projectRoot: string, sf: SourceFile, pos: number): SourceLocation {
  // TypeScript's own lookup uses the file's cached line starts; ts-morph's rescans the text.
  const { line, character } = ts.getLineAndCharacterOfPosition(sf.compilerNode, pos);
  return { file: fileName(projectRoot, sf), line: line + 1, column: character + 1 };
}

/** Where a node starts, skipping its leading trivia and JSDoc. */
export function locationOf(projectRoot: string, node: Node): SourceLocation {
  // Named declarations point at their name, which is what a reader looks for.
  const named = (node as unknown as { getNameNode?: () => Node | undefined }).getNameNode?.();
  const target = named ?? node;
  return locationAt(projectRoot, target.getSourceFile(), target.getStart(false));
}
