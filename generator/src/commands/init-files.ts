/**
 * The files `skai-gen init` writes: a repository for one API, named only
 * after that API (its group, kind and package), never after skai-gen's own
 * examples. A pure function of the choices, so tests read it without a disk.
 */
import { resolveConfig, type ResolvedConfig } from "../config/index.js";
import { pluralize } from "../model/naming.js";
import { GENERATOR_VERSION } from "../version.js";

export interface ScaffoldChoices {
  /** Folder name, for the workspace package's name. */
  dirName: string;
  group: string;
  version: string;
  kind: string;
  scope: "Namespaced" | "Cluster";
  /** npm name of the generated package. */
  packageName: string;
}

export interface ScaffoldFile {
  path: string;
  content: string;
}

/** The version range the scaffold depends on skai-gen and its runtime at: this generator's own minor. */
const TOOL_RANGE = `^${GENERATOR_VERSION}`;
const TYPESCRIPT_RANGE = "^5.9.3";
const OUT_DIR = "generated";

export function scaffoldFiles(c: ScaffoldChoices): ScaffoldFile[] {
  // The names the generator will derive from this configuration, for the scripts and the README.
  const names = resolveConfig({ projectRoot: "/", config: { package: { name: c.packageName } } }, [c.group]);
  const kindFile = `definitions/${c.group}/${c.version}/${c.kind.toLowerCase()}.ts`;
  return [
    { path: "package.json", content: json(packageJson(c, names.serverBin)) },
    { path: "skai-gen.config.json", content: json({ $schema: "./node_modules/skai-gen/config.schema.json", package: { name: c.packageName } }) },
    { path: `definitions/${c.group}/${c.version}/index.ts`, content: versionIndex(c) },
    { path: kindFile, content: kindDefinition(c) },
    { path: "definitions/tsconfig.json", content: json(definitionsTsconfig()) },
    { path: ".gitignore", content: ["node_modules/", `${OUT_DIR}/dist/`, `${OUT_DIR}/*.tsbuildinfo`, `${names.stateDir}/`, ""].join("\n") },
    { path: "README.md", content: readme(c, names, kindFile) },
    { path: ".github/workflows/ci.yml", content: ciWorkflow(c) },
  ];
}

/** CI: the generated package is current, builds and passes its smoke test, and no change breaks the API's clients. */
function ciWorkflow(c: ScaffoldChoices): string {
  return `# The ${c.group} API's checks on every push and pull request.
name: ci
on:
  push:
    branches: [main]
  pull_request:
jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0 # skai-gen compat reads the definitions at origin/main
      - uses: actions/setup-node@v4
        with:
          node-version: 20
      - run: npm install
      - run: npx skai-gen verify
      - run: npx skai-gen compat --against origin/main
      - run: npm run build
      - run: npm test
`;
}

function packageJson(c: ScaffoldChoices, serverBin: string): Record<string, unknown> {
  const smokeTest = `${OUT_DIR}/test/smoke.test.mjs`;
  return {
    name: workspaceName(c),
    version: "0.1.0",
    private: true,
    type: "module",
    description: `The ${c.group} API: definitions and the apiserver, typed client and manifests generated from them`,
    engines: { node: ">=20.19" },
    // The generated package is a workspace: it builds in place and its bins are linked into node_modules/.bin.
    workspaces: [OUT_DIR],
    scripts: {
      generate: "skai-gen generate",
      build: `npm run build -w ${OUT_DIR}`,
      dev: "skai-gen dev",
      start: `npm run build && ${serverBin}`,
      test: `npm run build && node --test ${smokeTest}`,
    },
    dependencies: { "@skai-gen/runtime": TOOL_RANGE },
    devDependencies: { "skai-gen": TOOL_RANGE, typescript: TYPESCRIPT_RANGE },
  };
}

/** The root package's name: the folder's, unless it would clash with the generated package's. */
function workspaceName(c: ScaffoldChoices): string {
  const name =
    c.dirName
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, "-")
      .replace(/^[-._]+|-+$/g, "") || "api";
  return name === c.packageName ? `${name}-workspace` : name;
}

function versionIndex(c: ScaffoldChoices): string {
  return `/**
 * Package ${c.version} is the first version of the ${c.group} API.
 * @storageVersion
 */
export * from "./${c.kind.toLowerCase()}.js";
`;
}

