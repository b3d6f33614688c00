/**
 * The second authorization of connect requests, case for case as kube's
 * TestEnsureAuthorizedForVerb (pkg/registry/core/pod/rest/authorize_test.go),
 * plus the serving context's side: the same attributes with the verb
 * replaced, and system:masters allowed without asking.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestContext, RequestInfo, UserInfo } from "../../runtime/src/api/request.js";
import { StatusError } from "../../runtime/src/api/status.js";
import { ensureAuthorizedForVerb } from "../../runtime/src/connect/authorize.js";
import { ServingContext } from "../../runtime/src/server/request-context.js";

const info = (verb: string): RequestInfo => ({
  isResourceRequest: true,
  path: "/api/v1/namespaces/ns/pods/my-pod/exec",
  verb,
  apiPrefix: "api",
  apiGroup: "",
  apiVersion: "v1",
  namespace: "ns",
  resource: "pods",
  subresource: "exec",
  name: "my-pod",
  parts: ["pods", "my-pod", "exec"],
});
const alice: UserInfo = { name: "alice", groups: ["system:authenticated"] };

function context(verb: string, authorizeVerb?: RequestContext["authorizeVerb"]): RequestContext {
  return { req: {} as IncomingMessage, res: {} as ServerResponse, info: info(verb), user: alice, query: new URLSearchParams(), signal: new AbortController().signal, authorizeVerb };
}

async function failure(p: Promise<void>): Promise<StatusError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof StatusError, String(err));
    return err;
  }
  assert.fail("expected a refusal");
}

test("verb already matches: no second question", async () => {
  let asked = 0;
  await ensureAuthorizedForVerb(
    context("create", async () => {
      asked++;
      return { allowed: false };
    }),
    "create",
  );
  assert.equal(asked, 0);
});

test("no authorizer: 500 'no authorizer available'", async () => {
  const err = await failure(ensureAuthorizedForVerb(context("get"), "create"));
  assert.equal(err.status.code, 500);
  assert.equal(err.status.message, "Internal error occurred: no authorizer available");
});

test("the authorizer fails: 500 with its error", async () => {
  const err = await failure(ensureAuthorizedForVerb(context("get", async () => Promise.reject(new Error("auth error"))), "create"));
  assert.equal(err.status.code, 500);
  assert.equal(err.status.message, "Internal error occurred: auth error");
});

test("the authorizer denies: NewForbidden on the parent resource with the reason", async () => {
  const err = await failure(ensureAuthorizedForVerb(context("get", async () => ({ allowed: false, reason: "no reason" })), "create"));
  assert.deepEqual(err.status, {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: 'pods "my-pod" is forbidden: no reason',
    reason: "Forbidden",
    details: { name: "my-pod", kind: "pods" },
    code: 403,
  });
});

test("the authorizer allows", async () => {
  await ensureAuthorizedForVerb(context("get", async () => ({ allowed: true })), "create");
});

test("the serving context asks its authorizer with only the verb replaced; system:masters is not asked", async () => {
  const seen: Array<{ user: string; info: RequestInfo; query: string }> = [];
  const authorizer = (user: UserInfo, i: RequestInfo, q: URLSearchParams) => {
    seen.push({ user: user.name, info: i, query: q.toString() });
    return { allowed: i.verb === "create" };
  };
  const query = new URLSearchParams("command=sh&stdin=true");
  const ctx = new ServingContext({} as IncomingMessage, {} as ServerResponse, info("get"), alice, query);
  await assert.rejects(ctx.authorizeVerb("create"), /no authorizer available/);
  ctx.authorizer = authorizer;
  assert.deepEqual(await ctx.authorizeVerb("create"), { allowed: true });
  assert.deepEqual(seen, [{ user: "alice", info: { ...info("get"), verb: "create" }, query: "command=sh&stdin=true" }]);
  assert.equal(ctx.info.verb, "get", "the request's own attributes are left as they are");
  const admin = new ServingContext({} as IncomingMessage, {} as ServerResponse, info("get"), { name: "root", groups: ["system:masters"] }, query);
  admin.authorizer = authorizer;
  assert.deepEqual(await admin.authorizeVerb("create"), { allowed: true });
  assert.equal(seen.length, 1);
});
