import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { call, startServer, type TestServer } from "./fixtures.js";

const AGGREGATED_ACCEPT =
  "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

let server: TestServer;
before(async () => (server = await startServer()));
after(() => server.close());

test("/apis answers a legacy APIGroupList with apiVersion stripped", async () => {
  const r = await call(server, "/apis");
  assert.equal(r.status, 200);
  assert.equal(r.headers["content-type"], "application/json");
  assert.equal(r.headers["cache-control"], "no-cache, private");
  assert.deepEqual(r.json(), {
    kind: "APIGroupList",
    groups: [
      {
        name: "skai.io",
        versions: [{ groupVersion: "skai.io/v1alpha1", version: "v1alpha1" }],
        preferredVersion: { groupVersion: "skai.io/v1alpha1", version: "v1alpha1" },
      },
    ],
  });
});

test("/apis/<group> answers an APIGroup", async () => {
  const r = await call(server, "/apis/skai.io");
  assert.equal(r.status, 200);
  assert.equal(r.json().kind, "APIGroup");
  assert.equal(r.json().apiVersion, "v1");
  assert.equal(r.json().preferredVersion.version, "v1alpha1");
});

test("/apis/<group>/<version> answers an APIResourceList without any Accept header", async () => {
  const r = await call(server, "/apis/skai.io/v1alpha1");
  assert.equal(r.status, 200);
  const list = r.json();
  assert.equal(list.kind, "APIResourceList");
  assert.equal(list.apiVersion, "v1");
  assert.equal(list.groupVersion, "skai.io/v1alpha1");
  const byName = Object.fromEntries(list.resources.map((x: { name: string }) => [x.name, x]));
  assert.deepEqual(
    list.resources.map((x: { name: string }) => x.name),
    ["clusterqueues", "notebooks", "notebooks/exec", "notebooks/log", "notebooks/status", "trainingjobs", "trainingjobs/scale", "trainingjobs/status"],
  );
  assert.deepEqual(byName.notebooks, {
    name: "notebooks",
    singularName: "notebook",
    namespaced: true,
    kind: "Notebook",
    verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
    shortNames: ["nb"],
    categories: ["skai", "all"],
    storageVersionHash: byName.notebooks.storageVersionHash,
  });
  assert.match(byName.notebooks.storageVersionHash, /^[A-Za-z0-9+/]{11}=$/);
  assert.deepEqual(byName["notebooks/status"], { name: "notebooks/status", singularName: "", namespaced: true, kind: "Notebook", verbs: ["get", "patch", "update"] });
  assert.deepEqual(byName["notebooks/log"].verbs, ["get"]);
  assert.deepEqual(byName["notebooks/exec"].verbs, ["create", "get"]);
  assert.deepEqual(byName["trainingjobs/scale"], {
    name: "trainingjobs/scale",
    singularName: "",
    namespaced: true,
    group: "autoscaling",
    version: "v1",
    kind: "Scale",
    verbs: ["get", "patch", "update"],
  });
  assert.equal(byName.clusterqueues.namespaced, false);
  assert.equal(byName.clusterqueues.shortNames, undefined);
});

test("/apis/<group>/<version> rejects other methods with a 405 Status", async () => {
  const r = await call(server, "/apis/skai.io/v1alpha1", { method: "POST" });
  assert.equal(r.status, 405);
  assert.equal(r.json().reason, "MethodNotAllowed");
});

