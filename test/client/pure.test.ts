// Pure parts of the client runtime: selectors, query strings, errors, the indexer and listers.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  ApiError,
  Indexer,
  Lister,
  compileLabelSelector,
  formatLabelSelector,
  isAlreadyExists,
  isConflict,
  isExpired,
  isForbidden,
  isInvalid,
  isNotFound,
  retryOnConflict,
} from "../../client/src/index.js";
import { KubeConfig } from "@kubernetes/client-node";
import { normalizeConfig, resolveConnection } from "../../client/src/config.js";
import { errorFromResponse } from "../../client/src/errors.js";
import { listQuery, writeQuery } from "../../client/src/query.js";

test("label selectors: string, structured and map forms format and match like apimachinery", () => {
  assert.equal(formatLabelSelector({ app: "x", tier: "web" }), "app=x,tier=web");
  assert.equal(
    formatLabelSelector({ matchLabels: { app: "x" }, matchExpressions: [{ key: "env", operator: "In", values: ["b", "a"] }, { key: "legacy", operator: "DoesNotExist" }] }),
    "app=x,env in (a,b),!legacy",
  );
  const m = compileLabelSelector("app=x, env in (prod,staging), !legacy, tier!=db, team");
  assert.equal(m({ app: "x", env: "prod", team: "a" }), true);
  assert.equal(m({ app: "x", env: "dev", team: "a" }), false);
  assert.equal(m({ app: "x", env: "prod", team: "a", legacy: "1" }), false);
  assert.equal(m({ app: "x", env: "prod", team: "a", tier: "db" }), false);
  assert.equal(m({ app: "x", env: "prod" }), false);
  assert.equal(compileLabelSelector("a notin (1,2)")({}), true);
  assert.equal(compileLabelSelector("a notin (1,2)")({ a: "1" }), false);
  assert.equal(compileLabelSelector("a==b")({ a: "b" }), true);
  assert.equal(compileLabelSelector("")(undefined), true);
});

test("query strings carry list and write options, encoded", () => {
  assert.equal(listQuery({ labelSelector: "app in (a, b)", limit: 100, continue: "tok", resourceVersion: "5" }), "?labelSelector=app%20in%20(a%2C%20b)&limit=100&continue=tok&resourceVersion=5");
  assert.equal(listQuery({ fieldSelector: { "status.phase": "Running" } }), "?fieldSelector=status.phase%3DRunning");
  // map values are escaped as fields.Set writes them, so `,` and `=` stay inside the value
  assert.equal(listQuery({ fieldSelector: { "metadata.name": "a,b=c\\d" } }), "?fieldSelector=" + encodeURIComponent("metadata.name=a\\,b\\=c\\\\d"));
  assert.equal(writeQuery({ dryRun: "All", fieldValidation: "Strict" }, "me"), "?dryRun=All&fieldManager=me&fieldValidation=Strict");
  assert.equal(writeQuery(undefined, undefined), "");
});

test("errors: Status bodies become ApiError with reason helpers; other bodies are synthesised from the code", () => {
  const invalid = errorFromResponse(
    422,
    JSON.stringify({
      kind: "Status",
      apiVersion: "v1",
      status: "Failure",
      reason: "Invalid",
      code: 422,
      message: 'Notebook.skai.io "x" is invalid: spec.image: Required value',
      details: { name: "x", kind: "Notebook", causes: [{ reason: "FieldValueRequired", field: "spec.image", message: "Required value" }] },
    }),
    {},
  );
  assert.ok(invalid instanceof ApiError);
  assert.equal(invalid.isInvalid(), true);
  assert.equal(isInvalid(invalid), true);
  assert.deepEqual(invalid.causes, [{ reason: "FieldValueRequired", field: "spec.image", message: "Required value" }]);
  assert.match(invalid.message, /spec\.image: Required value/);

  const plain = errorFromResponse(503, "service unavailable\n", { "retry-after": "3" });
  assert.equal(plain.code, 503);
  assert.equal(plain.reason, "ServiceUnavailable");
  assert.equal(plain.retryAfterSeconds, 3);
  assert.equal(isNotFound(errorFromResponse(404, "", {})), true);
  assert.equal(isConflict(errorFromResponse(409, "", {})), true);
  // AlreadyExists is reason-only: a bare 409 is not one (apimachinery's IsAlreadyExists).
  assert.equal(isAlreadyExists(errorFromResponse(409, "", {})), false);
  assert.equal(isForbidden(errorFromResponse(403, "", {})), true);
  assert.equal(isExpired(new ApiError({ status: "Failure", reason: "Gone", code: 410 })), true);
  assert.equal(isNotFound(new Error("x")), false);
});

