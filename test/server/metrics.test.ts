import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { call, startServer, type TestServer } from "./fixtures.js";

let server: TestServer;
before(async () => (server = await startServer()));
after(() => server.close());

function value(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(series + " "));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

test("/metrics counts requests by verb, resource, scope and code, with latency histograms", async () => {
  for (let i = 0; i < 3; i++) await call(server, "/apis/skai.io/v1alpha1/namespaces/ns/notebooks/nb1");
  await call(server, "/apis/skai.io/v1alpha1/namespaces/ns/notebooks?watch=true");
  await call(server, "/apis/skai.io/v1alpha1/namespaces/ns/notebooks?dryRun=All", { method: "POST", body: "{}" });
  await call(server, "/apis/skai.io/v1alpha1/notebooks/x");

  const r = await call(server, "/metrics");
  assert.equal(r.status, 200);
  assert.equal(r.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8");
  const m = r.body;
  assert.match(m, /# TYPE apiserver_request_total counter/);
  assert.match(m, /# TYPE apiserver_request_duration_seconds histogram/);
  const get =
    'apiserver_request_total{code="200",component="apiserver",dry_run="",group="skai.io",resource="notebooks",scope="resource",subresource="",verb="GET",version="v1alpha1"}';
  assert.equal(value(m, get), 3);
  assert.equal(
    value(m, 'apiserver_request_total{code="200",component="apiserver",dry_run="",group="skai.io",resource="notebooks",scope="namespace",subresource="",verb="WATCH",version="v1alpha1"}'),
    1,
  );
  assert.equal(
    value(m, 'apiserver_request_total{code="200",component="apiserver",dry_run="All",group="skai.io",resource="notebooks",scope="namespace",subresource="",verb="POST",version="v1alpha1"}'),
    1,
  );
  assert.equal(
    value(m, 'apiserver_request_total{code="404",component="apiserver",dry_run="",group="skai.io",resource="notebooks",scope="resource",subresource="",verb="GET",version="v1alpha1"}'),
    1,
  );
  const labels = 'component="apiserver",dry_run="",group="skai.io",resource="notebooks",scope="resource",subresource="",verb="GET",version="v1alpha1"';
  // The histogram has no code label: the three 200s and the 404.
  assert.equal(value(m, `apiserver_request_duration_seconds_count{${labels}}`), 4);
  assert.equal(value(m, `apiserver_request_duration_seconds_bucket{${labels},le="+Inf"}`), 4);
  assert.equal(value(m, `apiserver_request_duration_seconds_bucket{${labels},le="60"}`), 4);
  assert.ok(value(m, `apiserver_request_duration_seconds_sum{${labels}}`)! > 0);
});

test("health probes are counted as kube's healthz installer labels them", async () => {
  await call(server, "/readyz", { client: null });
  const m = (await call(server, "/metrics")).body;
  assert.ok(
    value(m, 'apiserver_request_total{code="200",component="",dry_run="",group="",resource="",scope="",subresource="/readyz",verb="GET",version=""}')! >= 1,
  );
});

test("/metrics needs authentication", async () => {
  const r = await call(server, "/metrics", { client: null });
  assert.equal(r.status, 401);
});
