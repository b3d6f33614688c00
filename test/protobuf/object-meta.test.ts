/**
 * The fixed ObjectMeta messages (generator/src/emit/protobuf/object-meta.ts)
 * match what the generator derives from kubernetes-types' meta/v1 when the
 * definitions reach it (SKAI's do), and an API that does not reach it gets them too.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import { groupVersionMessages } from "../../generator/src/emit/protobuf/messages.js";
import { OBJECT_META_MESSAGES } from "../../generator/src/emit/protobuf/object-meta.js";
import { readDefinitions } from "../../generator/src/read/index.js";
import { fixtureRoot } from "../support/fixture-apis.js";
import { repoRoot } from "../support/generated-server.js";

const META = "io.k8s.apimachinery.pkg.apis.meta.v1";
const wire = (fields: Array<{ number: number; name: string; type: string; ref?: string }>) => fields.map(({ number, name, type, ref }) => ({ number, name, type, ref }));

async function metaMessages(definitionsDir: string, projectRoot: string) {
  const { model, diagnostics } = await readDefinitions(definitionsDir, { projectRoot });
  assert.deepEqual(diagnostics, []);
  const group = model.groups[0]!;
  const messages = groupVersionMessages(model, group, group.versions[0]!);
  return { model, byName: new Map(messages.map((m) => [m.name, m])) };
}

test("the fixed messages equal those derived from kubernetes-types (SKAI reaches ObjectMeta)", { timeout: 60_000 }, async () => {
  const { model, byName } = await metaMessages(path.join(repoRoot, "definitions"), repoRoot);
  assert.ok(model.types[`${META}.ObjectMeta`], "SKAI's model reaches ObjectMeta through kubernetes-types");
  for (const fixed of OBJECT_META_MESSAGES) {
    const derived = byName.get(fixed.name);
    assert.ok(derived, fixed.name);
    assert.deepEqual(wire(fixed.fields), wire(derived.fields), fixed.name);
  }
});

test("an API whose model never reaches ObjectMeta still has it in its descriptors", { timeout: 60_000 }, async () => {
  const root = fixtureRoot("minimal");
  const { model, byName } = await metaMessages(path.join(root, "definitions"), root);
  assert.equal(model.types[`${META}.ObjectMeta`], undefined);
  for (const name of ["ObjectMeta", "OwnerReference", "ManagedFieldsEntry"]) assert.ok(byName.get(`k8s.io.apimachinery.pkg.apis.meta.v1.${name}`), name);
});