test("errors: the predicates are type guards, so a caught value's Status is at hand", () => {
  const status = { kind: "Status", status: "Failure", reason: "Invalid", code: 422, details: { causes: [{ reason: "FieldValueRequired", field: "spec.image" }] } };
  const caught: unknown = errorFromResponse(422, JSON.stringify(status), {});
  // `caught.status` compiles only because isInvalid narrows unknown to ApiError (npm run typecheck).
  assert.deepEqual(isInvalid(caught) ? caught.status.details?.causes?.map((c) => c.field) : undefined, ["spec.image"]);
});

test("user agent: a generated client's default, the caller's option over it, else the program's name as client-go", async () => {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: "c", server: "http://127.0.0.1:1", skipTLSVerify: true }],
    users: [{ name: "u" }],
    contexts: [{ name: "x", cluster: "c", user: "u" }],
    currentContext: "x",
  });
  const userAgent = async (config: Parameters<typeof normalizeConfig>[0], defaults?: Parameters<typeof normalizeConfig>[1]) => {
    const { kc: resolved, opts } = normalizeConfig(config, defaults);
    const connection = await resolveConnection(resolved, opts);
    connection.agent.destroy();
    return connection.headers["user-agent"];
  };
  assert.equal(await userAgent(kc, { userAgent: "shop-client" }), "shop-client");
  assert.equal(await userAgent({ kubeConfig: kc, userAgent: "my-controller/1.0" }, { userAgent: "shop-client" }), "my-controller/1.0");
  // No product name in the library: client-go's `<program> (<os>/<arch>)`.
  const fallback = await userAgent({ kubeConfig: kc });
  assert.ok(fallback?.endsWith(` (${process.platform}/${process.arch})`) && !/skai/i.test(fallback), fallback);
});

test("retryOnConflict retries 409 Conflict only, then gives up", async () => {
  const conflict = new ApiError({ status: "Failure", reason: "Conflict", code: 409 });
  let n = 0;
  assert.equal(
    await retryOnConflict(async () => {
      if (++n < 3) throw conflict;
      return "ok";
    }),
    "ok",
  );
  assert.equal(n, 3);
  n = 0;
  await assert.rejects(
    retryOnConflict(async () => {
      n++;
      throw conflict;
    }),
    (e) => isConflict(e),
  );
  assert.equal(n, 5);
  n = 0;
  await assert.rejects(retryOnConflict(async () => {
    n++;
    throw new ApiError({ status: "Failure", reason: "NotFound", code: 404 });
  }));
  assert.equal(n, 1);
});

test("indexer and listers: namespace, label-selector and user-defined index queries stay consistent on update/delete", () => {
  type O = { metadata: { name: string; namespace?: string; labels?: Record<string, string> }; spec: { owner: string } };
  const idx = new Indexer<O>({ byOwner: (o) => [o.spec.owner] });
  const mk = (ns: string, name: string, owner: string, labels: Record<string, string> = {}): O => ({ metadata: { name, namespace: ns, labels }, spec: { owner } });
  idx.set(mk("a", "1", "alice", { app: "x" }));
  idx.set(mk("a", "2", "bob", { app: "y" }));
  idx.set(mk("b", "1", "alice", { app: "x" }));
  const lister = new Lister(idx);
  assert.equal(lister.list().length, 3);
  assert.deepEqual(lister.list("app=x").map((o) => `${o.metadata.namespace}/${o.metadata.name}`).sort(), ["a/1", "b/1"]);
  assert.deepEqual(lister.namespace("a").list({ app: "y" }).map((o) => o.metadata.name), ["2"]);
  assert.equal(lister.namespace("b").get("1")?.spec.owner, "alice");
  assert.equal(lister.get("a/2")?.spec.owner, "bob");
  assert.equal(lister.byIndex("byOwner", "alice").length, 2);
  idx.set(mk("a", "1", "carol"));
  assert.equal(lister.byIndex("byOwner", "alice").length, 1);
  assert.equal(lister.byIndex("byOwner", "carol").length, 1);
  idx.delete("b/1");
  assert.equal(lister.byIndex("byOwner", "alice").length, 0);
  assert.deepEqual(idx.indexValues("byOwner").sort(), ["bob", "carol"]);
  assert.equal(lister.namespace("b").list().length, 0);
  // Indexes added later cover existing objects.
  idx.addIndexers({ byName: (o) => [o.metadata.name] });
  assert.equal(lister.byIndex("byName", "1").length, 1);
});
