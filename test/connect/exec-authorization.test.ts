/**
 * exec is a write: a WebSocket upgrade arrives as a GET and is authorized as
 * `get` on notebooks/exec by the serving layer, then asked again with verb
 * `create` before anything is connected, as kube-apiserver 1.35 does for
 * pods/exec (pkg/registry/core/pod/rest/authorize.go, ensureAuthorizedForVerb,
 * feature AuthorizePodWebsocketUpgradeCreatePermission, KEP-4006). `log`
 * stays a `get` (pods/log). Through the front proxy, with the stand-in
 * kube-apiserver answering SubjectAccessReviews from a small RBAC-like policy.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { dialExec } from "@skai-gen/client/connect";
import { aggregatorRequest, type RecordedSar } from "../support/fake-kube-apiserver.js";
import { type Env, startEnv } from "./fixtures.js";

let env: Env;
const NB = "/apis/skai.io/v1alpha1/namespaces/ml/notebooks";
const SHELL = `${NB}/nb1/exec?command=sh&stdin=true&stdout=true&tty=true`;
const ECHO = `${NB}/nb1/exec?command=echo&command=hi&stdout=true`;
const shell = { stdin: true, stdout: true, stderr: false, tty: true };
const echo = { stdin: false, stdout: true, stderr: false, tty: false };

/**
 * Who may do what. Users are told apart by name so the server's review cache
 * (keyed by the whole spec) never answers for another case:
 * `viewer-*` has the common read-only wildcard role (get, list, watch on everything),
 * `editor-*` has that plus create on notebooks/exec (the generated `edit` role),
 * anyone else may do anything. Denials carry no reason, as kube's RBAC authorizer's.
 */
function policy(spec: RecordedSar): { allowed: boolean; reason?: string } {
  const ra = spec.resourceAttributes as { verb: string; resource: string; subresource?: string } | undefined;
  const user = spec.user ?? "";
  if (!ra) return { allowed: true };
  const read = ["get", "list", "watch"].includes(ra.verb);
  if (user.startsWith("viewer-")) return { allowed: read };
  if (user.startsWith("editor-")) return { allowed: read || (ra.verb === "create" && ra.resource === "notebooks" && ra.subresource === "exec") };
  if (user.startsWith("explained-")) return read ? { allowed: true } : { allowed: false, reason: "no RBAC policy matched" };
  return { allowed: true };
}

before(async () => {
  env = await startEnv();
  env.kube.authorize = policy;
  env.kube.pods.add("ml", "nb1-0", { containers: ["notebook"] });
  const nb = await env.as("alice", NB, "POST", { apiVersion: "skai.io/v1alpha1", kind: "Notebook", metadata: { name: "nb1" }, spec: {}, status: { podName: "nb1-0" } });
  assert.equal(nb.status, 201, JSON.stringify(nb.body));
});
after(() => env?.close());

const reviewsOf = (user: string) => env.kube.subjectAccessReviews.filter((s) => s.user === user).map((s) => s.resourceAttributes);

async function collect(s: NodeJS.ReadableStream | undefined): Promise<string> {
  let text = "";
  if (s) for await (const c of s) text += c;
  return text;
}

test("get alone on notebooks/exec: the upgrade is refused with 403 and the pod backend sees no connection", async () => {
  const calls = env.kube.pods.execRequests.length;
  await assert.rejects(env.exec("viewer-1", SHELL, shell), (e: Error & { status?: Record<string, unknown> }) => {
    // apierrors.NewForbidden(GroupResource{skai.io, notebooks}, "nb1", errors.New(reason)) with RBAC's empty reason.
    assert.deepEqual(e.status, {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: 'notebooks.skai.io "nb1" is forbidden: ',
      reason: "Forbidden",
      details: { name: "nb1", group: "skai.io", kind: "notebooks" },
      code: 403,
    });
    return true;
  });
  assert.equal(env.kube.pods.execRequests.length, calls, "no pods/exec call to kube-apiserver");
  const base = { namespace: "ml", group: "skai.io", version: "v1alpha1", resource: "notebooks", subresource: "exec", name: "nb1" };
  assert.deepEqual(reviewsOf("viewer-1"), [
    { ...base, verb: "get" },
    { ...base, verb: "create" },
  ]);
});

test("get and create on notebooks/exec: the stream opens, after a create review with the name and namespace", async () => {
  const p = await env.exec("editor-1", ECHO, echo);
  const [out, code] = await Promise.all([collect(p.stdout), p.exit]);
  assert.equal(out, "hi\n");
  assert.equal(code, 0);
  assert.deepEqual(env.kube.pods.execRequests.at(-1)!.command, ["echo", "hi"]);
  const create = reviewsOf("editor-1").find((ra) => ra?.verb === "create");
  assert.deepEqual(create, { namespace: "ml", verb: "create", group: "skai.io", version: "v1alpha1", resource: "notebooks", subresource: "exec", name: "nb1" });
});

