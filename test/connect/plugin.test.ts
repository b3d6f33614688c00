/**
 * kubectl-skai as kubectl runs it (`kubectl skai ...`, found on the PATH),
 * with the user's kubeconfig: logs, and `exec -it` on a real terminal in tmux
 * (raw mode, keystrokes, the window size and its changes, the exit code).
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { requires } from "../support/requirements.js";
import { type Env, openTerminal, startEnv } from "./fixtures.js";

const run = promisify(execFile);
const NB = "/apis/skai.io/v1alpha1/namespaces/ml/notebooks";
let env: Env;
let pathEnv: NodeJS.ProcessEnv;

before(async () => {
  env = await startEnv();
  env.kube.pods.add("ml", "nb1-0");
  env.kube.pods.log("ml", "nb1-0", "first");
  env.kube.pods.log("ml", "nb1-0", "second");
  const nb = await env.as("alice", NB, "POST", { apiVersion: "skai.io/v1alpha1", kind: "Notebook", metadata: { name: "nb1" }, spec: {}, status: { podName: "nb1-0" } });
  assert.equal(nb.status, 201);
  // kubectl runs any kubectl-<name> on the PATH as `kubectl <name>`.
  const bin = join(env.dir, "bin");
  mkdirSync(bin);
  const script = fileURLToPath(new URL("./plugin-bin.mjs", import.meta.url));
  writeFileSync(join(bin, "kubectl-skai"), `#!/bin/sh\nexec "${process.execPath}" "${script}" "$@"\n`);
  chmodSync(join(bin, "kubectl-skai"), 0o755);
  pathEnv = { ...process.env, PATH: `${bin}:${process.env.PATH}`, KUBECONFIG: env.kubeconfigFor("alice") };
});
after(() => env?.close());

test("kubectl skai logs follows the kubeconfig (context namespace) and prints the log", { skip: requires("kubectl") }, async () => {
  const r = await run("kubectl", ["skai", "logs", "notebook/nb1", "--tail=1"], { env: pathEnv, encoding: "utf8", timeout: 30_000, cwd: fileURLToPath(new URL("../..", import.meta.url)) });
  assert.equal(r.stdout, "second\n");
  const all = await run("kubectl", ["skai", "logs", "nb", "nb1", "-n", "ml"], { env: pathEnv, encoding: "utf8", timeout: 30_000, cwd: fileURLToPath(new URL("../..", import.meta.url)) });
  assert.equal(all.stdout, "first\nsecond\n");
  await assert.rejects(run("kubectl", ["skai", "logs", "notebook/missing"], { env: pathEnv, encoding: "utf8", timeout: 30_000 }), (e: Error & { stderr: string }) => {
    assert.match(e.stderr, /Error from server \(NotFound\): notebooks.skai.io "missing" not found/);
    return true;
  });
});

test("kubectl skai exec -it works on a tty in tmux", { skip: requires("tmux", "kubectl") }, async () => {
  const cmd = `cd ${JSON.stringify(fileURLToPath(new URL("../..", import.meta.url)))} && kubectl skai exec -it notebook/nb1 -- bash; echo "EXIT=$?"; sleep 60`;
  const term = await openTerminal("skai-exec", cmd, { width: 120, height: 40 }, { PATH: pathEnv.PATH!, KUBECONFIG: pathEnv.KUBECONFIG! });
  try {
    await term.waitFor(/^\$ ?$/m, 60_000); // capture-pane trims trailing spaces; a loaded CI machine starts node slowly
    await term.keys("echo from-tmux");
    await term.waitFor(/^from-tmux$/m);
    await term.keys("size");
    await term.waitFor(/^40 120$/m);
    await term.resize(100, 30);
    await term.keys("size");
    await term.waitFor(/^30 100$/m);
    await term.keys("exit 3");
    const end = await term.waitFor(/EXIT=3/);
    assert.match(end, /command terminated with exit code 3/);
    const rec = env.kube.pods.execRequests.at(-1)!;
    assert.deepEqual(rec.command, ["bash"]);
    assert.equal(rec.tty, true);
    assert.equal(rec.stdin, true);
  } finally {
    await term.kill();
  }
});
