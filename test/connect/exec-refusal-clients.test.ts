/**
 * What the clients show when an exec is refused before the upgrade: the typed
 * client's exec() and the plain exec client throw the server's Status (kube's
 * message, code and reason, as client-go's websocket round tripper turns a
 * refused handshake into the StatusError it carries), and kubectl-skai prints
 * kubectl's `Error from server (Forbidden): ...` line, plus what is missing
 * when the refusal names no reason (RBAC's answer to the `create` check).
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { KubeConfig } from "@kubernetes/client-node";
import { definePlugin } from "../../runtime/src/admission/index.js";
import { StatusError } from "../../runtime/src/api/status.js";
import { ApiError, ClientBase } from "@skai-gen/client";
import { descriptorOf } from "../../client/src/plugin/kinds.js";
import type { RecordedSar } from "../support/fake-kube-apiserver.js";
import { type Env, startEnv } from "./fixtures.js";

let env: Env;
const NB = "/apis/skai.io/v1alpha1/namespaces/ml/notebooks";
const notebookKind = { group: "skai.io", version: "v1alpha1", kind: "Notebook", plural: "notebooks", singular: "notebook", shortNames: ["nb"], namespaced: true, log: true, exec: true };
const pluginBin = fileURLToPath(new URL("./plugin-bin.mjs", import.meta.url));

/** `viewer-*`: get, list and watch only; anyone else: everything. */
const policy = (spec: RecordedSar) => ({ allowed: !spec.user?.startsWith("viewer-") || ["get", "list", "watch"].includes(String(spec.resourceAttributes?.verb)) });

const noShells = definePlugin({
  name: "NoInteractiveShells",
  operations: ["CONNECT"],
  validate(a) {
    if ((a.object?.command as string[] | undefined)?.[0] === "sh") throw new Error("interactive shells are not allowed");
  },
});

before(async () => {
  env = await startEnv({ admissionPlugins: [noShells] });
  env.kube.authorize = policy;
  env.kube.pods.add("ml", "nb1-0");
  const nb = await env.as("alice", NB, "POST", { apiVersion: "skai.io/v1alpha1", kind: "Notebook", metadata: { name: "nb1" }, spec: {}, status: { podName: "nb1-0" } });
  assert.equal(nb.status, 201, JSON.stringify(nb.body));
});
after(() => env?.close());

async function typedClientExec(user: string, command: string[]): Promise<unknown> {
  const kc = new KubeConfig();
  kc.loadFromFile(env.kubeconfigFor(user));
  const client = new ClientBase({ kubeConfig: kc, timeoutMs: 0 });
  try {
    const conn = await client.resource(descriptorOf(notebookKind), "ml").exec("nb1", command);
    conn.close();
    return undefined;
  } catch (err) {
    return err;
  } finally {
    client.close();
  }
}

test("the typed client's exec() throws an ApiError with kube's Status, not the handshake's status line", async () => {
  const err = await typedClientExec("viewer-typed", ["echo", "hi"]);
  assert.ok(err instanceof ApiError, String(err));
  assert.equal(err.code, 403);
  assert.equal(err.reason, "Forbidden");
  assert.ok(err.isForbidden());
  assert.equal(err.message, 'notebooks.skai.io "nb1" is forbidden: ');
  assert.deepEqual(err.details, { name: "nb1", group: "skai.io", kind: "notebooks" });
  const refused = await typedClientExec("editor-typed", ["sh"]);
  assert.ok(refused instanceof ApiError);
  assert.equal(refused.message, 'notebooks.skai.io "nb1" is forbidden: interactive shells are not allowed');
});

test("the plain exec client throws a StatusError carrying the Status", async () => {
  await assert.rejects(env.exec("viewer-plain", `${NB}/nb1/exec?command=echo&stdout=true`, { stdin: false, stdout: true, stderr: false, tty: false }), (e: unknown) => {
    assert.ok(e instanceof StatusError);
    assert.equal(e.status.code, 403);
    assert.equal(e.status.reason, "Forbidden");
    assert.doesNotMatch(e.message, /Unexpected server response/);
    return true;
  });
});

async function plugin(user: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await promisify(execFile)(process.execPath, [pluginBin, ...args], { env: { ...process.env, KUBECONFIG: env.kubeconfigFor(user) }, encoding: "utf8", timeout: 30_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

test("kubectl-skai exec prints kube's refusal and, when it names no reason, what is missing", async () => {
  const r = await plugin("viewer-cli", "exec", "notebook/nb1", "--", "echo", "hi");
  assert.equal(r.code, 1);
  assert.equal(
    r.stderr,
    'Error from server (Forbidden): notebooks.skai.io "nb1" is forbidden: \n' +
      'exec needs the "create" verb on "notebooks/exec" in the namespace "ml"; "get" alone does not grant it\n',
  );
  assert.equal(r.stdout, "");
});

test("kubectl-skai exec prints an admission plugin's refusal as it is", async () => {
  const r = await plugin("editor-cli", "exec", "notebook/nb1", "--", "sh");
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'Error from server (Forbidden): notebooks.skai.io "nb1" is forbidden: interactive shells are not allowed\n');
  const ok = await plugin("editor-cli", "exec", "notebook/nb1", "--", "echo", "allowed");
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout, "allowed\n");
});
