/**
 * The Handlebars templates that lay out the manifests and the API reference.
 * They ship inside the package (generator/templates/); the pipeline loads them
 * once and passes them to the emitters in the emit context, so emitters stay
 * pure functions of (model, ctx).
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** Template text by its path under templates/, with `/` separators: `manifests/statefulset.yaml.hbs`. */
export type Templates = ReadonlyMap<string, string>;

// Resolved from this module (src/ or dist/ alike), never from the working directory.
const TEMPLATES_DIR = fileURLToPath(new URL("../templates/", import.meta.url));

let loaded: Templates | undefined;

/** Every file under the package's templates/ folder (read once per process). */
export function loadTemplates(): Templates {
  if (loaded) return loaded;
  const files = new Map<string, string>();
  for (const entry of readdirSync(TEMPLATES_DIR, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    files.set(path.relative(TEMPLATES_DIR, file).split(path.sep).join("/"), readFileSync(file, "utf8"));
  }
  loaded = new Map([...files].sort(([a], [b]) => (a < b ? -1 : 1)));
  return loaded;
}

/** One template's text; a missing one is a packaging bug. */
export function template(templates: Templates, name: string): string {
  const text = templates.get(name);
  if (text === undefined) throw new Error(`internal error: template ${name} is missing from skai-gen's templates/`);
  return text;
}

/** The templates in `folder` (no subfolders), by file name. */
export function templatesIn(templates: Templates, folder: string): Map<string, string> {
  const prefix = `${folder}/`;
  return new Map([...templates].filter(([name]) => name.startsWith(prefix) && !name.slice(prefix.length).includes("/")).map(([name, text]) => [name.slice(prefix.length), text]));
}
