import path from "node:path";
import type { FileChange } from "./tree-watcher.js";

/** One line for a burst of changes: `definitions/a.ts changed, definitions/b.ts added`. */
export function describeChanges(changes: readonly FileChange[], relativeTo: string): string {
  return changes.map((c) => `${path.relative(relativeTo, c.file).split(path.sep).join("/")} ${c.kind}`).join(", ");
}

/**
 * TypeScript and JavaScript sources, what definitions and a server entry are
 * made of. Not JSON: the generator itself writes definitions/protobuf.lock.json.
 */
export function isSourceFile(file: string): boolean {
  return /\.(?:[mc]?[jt]s|[jt]sx)$/.test(file);
}
