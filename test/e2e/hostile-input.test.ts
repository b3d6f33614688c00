/**
 * Hostile input against the generated server, for every kind in every served
 * version: bodies nested up to and one past kube's decoding limit at the places
 * the schema lets an object nest (typed objects, lists, free-form subtrees),
 * megabyte strings at strings, numbers at the int64 and float64 boundaries,
 * every patch type with deep values and malformed directives. Whatever is sent,
 * the answer is never a 5xx, kube's 4xx where kube gives one, and afterwards
 * every stored object can be read, listed, watched and deleted in every version.
 *
 * kube behaviour mirrored: encoding/json's scanner (maxNestingDepth 10000,
 * "exceeded max depth"), sigs.k8s.io/json number decoding (int64 kept exact,
 * "cannot unmarshal number ... into Go value of type float64"), handlers/rest.go
 * transformDecodeError for the message shapes.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type https from "node:https";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, it } from "node:test";
import YAML from "yaml";
import type { ResourceDefinition } from "@skai-gen/runtime";
import { adminAgent, openWatch, request, type Reply } from "../support/admin-http.js";
import { repoRoot, startGeneratedServer, type GeneratedServer } from "../support/generated-server.js";
import { depthOf, fieldPath, MAX_DEPTH, nestedLists, nestedObjects, pointsOf, rng, sample, withRaw, type Point } from "../support/hostile.js";

const NS = "hostile";
/** Per kind and version: how many places of each sort are tried (the first, the last and a seeded sample). */
const PER_SORT = 5;

let server: GeneratedServer;
let agent: https.Agent;
let defs: ResourceDefinition[];

before(async () => {
  server = await startGeneratedServer();
  // Idle sockets are dropped well before the server's 90 s idle close, so none is reused as it closes.
  agent = adminAgent(server.dir, { timeout: 30_000 });
  const served = JSON.parse(readFileSync(path.join(repoRoot, "generated/package.json"), "utf8"));
  assert.ok(served.name);
  defs = [];
  for (const dir of groupVersionDirs()) {
    const mod = await import(pathToFileURL(path.join(repoRoot, "generated/dist", dir, "resources.js")).href);
    defs.push(...(mod.resources as ResourceDefinition[]));
  }
  assert.ok(defs.length > 0);
});
after(async () => {
  agent?.destroy();
  await server?.stop({ cleanup: true });
});

/** `<group>/<version>` folders of the generated package. */
function groupVersionDirs(): string[] {
  const docs = JSON.parse(readFileSync(path.join(repoRoot, "generated/openapi/v2.json"), "utf8")) as { paths: Record<string, unknown> };
  const gvs = new Set<string>();
  for (const p of Object.keys(docs.paths)) {
    const m = /^\/apis\/([^/]+)\/([^/]+)\//.exec(p);
    if (m) gvs.add(`${m[1]}/${m[2]}`);
  }
  return [...gvs].sort();
}

function collection(def: ResourceDefinition, version = def.version): string {
  const ns = def.namespaced ? `/namespaces/${NS}` : "";
  return `${server.url}/apis/${def.group}/${version}${ns}/${def.plural}`;
}

function example(def: ResourceDefinition, name: string): Record<string, any> {
  const file = path.join(repoRoot, "examples", def.group, def.version, `${def.kind.toLowerCase()}.yaml`);
  const obj = YAML.parse(readFileSync(file, "utf8"));
  obj.metadata = { name, ...(def.namespaced ? { namespace: NS } : {}) };
  return obj;
}

let serial = 0;
const nextName = (def: ResourceDefinition) => `${def.kind.toLowerCase()}-${def.version}-${++serial}`;

const send = (url: string, method: string, body: string, contentType = "application/json") =>
  request(url, { method, body, agent, headers: { "Content-Type": contentType }, deadlineMs: 120_000 }).catch((e: Error) => {
    throw new Error(`${method} ${url} (${contentType}, ${body.length} bytes): ${e.message}`);
  });

/** Never a 5xx (nor a dropped connection): a Status when it is an error. */
function noServerError(r: Reply, what: string): void {
  assert.ok(r.status >= 200 && r.status < 500, `${what}: ${r.status} ${r.text.slice(0, 500)}`);
  if (r.status >= 400) assert.equal(r.json().kind, "Status", `${what}: ${r.text.slice(0, 300)}`);
}

