/**
 * The ts-morph project the reader resolves symbols in. No lib.d.ts and no
 * @types: they would triple the start-up time and definitions never need them
 * (Array and Record are recognised by name). Nothing is type-checked as a
 * whole; symbols are resolved on demand.
 */
import { Project, ts } from "ts-morph";

export function createProject(): Project {
  return new Project({
    skipAddingFilesFromTsConfig: true,
    skipFileDependencyResolution: true,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      target: ts.ScriptTarget.ES2022,
      strict: true,
      skipLibCheck: true,
      noEmit: true,
      noLib: true,
      types: [],
    },
  });
}
