// The cheap per-request steps of delegated auth: the first-letter look at raw header names
// (removeHeaders' mayDrop, the request-header authenticator) and the SubjectAccessReview
// cache key, which must name one review spec only, found part by part (CompositeKeys).
import assert from "node:assert/strict";
import { test } from "node:test";
import type { RequestInfo, UserInfo } from "../../runtime/src/api/request.js";
import { createSubjectAccessReviewAuthorizer } from "../../runtime/src/auth/authorizer.js";
import { CompositeKeys } from "../../runtime/src/apimachinery/composite-keys.js";
import { firstLetterFilter, lowercaseName } from "../../runtime/src/auth/remove-headers.js";
import type { ClusterConnection } from "../../runtime/src/cluster/connection.js";
import { parseRequestInfo } from "../../runtime/src/server/request-info.js";
import type { SubjectAccessReviewSpec } from "../../runtime/src/cluster/reviews.js";

test("firstLetterFilter: a raw name passes when its lowercased first letter starts a name or prefix", () => {
  const may = firstLetterFilter(["x-remote-user", "authorization", "impersonate-"]);
  for (const name of ["X-Remote-User", "x-remote-group", "Authorization", "AUTHORIZATION", "Impersonate-User", "x"]) assert.equal(may(name), true, name);
  for (const name of ["Host", "User-Agent", "connection", "Content-Type", "-x", "0"]) assert.equal(may(name), false, name);
  // Not ASCII: always looked at in full (toLowerCase maps some of them into ASCII).
  assert.equal(may("\u212Aey"), true);
});

test("firstLetterFilter: an empty name or prefix passes everything; none passes nothing", () => {
  assert.equal(firstLetterFilter(["x-", ""])("Host"), true);
  assert.equal(firstLetterFilter([])("X-Remote-User"), false);
});

test("lowercaseName: the name as toLowerCase gives it, first seen or remembered", () => {
  for (let round = 0; round < 2; round++) {
    for (const name of ["X-Remote-User", "x-remote-user", "AUTHORIZATION", "\u212Aey", ""]) assert.equal(lowercaseName(name), name.toLowerCase(), name);
  }
});

/** A GET of the notebooks in namespace ns as the server parses it, with `fields` changed. */
function info(fields: Partial<RequestInfo>): RequestInfo {
  return { ...parseRequestInfo("GET", "/apis/skai.io/v1alpha1/namespaces/ns/notebooks", new URLSearchParams()), verb: "get", ...fields };
}

test("SubjectAccessReview cache: attributes that would run together are different reviews", async () => {
  const reviews: SubjectAccessReviewSpec[] = [];
  const connection = {
    request: async (_method: string, _path: string, body: { spec: SubjectAccessReviewSpec }) => {
      reviews.push(body.spec);
      return { status: 201, body: { status: { allowed: true } } };
    },
  } as unknown as ClusterConnection;
  const authorizer = createSubjectAccessReviewAuthorizer({ connection });
  const alice: UserInfo = Object.freeze({ name: "alice", groups: Object.freeze(["g"]) as string[] });
  const pairs: Array<[Partial<RequestInfo>, Partial<RequestInfo>]> = [
    [{ subresource: "status", name: "" }, { subresource: "", name: "status" }],
    [{ namespace: "a1:b", name: "" }, { namespace: "a", name: "1:b" }],
    [{ namespace: "" }, { namespace: "0:" }],
    [{ isResourceRequest: false, path: "/x", verb: "get" }, { isResourceRequest: false, path: "/xg", verb: "et" }],
  ];
  for (const [a, b] of pairs) {
    const before = reviews.length;
    await authorizer.decide(alice, info(a));
    await authorizer.decide(alice, info(b));
    assert.equal(reviews.length, before + 2, `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
    // and each is cached under its own key
    assert.deepEqual(await authorizer.decide(alice, info(a)), { allowed: true, reason: "" });
    assert.equal(reviews.length, before + 2);
  }
  const selectors = new URLSearchParams({ labelSelector: "app=x" });
  const before = reviews.length;
  await authorizer.decide(alice, info({ verb: "list" }), selectors);
  await authorizer.decide(alice, info({ verb: "list" }));
  await authorizer.decide(alice, info({ verb: "list" }), new URLSearchParams({ labelSelector: "app=y" }));
  assert.equal(reviews.length, before + 3, "selectors are part of the key");
  await authorizer.decide(alice, info({ verb: "list" }), selectors);
  assert.equal(reviews.length, before + 3);
  // A selector with no requirements is no selector to the review: the long way finds the same entry.
  await authorizer.decide(alice, info({ verb: "list" }), new URLSearchParams({ labelSelector: "" }));
  assert.equal(reviews.length, before + 3);
});

test("CompositeKeys: one key per sequence, the same string each time, different for different sequences", () => {
  let made = 0;
  const keys = new CompositeKeys((parts) => {
    made++;
    return parts.map((p) => `${p.length}:${p}`).join("");
  }, 3);
  const ab = keys.key(["a", "b"]);
  assert.equal(ab, "1:a1:b");
  assert.equal(keys.key(["a", "b"]), ab);
  assert.equal(made, 1, "made once");
  // A prefix of another sequence, the empty sequence and empty parts are sequences of their own.
  assert.equal(keys.key(["a"]), "1:a");
  assert.equal(keys.key([]), "");
  assert.equal(made, 3);
  // Past the bound everything is made again, equal to before.
  assert.equal(keys.key(["a", ""]), "1:a0:");
  assert.equal(made, 4);
  assert.equal(keys.key(["a", "b"]), ab);
  assert.equal(made, 5);
});

test("SubjectAccessReview cache: each user has decisions of its own, frozen or not", async () => {
  const reviews: SubjectAccessReviewSpec[] = [];
  const connection = {
    request: async (_method: string, _path: string, body: { spec: SubjectAccessReviewSpec }) => {
      reviews.push(body.spec);
      return { status: 201, body: { status: { allowed: body.spec.user === "alice" } } };
    },
  } as unknown as ClusterConnection;
  const authorizer = createSubjectAccessReviewAuthorizer({ connection });
  const frozen = (name: string, groups: string[]): UserInfo => Object.freeze({ name, groups: Object.freeze(groups) as string[] });
  const alice = frozen("alice", ["g"]);
  const bob = frozen("bob", ["g"]);
  const get = info({});
  assert.equal((await authorizer.decide(alice, get)).allowed, true);
  assert.equal((await authorizer.decide(bob, get)).allowed, false);
  assert.deepEqual(
    reviews.map((r) => r.user),
    ["alice", "bob"],
  );
  // Cached per user: asking again sends nothing and answers each as before.
  assert.equal((await authorizer.decide(alice, get)).allowed, true);
  assert.equal((await authorizer.decide(bob, get)).allowed, false);
  assert.equal(reviews.length, 2);
  // A user object that can change is keyed by what it holds: equal copies share one review.
  const carol = () => ({ name: "carol", groups: ["g"] });
  await authorizer.decide(carol(), get);
  await authorizer.decide(carol(), get);
  assert.equal(reviews.length, 3);
  // system:masters needs no review, frozen or not.
  assert.equal((await authorizer.decide(frozen("root", ["system:masters"]), get)).allowed, true);
  assert.equal((await authorizer.decide({ name: "root", groups: ["system:masters"] }, get)).allowed, true);
  assert.equal(reviews.length, 3);
});
