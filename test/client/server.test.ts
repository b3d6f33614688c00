// The generated client against the generated server (child process, SQLite, random port),
// connected through the standalone kubeconfig the server writes.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  ApiError,
  SkaiClient,
  isAlreadyExists,
  isConflict,
  isInvalid,
  isNotFound,
  retryOnConflict,
  type ResourceClient,
  type WatchEvent,
} from "../../generated/src/client/index.js";
import type { Notebook } from "../../generated/src/skai.io/v1alpha1/types.js";
import { sample, type Sample } from "./helpers/samples.js";
import { ServerProcess } from "./helpers/server.js";

let server: ServerProcess;
let client: SkaiClient;

before(async () => {
  server = await ServerProcess.start();
  client = new SkaiClient(server.kubeconfig);
});
after(async () => {
  client?.close();
  await server?.stop();
});

async function until(cond: () => boolean | Promise<boolean>, ms = 15_000, what = "condition"): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

// Every kind through one generic view; the typed surface is covered by the type-level test.
type AnyClient = ResourceClient<Sample & { status?: Record<string, unknown> }>;
const kinds: Array<{ kind: string; file: string; clientFor: (ns: string) => AnyClient; scaled?: (o: Sample) => number }> = [
  { kind: "Notebook", file: "notebook", clientFor: (ns) => client.skaiV1alpha1.notebooks(ns) as unknown as AnyClient },
  { kind: "Dataset", file: "dataset", clientFor: (ns) => client.skaiV1alpha1.datasets(ns) as unknown as AnyClient },
  { kind: "Model", file: "model", clientFor: (ns) => client.skaiV1alpha1.models(ns) as unknown as AnyClient },
  {
    kind: "TrainingJob",
    file: "trainingjob",
    clientFor: (ns) => client.skaiV1alpha1.trainingjobs(ns) as unknown as AnyClient,
    scaled: (o) => (o.spec.workers as { replicas: number }).replicas,
  },
  {
    kind: "InferenceService",
    file: "inferenceservice",
    clientFor: (ns) => client.skaiV1alpha1.inferenceservices(ns) as unknown as AnyClient,
    scaled: (o) => o.spec.replicas as number,
  },
  { kind: "Queue", file: "queue", clientFor: () => client.skaiV1alpha1.queues() as unknown as AnyClient },
];