test("/apis answers aggregated discovery v2 with GVK content type, ETag and 304", async () => {
  const r = await call(server, "/apis", { headers: { Accept: AGGREGATED_ACCEPT } });
  assert.equal(r.status, 200);
  assert.equal(r.headers["content-type"], "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
  assert.equal(r.headers.vary, "Accept");
  assert.equal(r.headers["cache-control"], "public");
  const etag = r.headers.etag as string;
  assert.match(etag, /^"[0-9A-F]{128}"$/);
  const doc = r.json();
  assert.equal(doc.kind, "APIGroupDiscoveryList");
  assert.equal(doc.apiVersion, "apidiscovery.k8s.io/v2");
  const version = doc.items[0].versions[0];
  assert.equal(doc.items[0].metadata.name, "skai.io");
  assert.equal(version.version, "v1alpha1");
  assert.equal(version.freshness, "Current");
  const nb = version.resources.find((x: { resource: string }) => x.resource === "notebooks");
  assert.deepEqual(nb.responseKind, { group: "skai.io", version: "v1alpha1", kind: "Notebook" });
  assert.equal(nb.scope, "Namespaced");
  assert.equal(nb.singularResource, "notebook");
  assert.deepEqual(
    nb.subresources.map((s: { subresource: string }) => s.subresource),
    ["exec", "log", "status"],
  );
  const tj = version.resources.find((x: { resource: string }) => x.resource === "trainingjobs");
  assert.deepEqual(tj.subresources[0], { subresource: "scale", responseKind: { group: "autoscaling", version: "v1", kind: "Scale" }, verbs: ["get", "patch", "update"] });
  assert.equal(version.resources.find((x: { resource: string }) => x.resource === "clusterqueues").scope, "Cluster");

  const again = await call(server, "/apis", { headers: { Accept: AGGREGATED_ACCEPT, "If-None-Match": etag } });
  assert.equal(again.status, 304);
  assert.equal(again.body, "");
  assert.equal(again.headers.etag, etag);
});

test("/apis answers v2beta1 when only that is asked for", async () => {
  const r = await call(server, "/apis", { headers: { Accept: "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList" } });
  assert.equal(r.headers["content-type"], "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList");
  assert.equal(r.json().apiVersion, "apidiscovery.k8s.io/v2beta1");
});

test("/api answers an empty aggregated list when asked, so kubectl keeps aggregated discovery", async () => {
  const r = await call(server, "/api", { headers: { Accept: AGGREGATED_ACCEPT } });
  assert.equal(r.status, 200);
  assert.equal(r.headers["content-type"], "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
  assert.deepEqual(r.json(), { kind: "APIGroupDiscoveryList", apiVersion: "apidiscovery.k8s.io/v2", metadata: {}, items: [] });
});

test("/api answers legacy APIVersions otherwise", async () => {
  const r = await call(server, "/api");
  assert.equal(r.status, 200);
  assert.equal(r.json().kind, "APIVersions");
  assert.deepEqual(r.json().versions, []);
});

test("other conversion targets are skipped; an unsupported Accept gets 406", async () => {
  const table = await call(server, "/apis", { headers: { Accept: "application/json;as=Table;g=meta.k8s.io;v=v1,application/json" } });
  assert.equal(table.json().kind, "APIGroupList");
  const proto = await call(server, "/apis/skai.io/v1alpha1", { headers: { Accept: "application/vnd.kubernetes.protobuf" } });
  assert.equal(proto.status, 406);
  assert.equal(proto.json().reason, "NotAcceptable");
  const yaml = await call(server, "/apis/skai.io/v1alpha1", { headers: { Accept: "application/yaml" } });
  assert.equal(yaml.status, 200);
  assert.equal(yaml.headers["content-type"], "application/yaml");
  assert.match(yaml.body, /kind: APIResourceList/);
});

test("/version answers version.Info", async () => {
  const r = await call(server, "/version");
  assert.equal(r.status, 200);
  const v = r.json();
  assert.equal(v.major, "1");
  assert.equal(v.minor, "32");
  assert.match(v.gitVersion, /^v1\.32\.0\+skai-gen\./);
});

test("Audit-ID is echoed or generated", async () => {
  const echoed = await call(server, "/version", { headers: { "Audit-ID": "abc-123" } });
  assert.equal(echoed.headers["audit-id"], "abc-123");
  const generated = await call(server, "/version");
  assert.match(generated.headers["audit-id"] as string, /^[0-9a-f-]{36}$/);
  // As Go's Header.Get: the first line's value, whatever the name's case; an empty one is replaced.
  const first = await call(server, "/version", { headers: { "AUDIT-id": ["first", "second"] } });
  assert.equal(first.headers["audit-id"], "first");
  const withComma = await call(server, "/version", { headers: { "Audit-ID": "a, b" } });
  assert.equal(withComma.headers["audit-id"], "a, b");
  const empty = await call(server, "/version", { headers: { "Audit-ID": ["", "second"] } });
  assert.match(empty.headers["audit-id"] as string, /^[0-9a-f-]{36}$/);
});