function expectTooDeep(r: Reply, def: ResourceDefinition, bracket: "{" | "[", what: string): void {
  assert.equal(r.status, 400, `${what}: ${r.text.slice(0, 300)}`);
  const s = r.json();
  assert.equal(s.reason, "BadRequest");
  assert.ok(
    s.message.startsWith(`the object provided is unrecognized (must be of type ${def.kind}): couldn't get version/kind; json parse error: invalid character '${bracket}' exceeded max depth`),
    `${what}: ${s.message.slice(0, 300)}`,
  );
}

const isObjectPoint = (p: Point) => p.schema.type === "object" && !!p.schema.properties;
const isFreeForm = (p: Point) => !!p.schema["x-kubernetes-preserve-unknown-fields"] && !p.schema.properties;
const isList = (p: Point) => p.schema.type === "array";
const isString = (p: Point) => p.schema.type === "string" && !p.schema["x-kubernetes-int-or-string"];
const isNumber = (p: Point) => p.schema.type === "integer" || p.schema.type === "number";

/** Every object of the kind, read back in every served version of it: GET, LIST (namespace and all), and a watch's initial events. */
async function assertReadableEverywhere(def: ResourceDefinition): Promise<void> {
  const versions = defs.filter((d) => d.group === def.group && d.plural === def.plural).map((d) => d.version);
  for (const v of versions) {
    const list = await request(collection(def, v), { agent, deadlineMs: 120_000 });
    assert.equal(list.status, 200, `LIST ${def.plural} in ${v}: ${list.text.slice(0, 300)}`);
    const items = list.json().items as any[];
    const all = await request(`${server.url}/apis/${def.group}/${v}/${def.plural}`, { agent, deadlineMs: 120_000 });
    assert.equal(all.status, 200, `LIST ${def.plural} across namespaces in ${v}: ${all.text.slice(0, 300)}`);
    for (const item of items) {
      const got = await request(`${collection(def, v)}/${item.metadata.name}`, { agent, deadlineMs: 120_000 });
      assert.equal(got.status, 200, `GET ${item.metadata.name} in ${v}: ${got.text.slice(0, 300)}`);
    }
    const watch = await openWatch(`${collection(def, v)}?watch=1&resourceVersion=0&allowWatchBookmarks=true`, agent);
    try {
      assert.equal(watch.status, 200);
      for (const item of items) await watch.waitFor((e) => e.type === "ADDED" && e.object?.metadata?.name === item.metadata.name, 60_000);
      assert.ok(!watch.events.some((e) => e.type === "ERROR"), `watch ${def.plural} in ${v}: ${JSON.stringify(watch.events.find((e) => e.type === "ERROR"))}`);
    } finally {
      watch.close();
    }
  }
}

