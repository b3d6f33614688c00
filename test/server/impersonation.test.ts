// Impersonation in the serving pipeline, mirroring k8s.io/apiserver
// pkg/endpoints/filters/impersonation/impersonation.go (and its impersonation_test.go cases):
// one `impersonate` authorization per attribute, kube's 403/400 texts, the impersonated user
// (with kube's added groups) seen by authorization and the handler, the headers removed.
import assert from "node:assert/strict";
import { request } from "node:https";
import { after, before, beforeEach, test } from "node:test";
import type { Handler, RequestInfo, UserInfo } from "../../runtime/src/api/request.js";
import type { Decision } from "../../runtime/src/server/authorization.js";
import { startServer, userCertificate, type TestServer } from "./fixtures.js";

interface Check {
  user: string;
  info: RequestInfo;
}

let server: TestServer;
const checks: Check[] = [];
const logged: string[] = [];
/** What the test authorizer answers; default: allow everything. */
let decide: (user: UserInfo, info: RequestInfo) => Decision = () => ({ allowed: true });

/** Echoes what the handler sees; `/fail` paths throw, for the 5xx log. */
const handler: Handler = async (ctx) => {
  if (ctx.info.name === "fail") throw new Error("handler exploded");
  ctx.res.writeHead(200, { "Content-Type": "application/json" });
  ctx.res.end(JSON.stringify({ user: ctx.user, impersonatedBy: ctx.impersonatedBy ?? null, headers: ctx.req.headers, rawHeaders: ctx.req.rawHeaders }));
};

before(async () => {
  server = await startServer({
    resourceHandler: handler,
    log: (line) => logged.push(line),
    authorizer: (user, info) => {
      checks.push({ user: user.name, info });
      return decide(user, info);
    },
  });
});
after(() => server.close());
beforeEach(() => {
  checks.length = 0;
  decide = () => ({ allowed: true });
});

const NB = "/apis/skai.io/v1alpha1/namespaces/ns/notebooks/x";
const carol = userCertificate("carol", ["devs"]);

