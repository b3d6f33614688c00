/**
 * Admission of exec: the request passes the admission chain with operation
 * CONNECT and the options object (NotebookExecOptions, shaped as core/v1
 * PodExecOptions), mutating then validating, before the backend is called,
 * as kube's ConnectResource runs it (staging/src/k8s.io/apiserver/pkg/
 * endpoints/handlers/rest.go); a plugin's refusal is admission.NewForbidden
 * (pkg/admission/errors.go), the way DenyEscalatingExec-style plugins refuse
 * an exec. `log` is a getter in kube, not a connecter: no admission.
 */
import { after, before, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { type AdmissionAttributes, definePlugin } from "../../runtime/src/admission/index.js";
import { type Env, startEnv } from "./fixtures.js";

let env: Env;
const NB = "/apis/skai.io/v1alpha1/namespaces/ml/notebooks";
const exec = (cmd: string[], flags = "stdout=true") => `${NB}/nb1/exec?${cmd.map((c) => `command=${encodeURIComponent(c)}`).join("&")}&${flags}`;
const out = { stdin: false, stdout: true, stderr: false, tty: false };

/** Every CONNECT the chain ran, as the validating stage saw it. */
const connects: AdmissionAttributes[] = [];

/** A DenyEscalatingExec-style policy: no interactive shells. */
const noShells = definePlugin({
  name: "NoInteractiveShells",
  operations: ["CONNECT"],
  resources: ["notebooks/exec"],
  validate(a) {
    const command = (a.object?.command as string[] | undefined) ?? [];
    if (["sh", "bash"].includes(command[0] ?? "")) throw new Error(`interactive shells are not allowed (command ${JSON.stringify(command[0])})`);
  },
});

/** Mutating: an exec without a container goes to the sidecar. */
const sidecarByDefault = definePlugin({
  name: "SidecarByDefault",
  operations: ["CONNECT"],
  mutate(a) {
    if (a.resource.subresource === "exec" && a.object && !a.object.container) a.object.container = "sidecar";
  },
});

const recorder = definePlugin({
  name: "Recorder",
  operations: ["CONNECT", "CREATE", "UPDATE", "DELETE"],
  validate(a) {
    if (a.operation === "CONNECT") connects.push(structuredClone(a));
  },
});

before(async () => {
  env = await startEnv({ admissionPlugins: [sidecarByDefault, noShells, recorder] });
  env.kube.pods.add("ml", "nb1-0", { containers: ["notebook", "sidecar"] });
  env.kube.pods.log("ml", "nb1-0", "ready");
  const nb = await env.as("alice", NB, "POST", { apiVersion: "skai.io/v1alpha1", kind: "Notebook", metadata: { name: "nb1" }, spec: {}, status: { podName: "nb1-0" } });
  assert.equal(nb.status, 201, JSON.stringify(nb.body));
});
after(() => env?.close());
beforeEach(() => {
  connects.length = 0;
});

test("a plugin refusing CONNECT for a command stops the exec with its message, before the backend", async () => {
  const calls = env.kube.pods.execRequests.length;
  await assert.rejects(env.exec("alice", exec(["sh"], "stdin=true&stdout=true&tty=true"), { stdin: true, stdout: true, stderr: false, tty: true }), (e: Error & { status?: unknown }) => {
    assert.deepEqual(e.status, {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: 'notebooks.skai.io "nb1" is forbidden: interactive shells are not allowed (command "sh")',
      reason: "Forbidden",
      details: { name: "nb1", group: "skai.io", kind: "notebooks" },
      code: 403,
    });
    return true;
  });
  assert.equal(env.kube.pods.execRequests.length, calls, "no pods/exec call");
});

test("the chain sees operation CONNECT with the NotebookExecOptions object, the name, namespace and user", async () => {
  const p = await env.exec("alice", exec(["echo", "hi"], "stdout=true&stderr=true"), { ...out, stderr: true });
  assert.equal(await p.exit, 0);
  assert.equal(connects.length, 1);
  const a = connects[0];
  assert.equal(a.operation, "CONNECT");
  assert.equal(a.name, "nb1");
  assert.equal(a.namespace, "ml");
  assert.deepEqual(a.resource, { group: "skai.io", version: "v1alpha1", resource: "notebooks", subresource: "exec" });
  assert.deepEqual(a.kind, { group: "skai.io", version: "v1alpha1", kind: "NotebookExecOptions" });
  assert.deepEqual(a.object, {
    kind: "NotebookExecOptions",
    apiVersion: "skai.io/v1alpha1",
    stdin: false,
    stdout: true,
    stderr: true,
    tty: false,
    container: "sidecar",
    command: ["echo", "hi"],
  });
  assert.equal(a.user.name, "alice");
  assert.equal(a.dryRun, false);
});

test("a mutating plugin's change of the options reaches the backend", async () => {
  const p = await env.exec("alice", exec(["echo", "x"]), out);
  assert.equal(await p.exit, 0);
  assert.equal(env.kube.pods.execRequests.at(-1)!.container, "sidecar");
  const q = await env.exec("alice", exec(["echo", "y"], "stdout=true&container=notebook"), out);
  assert.equal(await q.exit, 0);
  assert.equal(env.kube.pods.execRequests.at(-1)!.container, "notebook", "an explicit container is left alone");
});

test("log is not a connecter: no CONNECT admission", async () => {
  const res = await env.as("alice", `${NB}/nb1/log?container=notebook`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body, "ready\n");
  assert.equal(connects.length, 0);
});
