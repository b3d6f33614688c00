/**
 * The two APIs unlike SKAI that the journey builds (definitions from
 * test/fixtures/apis), and what a user would check on each: how init is
 * called, a valid and an invalid object per kind, the print columns, a field
 * `kubectl explain` documents, and the typed client's names.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "../support/registry.js";

export interface JourneyKind {
  kind: string;
  plural: string;
  /** `<plural>.<group>`: unambiguous for kubectl. */
  resource: string;
  namespace?: string;
  /** A valid object, as YAML for kubectl create. */
  yaml: string;
  name: string;
  /** Column headers `kubectl get` prints, and a value of this object's row. */
  columns: string[];
  rowValue: string;
  /** A spec field and words of its description, for `kubectl explain <plural>.spec`. */
  explain: { field: string; words: string };
  /** An object the schema refuses, and what the 422 names. */
  invalid: { yaml: string; message: RegExp };
  /** A merge patch for `get -w` to see, and the value it makes visible. */
  change: { patch: object; jsonPath: string; value: string };
  /** The scale subresource, when the kind has one: the spec field it writes. */
  scale?: { jsonPath: string };
}

export interface JourneyApi {
  /** test/fixtures/apis/<name> */
  name: string;
  initArgs: string[];
  /** The user's own edits after copying the fixture's definitions. */
  editDefinitions?(definitionsDir: string): void;
  groups: string[];
  packageName: string;
  kinds: JourneyKind[];
  /** A schema change made while `skai-gen dev` runs (a field with a default), and a mistake saved after it. */
  dev?: {
    file: string;
    after: string;
    field: string;
    insert: string;
    defaultValue: string;
    /** The generated package's export of this version's types. */
    typesNamespace: string;
    mistake: { after: string; insert: string; message: RegExp };
  };
  /** The typed client program's view of one kind. */
  client: { className: string; accessor: string; kind: JourneyKind; object: object; otherVersionAccessor?: string };
}

export const fixtureDefinitions = (api: JourneyApi) => path.join(repoRoot, "test/fixtures/apis", api.name, "definitions");

const greeting: JourneyKind = {
  kind: "Greeting",
  plural: "greetings",
  resource: "greetings.tiny.example.org",
  name: "hello",
  yaml: "apiVersion: tiny.example.org/v1alpha1\nkind: Greeting\nmetadata:\n  name: hello\nspec:\n  message: Hello, world\n  times: 2\n",
  // No print columns: kubectl shows what the server's Table has for a kind without them.
  columns: ["NAME", "AGE"],
  rowValue: "hello",
  explain: { field: "message", words: "The text of the greeting" },
  invalid: {
    yaml: "apiVersion: tiny.example.org/v1alpha1\nkind: Greeting\nmetadata:\n  name: too-many\nspec:\n  message: Hi\n  times: 11\n",
    message: /spec\.times: Invalid value: 11: spec\.times in body should be less than or equal to 10/,
  },
  change: { patch: { spec: { message: "Hello again" } }, jsonPath: "{.spec.message}", value: "Hello again" },
};

export const minimal: JourneyApi = {
  name: "minimal",
  initArgs: ["--group", "tiny.example.org", "--kind", "Greeting", "--scope", "Cluster", "--package", "tiny-api"],
  groups: ["tiny.example.org"],
  packageName: "tiny-api",
  kinds: [greeting],
  dev: {
    file: "definitions/tiny.example.org/v1alpha1/greeting.ts",
    after: "  times?: int32;\n",
    field: "tone",
    insert: '  /** How the greeting sounds. @default "warm" */\n  tone?: "warm" | "formal";\n',
    defaultValue: "warm",
    typesNamespace: "tinyV1alpha1",
    // A bound that is not a number: a diagnostic at the tag, not a crash.
    mistake: { after: "  times?: int32;\n", insert: "  /** Words per line. @minimum many */\n  words?: int32;\n", message: /greeting\.ts:\d+:\d+: error/ },
  },
  client: {
    className: "TinyClient",
    accessor: "tinyV1alpha1.greetings()",
    kind: greeting,
    object: { metadata: { name: "from-client" }, spec: { message: "typed" } },
  },
};

const ship: JourneyKind = {
  kind: "Ship",
  plural: "ships",
  resource: "ships.ships.fleet.example.net",
  namespace: "default",
  name: "aurora",
  yaml: "apiVersion: ships.fleet.example.net/v1beta1\nkind: Ship\nmetadata:\n  name: aurora\n  namespace: default\nspec:\n  class: Frigate\n  crew: 12\n",
  columns: ["NAME", "CLASS", "CREW"],
  rowValue: "Frigate",
  explain: { field: "crew", words: "Crew on board" },
  invalid: {
    yaml: "apiVersion: ships.fleet.example.net/v1beta1\nkind: Ship\nmetadata:\n  name: ghost\n  namespace: default\nspec:\n  class: Submarine\n  crew: 12\n",
    message: /spec\.class: Unsupported value: "Submarine": supported values: "Frigate", "Tanker", "Ferry"/,
  },
  change: { patch: { spec: { class: "Tanker" } }, jsonPath: "{.spec.class}", value: "Tanker" },
  scale: { jsonPath: "{.spec.crew}" },
};

