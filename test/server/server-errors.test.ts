/**
 * Every server error (5xx) is logged once with the request (verb, method, URI, user,
 * Audit-ID) and the stack of the error behind it, and counted by code and reason in
 * /metrics. kube logs such errors through runtime.HandleError (ErrorToAPIStatus in
 * k8s.io/apiserver pkg/endpoints/handlers/responsewriters/status.go logs "apiserver
 * received an error that is not an metav1.Status") and its httplog; the counter
 * apiserver_request_server_errors_total is ours.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { Handler } from "../../runtime/src/api/request.js";
import { createVersionedResourceHandler } from "../../runtime/src/server/versioned-handler.js";
import type { Storage } from "../../runtime/src/storage/interface.js";
import { call, resources, startServer, userCertificate, type TestServer } from "./fixtures.js";

/** A storage whose every call fails the way a broken disk would: not a StorageError, so an InternalError. */
const brokenStorage = new Proxy({} as Storage, {
  get: (_t, prop) => {
    if (prop === "then") return undefined;
    // a watch starts, then its channel breaks
    if (prop === "watch") return () => ({ stop() {}, async *[Symbol.asyncIterator]() { throw new Error("watch channel broke"); } });
    return () => Promise.reject(new Error(`disk on fire in storage.${String(prop)}`, { cause: new Error("EIO: i/o error, read") }));
  },
});

const resourceHandler = createVersionedResourceHandler(resources, brokenStorage);
/** `crash` throws something that is no StatusError out of the handler; the rest goes to the real handlers. */
const handler: Handler = async (ctx) => {
  if (ctx.info.name === "crash") throw new TypeError("handler tripped over undefined");
  return resourceHandler(ctx);
};

let server: TestServer;
const logs: string[] = [];
before(async () => (server = await startServer({ resourceHandler: handler, log: (m) => logs.push(m) })));
after(() => server.close());

function serverErrorCount(metrics: string, code: number, reason: string): number {
  const line = metrics.split("\n").find((l) => l.startsWith(`apiserver_request_server_errors_total{code="${code}",reason="${reason}"} `));
  return line ? Number(line.split(" ")[1]) : 0;
}

test("a storage failure: 500 InternalError, logged once with verb, path, user and the storage error's stack", async () => {
  logs.length = 0;
  const alice = userCertificate("alice", ["devs"]);
  const r = await call(server, "/apis/skai.io/v1alpha1/namespaces/ns/notebooks/nb1", { client: alice });
  assert.equal(r.status, 500, r.body);
  const s = r.json();
  assert.equal(s.reason, "InternalError");
  assert.match(s.message, /^Internal error occurred: disk on fire in storage\./);
  const audit = r.headers["audit-id"];
  assert.equal(logs.length, 1, logs.join("\n---\n"));
  const [head, ...stack] = logs[0].split("\n");
  assert.equal(
    head,
    `server error 500 InternalError: verb="get" method="GET" URI="/apis/skai.io/v1alpha1/namespaces/ns/notebooks/nb1" user="alice" audit-ID="${audit}": ${s.message}`,
  );
  assert.match(stack[0], /^Error: disk on fire in storage\./);
  assert.ok(stack.some((l) => /^\s+at /.test(l)), logs[0]);
  // the error it wraps follows, with its own stack
  assert.ok(stack.includes("Caused by: Error: EIO: i/o error, read"), logs[0]);

  const metrics = (await call(server, "/metrics")).body;
  assert.equal(serverErrorCount(metrics, 500, "InternalError"), 1);
  assert.match(metrics, /# TYPE apiserver_request_server_errors_total counter/);
});

test("an error thrown out of a handler: 500, logged once with its stack, counted", async () => {
  logs.length = 0;
  const before = serverErrorCount((await call(server, "/metrics")).body, 500, "InternalError");
  const r = await call(server, "/apis/skai.io/v1alpha1/namespaces/ns/notebooks/crash", { method: "DELETE" });
  assert.equal(r.status, 500);
  assert.equal(r.json().message, "Internal error occurred: handler tripped over undefined");
  assert.equal(logs.length, 1, logs.join("\n---\n"));
  assert.match(logs[0], /^server error 500 InternalError: verb="delete" method="DELETE" URI="\/apis\/skai\.io\/v1alpha1\/namespaces\/ns\/notebooks\/crash" user="admin"/);
  assert.match(logs[0], /\nTypeError: handler tripped over undefined\n\s+at /);
  assert.equal(serverErrorCount((await call(server, "/metrics")).body, 500, "InternalError"), before + 1);
});

test("an internal error inside a watch stream: an ERROR event, and logged once with its stack", async () => {
  logs.length = 0;
  const r = await call(server, "/apis/skai.io/v1alpha1/namespaces/ns/notebooks?watch=true");
  assert.equal(r.status, 200);
  const event = JSON.parse(r.body.trim());
  assert.equal(event.type, "ERROR");
  assert.equal(event.object.code, 500);
  assert.equal(event.object.message, "Internal error occurred: watch channel broke");
  assert.equal(logs.length, 1, logs.join("\n---\n"));
  assert.match(logs[0], /^server error 500 InternalError in a 200 response: verb="watch" method="GET" URI="\/apis\/skai\.io\/v1alpha1\/namespaces\/ns\/notebooks\?watch=true" user="admin" /);
  assert.match(logs[0], /\nError: watch channel broke\n\s+at /);
});

test("answers below 500 are neither logged nor counted", async () => {
  logs.length = 0;
  const r = await call(server, "/apis/skai.io/v1alpha1/namespaces/ns/nothing/x");
  assert.equal(r.status, 404);
  assert.deepEqual(logs, []);
  assert.doesNotMatch((await call(server, "/metrics")).body, /apiserver_request_server_errors_total\{code="404"/);
});