/** A GET with headers that may repeat (arrays become one header line each, as kubectl sends --as-group). */
function get(path: string, headers: Record<string, string | string[]>, client: { certPem: string; keyPem: string } = carol) {
  return new Promise<{ status: number; body: any }>((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port: server.port, path, headers, ca: server.certs.ca.certPem, cert: client.certPem, key: client.keyPem, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString()) }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/** The impersonation checks the authorizer saw, as the SubjectAccessReview resource attributes they become. */
function impersonationChecks() {
  return checks
    .filter((c) => c.info.verb === "impersonate")
    .map((c) => ({ user: c.user, group: c.info.apiGroup, version: c.info.apiVersion, resource: c.info.resource, subresource: c.info.subresource, namespace: c.info.namespace, name: c.info.name }));
}

const check = (resource: string, name: string, more: Partial<ReturnType<typeof impersonationChecks>[number]> = {}) => ({
  user: "carol",
  group: "",
  version: "",
  resource,
  subresource: "",
  namespace: "",
  name,
  ...more,
});

test("without Impersonate-* headers the authenticated user goes on unchanged", async () => {
  const res = await get(NB, {});
  assert.equal(res.status, 200);
  assert.deepEqual([res.body.user.name, res.body.user.groups], ["carol", ["devs", "system:authenticated"]]);
  assert.equal(res.body.impersonatedBy, null);
  assert.deepEqual(impersonationChecks(), []);
});

test("an empty Impersonate-User asks for nothing (kube builds no request from it)", async () => {
  const res = await get(NB, { "Impersonate-User": "" });
  assert.equal(res.status, 200);
  assert.equal(res.body.user.name, "carol");
  assert.deepEqual(impersonationChecks(), []);
});

test("allowed: the request runs as the impersonated user, checked once per attribute, headers removed", async () => {
  const res = await get(NB, {
    "Impersonate-User": "bob",
    "Impersonate-Group": ["g1", "g2"],
    "Impersonate-Uid": "uid-1",
    "Impersonate-Extra-Scopes": ["view", "edit"],
    "Impersonate-Extra-example.com%2Fteam": "ml",
    "X-Other": "kept",
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual(res.body.user, {
    name: "bob",
    // Explicit groups, then system:authenticated as kube adds it for a non-anonymous user.
    groups: ["g1", "g2", "system:authenticated"],
    uid: "uid-1",
    // Keys lower-cased, then %-decoded.
    extra: { scopes: ["view", "edit"], "example.com/team": ["ml"] },
  });
  // The authenticated user is kept beside it (kube's audit impersonatedUser pair), certificate extra and all.
  assert.deepEqual([res.body.impersonatedBy.name, res.body.impersonatedBy.groups], ["carol", ["devs", "system:authenticated"]]);
  assert.ok(res.body.impersonatedBy.extra["authentication.kubernetes.io/credential-id"]);
  const extra = { group: "authentication.k8s.io", version: "v1" };
  assert.deepEqual(impersonationChecks(), [
    check("users", "bob"),
    check("groups", "g1"),
    check("groups", "g2"),
    check("userextras", "view", { ...extra, subresource: "scopes" }),
    check("userextras", "edit", { ...extra, subresource: "scopes" }),
    check("userextras", "ml", { ...extra, subresource: "example.com/team" }),
    check("uids", "uid-1", extra),
  ]);
  // The request itself is authorized as bob.
  const actual = checks.filter((c) => c.info.verb !== "impersonate");
  assert.deepEqual(actual.map((c) => [c.user, c.info.verb, c.info.resource, c.info.name]), [["bob", "get", "notebooks", "x"]]);
  // kube deletes the Impersonate-* headers; others stay.
  assert.deepEqual(Object.keys(res.body.headers).filter((h) => h.startsWith("impersonate-")), []);
  assert.ok(!res.body.rawHeaders.some((h: string) => /^impersonate-/i.test(h)));
  assert.equal(res.body.headers["x-other"], "kept");
});

test("denied: 403 with kube's wording, naming the impersonated user, and nothing further is asked", async () => {
  decide = (_user, info) => ({ allowed: info.verb !== "impersonate" });
  const res = await get(NB, { "Impersonate-User": "bob", "Impersonate-Group": "g1" });
  assert.equal(res.status, 403);
  assert.deepEqual(res.body, {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: 'users "bob" is forbidden: User "carol" cannot impersonate resource "users" in API group "" at the cluster scope',
    reason: "Forbidden",
    details: { name: "bob", kind: "users" },
    code: 403,
  });
  // kube stops at the first refusal; the request itself is never authorized.
  assert.deepEqual(impersonationChecks(), [check("users", "bob")]);
  assert.equal(checks.length, 1);
});

test("denied on a group after the user was allowed, with the authorizer's reason appended", async () => {
  decide = (_user, info) => (info.resource === "groups" ? { allowed: false, reason: "RBAC: no binding" } : { allowed: true });
  const res = await get(NB, { "Impersonate-User": "bob", "Impersonate-Group": "admins" });
  assert.equal(res.status, 403);
  assert.equal(res.body.message, 'groups "admins" is forbidden: User "carol" cannot impersonate resource "groups" in API group "" at the cluster scope: RBAC: no binding');
  assert.deepEqual(res.body.details, { name: "admins", kind: "groups" });
});

test("denied on an extra: resource userextras/<key> in authentication.k8s.io", async () => {
  decide = (_user, info) => ({ allowed: info.resource !== "userextras" });
  const res = await get(NB, { "Impersonate-User": "bob", "Impersonate-Extra-scopes": "view" });
  assert.equal(res.status, 403);
  assert.equal(
    res.body.message,
    'userextras.authentication.k8s.io "view" is forbidden: User "carol" cannot impersonate resource "userextras/scopes" in API group "authentication.k8s.io" at the cluster scope',
  );
  assert.deepEqual(res.body.details, { name: "view", group: "authentication.k8s.io", kind: "userextras" });
});

test("denied on a uid", async () => {
  decide = (_user, info) => ({ allowed: info.resource !== "uids" });
  const res = await get(NB, { "Impersonate-User": "bob", "Impersonate-Uid": "1234" });
  assert.equal(res.status, 403);
  assert.equal(res.body.message, 'uids.authentication.k8s.io "1234" is forbidden: User "carol" cannot impersonate resource "uids" in API group "authentication.k8s.io" at the cluster scope');
});

test("an authorizer error refuses the impersonation (403, as kube's err != nil), not a 500", async () => {
  decide = (_user, info) => {
    if (info.verb === "impersonate") throw new Error("review failed");
    return { allowed: true };
  };
  const res = await get(NB, { "Impersonate-User": "bob" });
  assert.equal(res.status, 403);
  assert.equal(res.body.message, 'users "bob" is forbidden: User "carol" cannot impersonate resource "users" in API group "" at the cluster scope');
});

test("a service account: checked as serviceaccounts in its namespace, with the service-account groups", async () => {
  const res = await get(NB, { "Impersonate-User": "system:serviceaccount:team-a:builder" });
  assert.equal(res.status, 200);
  assert.deepEqual(res.body.user, {
    name: "system:serviceaccount:team-a:builder",
    groups: ["system:serviceaccounts", "system:serviceaccounts:team-a", "system:authenticated"],
  });
  assert.deepEqual(impersonationChecks(), [check("serviceaccounts", "builder", { namespace: "team-a" })]);

  decide = (_user, info) => ({ allowed: info.verb !== "impersonate" });
  const denied = await get(NB, { "Impersonate-User": "system:serviceaccount:team-a:builder" });
  assert.equal(denied.status, 403);
  assert.equal(
    denied.body.message,
    'serviceaccounts "builder" is forbidden: User "carol" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "team-a"',
  );
});

test("a service account with explicit groups gets those instead of the service-account groups", async () => {
  const res = await get(NB, { "Impersonate-User": "system:serviceaccount:team-a:builder", "Impersonate-Group": "g" });
  assert.deepEqual(res.body.user.groups, ["g", "system:authenticated"]);
});

test("a name that only looks like a service account is impersonated as a plain user", async () => {
  const res = await get(NB, { "Impersonate-User": "system:serviceaccount:Bad_NS:builder" });
  assert.equal(res.status, 200);
  assert.deepEqual(impersonationChecks(), [check("users", "system:serviceaccount:Bad_NS:builder")]);
  assert.deepEqual(res.body.user.groups, ["system:authenticated"]);
});

test("system:anonymous gets system:unauthenticated; an explicit system:unauthenticated suppresses system:authenticated", async () => {
  const anonymous = await get(NB, { "Impersonate-User": "system:anonymous" });
  assert.deepEqual(anonymous.body.user, { name: "system:anonymous", groups: ["system:unauthenticated"] });
  const unauthenticated = await get(NB, { "Impersonate-User": "bob", "Impersonate-Group": "system:unauthenticated" });
  assert.deepEqual(unauthenticated.body.user.groups, ["system:unauthenticated"]);
  const authenticated = await get(NB, { "Impersonate-User": "bob", "Impersonate-Group": "system:authenticated" });
  assert.deepEqual(authenticated.body.user.groups, ["system:authenticated"]);
});

test("groups, extra or uid without a user: 400 BadRequest with kube's text, nothing authorized", async () => {
  const cases: Array<[Record<string, string | string[]>, string]> = [
    [{ "Impersonate-Group": ["a", "b"] }, "requested [{Group  a    } {Group  b    }] without impersonating a user"],
    [{ "Impersonate-Extra-scopes": "view" }, "requested [{UserExtra  view  authentication.k8s.io/v1  scopes}] without impersonating a user"],
    [{ "Impersonate-Uid": "1234" }, "requested [{UID  1234  authentication.k8s.io/v1  }] without impersonating a user"],
  ];
  for (const [headers, message] of cases) {
    const res = await get(NB, headers);
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason: "BadRequest", code: 400 });
  }
  assert.deepEqual(checks, []);
});

test("system:masters may impersonate without asking the authorizer; the request is then authorized as the impersonated user", async () => {
  decide = (user) => ({ allowed: user.name !== "bob", reason: "bob may not" });
  const res = await get(NB, { "Impersonate-User": "bob" }, server.certs.admin);
  assert.equal(res.status, 403);
  assert.equal(res.body.message, 'notebooks.skai.io "x" is forbidden: User "bob" cannot get resource "notebooks" in API group "skai.io" in the namespace "ns": bob may not');
  assert.deepEqual(impersonationChecks(), []);
  assert.deepEqual(checks.map((c) => c.user), ["bob"]);
});

test("impersonating system:masters grants what system:masters has (the authorizer is not asked for the request)", async () => {
  decide = (_user, info) => ({ allowed: info.verb === "impersonate" });
  const res = await get(NB, { "Impersonate-User": "root", "Impersonate-Group": "system:masters" });
  assert.equal(res.status, 200);
  assert.deepEqual(res.body.user.groups, ["system:masters", "system:authenticated"]);
  assert.deepEqual(checks.map((c) => c.info.verb), ["impersonate", "impersonate"]);
});

test("a 5xx log names both the impersonated user and who impersonated them (kube's httplog note)", async () => {
  logged.length = 0;
  const res = await get("/apis/skai.io/v1alpha1/namespaces/ns/notebooks/fail", { "Impersonate-User": "bob" });
  assert.equal(res.status, 500);
  const lines = logged.filter((l) => l.includes("/notebooks/fail"));
  assert.equal(lines.length, 1, logged.join("\n"));
  assert.match(lines[0]!, /\bbob\b/);
  assert.match(lines[0]!, /\bcarol\b/);
});
