// The example controller (examples/controller) run as a user would, against the generated
// server: it marks Notebooks Ready, and the real kubectl's `wait --for=condition=Ready` sees it.
import assert from "node:assert/strict";
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { after, before, test } from "node:test";
import { SkaiClient } from "../../generated/src/client/index.js";
import { requires } from "../support/requirements.js";
import type { Notebook } from "../../generated/src/skai.io/v1alpha1/types.js";
import { sample } from "./helpers/samples.js";
import { ServerProcess } from "./helpers/server.js";
import { ROOT } from "./helpers/typecheck.js";

let server: ServerProcess;
let controller: ChildProcess;
let client: SkaiClient;
let controllerLog = "";

before(async () => {
  server = await ServerProcess.start();
  client = new SkaiClient(server.kubeconfig);
  controller = spawn(process.execPath, ["--import", "tsx", join(ROOT, "examples/controller/main.ts")], {
    cwd: ROOT,
    // KUBECONFIG as a user sets it; the example's tsconfig maps @skai/api to the generated sources.
    env: { ...process.env, KUBECONFIG: server.kubeconfig, TSX_TSCONFIG_PATH: join(ROOT, "examples/controller/tsconfig.json") },
    stdio: ["ignore", "pipe", "pipe"],
  });
  controller.stdout!.on("data", (d: Buffer) => (controllerLog += d.toString()));
  controller.stderr!.on("data", (d: Buffer) => (controllerLog += d.toString()));
});
after(async () => {
  controller?.kill("SIGTERM");
  client?.close();
  await server?.stop();
});

test("the example controller marks Notebooks Ready and kubectl wait sees it", { timeout: 120_000, skip: requires("kubectl") }, async () => {
  const ns = "controller";
  const nbs = client.skaiV1alpha1.notebooks(ns);
  const base = sample("notebook", "x") as unknown as Notebook;
  await nbs.create({ ...base, metadata: { name: "x" } });
  await nbs.create({ ...base, metadata: { name: "sleepy" }, spec: { ...base.spec, suspend: true } });

  const kubectl = promisify(execFile);
  const { stdout } = await kubectl(
    "/usr/bin/kubectl",
    ["--kubeconfig", server.kubeconfig, "wait", "--for=condition=Ready", "notebook/x", "-n", ns, "--timeout=60s"],
    { timeout: 90_000 },
  ).catch((e: { stdout?: string; stderr?: string }) => {
    throw new Error(`kubectl wait failed: ${e.stderr ?? e}\ncontroller:\n${controllerLog}`);
  });
  assert.match(stdout, /notebook\.skai\.io\/x condition met/);

  const x = await nbs.get("x");
  assert.equal(x.status?.phase, "Running");
  assert.equal(x.status?.observedGeneration, x.metadata.generation);
  // The suspended one is reconciled too, to Stopped with Ready=False.
  const end = Date.now() + 15_000;
  let sleepy = await nbs.get("sleepy");
  while (sleepy.status?.phase !== "Stopped" && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 100));
    sleepy = await nbs.get("sleepy");
  }
  assert.equal(sleepy.status?.phase, "Stopped");
  assert.equal(sleepy.status?.conditions?.find((c) => c.type === "Ready")?.status, "False");

  // A spec change goes through the informer to a new status.
  await nbs.patch("sleepy", { spec: { suspend: false } });
  const { stdout: out2 } = await kubectl("/usr/bin/kubectl", ["--kubeconfig", server.kubeconfig, "wait", "--for=jsonpath={.status.phase}=Running", "notebook/sleepy", "-n", ns, "--timeout=60s"]);
  assert.match(out2, /condition met/);
});
