/** Source locations: project-root-relative paths with 1-based line and column. */
import { relative, sep } from "node:path";
import type { Node, SourceFile } from "ts-morph";
import type { SourceLocation } from "../model/types.js";

export function relativeFile(projectRoot: string, absPath: string): string {
  return relative(projectRoot, absPath).split(sep).join("/");
}

export function locationAt(projectRoot: string, sf: SourceFile, pos: number): SourceLocation {
  const { line, column } = sf.getLineAndColumnAtPos(pos);
  return { file: relativeFile(projectRoot, sf.getFilePath()), line, column };
}

/** Where a node starts, skipping its leading trivia and JSDoc. */
export function locationOf(projectRoot: string, node: Node): SourceLocation {
  // Named declarations point at their name, which is what a reader looks for.
  const named = (node as unknown as { getNameNode?: () => Node | undefined }).getNameNode?.();
  const target = named ?? node;
  return locationAt(projectRoot, target.getSourceFile(), target.getStart(false));
}