describe("hostile input never breaks the API", { timeout: 900_000 }, () => {
  it("every kind and version: nesting, strings, numbers and patches get a 4xx or are stored; everything stays readable", async () => {
    // Every kind is tried even after one fails, so a run reports all that is wrong at once.
    const failures: string[] = [];
    for (const def of defs) {
      try {
        await tryKind(def);
      } catch (e) {
        failures.push((e as Error).message.slice(0, 600));
      }
    }
    assert.deepEqual(failures, []);
  });

  async function tryKind(def: ResourceDefinition): Promise<void> {
    {
      const random = rng(serial + def.kind.length * 7919 + def.version.length);
      const what = (s: string) => `${def.kind} ${def.version}: ${s}`;
      const url = collection(def);
      const base = example(def, "base");
      const points = pointsOf(def.schema, base);

      const plain = await send(url, "POST", JSON.stringify(example(def, nextName(def))));
      assert.equal(plain.status, 201, what(`the example is created: ${plain.text.slice(0, 300)}`));
      const target = plain.json().metadata.name as string;

      // Nesting: an unknown field inside each typed object, a free-form subtree, lists of lists,
      // each exactly at kube's limit and one past it.
      for (const p of sample(points.filter(isObjectPoint), PER_SORT, random)) {
        const at = [...p.path, "zzHostile"];
        const atLimit = await send(url, "POST", withRaw(example(def, nextName(def)), at, nestedObjects(MAX_DEPTH - p.depth - 1)));
        assert.equal(atLimit.status, 201, what(`unknown field at the limit in ${fieldPath(p.path) || "<root>"} is pruned: ${atLimit.text.slice(0, 300)}`));
        expectTooDeep(await send(url, "POST", withRaw(example(def, nextName(def)), at, nestedObjects(MAX_DEPTH - p.depth))), def, "{", what(`past the limit in ${fieldPath(p.path)}`));
      }
      for (const p of points.filter(isFreeForm)) {
        const r = await send(url, "POST", withRaw(example(def, nextName(def)), p.path, nestedObjects(MAX_DEPTH - p.depth)));
        assert.equal(r.status, 201, what(`free-form ${fieldPath(p.path)} at the limit: ${r.text.slice(0, 300)}`));
        const got = await request(`${url}/${r.json().metadata.name}`, { agent, deadlineMs: 120_000 });
        // The free-form value itself, as deep as it was written (managedFields mirror it one level deeper, as kube's do).
        const value = p.path.reduce((v: any, k) => v?.[k], got.json());
        assert.equal(p.depth + depthOf(value), MAX_DEPTH, what("read back as deep as it was written"));
        expectTooDeep(await send(url, "POST", withRaw(example(def, nextName(def)), p.path, nestedObjects(MAX_DEPTH - p.depth + 1))), def, "{", what(`free-form ${fieldPath(p.path)} past the limit`));
      }
      for (const p of sample(points.filter(isList), PER_SORT, random)) {
        noServerError(await send(url, "POST", withRaw(example(def, nextName(def)), p.path, nestedLists(MAX_DEPTH - p.depth))), what(`lists of lists at ${fieldPath(p.path)}`));
        expectTooDeep(await send(url, "POST", withRaw(example(def, nextName(def)), p.path, nestedLists(MAX_DEPTH - p.depth + 1))), def, "[", what(`lists past the limit at ${fieldPath(p.path)}`));
      }

      // A megabyte string at strings: stored, or refused by the schema.
      const huge = JSON.stringify("x".repeat(1 << 20));
      for (const p of sample(points.filter(isString), PER_SORT, random)) {
        const r = await send(url, "POST", withRaw(example(def, nextName(def)), p.path, huge));
        assert.ok([201, 422].includes(r.status), what(`1 MiB string at ${fieldPath(p.path)}: ${r.status} ${r.text.slice(0, 300)}`));
      }

      // Numbers at the boundaries: exact or refused, never changed.
      for (const p of sample(points.filter(isNumber), PER_SORT, random)) {
        const field = fieldPath(p.path);
        const inexact = await send(url, "POST", withRaw(example(def, nextName(def)), p.path, "9007199254740993"));
        assert.equal(inexact.status, 422, what(`2^53+1 at ${field}: ${inexact.text.slice(0, 300)}`));
        assert.ok(
          inexact.json().message.includes(`${field}: Invalid value: 9007199254740993: must be between -9007199254740991 and 9007199254740991, inclusive`),
          what(inexact.json().message),
        );
        const infinite = await send(url, "POST", withRaw(example(def, nextName(def)), p.path, "1e400"));
        assert.equal(infinite.status, 400, what(`1e400 at ${field}: ${infinite.text.slice(0, 300)}`));
        assert.equal(
          infinite.json().message,
          `${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: json: cannot unmarshal number 1e400 into Go value of type float64`,
        );
        for (const literal of ["9007199254740991", "-9007199254740991", "1.7976931348623157e308", "5e-324", "-0", "0.1"]) {
          const r = await send(url, "POST", withRaw(example(def, nextName(def)), p.path, literal));
          assert.ok([201, 422].includes(r.status), what(`${literal} at ${field}: ${r.status} ${r.text.slice(0, 300)}`));
          if (r.status === 201 && literal.startsWith("9007")) assert.ok(r.text.includes(`:${literal}`), what(`${literal} kept digit for digit`));
        }
      }

      // Patches: deep values through every patch type, malformed directives, YAML bombs.
      const objURL = `${url}/${target}`;
      const freeForm = points.find(isFreeForm);
      const deepAt = freeForm ?? { path: ["metadata", "zzHostile"], depth: 2, schema: {} };
      const mergeBody = (levels: number) => withRaw({}, deepAt.path, nestedObjects(levels));
      noServerError(await send(objURL, "PATCH", mergeBody(MAX_DEPTH - deepAt.depth), "application/merge-patch+json"), what("merge patch at the limit"));
      for (const type of ["application/merge-patch+json", "application/strategic-merge-patch+json"]) {
        // evanphx/json-patch's ErrBadJSONPatch, which kube's patch handler answers as a 400
        const tooDeep = await send(objURL, "PATCH", mergeBody(MAX_DEPTH - deepAt.depth + 1), type);
        assert.equal(tooDeep.status, 400, what(`${type} past the limit: ${tooDeep.text.slice(0, 300)}`));
        assert.equal(tooDeep.json().message, "Invalid JSON Patch");
      }
      noServerError(await send(objURL, "PATCH", mergeBody(MAX_DEPTH - deepAt.depth), "application/strategic-merge-patch+json"), what("strategic merge patch at the limit"));
      const jsonPatch = `[{"op":"add","path":"/metadata/annotations","value":{"deep":"x"}},{"op":"add","path":"/${deepAt.path.join("/")}","value":${nestedObjects(MAX_DEPTH - 2)}}]`;
      noServerError(await send(objURL, "PATCH", jsonPatch, "application/json-patch+json"), what("JSON patch with a deep value"));
      for (const directive of [
        '{"metadata":{"labels":{"$patch":"bogus"}}}',
        '{"metadata":{"$retainKeys":["name"],"labels":{"a":"b"}}}',
        '{"metadata":{"$setElementOrder/finalizers":"not-a-list"}}',
        '{"metadata":{"$deleteFromPrimitiveList/finalizers":7}}',
        '{"metadata":{"finalizers":[{"$patch":"delete"}]}}',
      ]) {
        noServerError(await send(objURL, "PATCH", directive, "application/strategic-merge-patch+json"), what(`directive ${directive}`));
      }
      const bomb = ["a: &a [x, x, x, x, x, x, x, x, x]", ...Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`)].join("\n");
      const applied = await send(`${objURL}?fieldManager=hostile`, "PATCH", `${YAML.stringify({ apiVersion: `${def.group}/${def.version}`, kind: def.kind, metadata: { name: target } })}${bomb}\n`, "application/apply-patch+yaml");
      assert.equal(applied.status, 400, what(`YAML alias bomb as apply: ${applied.text.slice(0, 300)}`));
      const deepYAML = `apiVersion: ${def.group}/${def.version}\nkind: ${def.kind}\nmetadata:\n  name: ${target}\nspec: ${"[".repeat(MAX_DEPTH + 1)}${"]".repeat(MAX_DEPTH + 1)}\n`;
      assert.equal((await send(`${objURL}?fieldManager=hostile`, "PATCH", deepYAML, "application/apply-patch+yaml")).status, 400, what("YAML past the limit as apply"));

      await assertReadableEverywhere(def);
    }
  }

  it("the deepest object each version accepts is read, listed and watched in every version and deleted through each", async () => {
    const deepKinds = defs.filter((d) => pointsOf(d.schema, example(d, "x")).some(isFreeForm));
    assert.ok(deepKinds.length > 0, "some kind has a free-form field to nest in");
    for (const def of deepKinds) {
      const siblings = defs.filter((d) => d.group === def.group && d.plural === def.plural);
      const free = pointsOf(def.schema, example(def, "x")).find(isFreeForm)!;
      const names: string[] = [];
      for (const _ of siblings) {
        const r = await send(collection(def), "POST", withRaw(example(def, nextName(def)), free.path, nestedObjects(MAX_DEPTH - free.depth)));
        assert.equal(r.status, 201, `${def.kind} ${def.version} at the limit: ${r.text.slice(0, 300)}`);
        names.push(r.json().metadata.name);
      }
      await assertReadableEverywhere(def);
      // Deleted through each served version, one object each.
      for (const [i, sibling] of siblings.entries()) {
        const r = await request(`${collection(def, sibling.version)}/${names[i]}`, { method: "DELETE", agent, deadlineMs: 120_000 });
        assert.equal(r.status, 200, `DELETE through ${sibling.version}: ${r.text.slice(0, 300)}`);
        const gone = await request(`${collection(def, sibling.version)}/${names[i]}`, { agent });
        assert.equal(gone.status, 404);
      }
    }
  });

  it("the server logged no stack overflow and served every request", () => {
    assert.doesNotMatch(server.output(), /Maximum call stack size exceeded/);
  });
});
