import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { Handler } from "../../runtime/src/api/request.js";
import { call, startServer, userCertificate, type TestServer } from "./fixtures.js";

let releaseBlocked: () => void = () => {};
let blocked = new Promise<void>((r) => (releaseBlocked = r));
let signalEntered: () => void = () => {};
const entered = new Promise<void>((r) => (signalEntered = r));

/** `hang` never answers (until aborted); `block` waits for the test; anything else answers at once. */
const handler: Handler = async (ctx) => {
  if (ctx.info.name === "hang") {
    await new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => resolve()));
    ctx.res.end("late");
    return;
  }
  if (ctx.info.name === "block") {
    signalEntered();
    await blocked;
  }
  ctx.res.writeHead(200, { "Content-Type": "application/json" });
  ctx.res.end(JSON.stringify({ verb: ctx.info.verb }));
};

let server: TestServer;
before(async () => (server = await startServer({ resourceHandler: handler, maxRequestsInFlight: 1, requestTimeoutMs: 1500 })));
after(() => server.close());

const alice = () => userCertificate("alice", ["devs"]);

test("beyond --max-requests-inflight: 429 with Retry-After, health and system:masters still served", async () => {
  const client = alice();
  const first = call(server, "/apis/skai.io/v1alpha1/namespaces/ns/notebooks/block", { client });
  await entered;
  const rejected = await call(server, "/apis/skai.io/v1alpha1/namespaces/ns/notebooks/other", { client });
  assert.equal(rejected.status, 429);
  assert.equal(rejected.headers["retry-after"], "1");
  assert.equal(rejected.body, "Too many requests, please try again later.\n");
  const health = await call(server, "/readyz", { client: null });
  assert.equal(health.status, 200);
  const admin = await call(server, "/apis/skai.io/v1alpha1/namespaces/ns/notebooks/other");
  assert.equal(admin.status, 200);
  // Watches are long-running and not counted.
  const watch = await call(server, "/apis/skai.io/v1alpha1/namespaces/ns/notebooks?watch=1", { client });
  assert.equal(watch.status, 200);
  releaseBlocked();
  assert.equal((await first).status, 200);
  const after = await call(server, "/apis/skai.io/v1alpha1/namespaces/ns/notebooks/other", { client });
  assert.equal(after.status, 200);
  blocked = new Promise<void>((r) => (releaseBlocked = r));
});

test("a request running past --request-timeout gets kube's 504 Status", async () => {
  const started = Date.now();
  const r = await call(server, "/apis/skai.io/v1alpha1/namespaces/ns/notebooks/hang");
  assert.equal(r.status, 504);
  assert.deepEqual(r.json(), {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: "Timeout: request did not complete within requested timeout - context deadline exceeded",
    reason: "Timeout",
    details: {},
    code: 504,
  });
  const elapsed = Date.now() - started;
  assert.ok(elapsed >= 1400 && elapsed < 6000, `${elapsed} ms`);
});

test("?timeout= shortens the deadline; a malformed one is a 400", async () => {
  const started = Date.now();
  const r = await call(server, "/apis/skai.io/v1alpha1/namespaces/ns/notebooks/hang?timeout=50ms");
  assert.equal(r.status, 504);
  assert.ok(Date.now() - started < 1200);
  const bad = await call(server, "/apis/skai.io/v1alpha1/namespaces/ns/notebooks/x?timeout=soon");
  assert.equal(bad.status, 400);
  assert.equal(bad.json().message, 'invalid timeout specified in the request URL - time: invalid duration "soon"');
});

test("watches are not cut by the request timeout", async () => {
  const pending = call(server, "/apis/skai.io/v1alpha1/namespaces/ns/notebooks?watch=true&fieldSelector=metadata.name%3Dhang");
  const outcome = await Promise.race([pending.then(() => "answered"), new Promise((r) => setTimeout(() => r("still open"), 2000))]);
  assert.equal(outcome, "still open");
  // close() in after() ends it.
});