describe("every verb for every kind", () => {
  for (const k of kinds) {
    test(k.kind, async () => {
      const ns = `verbs-${k.file}`;
      const c = k.clientFor(ns);
      const name = `${k.file}-a`;
      const obj = sample(k.file, name);

      // create: dry run persists nothing; then for real (201 with server-set metadata).
      const dry = await c.create(obj, { dryRun: "All" });
      assert.equal(dry.metadata.name, name);
      await assert.rejects(c.get(name), (e) => isNotFound(e));
      const created = await c.create(obj, { fieldManager: "client-test", fieldValidation: "Strict" });
      assert.ok(created.metadata.resourceVersion);
      assert.equal(created.kind, k.kind);
      await assert.rejects(c.create(obj), (e) => isAlreadyExists(e));
      await c.create({ ...obj, metadata: { name: `${k.file}-b`, labels: { set: "b" } } });

      // get, list with selectors
      assert.equal((await c.get(name)).metadata.resourceVersion, created.metadata.resourceVersion);
      const all = await c.list();
      assert.deepEqual(all.items.map((o) => o.metadata.name).sort(), [name, `${k.file}-b`]);
      assert.deepEqual((await c.list({ labelSelector: { set: "b" } })).items.map((o) => o.metadata.name), [`${k.file}-b`]);
      assert.deepEqual((await c.list({ fieldSelector: { "metadata.name": name } })).items.map((o) => o.metadata.name), [name]);

      // watch from the list's version sees the writes below, in order
      const events: Array<WatchEvent<Sample>> = [];
      const watch = c.watch({ resourceVersion: all.metadata?.resourceVersion, fieldSelector: `metadata.name=${name}` });
      const watching = (async () => {
        for await (const ev of watch) events.push(ev);
      })();

      // update, updateStatus, three patch types
      const updated = await c.update({ ...created, metadata: { ...created.metadata, labels: { ...created.metadata.labels, step: "update" } } });
      assert.equal(updated.metadata.labels?.step, "update");
      const withStatus = await c.updateStatus({ ...updated, status: { observedGeneration: 1 } });
      assert.deepEqual(withStatus.status?.observedGeneration, 1);
      assert.equal((await c.patch(name, { metadata: { labels: { step: "merge" } } })).metadata.labels?.step, "merge");
      const jp = await c.patch(name, [{ op: "add", path: "/metadata/annotations", value: { by: "json-patch" } }], "json");
      assert.deepEqual(jp.metadata && (jp.metadata as { annotations?: unknown }).annotations, { by: "json-patch" });
      assert.equal((await c.patch(name, { metadata: { labels: { step: "strategic" } } }, "strategic")).metadata.labels?.step, "strategic");
      assert.deepEqual((await c.patchStatus(name, { status: { observedGeneration: 2 } })).status?.observedGeneration, 2);

      // scale where declared
      if (k.scaled) {
        const scale = await c.getScale(name);
        assert.equal(scale.kind, "Scale");
        assert.equal(scale.spec?.replicas, k.scaled(created)); // created: the server applied defaults
        const cur = await c.updateScale(name, { ...scale, spec: { replicas: 3 } });
        assert.equal(cur.spec?.replicas, 3);
        assert.equal(k.scaled(await c.get(name)), 3);
        await c.patchScale(name, { spec: { replicas: 5 } });
        assert.equal(k.scaled(await c.get(name)), 5);
        // server-side apply of the Scale (client-go's ApplyScale): replicas is owned by the
        // updater above, so a second manager conflicts unless it forces
        await assert.rejects(c.applyScale(name, { spec: { replicas: 6 } }, { fieldManager: "autoscaler" }), (e) => isConflict(e));
        const applied = await c.applyScale(name, { spec: { replicas: 6 } }, { fieldManager: "autoscaler", force: true });
        assert.equal(applied.spec?.replicas, 6);
        const { managedFields } = (await c.get(name)).metadata as { managedFields?: { manager: string; operation: string; subresource?: string }[] };
        const owner = managedFields?.find((m) => m.manager === "autoscaler");
        assert.deepEqual([owner?.operation, owner?.subresource, k.scaled(await c.get(name))], ["Apply", "scale", 6]);
      }

      await until(() => events.filter((e) => e.type === "MODIFIED").length >= 5, 10_000, "watch events");
      assert.ok(events.every((e) => e.object.metadata.name === name));

      // delete one, deleteCollection the rest
      await c.delete(name);
      await assert.rejects(c.get(name), (e) => isNotFound(e));
      await until(() => events.some((e) => e.type === "DELETED"), 10_000, "DELETED event");
      watch.close();
      await watching;
      await c.deleteCollection({ labelSelector: "set=b" });
      assert.equal((await c.list()).items.length, 0);
    });
  }
});

test("pagination: 1,000 Notebooks in pages of 100", { timeout: 300_000 }, async () => {
  const nbs = client.skaiV1alpha1.notebooks("paging");
  const base = sample("notebook", "x") as unknown as Notebook;
  const names = Array.from({ length: 1000 }, (_, i) => `nb-${String(i).padStart(4, "0")}`);
  for (let i = 0; i < names.length; i += 25) {
    await Promise.all(names.slice(i, i + 25).map((name) => nbs.create({ ...base, metadata: { name, labels: { page: "yes" } } })));
  }
  // Page by page by hand: every page but the last is full and carries a continue token.
  const seen: string[] = [];
  let cont: string | undefined;
  let pages = 0;
  let rv: string | undefined;
  do {
    const page = await nbs.list({ limit: 100, continue: cont, labelSelector: "page=yes" });
    pages++;
    rv ??= page.metadata.resourceVersion;
    if (page.metadata.continue) assert.equal(page.items.length, 100);
    seen.push(...page.items.map((o) => o.metadata.name!));
    cont = page.metadata.continue || undefined;
  } while (cont);
  assert.equal(pages, 10);
  assert.deepEqual(seen.sort(), names);
  // The async iterator does the same.
  const iterated: string[] = [];
  for await (const nb of nbs.listAll({ limit: 100 })) iterated.push(nb.metadata.name!);
  assert.equal(iterated.length, 1000);
  assert.equal(new Set(iterated).size, 1000);
  let n = 0;
  for await (const _ of nbs) n++;
  assert.equal(n, 1000);
  await nbs.deleteCollection({ labelSelector: "page=yes" });
});