test("the authorizer's reason is the message's tail", async () => {
  await assert.rejects(env.exec("explained-1", ECHO, echo), (e: Error & { code?: number }) => {
    assert.equal(e.code, 403);
    assert.equal(e.message, 'notebooks.skai.io "nb1" is forbidden: no RBAC policy matched');
    return true;
  });
});

test("the create check comes before the upgrade and the object: a plain GET and a missing notebook are 403 too", async () => {
  const plain = await env.as("viewer-2", ECHO);
  assert.equal(plain.status, 403, JSON.stringify(plain.body));
  await assert.rejects(env.exec("viewer-2", `${NB}/missing/exec?command=sh&stdout=true`, echo), (e: Error & { code?: number }) => e.code === 403);
});

test("log stays a get: a read-only user reads logs and no create review is sent", async () => {
  env.kube.pods.log("ml", "nb1-0", "ready");
  const res = await env.as("viewer-3", `${NB}/nb1/log`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body, "ready\n");
  assert.deepEqual(reviewsOf("viewer-3").map((ra) => ra?.verb), ["get"]);
});

test("SPDY comes as a POST, authorized as create once: a viewer gets the serving layer's 403, an editor reaches the SPDY handshake", async () => {
  // no X-Stream-Protocol-Version: the handshake's 400 shows the request got past authorization without upgrading
  const spdy = { Connection: "Upgrade", Upgrade: "SPDY/3.1" };
  const viewer = await env.as("viewer-4", ECHO, "POST");
  assert.equal(viewer.status, 403);
  assert.equal(viewer.body.message, 'notebooks.skai.io "nb1" is forbidden: User "viewer-4" cannot create resource "notebooks/exec" in API group "skai.io" in the namespace "ml"');
  const editor = await aggregatorRequest({ port: env.server.port, ca: env.ca, path: ECHO, method: "POST", user: "editor-2", clientCert: env.kube.frontProxyClient, headers: spdy });
  assert.equal(editor.status, 400, JSON.stringify(editor.body));
  assert.match(editor.body.message, /^unable to upgrade: header X-Stream-Protocol-Version/);
  assert.deepEqual(reviewsOf("editor-2").map((ra) => ra?.verb), ["create"], "no second review when the verb already is create");
});

test("system:masters needs no review for the upgrade either", async () => {
  const before = env.kube.subjectAccessReviews.length;
  const p = await dialExec(
    {
      url: `wss://127.0.0.1:${env.server.port}${ECHO}`,
      ca: env.ca,
      cert: env.kube.frontProxyClient.certPem,
      key: env.kube.frontProxyClient.keyPem,
      headers: { "X-Remote-User": "root", "X-Remote-Group": "system:masters" },
    },
    echo,
  );
  assert.equal(await collect(p.stdout), "hi\n");
  assert.equal(await p.exit, 0);
  assert.equal(env.kube.subjectAccessReviews.length, before);
});

test("an impersonated request is asked for create as the impersonated user", async () => {
  const dial = (headers: Record<string, string>) =>
    dialExec({ url: `wss://127.0.0.1:${env.server.port}${ECHO}`, ca: env.ca, cert: env.kube.frontProxyClient.certPem, key: env.kube.frontProxyClient.keyPem, headers }, echo);
  await assert.rejects(dial({ "X-Remote-User": "boss", "Impersonate-User": "viewer-5" }), (e: Error & { code?: number }) => e.code === 403);
  assert.deepEqual(reviewsOf("viewer-5").map((ra) => ra?.verb), ["get", "create"]);
  const p = await dial({ "X-Remote-User": "boss", "Impersonate-User": "editor-3" });
  assert.equal(await p.exit, 0);
  assert.deepEqual(reviewsOf("editor-3").map((ra) => ra?.verb), ["get", "create"]);
  assert.deepEqual(reviewsOf("boss").map((ra) => ra?.verb), ["impersonate", "impersonate"]);
});

test("other methods are not routes of exec or log (405 from the router, as kube's installer registers GET and POST)", async () => {
  for (const [method, path] of [["PUT", ECHO], ["DELETE", ECHO], ["POST", `${NB}/nb1/log`]]) {
    const res = await env.as("alice", path, method, method === "PUT" ? {} : undefined);
    assert.equal(res.status, 405, `${method} ${path}: ${JSON.stringify(res.body)}`);
    assert.equal(res.body.message, "the server does not allow this method on the requested resource");
  }
});

test("dryRun is refused on exec, as kube's ConnectResource", async () => {
  const res = await env.as("alice", `${ECHO}&dryRun=All`);
  assert.equal(res.status, 400);
  assert.equal(res.body.message, "dryRun is not supported");
});
