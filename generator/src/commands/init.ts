/**
 * `skai-gen init <dir>`: a new repository for one API (init-files.ts), then its
 * first generated package, so `npm install` finds the workspace it names.
 */
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defaultPackageName, loadConfig } from "../config/index.js";
import { generate } from "../pipeline.js";
import { createProject } from "../read/index.js";
import { writeLock } from "../write/lock.js";
import { writeTree } from "../write/writer.js";
import { scaffoldFiles, type ScaffoldChoices } from "./init-files.js";
import { reportDiagnostics } from "./report.js";

export interface InitOptions {
  dir: string;
  group?: string;
  version?: string;
  kind?: string;
  scope?: string;
  package?: string;
}

/** Names the example kind's file imports (init-files.ts), which the kind cannot take. */
const IMPORTED_TYPES = ["Resource", "Condition"];

/** A mistake in the command line: printed as one line, exit 1. */
class InitError extends Error {}

/** The prelude this skai-gen ships; src/commands and dist/commands are both two levels below it. */
const PRELUDE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../definitions.d.ts");

export async function initCommand(opts: InitOptions): Promise<number> {
  let choices: ScaffoldChoices;
  const dir = path.resolve(opts.dir);
  try {
    choices = resolveChoices(dir, opts);
    assertEmpty(dir, opts.dir);
  } catch (err) {
    if (!(err instanceof InitError)) throw err;
    process.stderr.write(`skai-gen init: ${err.message}\n`);
    return 1;
  }

  const files = scaffoldFiles(choices);
  for (const f of files) {
    mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
    writeFileSync(path.join(dir, f.path), f.content);
  }

  // Nothing is installed in the new folder yet: `skai-gen/definitions` resolves to this skai-gen's prelude.
  const project = createProject();
  project.compilerOptions.set({ paths: { "skai-gen/definitions": [PRELUDE] } });
  const loaded = loadConfig(dir);
  const result = await generate({ definitionsDir: path.join(dir, "definitions"), projectRoot: dir, config: loaded, project });
  if (result.diagnostics.length > 0) {
    // From a flag the generator refuses (a kind name it reserves), or a skai-gen bug: shown as generate shows it.
    reportDiagnostics(result.diagnostics);
    return 1;
  }
  await writeTree(path.join(dir, "generated"), result.files);
  if (result.protobufLock) await writeLock(result.protobufLock);

  const shown = path.relative(process.cwd(), dir) || ".";
  process.stdout.write(
    [
      `skai-gen: created ${shown}: ${choices.kind} (${choices.group}/${choices.version}, ${choices.scope}) in the package ${choices.packageName}`,
      "",
      "Next:",
      ...(shown === "." ? [] : [`  cd ${shown}`]),
      "  npm install",
      "  npm run dev    # serve the API; regenerate, rebuild and restart on every change",
      "  npm start      # or build and serve once",
      "  npm test       # the generated smoke test",
      "",
    ].join("\n"),
  );
  return 0;
}

function resolveChoices(dir: string, opts: InitOptions): ScaffoldChoices {
  const dirName = path.basename(dir);
  const group = opts.group ?? `${dnsLabel(dirName.replace(/-api$/i, "")) || "example"}.example.com`;
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/.test(group) || group.length > 253)
    throw new InitError(`--group ${group}: an API group is a DNS subdomain with at least one dot, e.g. shop.example.com`);
  const version = opts.version ?? "v1alpha1";
  if (!/^v[1-9][0-9]*((alpha|beta)[1-9][0-9]*)?$/.test(version))
    throw new InitError(`--version ${version}: a Kubernetes version looks like v1, v1beta1 or v1alpha1`);
  const kind = opts.kind ?? "Widget";
  if (!/^[A-Z][A-Za-z0-9]*$/.test(kind) || kind.length > 63) throw new InitError(`--kind ${kind}: a kind is a PascalCase name, e.g. Widget`);
  if (IMPORTED_TYPES.includes(kind)) throw new InitError(`--kind ${kind}: the example imports a type of that name from skai-gen/definitions; choose another`);
  const scope = opts.scope ?? "Namespaced";
  if (scope !== "Namespaced" && scope !== "Cluster") throw new InitError(`--scope ${scope}: Namespaced or Cluster`);
  const packageName = opts.package ?? defaultPackageName([group]);
  if (!/^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/.test(packageName) || packageName.length > 214)
    throw new InitError(`--package ${packageName}: not a valid npm package name`);
  return { dirName, group, version, kind, scope, packageName };
}

/** A new folder, or an empty one (a fresh `git init` is empty enough). */
function assertEmpty(dir: string, shown: string): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new InitError(`${shown} exists and is not a folder`);
  const entries = readdirSync(dir).filter((e) => e !== ".git");
  if (entries.length > 0) throw new InitError(`${shown} is not empty (it has ${entries.slice(0, 3).join(", ")}${entries.length > 3 ? ", ..." : ""}); init writes into a new or empty folder`);
}

function dnsLabel(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63);
}
