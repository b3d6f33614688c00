import { test } from "node:test";
import assert from "node:assert/strict";
import { parseRequestInfo } from "../../runtime/src/server/request-info.js";

interface Row {
  method: string;
  url: string;
  want: Partial<ReturnType<typeof parseRequestInfo>>;
}

// Cases after k8s.io/apiserver/pkg/endpoints/request/requestinfo_test.go, moved to an /apis group.
const rows: Row[] = [
  { method: "GET", url: "/apis/skai.io/v1alpha1/namespaces/ns/notebooks", want: { verb: "list", namespace: "ns", resource: "notebooks", name: "", isResourceRequest: true } },
  { method: "GET", url: "/apis/skai.io/v1alpha1/namespaces/ns/notebooks/nb1", want: { verb: "get", namespace: "ns", resource: "notebooks", name: "nb1" } },
  { method: "GET", url: "/apis/skai.io/v1alpha1/notebooks", want: { verb: "list", namespace: "", resource: "notebooks" } },
  { method: "GET", url: "/apis/skai.io/v1alpha1/notebooks?watch=true", want: { verb: "watch" } },
  { method: "GET", url: "/apis/skai.io/v1alpha1/notebooks?watch=1", want: { verb: "watch" } },
  { method: "GET", url: "/apis/skai.io/v1alpha1/notebooks?watch=false", want: { verb: "list" } },
  { method: "GET", url: "/apis/skai.io/v1alpha1/notebooks?watch=0", want: { verb: "list" } },
  { method: "GET", url: "/apis/skai.io/v1alpha1/notebooks?watch=", want: { verb: "watch" } },
  { method: "GET", url: "/apis/skai.io/v1alpha1/namespaces/ns/notebooks?fieldSelector=metadata.name%3Dnb1", want: { verb: "list", name: "nb1" } },
  { method: "GET", url: "/apis/skai.io/v1alpha1/namespaces/ns/notebooks?fieldSelector=metadata.name%3D%3Dnb1&watch=true", want: { verb: "watch", name: "nb1" } },
  { method: "GET", url: "/apis/skai.io/v1alpha1/namespaces/ns/notebooks?fieldSelector=metadata.name!%3Dnb1", want: { verb: "list", name: "" } },
  { method: "GET", url: "/apis/skai.io/v1alpha1/namespaces/ns/notebooks?fieldSelector=metadata.name%3D..", want: { verb: "list", name: "" } },
  // fields.ParseSelector sorts the terms and RequiresExactMatch takes the first pinning one
  { method: "GET", url: "/apis/skai.io/v1alpha1/namespaces/ns/notebooks?fieldSelector=status.phase%3DRunning,metadata.name%3Dnb2", want: { verb: "list", name: "nb2" } },
  { method: "GET", url: "/apis/skai.io/v1alpha1/namespaces/ns/notebooks?fieldSelector=metadata.name%3Db,metadata.name%3Da", want: { verb: "list", name: "a" } },
  // an escaped comma belongs to the value; a selector that does not parse pins nothing
  { method: "GET", url: "/apis/skai.io/v1alpha1/namespaces/ns/notebooks?fieldSelector=metadata.name%3Da%5C%2Cb", want: { verb: "list", name: "a,b" } },
  { method: "GET", url: "/apis/skai.io/v1alpha1/namespaces/ns/notebooks?fieldSelector=metadata.name%3Dnb1,garbage", want: { verb: "list", name: "" } },
  { method: "POST", url: "/apis/skai.io/v1alpha1/namespaces/ns/notebooks", want: { verb: "create", resource: "notebooks" } },
  { method: "PUT", url: "/apis/skai.io/v1alpha1/namespaces/ns/notebooks/nb1", want: { verb: "update", name: "nb1" } },
  { method: "PATCH", url: "/apis/skai.io/v1alpha1/namespaces/ns/notebooks/nb1", want: { verb: "patch", name: "nb1" } },
  { method: "DELETE", url: "/apis/skai.io/v1alpha1/namespaces/ns/notebooks/nb1", want: { verb: "delete", name: "nb1" } },
  { method: "DELETE", url: "/apis/skai.io/v1alpha1/namespaces/ns/notebooks", want: { verb: "deletecollection", name: "" } },
  { method: "GET", url: "/apis/skai.io/v1alpha1/namespaces/ns/notebooks/nb1/status", want: { verb: "get", subresource: "status", name: "nb1", parts: ["notebooks", "nb1", "status"] } },
  { method: "POST", url: "/apis/skai.io/v1alpha1/namespaces/ns/notebooks/nb1/exec", want: { verb: "create", subresource: "exec" } },
  { method: "GET", url: "/apis/skai.io/v1alpha1/watch/namespaces/ns/notebooks", want: { verb: "watch", namespace: "ns", resource: "notebooks" } },
  { method: "GET", url: "/apis/skai.io/v1alpha1/watch/namespaces/ns/notebooks/nb1", want: { verb: "watch", name: "nb1" } },
  { method: "GET", url: "/apis/skai.io/v1alpha1/namespaces", want: { verb: "list", resource: "namespaces", namespace: "" } },
  { method: "GET", url: "/apis/skai.io/v1alpha1/namespaces/ns", want: { verb: "get", resource: "namespaces", name: "ns", namespace: "ns" } },
  { method: "PUT", url: "/apis/skai.io/v1alpha1/namespaces/ns/status", want: { verb: "update", resource: "namespaces", name: "ns", subresource: "status", namespace: "ns" } },
  { method: "PUT", url: "/apis/skai.io/v1alpha1/namespaces/ns/finalize", want: { resource: "namespaces", subresource: "finalize" } },
  { method: "GET", url: "/api/v1/namespaces/ns/pods", want: { apiPrefix: "api", apiGroup: "", apiVersion: "v1", resource: "pods", namespace: "ns" } },
  { method: "GET", url: "/apis/skai.io/v1alpha1/clusterqueues/q1", want: { verb: "get", resource: "clusterqueues", name: "q1", namespace: "" } },
  { method: "GET", url: "/apis/skai.io/v1alpha1/namespaces/ns/notebooks/nb1/log/extra/parts", want: { subresource: "log", parts: ["notebooks", "nb1", "log", "extra", "parts"] } },
  // Non-resource requests keep the lower-case method as verb.
  { method: "GET", url: "/apis/skai.io/v1alpha1", want: { isResourceRequest: false, verb: "get", path: "/apis/skai.io/v1alpha1" } },
  { method: "GET", url: "/apis/skai.io", want: { isResourceRequest: false } },
  { method: "GET", url: "/apis", want: { isResourceRequest: false } },
  { method: "GET", url: "/healthz", want: { isResourceRequest: false, verb: "get" } },
  { method: "POST", url: "/version", want: { isResourceRequest: false, verb: "post" } },
  { method: "GET", url: "/other/skai.io/v1alpha1/notebooks", want: { isResourceRequest: false } },
  { method: "GET", url: "/", want: { isResourceRequest: false } },
  { method: "OPTIONS", url: "/apis/skai.io/v1alpha1/notebooks", want: { isResourceRequest: true, verb: "" } },
];

test("request info parsing follows k8s.io/apiserver requestinfo.go", () => {
  for (const row of rows) {
    const q = row.url.indexOf("?");
    const path = q < 0 ? row.url : row.url.slice(0, q);
    const query = new URLSearchParams(q < 0 ? "" : row.url.slice(q + 1));
    const info = parseRequestInfo(row.method, path, query);
    for (const [k, v] of Object.entries(row.want)) {
      assert.deepEqual((info as unknown as Record<string, unknown>)[k], v, `${row.method} ${row.url}: ${k}`);
    }
  }
});
