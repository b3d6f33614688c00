export { watchTree, type FileChange, type TreeWatcher, type WatchTreeOptions } from "./tree-watcher.js";
export { describeChanges, isSourceFile } from "./changes.js";
