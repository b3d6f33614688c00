/**
 * GET <plural>/<name>/log: the built-in pod proxy (pods/log of the stand-in
 * kube-apiserver, with follow), a user provider merging worker logs, kubectl
 * get --raw, and authorization before any backend call.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { requires } from "../support/requirements.js";
import { join } from "node:path";
import { type Env, readUntil, startEnv, until } from "./fixtures.js";

let env: Env;
const NB = "/apis/skai.io/v1alpha1/namespaces/ml/notebooks";
const TJ = "/apis/skai.io/v1alpha1/namespaces/ml/trainingjobs";

before(async () => {
  env = await startEnv();
  const pods = env.kube.pods;
  pods.add("ml", "nb1-0");
  for (let i = 0; i < 5; i++) pods.log("ml", "nb1-0", `notebook line ${i}`);
  for (const w of ["tj1-worker-0", "tj1-worker-1"]) {
    pods.add("ml", w, { labels: { "skai.io/job": "tj1" } });
    pods.log("ml", w, `${w} starting`);
  }
  pods.add("ml", "other", { labels: { "skai.io/job": "other" } });
  pods.log("ml", "other", "not a tj1 worker");
  const nb = await env.as("alice", NB, "POST", { apiVersion: "skai.io/v1alpha1", kind: "Notebook", metadata: { name: "nb1" }, spec: {}, status: { podName: "nb1-0" } });
  assert.equal(nb.status, 201, JSON.stringify(nb.body));
  await env.as("alice", NB, "POST", { apiVersion: "skai.io/v1alpha1", kind: "Notebook", metadata: { name: "pending" }, spec: {} });
  const tj = await env.as("alice", TJ, "POST", { apiVersion: "skai.io/v1alpha1", kind: "TrainingJob", metadata: { name: "tj1" }, spec: {}, status: { selector: "skai.io/job=tj1" } });
  assert.equal(tj.status, 201, JSON.stringify(tj.body));
});
after(() => env?.close());

test("log proxies pods/log of the pod named in .status.podName, passing the options on", async () => {
  const res = await env.as("alice", `${NB}/nb1/log?tailLines=2&timestamps=false`);
  assert.equal(res.status, 200);
  assert.match(String(res.headers["content-type"]), /^text\/plain/);
  assert.equal(res.body, "notebook line 3\nnotebook line 4\n");
  assert.ok(env.kube.pods.logRequests.includes("/api/v1/namespaces/ml/pods/nb1-0/log?tailLines=2"), env.kube.pods.logRequests.join("\n"));
  assert.deepEqual(env.kube.unauthenticatedCalls, [], "the backend is called with the server's own identity");
});

test("follow streams new lines as they are written and ends the backend stream when the client goes away", async () => {
  const res = await env.stream("alice", `${NB}/nb1/log?follow=true&tailLines=1`);
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers["transfer-encoding"], "chunked");
  assert.match(await readUntil(res, /notebook line 4\n/), /^notebook line 4\n$/);
  env.kube.pods.log("ml", "nb1-0", "written while following");
  assert.match(await readUntil(res, /written while following\n/), /written while following/);
  const followers = () => (env.kube.pods as unknown as { followers: Set<unknown> }).followers.size;
  assert.equal(followers(), 1);
  res.destroy();
  await until(() => followers() === 0);
});

test("a user provider streams the merged logs of all workers, one prefix per worker", async () => {
  const res = await env.as("alice", `${TJ}/tj1/log`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const lines = String(res.body).trim().split("\n").sort();
  assert.deepEqual(lines, ["[tj1-worker-0] tj1-worker-0 starting", "[tj1-worker-1] tj1-worker-1 starting"]);

  const follow = await env.stream("alice", `${TJ}/tj1/log?follow=true`);
  await readUntil(follow, /\[tj1-worker-1\] tj1-worker-1 starting\n/);
  env.kube.pods.log("ml", "tj1-worker-1", "epoch 1 loss 0.5");
  env.kube.pods.log("ml", "tj1-worker-0", "epoch 1 loss 0.6");
  const text = await readUntil(follow, /epoch 1 loss 0\.5[\s\S]*epoch 1 loss 0\.6|epoch 1 loss 0\.6[\s\S]*epoch 1 loss 0\.5/);
  assert.match(text, /\[tj1-worker-1\] epoch 1 loss 0\.5\n/);
  assert.match(text, /\[tj1-worker-0\] epoch 1 loss 0\.6\n/);
  follow.destroy();
});

test("kubectl get --raw shows the logs", { skip: requires("kubectl") }, async () => {
  const kubeconfig = env.kubeconfigFor("alice");
  // Asynchronously: the server runs in this process.
  const run = (path: string) => promisify(execFile)("kubectl", ["--kubeconfig", kubeconfig, "--cache-dir", join(env.dir, "kube-cache"), "get", "--raw", path], { encoding: "utf8", timeout: 30_000 });
  const nb = await run(`${NB}/nb1/log?tailLines=1`);
  assert.equal(nb.stdout, "written while following\n");
  const tj = await run(`${TJ}/tj1/log`);
  assert.match(tj.stdout, /^\[tj1-worker-0\] tj1-worker-0 starting$/m);
  assert.match(tj.stdout, /^\[tj1-worker-1\] epoch 1 loss 0\.5$/m);
  assert.doesNotMatch(tj.stdout, /not a tj1 worker/);
});

test("an unauthorized user gets 403 before any backend call", async () => {
  const before = env.kube.pods.logRequests.length;
  const sars = env.kube.subjectAccessReviews.length;
  const res = await env.as("mallory", `${NB}/nb1/log?follow=true`);
  assert.equal(res.status, 403);
  assert.match(res.body.message, /User "mallory" cannot get resource "notebooks\/log" in API group "skai.io" in the namespace "ml"|cannot get resource "notebooks" .*log/);
  assert.equal(env.kube.pods.logRequests.length, before, "no pods/log call");
  const sar = env.kube.subjectAccessReviews.slice(sars).find((s) => s.user === "mallory");
  assert.deepEqual({ verb: sar?.resourceAttributes?.verb, resource: sar?.resourceAttributes?.resource, subresource: sar?.resourceAttributes?.subresource }, { verb: "get", resource: "notebooks", subresource: "log" });
});

test("errors before streaming are Status responses", async () => {
  const pending = await env.as("alice", `${NB}/pending/log`);
  assert.equal(pending.status, 400);
  assert.match(pending.body.message, /notebooks.skai.io "pending" has no pod yet \(.status.podName is empty\)/);
  const missing = await env.as("alice", `${NB}/nope/log`);
  assert.equal(missing.status, 404);
  assert.equal(missing.body.reason, "NotFound");
  const bad = await env.as("alice", `${NB}/nb1/log?tailLines=-1`);
  assert.equal(bad.status, 400);
  const container = await env.as("alice", `${NB}/nb1/log?container=sidecar`);
  assert.equal(container.status, 400);
  assert.match(container.body.message, /container sidecar is not valid for pod nb1-0/);
  const unserved = await env.as("alice", "/apis/skai.io/v1alpha1/namespaces/ml/datasets/d/log");
  assert.equal(unserved.status, 404);
});