test("conflicts surface as isConflict; retryOnConflict gets through", async () => {
  const nbs = client.skaiV1alpha1.notebooks("conflicts");
  const nb = await nbs.create(sample("notebook", "c") as unknown as Notebook);
  await nbs.update({ ...nb, spec: { ...nb.spec, suspend: true } });
  const err = await nbs.update({ ...nb, spec: { ...nb.spec, suspend: false } }).catch((e: unknown) => e);
  assert.ok(err instanceof ApiError);
  assert.equal(isConflict(err), true);
  assert.equal(err.code, 409);
  assert.equal(err.reason, "Conflict");
  let attempts = 0;
  await retryOnConflict(async () => {
    const cur = attempts++ === 0 ? nb : await nbs.get("c");
    await nbs.update({ ...cur, spec: { ...cur.spec, suspend: false } });
  });
  assert.equal(attempts, 2);
  assert.equal((await nbs.get("c")).spec.suspend, false);
});

test("validation errors carry their causes", async () => {
  const nbs = client.skaiV1alpha1.notebooks("invalid");
  const bad = sample("notebook", "bad") as unknown as Notebook;
  const err = await nbs.create({ ...bad, spec: { ...bad.spec, image: "", resources: { gpus: 17 } } }).catch((e: unknown) => e);
  assert.ok(err instanceof ApiError, String(err));
  assert.equal(isInvalid(err), true);
  assert.equal(err.code, 422);
  const fields = err.causes.map((c) => c.field);
  assert.ok(fields.includes("spec.image"), JSON.stringify(err.causes));
  assert.ok(fields.includes("spec.resources.gpus"), JSON.stringify(err.causes));
  assert.ok(err.causes.every((c) => c.reason && c.message));
  // Unknown fields with fieldValidation=Strict: 400 naming the field.
  const strict = await nbs.create({ ...bad, spec: { ...bad.spec, bogus: 1 } as Notebook["spec"] }, { fieldValidation: "Strict" }).catch((e: unknown) => e);
  assert.ok(strict instanceof ApiError);
  assert.equal(strict.code, 400);
  assert.match(strict.message, /unknown field "spec\.bogus"/);
});

test("cancellation: an aborted request rejects with AbortError", async () => {
  const ctrl = new AbortController();
  const p = client.skaiV1alpha1.notebooks("default").list({ signal: ctrl.signal });
  ctrl.abort();
  await assert.rejects(p, (e: Error) => e.name === "AbortError");
});