const port: JourneyKind = {
  kind: "Port",
  plural: "ports",
  resource: "ports.ports.fleet.example.net",
  name: "rotterdam",
  yaml: "apiVersion: ports.fleet.example.net/v1\nkind: Port\nmetadata:\n  name: rotterdam\nspec:\n  country: NL\n  berths: 40\n",
  columns: ["NAME", "COUNTRY", "BERTHS"],
  rowValue: "NL",
  explain: { field: "country", words: "ISO 3166-1 alpha-2 country code" },
  invalid: {
    yaml: "apiVersion: ports.fleet.example.net/v1\nkind: Port\nmetadata:\n  name: atlantis\nspec:\n  country: atlantis\n",
    message: /spec\.country: Invalid value: "atlantis": spec\.country in body should match '\^\[A-Z\]\{2\}\$'/,
  },
  change: { patch: { spec: { berths: 41 } }, jsonPath: "{.spec.berths}", value: "41" },
};

/** The user gives Ship a scale subresource on its crew (both versions, as a schema change would). */
function shipScales(definitionsDir: string): void {
  for (const version of ["v1alpha1", "v1beta1"]) {
    const file = path.join(definitionsDir, "ships.fleet.example.net", version, "ship.ts");
    const before = readFileSync(file, "utf8");
    const after = before
      .replace(" * @subresource status\n", " * @subresource status\n * @subresource scale specReplicasPath=.spec.crew statusReplicasPath=.status.crewAboard\n")
      .replace("  position?: string;\n", "  position?: string;\n  /** Crew members aboard now. */\n  crewAboard?: int32;\n");
    if (after === before || !after.includes("crewAboard?: int32") || !after.includes("@subresource scale")) {
      throw new Error(`${file}: the fixture changed; the journey's edit (a scale subresource on Ship) no longer applies`);
    }
    writeFileSync(file, after);
  }
}

export const fleet: JourneyApi = {
  name: "fleet",
  initArgs: ["--group", "ships.fleet.example.net", "--version", "v1beta1", "--kind", "Ship", "--package", "fleet-api"],
  editDefinitions: shipScales,
  groups: ["ships.fleet.example.net", "ports.fleet.example.net"],
  packageName: "fleet-api",
  kinds: [ship, port],
  client: {
    className: "FleetClient",
    accessor: 'shipsV1beta1.ships("default")',
    otherVersionAccessor: 'shipsV1alpha1.ships("default")',
    kind: ship,
    object: { metadata: { name: "from-client" }, spec: { class: "Ferry", crew: 3 } },
  },
};

/**
 * A program of the user's, in TypeScript against the generated typed client:
 * lists, watches from the list's version, creates, sees its ADDED event, lists
 * again (also through the other served version when there is one), deletes.
 * Prints one JSON line for the test to read.
 */
export function clientProgram(api: JourneyApi): string {
  const { className, accessor, otherVersionAccessor, object } = api.client;
  return `import { ${className}, isNotFound } from "${api.packageName}/client";

const client = new ${className}(process.argv[2]);
const objects = client.${accessor};
const name = ${JSON.stringify((object as { metadata: { name: string } }).metadata.name)};

const before = await objects.list();
const watch = objects.watch({ resourceVersion: before.metadata?.resourceVersion });
const created = await objects.create(${JSON.stringify(object)});
let event: string | undefined;
for await (const e of watch) {
  if (e.type !== "BOOKMARK" && e.object.metadata?.name === name) {
    event = e.type;
    break;
  }
}
watch.close();
const after = await objects.list();
const listed = after.items.map((o) => o.metadata?.name);
${otherVersionAccessor ? `const other = (await client.${otherVersionAccessor}.get(name)).apiVersion;` : "const other = undefined;"}
await objects.delete(name);
const gone = await objects.get(name).then(() => false, (e: unknown) => isNotFound(e));
console.log(JSON.stringify({ uid: created.metadata?.uid ?? null, event, listed, other, gone }));
`;
}

/** The same client call from a project that installed only the generated package. */
export function clientOnlyProgram(api: JourneyApi): string {
  const { className, accessor } = api.client;
  return `import { ${className} } from "${api.packageName}/client";

const client = new ${className}(process.argv[2]);
const list = await client.${accessor}.list();
console.log(JSON.stringify({ kind: list.kind, items: list.items.length }));
`;
}