function kindDefinition(c: ScaffoldChoices): string {
  const k = c.kind;
  return `import type { Condition, Resource, int32, int64 } from "skai-gen/definitions";

/**
 * ${k} is an example kind: rename it, or replace its fields with your own.
 * A kind is an exported interface extending Resource<Spec, Status>; its doc
 * comment is what \`kubectl explain\` prints, and its tags shape the API.
 * @scope ${c.scope}
 * @printColumn name=Size type=integer jsonPath=.spec.size
 * @printColumn name=Phase type=string jsonPath=.status.phase
 * @printColumn name=Age type=date jsonPath=.metadata.creationTimestamp
 * @subresource status
 */
export interface ${k} extends Resource<${k}Spec, ${k}Status> {}

/** ${k}Spec is the desired state of a ${k}. */
export interface ${k}Spec {
  /**
   * What the ${k.toLowerCase()} shows.
   * @minLength 1
   * @maxLength 256
   */
  message: string;
  /**
   * How many copies to keep.
   * @minimum 1
   * @maximum 100
   * @default 1
   */
  size?: int32;
  /**
   * Color of the ${k.toLowerCase()}.
   * @default "Blue"
   */
  color?: "Red" | "Green" | "Blue";
}

/** ${k}Status is the observed state of a ${k}, written by its controller through the status subresource. */
export interface ${k}Status {
  /** Where the ${k.toLowerCase()} is in its life. */
  phase?: "Pending" | "Ready" | "Failed";
  /** The metadata.generation the status reflects. @minimum 0 */
  observedGeneration?: int64;
  /** Ready copies. @minimum 0 */
  readyCopies?: int32;
  /**
   * Details of the current state, one entry per condition type.
   * @listType map
   * @listMapKey type
   */
  conditions?: Condition[];
}
`;
}

function definitionsTsconfig(): Record<string, unknown> {
  // For editors only: skai-gen reads the definitions itself and nothing compiles them.
  return {
    compilerOptions: { module: "ESNext", moduleResolution: "Bundler", target: "ES2022", strict: true, noEmit: true, skipLibCheck: true },
    include: ["**/*.ts"],
  };
}

function readme(c: ScaffoldChoices, names: ResolvedConfig, kindFile: string): string {
  const plural = pluralize(c.kind.toLowerCase());
  const ns = c.scope === "Namespaced" ? " -n default" : "";
  return `# ${c.group}

An aggregated Kubernetes API, \`${c.group}\`, written as TypeScript definitions
and compiled by [skai-gen](https://www.npmjs.com/package/skai-gen) into
\`${OUT_DIR}/\`: the package \`${c.packageName}\` with the apiserver
(\`${names.serverBin}\`), a typed client, OpenAPI, validation, docs and
deployment manifests.

## Commands

| Command | What it does |
| --- | --- |
| \`npm install\` | installs skai-gen and links the generated package |
| \`npm run dev\` | serves the API and regenerates, rebuilds and restarts it on every change to \`definitions/\` |
| \`npm run generate\` | regenerates \`${OUT_DIR}/\` from \`definitions/\` (commit the result) |
| \`npm run build\` | compiles the generated package |
| \`npm start\` | builds, then serves the API on https://127.0.0.1:8443 with its data in \`${names.stateDir}/\` |
| \`npm test\` | builds, then runs the generated smoke test: it starts the server and creates, gets, lists and deletes an object of every kind |

The server writes an admin kubeconfig to \`${names.stateDir}/kubeconfig\`:

\`\`\`sh
kubectl --kubeconfig ${names.stateDir}/kubeconfig get ${plural}${ns}
\`\`\`

In a program, the typed client:

\`\`\`ts
import { ${names.clientClass} } from "${c.packageName}/client";

const client = new ${names.clientClass}(); // follows KUBECONFIG, as kubectl does
\`\`\`

## Adding a field

Edit \`${kindFile}\`: add a property to \`${c.kind}Spec\` with a doc
comment (it becomes the field's description in \`kubectl explain\`) and tags
for its validation, e.g.

\`\`\`ts
  /**
   * How long a copy may stay unready.
   * @minimum 1
   * @default 30
   */
  timeoutSeconds?: int32;
\`\`\`

With \`npm run dev\` running, the server serves the new field as soon as the
file is saved; a mistake is printed as \`file:line:col\` and the running server
keeps serving. A new kind is a new file in the version folder, exported from
its \`index.ts\`. Names (the client class, the server's bin, its state folder,
the manifests' namespace and image) are set in \`skai-gen.config.json\`.

## Documentation

- \`${OUT_DIR}/docs/\`: this API's reference, generated from the doc comments.
- \`${OUT_DIR}/manifests/\`: deploying the server into a cluster (\`kubectl apply -k ${OUT_DIR}/manifests\`).
- The definitions language (types, tags, rules): \`docs/definitions-language.md\`
  in skai-gen's repository; the types a definition imports are in
  \`node_modules/skai-gen/definitions.d.ts\`.
- \`npx skai-gen --help\`: every command and flag.
`;
}

function json(value: unknown): string {
  return JSON.stringify(value, null, 2) + "\n";
}