test("a watch and an informer survive a server restart without losing or duplicating objects", { timeout: 120_000 }, async () => {
  const ns = "restart";
  const nbs = client.skaiV1alpha1.notebooks(ns);
  const base = sample("notebook", "x") as unknown as Notebook;
  for (let i = 0; i < 20; i++) await nbs.create({ ...base, metadata: { name: `before-${i}` } });

  const informer = client.informers.skaiV1alpha1.notebooks({ namespace: ns });
  const adds = new Map<string, number>();
  const deletes = new Map<string, number>();
  informer.addEventHandler({
    onAdd: (o) => void adds.set(o.metadata.name!, (adds.get(o.metadata.name!) ?? 0) + 1),
    onDelete: (o) => void deletes.set(o.metadata.name!, (deletes.get(o.metadata.name!) ?? 0) + 1),
  });
  informer.start();
  await informer.waitForSync();
  const watchEvents: string[] = [];
  const watch = nbs.watch();
  const watching = (async () => {
    for await (const ev of watch) watchEvents.push(`${ev.type}:${ev.object.metadata.name}`);
  })();
  await until(() => watchEvents.length === 20, 10_000, "initial watch events");

  await nbs.create({ ...base, metadata: { name: "just-before" } });
  await nbs.delete("before-0");
  await server.restart(300);
  // The client is the same object: it reconnects on the restarted server (same port, same database).
  await nbs.create({ ...base, metadata: { name: "after" } });
  await nbs.delete("before-1");
  const expected = (await nbs.list()).items.map((o) => o.metadata.name!).sort();
  await until(() => JSON.stringify(informer.lister.namespace(ns).list().map((o) => o.metadata.name!).sort()) === JSON.stringify(expected), 30_000, "informer to converge");
  assert.ok([...adds.values()].every((n) => n === 1), `an object was added twice: ${JSON.stringify([...adds])}`);
  assert.ok([...deletes.values()].every((n) => n === 1));
  assert.deepEqual([...deletes.keys()].sort(), ["before-0", "before-1"]);
  await until(() => watchEvents.includes("DELETED:before-1"), 30_000, "watch to see the post-restart delete");
  // The watch delivered each change once: no second ADDED for an object.
  const added = watchEvents.filter((e) => e.startsWith("ADDED:"));
  assert.equal(added.length, new Set(added).size, watchEvents.join(" "));
  assert.ok(added.includes("ADDED:just-before") && added.includes("ADDED:after"));
  watch.close();
  await watching;
  informer.stop();
});

test("log subresource (skipped while the server cannot serve it here)", async (t) => {
  const nbs = client.skaiV1alpha1.notebooks("logs");
  await nbs.create(sample("notebook", "l") as unknown as Notebook);
  let stream;
  try {
    stream = await nbs.log("l", { tailLines: 10 });
  } catch (err) {
    assert.ok(err instanceof ApiError, String(err));
    // 404/405: no log endpoint; 400: the endpoint exists but this Notebook has no pod to read from (no cluster here).
    if (err.code === 404 || err.code === 405 || err.code === 400) return t.skip(`server answers ${err.code} ${err.reason}: ${err.message}`);
    throw err;
  }
  let text = "";
  for await (const chunk of stream) text += chunk;
  assert.equal(typeof text, "string");
});

test("server-side apply (skipped while the server answers 415)", async (t) => {
  const nbs = client.skaiV1alpha1.notebooks("apply");
  const nb = sample("notebook", "ap") as unknown as Notebook;
  let applied;
  try {
    applied = await nbs.apply(nb, { fieldManager: "client-test" });
  } catch (err) {
    assert.ok(err instanceof ApiError, String(err));
    if (err.code === 415) return t.skip(`server: ${err.message}`);
    throw err;
  }
  assert.equal(applied.metadata.name, "ap");
  const again = await nbs.apply({ ...nb, spec: { ...nb.spec, suspend: true } }, { fieldManager: "client-test" });
  assert.equal(again.spec.suspend, true);
});

test("server warnings (fieldValidation=Warn) reach onWarning", async () => {
  const warnings: string[] = [];
  const c = new SkaiClient({ kubeconfigPath: server.kubeconfig, onWarning: (w) => warnings.push(w) });
  try {
    const nb = sample("notebook", "warned") as unknown as Notebook;
    await c.skaiV1alpha1.notebooks("warn").create({ ...nb, spec: { ...nb.spec, bogus: 1 } as Notebook["spec"] }, { fieldValidation: "Warn" });
    // Other warnings (e.g. a deprecated version) may come along.
    assert.ok(warnings.includes('unknown field "spec.bogus"'), JSON.stringify(warnings));
  } finally {
    c.close();
  }
});
